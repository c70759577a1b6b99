//! C and Rust processes on one segment file: the C program is built with gcc from
//! `L::c_header()`, maps the file with open + mmap and finds the payload through the
//! generated `<snake>_segment(map, len)` helper, which must also refuse files that are
//! not ready segments of its layout.

use crate::common;

use std::path::Path;
use std::process::{Child, Command};

use shm_atomics::{FIXED_HEADER, Layout, Segment, SegmentHeader, atomic_layout};

#[atomic_layout]
pub struct SegInterop {
    pub total: u64,
    pub by_c: u64,
    pub by_rust: u64,
    pub small: u32,
    /// Start barrier: workers that have the segment mapped.
    pub started: u32,
    pub flags: [u8; 8],
    #[atomic(align = 64)]
    pub cas_loop: i64,
}

/// The same name and size, other fields: only the fingerprint tells them apart.
mod other {
    use shm_atomics::atomic_layout;

    #[atomic_layout]
    pub struct SegInterop {
        pub total: u64,
        pub by_c: u64,
        pub by_rust: u64,
        pub tiny: u32,
        pub started: u32,
        pub flags: [u8; 8],
        #[atomic(align = 64)]
        pub cas_loop: i64,
    }
}

const OPS: u64 = 200_000;
const WORKERS: u32 = 4;
const WORKER_ENV: &str = "SHM_ATOMICS_SEG_C_WORKER";

/// `c_worker run FILE OPS ID`: increments; `c_worker check FILE`: exit 0 if the helper
/// accepts the file, 10 if it returns NULL.
const C_WORKER: &str = r#"
#define WORKERS 4u
#include "seg_interop.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: c_worker run|check FILE [OPS ID]\n"); return 2; }
    int check = strcmp(argv[1], "check") == 0;
    int fd = open(argv[2], check ? O_RDONLY : O_RDWR);
    if (fd < 0) { perror("open"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    if (st.st_size == 0) return 10;
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, check ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    SegInterop *s = seg_interop_segment(map, len);
    if (check) return s != NULL ? 0 : 10;
    if (s == NULL) { fprintf(stderr, "not a ready SegInterop segment\n"); return 3; }
    if (argc != 5) { fprintf(stderr, "usage: c_worker run FILE OPS ID\n"); return 2; }
    unsigned long long ops = strtoull(argv[3], NULL, 10);
    int id = atoi(argv[4]);
    /* Start together with the Rust workers, so the updates really interleave. */
    atomic_fetch_add(&s->started, 1);
    time_t since = time(NULL);
    while (atomic_load(&s->started) < WORKERS) {
        if (time(NULL) - since > PEER_DEADLINE_S) {
            fprintf(stderr, "c_worker %d: only %u of %u workers started within %d s\n", id,
                    (unsigned)atomic_load(&s->started), WORKERS, PEER_DEADLINE_S);
            return 7;
        }
        sched_yield();
    }
    for (unsigned long long i = 0; i < ops; i++) {
        atomic_fetch_add(&s->total, 1);
        atomic_fetch_add(&s->by_c, 1);
        atomic_fetch_add(&s->small, 1);
        int64_t cur = atomic_load(&s->cas_loop);
        while (!atomic_compare_exchange_weak(&s->cas_loop, &cur, cur + 3)) {}
    }
    /* Bit `id` as the Rust side numbers it: bit id % 8 of byte id / 8 in memory. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    atomic_fetch_or(&s->flags, (uint64_t)1 << ((7 - id / 8) * 8 + id % 8));
#else
    atomic_fetch_or(&s->flags, (uint64_t)1 << id);
#endif
    munmap(map, len);
    close(fd);
    return 0;
}
"#;

fn rust_worker(path: &Path, id: u32) {
    let s = Segment::<SegInterop>::open(path).expect("Rust worker opens the segment");
    s.started().fetch_add(1);
    let start = std::time::Instant::now();
    while s.started().load() < WORKERS {
        assert!(
            start.elapsed().as_secs() < 60,
            "the other workers never came"
        );
        std::thread::yield_now();
    }
    for _ in 0..OPS {
        s.total().inc();
        s.by_rust().inc();
        s.small().fetch_add(1);
        s.cas_loop().update_fetch(|v| v + 3);
    }
    s.flags().bit_set(id).expect("id < 64");
}

fn build_c(dir: &Path) -> std::path::PathBuf {
    common::build_c_program(
        dir,
        &[("seg_interop.h", SegInterop::c_header())],
        "c_worker",
        C_WORKER,
    )
}

/// Whether the C helper accepts `file` (exit 0) or returns NULL (exit 10).
fn c_accepts(c_worker: &Path, file: &Path) -> bool {
    let status = Command::new(c_worker)
        .arg("check")
        .arg(file)
        .status()
        .expect("run C checker");
    match status.code() {
        Some(0) => true,
        Some(10) => false,
        _ => panic!("C checker on {}: {status}", file.display()),
    }
}

#[test]
fn c_and_rust_processes_share_a_segment_through_the_header_helper() {
    if let Ok(spec) = std::env::var(WORKER_ENV) {
        let (path, id) = spec.rsplit_once(':').expect("PATH:ID");
        rust_worker(Path::new(path), id.parse().expect("numeric id"));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let c_worker = build_c(dir.path());
    let path = dir.path().join("interop.seg");
    let seg = Segment::<SegInterop>::create(&path).expect("create");
    assert!(
        c_accepts(&c_worker, &path),
        "the helper accepts a real segment"
    );

    let mut children: Vec<Child> = Vec::new();
    for id in 0..2u32 {
        children.push(
            Command::new(&c_worker)
                .arg("run")
                .arg(&path)
                .arg(OPS.to_string())
                .arg(id.to_string())
                .spawn()
                .expect("spawn C worker"),
        );
        children.push(
            Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    test_name!(c_and_rust_processes_share_a_segment_through_the_header_helper),
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(WORKER_ENV, format!("{}:{}", path.display(), id + 2))
                .spawn()
                .expect("spawn Rust worker"),
        );
    }
    for mut c in children {
        let status = common::wait_or_kill(&mut c, "a C or Rust worker");
        assert!(status.success(), "a worker failed: {status}");
    }
    let s = seg.snapshot();
    assert_eq!(s.total, 4 * OPS);
    assert_eq!(s.by_c, 2 * OPS);
    assert_eq!(s.by_rust, 2 * OPS);
    assert_eq!(s.small, (4 * OPS) as u32);
    assert_eq!(s.flags, [0b1111, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(s.cas_loop, 3 * 4 * OPS as i64);
    assert_eq!(s.started, WORKERS);
}

#[test]
fn the_header_helper_refuses_what_is_not_its_segment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let c_worker = build_c(dir.path());
    let good = dir.path().join("good");
    Segment::<SegInterop>::create(&good).expect("create");
    assert!(
        c_accepts(&c_worker, &good),
        "control: a real segment is accepted"
    );
    let bytes = std::fs::read(&good).expect("read");

    // Another layout with the same name and size: only the fingerprint differs.
    assert_eq!(other::SegInterop::NAME, SegInterop::NAME);
    assert_eq!(other::SegInterop::SIZE, SegInterop::SIZE);
    assert_ne!(other::SegInterop::FINGERPRINT, SegInterop::FINGERPRINT);
    let wrong = dir.path().join("other-layout");
    Segment::<other::SegInterop>::create(&wrong).expect("create other");
    assert!(!c_accepts(&c_worker, &wrong), "wrong fingerprint");

    let write = |name: &str, b: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, b).expect("write");
        p
    };
    // Truncated: one byte of payload missing; only the fixed header; less than that.
    let t = write("truncated", &bytes[..bytes.len() - 1]);
    assert!(!c_accepts(&c_worker, &t), "truncated payload");
    let t = write("header-only", &bytes[..FIXED_HEADER]);
    assert!(!c_accepts(&c_worker, &t), "header only");
    let t = write("short", &bytes[..100]);
    assert!(!c_accepts(&c_worker, &t), "shorter than a header");
    // Foreign bytes of a plausible size.
    let f = write("foreign", &vec![0x5au8; bytes.len()]);
    assert!(!c_accepts(&c_worker, &f), "foreign file");
    // Not ready, another version, another byte order: the header patched through the
    // Rust statement of the format, so the C helper's offsets are checked against it.
    let patched = |patch: &dyn Fn(&mut SegmentHeader)| {
        let mut h = SegmentHeader::read(&bytes).expect("a whole header");
        patch(&mut h);
        let mut b = bytes.clone();
        b[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
        b
    };
    let b = patched(&|h| h.ready.set(0));
    assert!(
        !c_accepts(&c_worker, &write("unready", &b)),
        "ready word zero"
    );
    let b = patched(&|h| h.version.set(3));
    assert!(!c_accepts(&c_worker, &write("v3", &b)), "version 3");
    let b = patched(&|h| h.version.set(0));
    assert!(!c_accepts(&c_worker, &write("v0", &b)), "version 0");
    let b = patched(&|h| h.byte_order.set(h.byte_order.get().swap_bytes()));
    assert!(!c_accepts(&c_worker, &write("bom", &b)), "byte order");
    // And the unmodified copy is still accepted (the copies above differ only as said).
    assert!(
        c_accepts(&c_worker, &write("copy", &bytes)),
        "an exact copy"
    );
}

// ---- Item 10: the C helper is as strict as Rust's open. Every file below is a valid
// segment with one rule broken; Rust's openers and the generated C helper must both
// refuse it, and both accept the valid file. On the old helper, payload offset 0, a
// payload over the descriptor, header or descriptor length 0, a 64-aligned payload of a
// 128-aligned layout and a renamed field (fingerprint word unchanged) were accepted.

/// A layout whose payload must be 128-aligned.
#[atomic_layout(align = 128)]
pub struct Wide128 {
    pub a: u64,
    pub b: u32,
}

/// `c_check LAYOUT FILE`: exit 0 if `<layout>_segment()` accepts the file, 10 if not.
const C_CHECK: &str = r#"
#include "seg_interop.h"
#include "wide128.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: c_check SegInterop|Wide128 FILE\n"); return 2; }
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) { perror("open"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    if (st.st_size == 0) return 10;
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    void *payload = strcmp(argv[1], "Wide128") == 0 ? (void *)wide128_segment(map, len)
                                                    : (void *)seg_interop_segment(map, len);
    return payload != NULL ? 0 : 10;
}
"#;

fn build_c_check(dir: &Path) -> std::path::PathBuf {
    common::build_c_program(
        dir,
        &[
            ("seg_interop.h", SegInterop::c_header()),
            ("wide128.h", Wide128::c_header()),
        ],
        "c_check",
        C_CHECK,
    )
}

/// Whether `c_check` accepts `file` as a segment of `layout`.
fn c_check_accepts(c_check: &Path, layout: &str, file: &Path) -> bool {
    let status = Command::new(c_check)
        .arg(layout)
        .arg(file)
        .status()
        .expect("run C checker");
    match status.code() {
        Some(0) => true,
        Some(10) => false,
        _ => panic!("C checker on {}: {status}", file.display()),
    }
}

/// The refusal corpus: `valid` (the bytes of a segment of a layout aligned to `align`)
/// with one rule of the format broken in each copy.
fn corpus(valid: &[u8], align: u64) -> Vec<(String, Vec<u8>)> {
    let h0 = SegmentHeader::read(valid).expect("a whole header");
    let header_len = u64::from(h0.header_len.get());
    let payload_off = h0.payload_offset.get();
    let desc_len = h0.descriptor_len.get();
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut patch = |name: &str, f: &dyn Fn(&mut SegmentHeader)| {
        let mut h = h0;
        f(&mut h);
        let mut b = valid.to_vec();
        b[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
        out.push((name.to_string(), b));
    };
    patch("payload-offset-0", &|h| h.payload_offset.set(0));
    patch("payload-over-descriptor", &|h| h.payload_offset.set(128));
    patch("payload-inside-header", &|h| {
        h.payload_offset.set(header_len - 64)
    });
    patch("payload-offset-off-grid", &|h| {
        h.payload_offset.set(payload_off + 8)
    });
    patch("payload-offset-huge", &|h| h.payload_offset.set(!127));
    patch("header-len-0", &|h| h.header_len.set(0));
    patch("header-len-off-grid", &|h| {
        h.header_len.set(h.header_len.get() + 8)
    });
    patch("descriptor-len-0", &|h| h.descriptor_len.set(0));
    patch("descriptor-len-short", &|h| {
        h.descriptor_len.set(desc_len - 1)
    });
    patch("descriptor-len-huge", &|h| h.descriptor_len.set(1 << 21));
    patch("descriptor-offset-64", &|h| h.descriptor_offset.set(64));
    patch("fingerprint", &|h| {
        h.fingerprint.set(h.fingerprint.get() ^ 1)
    });
    patch("payload-size", &|h| {
        h.payload_size.set(h.payload_size.get() + 64)
    });
    patch("not-ready", &|h| h.ready.set(0));
    patch("version-3", &|h| h.version.set(3));
    patch("version-0", &|h| h.version.set(0));
    patch("byte-order", &|h| {
        h.byte_order.set(h.byte_order.get().swap_bytes())
    });
    patch("magic", &|h| h.magic[7] ^= 0x20);
    // A renamed field: one letter of the first field's name changed, the fingerprint
    // word left as it was (Rust: the descriptor's fingerprint is not the header's).
    let name_len = usize::from(u16::from_le_bytes([
        valid[FIXED_HEADER],
        valid[FIXED_HEADER + 1],
    ]));
    let at = FIXED_HEADER + 2 + name_len + 8 + 8 + 4 + 2;
    let mut b = valid.to_vec();
    b[at] ^= 1;
    out.push(("renamed-field".into(), b));
    // The layout's name is not an identifier (Rust: decode refuses it).
    let mut b = valid.to_vec();
    b[FIXED_HEADER + 2] = b'1';
    out.push(("layout-name-1abc".into(), b));
    // A payload at an offset that is a multiple of 64 but not of the layout's
    // alignment, the file grown so that nothing else is wrong.
    if align > 64 {
        let mut h = h0;
        h.payload_offset.set(payload_off + 64);
        let mut b = valid[..payload_off as usize].to_vec();
        b[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
        b.extend_from_slice(&[0u8; 64]);
        b.extend_from_slice(&valid[payload_off as usize..]);
        out.push(("payload-only-64-aligned".into(), b));
    }
    // Short files.
    out.push(("truncated".into(), valid[..valid.len() - 1].to_vec()));
    out.push(("header-only".into(), valid[..FIXED_HEADER].to_vec()));
    out.push(("short".into(), valid[..100].to_vec()));
    out.push(("empty".into(), Vec::new()));
    out.push(("foreign".into(), vec![0x5a; valid.len()]));
    out
}

/// Rust's openers and the C helper on every file of the corpus of `L`.
fn both_refuse_the_corpus<L: Layout>(c_check: &Path, dir: &Path) {
    let good = dir.join(format!("{}-good", L::NAME));
    Segment::<L>::create(&good).expect("create");
    let valid = std::fs::read(&good).expect("read");
    assert!(
        Segment::<L>::open(&good).is_ok(),
        "Rust accepts the valid file"
    );
    assert!(
        c_check_accepts(c_check, L::NAME, &good),
        "C accepts the valid file"
    );
    let cases = corpus(&valid, L::ALIGN as u64);
    assert!(cases.len() >= 24);
    for (name, bytes) in cases {
        let path = dir.join(format!("{}-{name}", L::NAME));
        std::fs::write(&path, &bytes).expect("write");
        assert!(
            Segment::<L>::open(&path).is_err(),
            "{}: Rust accepts {name}",
            L::NAME
        );
        assert!(
            Segment::<L>::open_readonly(&path).is_err(),
            "{}: Rust (read-only) accepts {name}",
            L::NAME
        );
        assert!(
            !c_check_accepts(c_check, L::NAME, &path),
            "{}: the C helper accepts {name}, which Rust refuses",
            L::NAME
        );
    }
}

#[test]
fn the_header_helper_refuses_everything_rust_refuses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let c_check = build_c_check(dir.path());
    both_refuse_the_corpus::<SegInterop>(&c_check, dir.path());
    both_refuse_the_corpus::<Wide128>(&c_check, dir.path());
    // A file of another layout under the same name.
    let other = dir.path().join("other");
    Segment::<other::SegInterop>::create(&other).expect("create other");
    assert!(Segment::<SegInterop>::open(&other).is_err());
    assert!(!c_check_accepts(&c_check, "SegInterop", &other));
    // Where C is stricter: the layout's own name is not part of the fingerprint, so
    // Rust opens a file whose descriptor names the layout differently; the C helper
    // compares the descriptor byte for byte and refuses it.
    let good = dir.path().join("SegInterop-good");
    let mut b = std::fs::read(&good).expect("read");
    b[FIXED_HEADER + 2] = b'T';
    let renamed = dir.path().join("renamed-layout");
    std::fs::write(&renamed, &b).expect("write");
    assert!(Segment::<SegInterop>::open(&renamed).is_ok());
    assert!(!c_check_accepts(&c_check, "SegInterop", &renamed));
}
