//! C and Rust processes on the same records through the generated header: a C writer
//! with Rust readers, a Rust writer with a C reader, C adds to a striped counter, and
//! the C reader's dead-writer check and the C writer's takeover.

use crate::common;
use crate::processes::{Board, assert_whole, rec};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use shm_atomics::{Layout, Segment, Seq, SeqError};

const C_WORKER: &str = r#"
#define _GNU_SOURCE
#include "board.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int whole(const struct Rec8 *r) {
    int i;
    for (i = 1; i < 8; i++) if (atomic_load_explicit(&r->f[i], memory_order_relaxed) != atomic_load_explicit(&r->f[0], memory_order_relaxed)) return 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: c_rec write|read|add|dead FILE N\n"); return 2; }
    int fd = open(argv[2], O_RDWR);
    if (fd < 0) { perror("open"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    Board *b = board_segment(map, (size_t)st.st_size);
    if (b == NULL) { fprintf(stderr, "not a Board segment\n"); return 3; }
    unsigned long long n = strtoull(argv[3], NULL, 10), i;
    struct Rec8 r;
    uint32_t pid = 0;
    if (strcmp(argv[1], "write") == 0) {
        for (i = 1; i <= n; i++) {
            int k;
            for (k = 0; k < 8; k++) atomic_store_explicit(&r.f[k], i, memory_order_relaxed);
            rec8_seq_write(&b->rec, &r);
        }
        return 0;
    }
    if (strcmp(argv[1], "read") == 0) {
        unsigned long long last = 0, reads = 0;
        time_t progress = time(NULL);
        for (;;) {
            if (last < n && (reads & 0xffff) == 0 && time(NULL) - progress > PEER_DEADLINE_S) {
                fprintf(stderr, "c_rec read: the writer stopped at %llu of %llu for %d s\n",
                        last, n, PEER_DEADLINE_S);
                return 8;
            }
            int rc = rec8_seq_read(&b->rec, &r, &pid);
            if (rc != SHM_ATOMICS_SEQ_OK) { fprintf(stderr, "read failed: %d\n", rc); return 4; }
            if (!whole(&r)) { fprintf(stderr, "a mixed record\n"); return 5; }
            unsigned long long v = atomic_load_explicit(&r.f[0], memory_order_relaxed);
            if (v < last) { fprintf(stderr, "went back\n"); return 6; }
            if (v > last) progress = time(NULL);
            last = v;
            reads++;
            if (last == n && reads >= 1000000ull) break;
        }
        atomic_fetch_add(&b->reads, reads);
        return 0;
    }
    if (strcmp(argv[1], "add") == 0) {
        for (i = 0; i < n; i++) shm_atomics_striped_uint64_128_add(b->hits, 16, 1);
        printf("%llu\n", (unsigned long long)shm_atomics_striped_uint64_128_sum(b->hits, 16));
        return 0;
    }
    if (strcmp(argv[1], "dead") == 0) {
        /* The record's writer is dead: the read says so, then a write takes over. */
        int rc = rec8_seq_read(&b->rec, &r, &pid);
        printf("%d %u\n", rc, pid);
        int k;
        for (k = 0; k < 8; k++) atomic_store_explicit(&r.f[k], n, memory_order_relaxed);
        rec8_seq_write(&b->rec, &r);
        return 0;
    }
    return 2;
}
"#;

fn build(dir: &Path) -> PathBuf {
    common::build_c_program(dir, &[("board.h", Board::c_header())], "c_rec", C_WORKER)
}

const N: u64 = 100_000;

/// A C writer and two Rust reader threads, then a Rust writer and a C reader (a million
/// reads): nobody ever sees a mixed record, and the last record is the last written.
#[test]
fn c_and_rust_writers_and_readers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = build(dir.path());
    let path = dir.path().join("board");
    let seg = Segment::<Board>::create(&path).expect("create");

    let done = AtomicBool::new(false);
    std::thread::scope(|sc| {
        for _ in 0..2 {
            sc.spawn(|| {
                let mut n = 0u64;
                while !done.load(Ordering::Relaxed) || n == 0 {
                    let r = seg.rec().read().expect("whole");
                    assert_whole(&r);
                    n += 1;
                }
            });
        }
        let st = Command::new(&bin)
            .args(["write", path.to_str().expect("utf-8"), &N.to_string()])
            .status()
            .expect("run C writer");
        done.store(true, Ordering::Relaxed);
        assert!(st.success(), "C writer: {st}");
    });
    assert_eq!(seg.rec().read(), Ok(rec(N)));

    seg.rec().write(&rec(0));
    let mut reader = Command::new(&bin)
        .args(["read", path.to_str().expect("utf-8"), &N.to_string()])
        .spawn()
        .expect("run C reader");
    for v in 1..=N {
        seg.rec().write(&rec(v));
    }
    let st = crate::common::wait_or_kill(&mut reader, "a worker");
    assert!(st.success(), "C reader: {st}");
    assert!(seg.reads().load() >= 1_000_000);
}

/// C adds to the striped counter from another process: Rust's sum and C's agree exactly.
#[test]
fn c_adds_to_a_striped_counter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = build(dir.path());
    let path = dir.path().join("board");
    let seg = Segment::<Board>::create(&path).expect("create");
    seg.hits().add(5);
    let out = Command::new(&bin)
        .args(["add", path.to_str().expect("utf-8"), "100000"])
        .output()
        .expect("run C adder");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "100005");
    assert_eq!(seg.hits().load(), 100_005);
}

/// The C reader reports a dead writer (code 1 and its pid) instead of spinning, and the C
/// writer takes the record over and writes it whole.
#[test]
fn c_reports_a_dead_writer_and_takes_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bin = build(dir.path());
    let path = dir.path().join("board");
    let seg = Segment::<Board>::create(&path).expect("create");
    let dead = crate::api::dead_pid();
    // SAFETY: the sequence word is the first 8 bytes of the Seq, an Atomic<u64>.
    let seq = unsafe { &*(seg.rec() as *const Seq<_> as *const shm_atomics::Atomic<u64>) };
    seq.store((u64::from(dead) << 32) | 1);
    assert_eq!(seg.rec().read(), Err(SeqError::DeadWriter { pid: dead }));
    let out = Command::new(&bin)
        .args(["dead", path.to_str().expect("utf-8"), "7"])
        .output()
        .expect("run C");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("1 {dead}")
    );
    assert_eq!(seg.rec().read(), Ok(rec(7)));
}

/// The same header compiles as C++ (std::atomic fields, the same helper functions).
#[test]
fn the_header_compiles_as_cpp() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("board.h"), Board::c_header()).expect("write header");
    std::fs::write(
        dir.path().join("use.cpp"),
        "#include \"board.h\"\nint main() { static Board b; Rec8 r{}; uint32_t pid; \
         rec8_seq_write(&b.rec, &r); int rc = rec8_seq_read(&b.rec, &r, &pid); \
         shm_atomics_striped_uint64_128_add(b.hits, 16, 1); \
         return rc + (int)shm_atomics_striped_uint64_128_sum(b.hits, 16) - 1; }\n",
    )
    .expect("write C++");
    common::compile(
        "g++",
        &[
            "-std=c++17",
            "-O2",
            "-Wall",
            "-Wextra",
            "-Werror",
            "use.cpp",
            "-o",
            "use",
        ],
        dir.path(),
    );
    let st = Command::new(dir.path().join("use")).status().expect("run");
    assert!(st.success());
}
