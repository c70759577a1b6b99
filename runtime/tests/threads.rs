//! Exact totals under threads: 2 and 8 threads updating one atomic of every width with
//! read-modify-write operations and with compare-exchange loops (`cmpxchg_strong`,
//! `cmpxchg_weak`, `update_fetch`), including the 16-byte (`cmpxchg16b`) paths of `u128`,
//! `i128` and `[u8; 16]`. A lost update shows as a wrong total.

use std::thread;

use shm_atomics_runtime::{Atomic, MemoryOrder, Region};

const THREADS: [usize; 2] = [2, 8];
/// Fetch-add steps per thread.
const RMW_OPS: usize = 100_000;
/// Compare-exchange loop steps per thread (fewer: debug builds, 2 shared cores).
const CAS_OPS: usize = if cfg!(debug_assertions) {
    20_000
} else {
    100_000
};

fn each_thread(n: usize, f: impl Fn(usize) + Sync) {
    thread::scope(|s| {
        for t in 0..n {
            let f = &f;
            s.spawn(move || f(t));
        }
    });
}

macro_rules! int_totals {
    ($($name:ident: $t:ident;)*) => {$(
        #[test]
        fn $name() {
            for n in THREADS {
                let total = (n * RMW_OPS) as u128;
                // inc, fetch_add and add_explicit on one cell; dec on another.
                let a = Atomic::<$t>::new(0);
                let b = Atomic::<$t>::new(0);
                each_thread(n, |t| {
                    for i in 0..RMW_OPS {
                        match (t + i) % 3 {
                            0 => a.inc(),
                            1 => {
                                a.fetch_add(1);
                            }
                            _ => a.add_explicit(1, MemoryOrder::Relaxed),
                        }
                        b.dec();
                    }
                });
                // Wrapping totals: the count modulo 2^bits.
                assert_eq!(a.load(), total as $t, "{n} threads");
                assert_eq!(b.load(), $t::wrapping_sub(0, total as $t), "{n} threads");

                // Compare-exchange loops: cmpxchg_strong, cmpxchg_weak and update_fetch(f).
                let c = Atomic::<$t>::new($t::MAX);
                each_thread(n, |t| {
                    for i in 0..CAS_OPS {
                        match (t + i) % 3 {
                            0 => {
                                let mut cur = c.load();
                                loop {
                                    let r = c.cmpxchg_strong(cur, cur.wrapping_add(1));
                                    if r.success {
                                        break;
                                    }
                                    cur = r.expected;
                                }
                            }
                            1 => {
                                let mut cur = c.load_explicit(MemoryOrder::Relaxed).unwrap();
                                loop {
                                    let r = c
                                        .cmpxchg_weak_explicit(
                                            cur,
                                            cur.wrapping_add(1),
                                            MemoryOrder::AcqRel,
                                            MemoryOrder::Relaxed,
                                        )
                                        .unwrap();
                                    if r.success {
                                        break;
                                    }
                                    cur = r.expected;
                                }
                            }
                            _ => {
                                c.update_fetch(|v| v.wrapping_add(1));
                            }
                        }
                    }
                });
                let cas_total = (n * CAS_OPS) as u128;
                assert_eq!(c.load(), $t::MAX.wrapping_add(cas_total as $t), "{n} threads");
            }
        }
    )*};
}

int_totals! {
    totals_i8: i8;
    totals_u8: u8;
    totals_i16: i16;
    totals_u16: u16;
    totals_i32: i32;
    totals_u32: u32;
    totals_i64: i64;
    totals_u64: u64;
    totals_i128: i128;
    totals_u128: u128;
}

/// Every fetch_inc result is handed out exactly once: no two threads see the same value.
#[test]
fn fetch_inc_hands_out_each_value_once() {
    for n in THREADS {
        let a = Atomic::<u64>::new(0);
        let mut seen: Vec<u64> = thread::scope(|s| {
            let hs: Vec<_> = (0..n)
                .map(|_| s.spawn(|| (0..RMW_OPS / 4).map(|_| a.fetch_inc()).collect::<Vec<_>>()))
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        seen.sort_unstable();
        let want: Vec<u64> = (0..(n * RMW_OPS / 4) as u64).collect();
        assert_eq!(seen, want, "{n} threads");
    }
}

/// A counter held in bytes, updated by compare-exchange loops: every width of `[u8; N]`.
macro_rules! bytes_totals {
    ($($name:ident: $n:literal $int:ident;)*) => {$(
        #[test]
        fn $name() {
            for n in THREADS {
                let a = Atomic::new([0u8; $n]);
                each_thread(n, |t| {
                    for i in 0..CAS_OPS {
                        let step = |b: [u8; $n]| {
                            $int::from_le_bytes(b).wrapping_add(1).to_le_bytes()
                        };
                        if (t + i) % 2 == 0 {
                            let mut cur = a.load();
                            loop {
                                let r = a.cmpxchg_strong(cur, step(cur));
                                if r.success {
                                    break;
                                }
                                cur = r.expected;
                            }
                        } else {
                            a.update_fetch(step);
                        }
                    }
                });
                let want = ((n * CAS_OPS) as $int).to_le_bytes();
                assert_eq!(a.load(), want, "{n} threads");
            }
        }
    )*};
}

bytes_totals! {
    totals_bytes1: 1 u8;
    totals_bytes2: 2 u16;
    totals_bytes4: 4 u32;
    totals_bytes8: 8 u64;
    totals_bytes16: 16 u128;
}

/// Each thread owns bits of a shared word and flips them with bit_compl / bit_set /
/// bit_reset; bin_xor and bin_or from every thread at once: the final word is exact.
#[test]
fn bit_ops_from_many_threads() {
    for n in THREADS {
        let a = Atomic::<[u8; 16]>::new([0; 16]);
        let x = Atomic::<u64>::new(0);
        each_thread(n, |t| {
            for i in 0..CAS_OPS {
                let bit = (t * 16 + i % 16) as u32; // 8 threads x 16 bits = 128 bits
                a.bit_compl(bit).unwrap();
                x.bin_xor(1 << (t * 8 % 64));
            }
            for k in 0..16 {
                let bit = (t * 16 + k) as u32;
                a.bit_set(bit).unwrap();
                if k % 2 == 1 {
                    assert_eq!(a.bit_reset(bit), Ok(true));
                }
            }
        });
        // Every owned bit was flipped an even number of times, then even ones set.
        let mut want = [0u8; 16];
        for t in 0..n {
            want[2 * t] = 0x55;
            want[2 * t + 1] = 0x55;
        }
        assert_eq!(a.load(), want, "{n} threads");
        let per_thread_xor = if CAS_OPS % 2 == 0 { 0 } else { 1 };
        assert_eq!(x.load(), per_thread_xor, "{n} threads");
    }
}

/// Floats: adding 1.0 is exact below 2^24 (f32) / 2^53 (f64), so the total is exact.
#[test]
fn float_totals() {
    for n in THREADS {
        let f = Atomic::<f32>::new(0.0);
        let g = Atomic::<f64>::new(0.0);
        each_thread(n, |_| {
            for _ in 0..CAS_OPS {
                f.add(1.0);
                g.fetch_sub(0.5);
            }
        });
        assert_eq!(f.load(), (n * CAS_OPS) as f32);
        assert_eq!(g.load(), -0.5 * (n * CAS_OPS) as f64);
    }
}

/// `bool` as a turnstile: threads take turns by compare-exchange on a flag, each
/// turn incrementing a plain-looking counter guarded only by the flag.
#[test]
fn bool_flag_as_lock() {
    for n in THREADS {
        let lock = Atomic::<bool>::new(false);
        let count = Atomic::<u32>::new(0);
        each_thread(n, |_| {
            for _ in 0..CAS_OPS / 4 {
                while !lock
                    .cmpxchg_weak_explicit(false, true, MemoryOrder::Acquire, MemoryOrder::Relaxed)
                    .unwrap()
                    .success
                {
                    std::hint::spin_loop();
                }
                // Non-atomic read-modify-write, made exclusive by the flag.
                let v = count.load_explicit(MemoryOrder::Relaxed).unwrap();
                count.store_explicit(v + 1, MemoryOrder::Relaxed).unwrap();
                lock.store_explicit(false, MemoryOrder::Release).unwrap();
            }
        });
        assert_eq!(count.load(), (n * (CAS_OPS / 4)) as u32, "{n} threads");
    }
}

/// Views into one buffer through a Region, from many threads: the same totals. The wide
/// cell is 16 bytes where they are lock-free, 8 bytes elsewhere (a 32-bit target, where
/// a 16-byte view is refused, as `errors.rs` checks).
#[test]
fn region_views_from_threads() {
    #[repr(C, align(16))]
    struct Buf([u8; 32]);
    let wide16 = Atomic::<u128>::is_lock_free();
    for n in THREADS {
        let mut buf = Buf([0; 32]);
        {
            let r = Region::new(&mut buf.0);
            each_thread(n, |_| {
                let narrow = r.atomic_at::<u16>(2).unwrap();
                if wide16 {
                    let wide = r.atomic_at::<u128>(16).unwrap();
                    for _ in 0..CAS_OPS {
                        wide.fetch_add(u128::from(u64::MAX));
                        narrow.inc();
                    }
                } else {
                    let wide = r.atomic_at::<u64>(16).unwrap();
                    for _ in 0..CAS_OPS {
                        wide.fetch_add(u64::from(u32::MAX));
                        narrow.inc();
                    }
                }
            });
        }
        let total = (n * CAS_OPS) as u128;
        if wide16 {
            assert_eq!(buf.0[16..], (total * u128::from(u64::MAX)).to_ne_bytes());
        } else {
            let sum = (total * u128::from(u32::MAX)) as u64;
            assert_eq!(buf.0[16..24], sum.to_ne_bytes());
            assert_eq!(buf.0[24..], [0; 8]);
        }
        assert_eq!(buf.0[2..4], (total as u16).to_ne_bytes());
        assert_eq!(buf.0[..2], [0, 0]);
        assert_eq!(buf.0[4..16], [0; 12]);
    }
}
