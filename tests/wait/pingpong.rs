//! Two processes hand a token back and forth through `wait`/`notify_one` on one `u32`.

use std::path::Path;

use shm_atomics::{Segment, WaitOutcome, atomic_layout};

use crate::{PATIENCE, worker};

#[atomic_layout]
pub struct PingPong {
    /// Hand-offs so far: even = the parent's turn, odd = the child's.
    pub turn: u32,
    /// Hand-offs each side received.
    pub got_parent: u32,
    pub got_child: u32,
}

const HANDOFFS: u32 = 100_000;
const ENV: &str = "SHM_ATOMICS_WAIT_PINGPONG";

/// Plays one side: waits for `turn` to reach each of its values (`parity`, `parity + 2`,
/// ...), checks that it moved by exactly one (no hand-off skipped or repeated), and
/// passes the token on. Returns the hand-offs received.
fn play(seg: &PingPong, parity: u32) -> u32 {
    let mut got = 0;
    let mut want = parity;
    while want < HANDOFFS {
        let mut v = seg.turn().load();
        while v != want {
            // The only other writer moves `turn` from want - 1 to want.
            assert_eq!(
                v + 1,
                want,
                "hand-off skipped or repeated: saw {v}, want {want}"
            );
            let r = seg.turn().wait_timeout(v, PATIENCE);
            assert_ne!(r, WaitOutcome::TimedOut, "lost wake-up at hand-off {want}");
            v = seg.turn().load();
        }
        got += 1;
        seg.turn().store(want + 1);
        seg.turn().notify_one();
        want += 2;
    }
    got
}

/// Proves cross-process wake-ups work (a private futex, as the `atomic-wait` crate uses,
/// would leave the first waiter asleep until PATIENCE and fail) and that every hand-off
/// is seen exactly once by the side it was for: 100,000 hand-offs, 50,000 per side.
#[test]
fn hundred_thousand_handoffs_between_two_processes() {
    if let Ok(path) = std::env::var(ENV) {
        let seg = Segment::<PingPong>::open(Path::new(&path)).expect("child opens");
        let got = play(&seg, 1);
        seg.got_child().store(got);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pingpong");
    let seg = Segment::<PingPong>::create(&path).expect("create");
    let mut child = worker(
        test_name!(hundred_thousand_handoffs_between_two_processes),
        ENV,
        path.display().to_string(),
    )
    .spawn()
    .expect("spawn");
    let got = play(&seg, 0);
    seg.got_parent().store(got);
    let status = crate::common::wait_or_kill(&mut child, "the child");
    assert!(status.success(), "child failed: {status}");
    assert_eq!(seg.turn().load(), HANDOFFS);
    assert_eq!(seg.got_parent().load(), HANDOFFS / 2);
    assert_eq!(seg.got_child().load(), HANDOFFS / 2);
}
