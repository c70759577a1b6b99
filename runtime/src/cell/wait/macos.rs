//! macOS: `os_sync_wait_on_address` with `OS_SYNC_WAIT_ON_ADDRESS_SHARED` (macOS 14.4
//! and later), looked up at run time with `dlsym` so that binaries still start on older
//! systems, where waits fall back to polling (`poll.rs`).

use core::sync::atomic::AtomicU32;
use std::sync::OnceLock;
use std::time::Duration;

use super::poll;

type WaitFn = unsafe extern "C" fn(*mut libc::c_void, u64, libc::size_t, u32, u32, u64) -> i32;
type WaitForeverFn = unsafe extern "C" fn(*mut libc::c_void, u64, libc::size_t, u32) -> i32;
type WakeFn = unsafe extern "C" fn(*mut libc::c_void, libc::size_t, u32) -> i32;

struct Api {
    wait_timeout: WaitFn,
    wait: WaitForeverFn,
    wake_any: WakeFn,
    wake_all: WakeFn,
}

/// A symbol's address as a function pointer.
///
/// # Safety
///
/// `p` is the address of a function whose signature is `F` (a function pointer type).
unsafe fn as_fn<F: Copy>(p: *mut libc::c_void) -> F {
    const { assert!(core::mem::size_of::<F>() == core::mem::size_of::<*mut libc::c_void>()) };
    // SAFETY: same size (asserted); the caller guarantees `p` is a function of type `F`.
    unsafe { core::mem::transmute_copy::<*mut libc::c_void, F>(&p) }
}

fn api() -> Option<&'static Api> {
    static API: OnceLock<Option<Api>> = OnceLock::new();
    API.get_or_init(|| {
        let sym = |name: &core::ffi::CStr| {
            // SAFETY: `name` is a NUL-terminated string; RTLD_DEFAULT searches the
            // images already loaded (libSystem), and dlsym has no other precondition.
            let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
            (!p.is_null()).then_some(p)
        };
        let wt = sym(c"os_sync_wait_on_address_with_timeout")?;
        let w = sym(c"os_sync_wait_on_address")?;
        let any = sym(c"os_sync_wake_by_address_any")?;
        let all = sym(c"os_sync_wake_by_address_all")?;
        // SAFETY (each block): the symbols are libSystem's functions of exactly these C
        // signatures (os/os_sync_wait_on_address.h), so the pointers may be called so.
        Some(Api {
            // SAFETY: see above.
            wait_timeout: unsafe { as_fn::<WaitFn>(wt) },
            // SAFETY: see above.
            wait: unsafe { as_fn::<WaitForeverFn>(w) },
            // SAFETY: see above.
            wake_any: unsafe { as_fn::<WakeFn>(any) },
            // SAFETY: see above.
            wake_all: unsafe { as_fn::<WakeFn>(all) },
        })
    })
    .as_ref()
}

/// Blocks while `*word == expected`, for at most `timeout`; any return means "re-check".
pub(super) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let Some(api) = api() else {
        return poll::wait(word, expected, timeout);
    };
    let addr = word.as_ptr().cast();
    match timeout {
        // SAFETY: `addr` is a live, aligned 4-byte atomic for the call, which the kernel
        // only reads; size 4 matches it. Errors (EINTR, ETIMEDOUT) need no handling.
        Some(t) => unsafe {
            (api.wait_timeout)(
                addr,
                u64::from(expected),
                4,
                libc::OS_SYNC_WAIT_ON_ADDRESS_SHARED,
                libc::OS_CLOCK_MACH_ABSOLUTE_TIME,
                u64::try_from(t.as_nanos()).unwrap_or(u64::MAX).max(1),
            );
        },
        // SAFETY: as above.
        None => unsafe {
            (api.wait)(
                addr,
                u64::from(expected),
                4,
                libc::OS_SYNC_WAIT_ON_ADDRESS_SHARED,
            );
        },
    }
}

/// Wakes one (`n == 1`) or all waiters; macOS does not say how many.
pub(super) fn wake(word: &AtomicU32, n: i32) -> Option<usize> {
    let api = api()?;
    let f = if n == 1 { api.wake_any } else { api.wake_all };
    // SAFETY: `word` is a live, aligned 4-byte atomic; waking only looks up its queue.
    unsafe {
        f(
            word.as_ptr().cast(),
            4,
            libc::OS_SYNC_WAKE_BY_ADDRESS_SHARED,
        )
    };
    None
}
