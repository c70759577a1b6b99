//! C and Rust processes increment the same file-backed layout at the same time: the C
//! program is built with gcc from the generated header and uses C11 atomics; the Rust
//! processes are this test binary re-run as workers. Totals must be exact.

use crate::common;

use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Child, Command};

use shm_atomics::{Layout, Region, atomic_layout};

#[atomic_layout]
pub struct Shared {
    pub total: u64,
    pub by_c: u64,
    pub by_rust: u64,
    pub small: u32,
    pub flags: [u8; 8],
    #[atomic(align = 64)]
    pub cas_loop: i64,
}

const OPS: u64 = 300_000;
const WORKER_ENV: &str = "SHM_ATOMICS_INTEROP_WORKER";

const C_WORKER: &str = r#"
#include "shared.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: c_worker FILE OPS ID\n"); return 2; }
    int fd = open(argv[1], O_RDWR);
    if (fd < 0) { perror("open"); return 1; }
    void *map = mmap(NULL, SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    Shared *s = (Shared *)map;
    unsigned long long ops = strtoull(argv[2], NULL, 10);
    int id = atoi(argv[3]);
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
    munmap(map, SHARED_SIZE);
    close(fd);
    return 0;
}
"#;

fn rust_worker(path: &Path, ops: u64, id: u32) {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open shared file");
    let map = memmap2::MmapRaw::map_raw(&file).expect("map shared file");
    // SAFETY: the mapping is MAP_SHARED, SIZE bytes long, valid until `map` drops at the
    // end of this function (after the last use of the region), and every process touches
    // it only through atomic operations.
    let region = unsafe { Region::from_raw_parts(map.as_mut_ptr(), map.len()) };
    let s = region
        .view::<Shared>()
        .expect("page-aligned mapping of SIZE bytes");
    for _ in 0..ops {
        s.total().inc();
        s.by_rust().inc();
        s.small().fetch_add(1);
        s.cas_loop().update_fetch(|v| v + 3);
    }
    s.flags().bit_set(id).expect("id < 64");
}

fn spawn_rust(path: &Path, id: u32) -> Child {
    Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            test_name!(c_and_rust_processes_increment_one_file),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WORKER_ENV, format!("{}:{id}", path.display()))
        .spawn()
        .expect("spawn Rust worker")
}

#[test]
fn c_and_rust_processes_increment_one_file() {
    if let Ok(spec) = std::env::var(WORKER_ENV) {
        // This process is one of the Rust workers spawned below.
        let (path, id) = spec.rsplit_once(':').expect("PATH:ID");
        rust_worker(Path::new(path), OPS, id.parse().expect("numeric id"));
        return;
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let c_worker = common::build_c_program(
        dir.path(),
        &[("shared.h", Shared::c_header())],
        "c_worker",
        C_WORKER,
    );

    let path = dir.path().join("shared.bin");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(Shared::SIZE as u64).expect("size the file");
    drop(file);

    let mut children = Vec::new();
    for id in 0..2u32 {
        children.push(
            Command::new(&c_worker)
                .arg(&path)
                .arg(OPS.to_string())
                .arg(id.to_string())
                .spawn()
                .expect("spawn C worker"),
        );
        children.push(spawn_rust(&path, id + 2));
    }
    for mut c in children {
        assert!(
            crate::common::wait_or_kill(&mut c, "a worker").success(),
            "a worker failed"
        );
    }

    let bytes = std::fs::read(&path).expect("read back");
    let snap = <SharedSnapshot as shm_atomics::Plain>::try_from_bytes(&bytes)
        .expect("the file holds one SharedSnapshot");
    assert_eq!(snap.total, 4 * OPS);
    assert_eq!(snap.by_c, 2 * OPS);
    assert_eq!(snap.by_rust, 2 * OPS);
    assert_eq!(snap.small, (4 * OPS) as u32);
    assert_eq!(snap.flags, [0b1111, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(snap.cas_loop, 3 * 4 * OPS as i64);
}
