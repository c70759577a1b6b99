//! C processes waiting and notifying alongside Rust ones, through the `static inline`
//! functions of the generated header (`shm_atomics_wait_u32`, `shm_atomics_notify_u32`,
//! `shm_atomics_event_*`), compiled with gcc in strict C11.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use shm_atomics::{Event, Layout, Segment, WaitOutcome, atomic_layout};

use crate::futex::thread_in_futex;
use crate::{PATIENCE, asleep, eventually, register, worker};

#[atomic_layout]
pub struct Relay {
    /// The ping-pong token: even = Rust's turn, odd = C's.
    pub turn: u32,
    /// The condition the event waiters wait for (64-bit: not a futex word).
    pub go: u64,
    pub ready: Event,
    /// Waiters that saw `go` (each adds one, then notifies this word).
    pub woken: u32,
    /// The Rust waiters' processes and waiting threads (see `register`).
    pub registered: u32,
    pub pids: [u32; 4],
    pub tids: [u32; 4],
}

const HANDOFFS: u32 = 20_000;
const ENV: &str = "SHM_ATOMICS_WAIT_C";

/// `c_relay pingpong FILE N`: plays the odd side of the ping-pong;
/// `c_relay wait FILE`: waits on `ready` until `go != 0`, counts itself;
/// `c_relay go FILE`: sets `go`, notifies every waiter of `ready`.
const C_RELAY: &str = r#"
#include "relay.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATIENCE_NS INT64_C(60000000000)

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: c_relay pingpong|wait|go FILE [N]\n"); return 2; }
    int fd = open(argv[2], O_RDWR);
    if (fd < 0) { perror("open"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    Relay *s = relay_segment(map, (size_t)st.st_size);
    if (s == NULL) { fprintf(stderr, "not a Relay segment\n"); return 3; }
    if (strcmp(argv[1], "pingpong") == 0) {
        uint32_t n = (uint32_t)strtoul(argv[3], NULL, 10);
        for (uint32_t want = 1; want < n; want += 2) {
            uint32_t v = atomic_load(&s->turn);
            while (v != want) {
                if (v + 1 != want) { fprintf(stderr, "skipped: saw %u want %u\n", v, want); return 4; }
                if (shm_atomics_wait_u32(&s->turn, v, PATIENCE_NS) == SHM_ATOMICS_WAIT_TIMED_OUT) {
                    fprintf(stderr, "lost wake-up at %u\n", want);
                    return 5;
                }
                v = atomic_load(&s->turn);
            }
            atomic_store(&s->turn, want + 1);
            shm_atomics_notify_u32(&s->turn, 0);
        }
        return 0;
    }
    if (strcmp(argv[1], "wait") == 0) {
        for (;;) {
            uint32_t g = shm_atomics_event_generation(&s->ready);
            if (atomic_load(&s->go) != 0) break;
            if (shm_atomics_wait_u32(&s->ready, g, PATIENCE_NS) == SHM_ATOMICS_WAIT_TIMED_OUT) return 6;
        }
        atomic_fetch_add(&s->woken, 1);
        shm_atomics_notify_u32(&s->woken, 1);
        return 0;
    }
    if (strcmp(argv[1], "go") == 0) {
        atomic_store(&s->go, 1);
        int n = shm_atomics_event_notify(&s->ready, 1);
        printf("%d\n", n);
        return 0;
    }
    return 2;
}
"#;

fn build_c(dir: &Path) -> PathBuf {
    crate::common::build_c_program(dir, &[("relay.h", Relay::c_header())], "c_relay", C_RELAY)
}

/// Proves the header's futex wait and wake interoperate with Rust's in both directions:
/// a C process and this Rust process hand the token back and forth 20,000 times, each
/// hand-off seen exactly once (C exits non-zero on a skipped or lost one).
#[test]
fn c_and_rust_ping_pong_through_the_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let c = build_c(dir.path());
    let path = dir.path().join("relay");
    let seg = Segment::<Relay>::create(&path).expect("create");
    let mut child = Command::new(&c)
        .arg("pingpong")
        .arg(&path)
        .arg(HANDOFFS.to_string())
        .spawn()
        .expect("spawn C");
    let mut want = 0;
    while want < HANDOFFS {
        let mut v = seg.turn().load();
        while v != want {
            assert_eq!(v + 1, want, "hand-off skipped: saw {v}, want {want}");
            let r = seg.turn().wait_timeout(v, PATIENCE);
            assert_ne!(r, WaitOutcome::TimedOut, "lost wake-up at {want}");
            v = seg.turn().load();
        }
        seg.turn().store(want + 1);
        seg.turn().notify_one();
        want += 2;
    }
    let status = crate::common::wait_or_kill(&mut child, "the C worker");
    assert!(status.success(), "the C side failed: {status}");
    assert_eq!(seg.turn().load(), HANDOFFS);
}

/// A Rust event waiter (worker mode of the test below).
fn rust_waiter(path: &Path) {
    let seg = Segment::<Relay>::open(path).expect("open");
    register(seg.registered(), seg.pids(), seg.tids());
    assert!(
        seg.ready()
            .wait_until(|| seg.go().load() != 0, Some(PATIENCE))
    );
    seg.woken().inc();
    seg.woken().notify_one();
}

/// Proves C and Rust waiters of one `Event` are all woken by one C notification (the
/// kernel reports all 4 woken: they were asleep, not polling), with the condition on a
/// 64-bit field the event guards.
#[test]
fn a_c_notifier_wakes_c_and_rust_event_waiters() {
    if let Ok(path) = std::env::var(ENV) {
        return rust_waiter(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let c = build_c(dir.path());
    let path = dir.path().join("relay");
    let seg = Segment::<Relay>::create(&path).expect("create");
    let mut kids: Vec<Child> = Vec::new();
    for i in 0..4 {
        kids.push(if i % 2 == 0 {
            Command::new(&c)
                .arg("wait")
                .arg(&path)
                .spawn()
                .expect("spawn C waiter")
        } else {
            worker(
                test_name!(a_c_notifier_wakes_c_and_rust_event_waiters),
                ENV,
                path.display().to_string(),
            )
            .spawn()
            .expect("spawn Rust waiter")
        });
    }
    for (i, k) in kids.iter().enumerate() {
        eventually("a waiter asleep in futex", || {
            if i % 2 == 0 {
                thread_in_futex(k.id(), k.id()) // C: single-threaded
            } else {
                asleep(k.id(), seg.pids(), seg.tids())
            }
        });
    }
    let out = Command::new(&c)
        .arg("go")
        .arg(&path)
        .output()
        .expect("run C notifier");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "4",
        "C woke all 4"
    );
    for mut k in kids {
        let status = crate::common::wait_or_kill(&mut k, "a worker");
        assert!(status.success(), "a waiter failed: {status}");
    }
    assert_eq!(seg.woken().load(), 4);
    assert_eq!(seg.ready().generation(), 1);
}
