//! The polling fallback (Windows, whose `WaitOnAddress` is process-private, and every
//! other platform without a shared address wait; macOS before 14.4): a bounded spin,
//! then sleeps that double from 50 µs to 1 ms. Still correct (the value is re-read after
//! every step, so a change is never missed), but a change is seen up to 1 ms late and an
//! idle waiter wakes up to 1000 times a second. Notifying does nothing.

use core::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Spins before the first sleep.
const SPINS: u32 = 100;
/// The first and the longest sleep.
const FIRST_SLEEP: Duration = Duration::from_micros(50);
const MAX_SLEEP: Duration = Duration::from_millis(1);

/// Polls until `*word != expected` or `timeout` has passed.
pub(super) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    for _ in 0..SPINS {
        if word.load(Ordering::Acquire) != expected {
            return;
        }
        core::hint::spin_loop();
    }
    let start = Instant::now();
    let mut sleep = FIRST_SLEEP;
    while word.load(Ordering::Acquire) == expected {
        let step = match timeout {
            Some(t) => match t.checked_sub(start.elapsed()) {
                Some(left) if !left.is_zero() => sleep.min(left),
                _ => return,
            },
            None => sleep,
        };
        std::thread::sleep(step);
        sleep = (sleep * 2).min(MAX_SLEEP);
    }
}

/// Nothing to wake: pollers see the change by themselves.
#[allow(dead_code)] // used only where this is the platform's wait
pub(super) fn wake(_word: &AtomicU32, _n: i32) -> Option<usize> {
    None
}
