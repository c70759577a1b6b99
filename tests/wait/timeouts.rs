//! Time-outs return `TimedOut` (the outcome only: no assertion on the time taken).

use std::time::Duration;

use shm_atomics::{Atomic, Event, Layout, Region, WaitOutcome, atomic_layout};

const SHORT: Duration = Duration::from_millis(20);

#[atomic_layout]
pub struct Flags {
    pub a: u32,
    pub b: i32,
    pub c: [u8; 4],
    pub d: f32,
    pub ready: Event,
    pub wide: u64,
}

/// Proves every 32-bit cell type (owned, and as a layout field over a region) offers
/// `wait_timeout`, which returns `TimedOut` while the value is unchanged and `Changed`
/// without blocking when it already differs.
#[test]
fn every_32_bit_cell_times_out_while_unchanged() {
    assert_eq!(
        Atomic::new(7u32).wait_timeout(7, SHORT),
        WaitOutcome::TimedOut
    );
    assert_eq!(
        Atomic::new(-7i32).wait_timeout(-7, SHORT),
        WaitOutcome::TimedOut
    );
    assert_eq!(
        Atomic::new(*b"abcd").wait_timeout(*b"abcd", SHORT),
        WaitOutcome::TimedOut
    );
    assert_eq!(
        Atomic::new(1.5f32).wait_timeout(1.5, SHORT),
        WaitOutcome::TimedOut
    );
    assert_eq!(
        Atomic::new(7u32).wait_timeout(8, SHORT),
        WaitOutcome::Changed
    );

    let mut buf = vec![0u64; Flags::SIZE / 8 + 1];
    // SAFETY: `buf` outlives the region, is only accessed through it and is aligned to 8.
    let region = unsafe { Region::from_raw_parts(buf.as_mut_ptr().cast(), Flags::SIZE) };
    let f: &Flags = region.view().expect("view");
    assert_eq!(f.a().wait_timeout(0, SHORT), WaitOutcome::TimedOut);
    assert_eq!(f.b().wait_timeout(0, SHORT), WaitOutcome::TimedOut);
    assert_eq!(f.c().wait_timeout([0; 4], SHORT), WaitOutcome::TimedOut);
    assert_eq!(f.d().wait_timeout(0.0, SHORT), WaitOutcome::TimedOut);
    assert!(!f.ready().wait_until(|| f.wide().load() > 0, Some(SHORT)));
    assert_eq!(
        f.ready()
            .wait_for_notify(f.ready().generation(), Some(SHORT)),
        WaitOutcome::TimedOut
    );
}

/// Proves a notification without a change does not end a cell wait (it is absorbed as
/// spurious) and that a zero time-out never blocks.
#[test]
fn notification_without_change_is_absorbed() {
    let cell = Atomic::new(0u32);
    std::thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..50 {
                cell.notify_all();
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        assert_eq!(
            cell.wait_timeout(0, Duration::from_millis(30)),
            WaitOutcome::TimedOut
        );
    });
    assert_eq!(cell.wait_timeout(0, Duration::ZERO), WaitOutcome::TimedOut);
    assert!(!Event::new().wait_until(|| false, Some(Duration::ZERO)));
}
