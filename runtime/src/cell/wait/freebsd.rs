//! FreeBSD: `_umtx_op(UMTX_OP_WAIT_UINT)` / `UMTX_OP_WAKE`, the shared (not `_PRIVATE`)
//! forms, which key the wait by the backing object so they work across processes.

use core::ptr;
use core::sync::atomic::AtomicU32;
use std::time::Duration;

/// Blocks while `*word == expected`, for at most `timeout`; any return means "re-check".
pub(super) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let mut ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
        tv_nsec: t.subsec_nanos() as _,
    });
    // With a time-out, `uaddr` carries the size of the struct and `uaddr2` points to it
    // (a relative `timespec`).
    let (size, tsp) = match ts.as_mut() {
        Some(t) => (
            core::mem::size_of::<libc::timespec>() as *mut libc::c_void,
            t as *mut libc::timespec as *mut libc::c_void,
        ),
        None => (ptr::null_mut(), ptr::null_mut()),
    };
    // SAFETY: `word` is a live, aligned `AtomicU32` for the call; the kernel only reads
    // it; `tsp` is null or points to `ts`, alive until the call returns. Errors (EINTR,
    // ETIMEDOUT) need no handling: the caller re-reads the word.
    unsafe {
        libc::_umtx_op(
            word.as_ptr().cast(),
            libc::UMTX_OP_WAIT_UINT,
            expected as libc::c_ulong,
            size,
            tsp,
        );
    }
}

/// Wakes up to `n` waiters; FreeBSD does not say how many it woke.
pub(super) fn wake(word: &AtomicU32, n: i32) -> Option<usize> {
    // SAFETY: `word` is a live, aligned `AtomicU32`; UMTX_OP_WAKE only looks up the
    // wait queue of its address.
    unsafe {
        libc::_umtx_op(
            word.as_ptr().cast(),
            libc::UMTX_OP_WAKE,
            n as libc::c_ulong,
            ptr::null_mut(),
            ptr::null_mut(),
        );
    }
    None
}
