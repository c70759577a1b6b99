//! Who is writing: this process's id and whether another process is alive, for the
//! dead-writer detection of [`Seq`](crate::Seq).
//!
//! With `std` on unix a process is dead when `kill(pid, 0)` fails with `ESRCH`. Limits:
//! process ids are reused, so a writer that died long ago whose id now belongs to another
//! process looks alive (readers then wait as for a live writer; the bounded `try_`
//! operations return [`SeqError::Busy`](crate::SeqError::Busy)); and every process that
//! writes a record must share one pid namespace (a writer in another container's
//! namespace is named by an id that means another process, or none, here: do not share
//! records written across pid namespaces). Without `std`, or on other systems, writers
//! record 0 ("unknown") and are never considered dead.

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

/// Whether process `pid` may still be running; `0` (unknown) is always alive.
pub(crate) fn alive(pid: u32) -> bool {
    #[cfg(all(feature = "std", unix))]
    {
        let Ok(p) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if p <= 0 {
            // 0 is "unknown"; kill(0 or negative, ..) would address a process group.
            return true;
        }
        // SAFETY: signal 0 sends nothing; kill only checks that the process exists and
        // may be signalled.
        let r = unsafe { libc::kill(p, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(all(feature = "std", unix)))]
    {
        let _ = pid;
        true
    }
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
