//! Linux (and Android): the shared futex. `FUTEX_WAIT` / `FUTEX_WAKE` **without**
//! `FUTEX_PRIVATE_FLAG`, so the kernel keys the wait queue by the physical page (inode
//! and offset for a file mapping) and waiters and notifiers may be different processes
//! mapping the same memory.

use core::ptr;
use core::sync::atomic::AtomicU32;
use std::time::Duration;

/// Blocks while `*word == expected`, for at most `timeout` (`None`: no limit). Returns
/// on a wake-up, a time-out, a signal or a spurious wake-up alike: the caller re-checks.
pub(super) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    // A relative time-out, recomputed by the caller from its deadline before every call,
    // so an EINTR or spurious return never extends the wait.
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
        tv_nsec: t.subsec_nanos() as _,
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live, 4-byte aligned `AtomicU32` for the whole call (a
    // reference); FUTEX_WAIT only reads it (atomically, in the kernel) and `ts_ptr` is
    // null or points to `ts`, alive until the call returns. The result (0, EAGAIN,
    // EINTR, ETIMEDOUT) needs no handling: the caller re-reads the word.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            ts_ptr,
            ptr::null::<u32>(),
            0u32,
        );
    }
}

/// Wakes up to `n` waiters on `word`; returns how many the kernel woke.
pub(super) fn wake(word: &AtomicU32, n: i32) -> Option<usize> {
    // SAFETY: `word` is a live, aligned `AtomicU32`; FUTEX_WAKE does not access the
    // memory, it only looks up the wait queue of its address.
    let r = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            n,
            ptr::null::<libc::timespec>(),
            ptr::null::<u32>(),
            0u32,
        )
    };
    usize::try_from(r).ok()
}
