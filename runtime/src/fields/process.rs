//! Processes: this process's id and effective user id, and whether another process is
//! alive ([`process_alive`], the crate's one liveness rule), for the dead-writer
//! detection of [`Seq`](crate::Seq), the sweep of temporary files of creators that are
//! gone, and tools.
//!
//! With `std` on unix a process is dead when `kill(pid, 0)` fails with `ESRCH`. Limits:
//! process ids are reused, so a writer that died long ago whose id now belongs to another
//! process looks alive (readers then wait as for a live writer; the bounded `try_`
//! operations return [`SeqError::Busy`](crate::SeqError::Busy)); and every process that
//! writes a record must share one pid namespace (a writer in another container's
//! namespace is named by an id that means another process, or none, here: do not share
//! records written across pid namespaces). Without `std`, or on other systems, writers
//! record 0 ("unknown") and are never considered dead; nor is a writer recorded with an id
//! above `i32::MAX` (which `kill` cannot be asked about).

/// The id this process records in a sequence word (0 where it cannot be told).
#[inline]
pub(crate) fn me() -> u32 {
    #[cfg(all(feature = "std", unix))]
    {
        std::process::id()
    }
    #[cfg(not(all(feature = "std", unix)))]
    {
        0
    }
}

/// Whether a process with id `pid` exists now, as `kill(pid, 0)` tells: the one liveness
/// rule of the crate, used for the writers of [`Seq`](crate::Seq) records, the creators
/// of temporary files (`remove_leftovers`) and the `shma` tool.
///
/// - `Some(true)`: a process has this id (`kill` succeeds, or is refused for permission:
///   the process exists but belongs to another user).
/// - `Some(false)`: no process has it (`kill` fails with `ESRCH`).
/// - `None`: it cannot be told. `pid` is 0, which names no process (sequence words and
///   creator pids record 0 for "unknown"), or above `i32::MAX`, which does not fit
///   `pid_t` as a positive number (`kill` with 0 or a negative number would address a
///   process group, so it is not asked); or the build has no `std` or is not unix. A
///   writer so recorded is never declared dead (docs/FORMAT.md, section 13).
///
/// Process ids are reused: `Some(true)` says only that *some* process has the id now, not
/// that it is the one that recorded it; and the answer is for this process's pid
/// namespace. Cost: one system call.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::process_alive;
///
/// assert_eq!(process_alive(std::process::id()), Some(true));
/// assert_eq!(process_alive(0), None);
/// assert_eq!(process_alive(u32::MAX), None);
/// ```
pub fn process_alive(pid: u32) -> Option<bool> {
    #[cfg(all(feature = "std", unix))]
    {
        let p = libc::pid_t::try_from(pid).ok().filter(|&p| p > 0)?;
        // SAFETY: signal 0 sends nothing; kill only checks that the process exists and
        // may be signalled. `p` is positive, so it names one process, not a group.
        let r = unsafe { libc::kill(p, 0) };
        Some(r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH))
    }
    #[cfg(not(all(feature = "std", unix)))]
    {
        let _ = pid;
        None
    }
}

/// Whether the writer `pid` of a sequence word may still be running: dead only when
/// [`process_alive`] says so; `0` (unknown) is always alive.
pub(crate) fn alive(pid: u32) -> bool {
    process_alive(pid) != Some(false)
}

/// This process's effective user id (for segments' owner checks).
#[cfg(all(feature = "shm", unix))]
pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// One step of waiting: a pause hint, and with `std` a yield after the first spins.
#[inline]
pub(crate) fn relax(spins: u32) {
    core::hint::spin_loop();
    #[cfg(feature = "std")]
    if spins > 64 {
        std::thread::yield_now();
    }
    #[cfg(not(feature = "std"))]
    let _ = spins;
}

#[cfg(all(test, feature = "std", unix))]
mod tests {
    use super::*;

    #[test]
    fn the_liveness_rule() {
        assert_eq!(process_alive(std::process::id()), Some(true));
        // A reaped child: no process has its id (until the id is reused, which needs the
        // pid space to wrap around while this test runs).
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("run true");
        let pid = child.id();
        child.wait().expect("reap true");
        assert_eq!(process_alive(pid), Some(false));
        assert!(!alive(pid));
        // 0 names no process: unknown, so a writer recorded as 0 is never dead.
        assert_eq!(process_alive(0), None);
        assert!(alive(0));
        // Ids that do not fit a positive pid_t: kill is not asked (it would address a
        // process group), so they cannot be told, and a writer so recorded is not dead.
        for pid in [1 << 31, u32::MAX] {
            assert_eq!(process_alive(pid), None);
            assert!(alive(pid));
        }
        // pid 1 exists in every pid namespace (init), whoever owns it.
        assert_eq!(process_alive(1), Some(true));
    }
}
