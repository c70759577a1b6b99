//! The unsigned integer suites: `u8`, `u32`, `u64` and `u128` against the core atomic of
//! the same width (portable-atomic's `AtomicU128` for 16 bytes).

use std::hint::black_box as bb;
use std::sync::Mutex;
use std::sync::atomic::Ordering::{Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64};

use criterion::Criterion;
use portable_atomic::AtomicU128;
use shm_atomics::{AType, Atomic, MemoryOrder, atomic};

/// The suite of an unsigned integer type: `$core_ty` is the reference atomic.
macro_rules! int_suite {
    ($fname:ident, $t:ty, $ty:literal, $core_ty:ty, $width:literal) => {
        pub fn $fname(c: &mut Criterion) {
            let zero: $t = 0;
            let one: $t = 1;
            let max: $t = <$t>::MAX;
            let bit: u32 = 3;
            // Cells every operation updates.
            let a = Atomic::<$t>::new(0);
            let r = <$core_ty>::new(0);
            let d = atomic($width, AType::Uint).unwrap();
            let m = Mutex::new(zero);
            // Cells that stay 0, for compare-exchanges that always succeed (0 -> 0).
            let za = Atomic::<$t>::new(0);
            let zr = <$core_ty>::new(0);
            let zd = atomic($width, AType::Uint).unwrap();
            let zm = Mutex::new(zero);

            op!(
                c,
                $ty,
                "load",
                a.load(),
                r.load(SeqCst),
                d.load().unwrap(),
                *m.lock().unwrap()
            );
            op!(
                c,
                $ty,
                "load_explicit_relaxed",
                a.load_explicit(MemoryOrder::Relaxed).unwrap(),
                r.load(Relaxed),
                d.load_explicit(MemoryOrder::Relaxed).unwrap(),
                *m.lock().unwrap(),
            );
            op!(
                c,
                $ty,
                "store",
                a.store(bb(one)),
                r.store(bb(one), SeqCst),
                d.store(bb(one)).unwrap(),
                *m.lock().unwrap() = bb(one),
            );
            op!(
                c,
                $ty,
                "store_explicit_release",
                a.store_explicit(bb(one), MemoryOrder::Release).unwrap(),
                r.store(bb(one), Release),
                d.store_explicit(bb(one), MemoryOrder::Release).unwrap(),
                *m.lock().unwrap() = bb(one),
            );
            op!(
                c,
                $ty,
                "exchange",
                a.exchange(bb(one)),
                r.swap(bb(one), SeqCst),
                d.exchange(bb(one)).unwrap(),
                std::mem::replace(&mut *m.lock().unwrap(), bb(one)),
            );
            op!(
                c,
                $ty,
                "cmpxchg_weak",
                za.cmpxchg_weak(bb(zero), bb(zero)),
                zr.compare_exchange_weak(bb(zero), bb(zero), SeqCst, SeqCst),
                zd.cmpxchg_weak(bb(zero), bb(zero)).unwrap(),
                {
                    let mut g = zm.lock().unwrap();
                    let found = *g;
                    if found == bb(zero) {
                        *g = bb(zero);
                    }
                    found
                },
            );
            op!(
                c,
                $ty,
                "cmpxchg_strong",
                za.cmpxchg_strong(bb(zero), bb(zero)),
                zr.compare_exchange(bb(zero), bb(zero), SeqCst, SeqCst),
                zd.cmpxchg_strong(bb(zero), bb(zero)).unwrap(),
                {
                    let mut g = zm.lock().unwrap();
                    let found = *g;
                    if found == bb(zero) {
                        *g = bb(zero);
                    }
                    found
                },
            );
            op!(
                c,
                $ty,
                "update_fetch",
                a.update_fetch(|v| v.wrapping_add(1)),
                r.fetch_update(SeqCst, SeqCst, |v| Some(v.wrapping_add(1))),
                d.update_fetch(|v| v.get::<$t>().unwrap().wrapping_add(1))
                    .unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = g.wrapping_add(1);
                    *g
                },
            );
            op!(
                c,
                $ty,
                "update_vals",
                a.update_vals(|v| v.wrapping_add(1)),
                r.fetch_update(SeqCst, SeqCst, |v| Some(v.wrapping_add(1)))
                    .map(|old| (old, old.wrapping_add(1))),
                d.update_vals(|v| v.get::<$t>().unwrap().wrapping_add(1))
                    .unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_add(1);
                    (old, *g)
                },
            );
            op!(
                c,
                $ty,
                "bit_test",
                a.bit_test(bb(bit)).unwrap(),
                r.load(SeqCst) & (one << bb(bit)) != 0,
                d.bit_test(bb(bit)).unwrap(),
                *m.lock().unwrap() & (one << bb(bit)) != 0,
            );
            op!(
                c,
                $ty,
                "bit_set",
                a.bit_set(bb(bit)).unwrap(),
                {
                    let k = one << bb(bit);
                    r.fetch_or(k, SeqCst) & k != 0
                },
                d.bit_set(bb(bit)).unwrap(),
                {
                    let k = one << bb(bit);
                    let mut g = m.lock().unwrap();
                    let old = *g & k != 0;
                    *g |= k;
                    old
                },
            );
            op!(
                c,
                $ty,
                "bit_reset",
                a.bit_reset(bb(bit)).unwrap(),
                {
                    let k = one << bb(bit);
                    r.fetch_and(!k, SeqCst) & k != 0
                },
                d.bit_reset(bb(bit)).unwrap(),
                {
                    let k = one << bb(bit);
                    let mut g = m.lock().unwrap();
                    let old = *g & k != 0;
                    *g &= !k;
                    old
                },
            );
            op!(
                c,
                $ty,
                "bit_compl",
                a.bit_compl(bb(bit)).unwrap(),
                {
                    let k = one << bb(bit);
                    r.fetch_xor(k, SeqCst) & k != 0
                },
                d.bit_compl(bb(bit)).unwrap(),
                {
                    let k = one << bb(bit);
                    let mut g = m.lock().unwrap();
                    let old = *g & k != 0;
                    *g ^= k;
                    old
                },
            );
            op!(
                c,
                $ty,
                "bin_or",
                a.bin_or(bb(one)),
                {
                    r.fetch_or(bb(one), SeqCst);
                },
                d.bin_or(bb(one)).unwrap(),
                *m.lock().unwrap() |= bb(one),
            );
            op!(
                c,
                $ty,
                "bin_xor",
                a.bin_xor(bb(one)),
                {
                    r.fetch_xor(bb(one), SeqCst);
                },
                d.bin_xor(bb(one)).unwrap(),
                *m.lock().unwrap() ^= bb(one),
            );
            op!(
                c,
                $ty,
                "bin_and",
                a.bin_and(bb(max)),
                {
                    r.fetch_and(bb(max), SeqCst);
                },
                d.bin_and(bb(max)).unwrap(),
                *m.lock().unwrap() &= bb(max),
            );
            op!(
                c,
                $ty,
                "bin_not",
                a.bin_not(),
                {
                    r.fetch_xor(<$t>::MAX, SeqCst);
                },
                d.bin_not().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = !*g;
                },
            );
            op!(
                c,
                $ty,
                "bin_fetch_or",
                a.bin_fetch_or(bb(one)),
                r.fetch_or(bb(one), SeqCst),
                d.bin_fetch_or(bb(one)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g |= bb(one);
                    old
                },
            );
            op!(
                c,
                $ty,
                "bin_fetch_xor",
                a.bin_fetch_xor(bb(one)),
                r.fetch_xor(bb(one), SeqCst),
                d.bin_fetch_xor(bb(one)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g ^= bb(one);
                    old
                },
            );
            op!(
                c,
                $ty,
                "bin_fetch_and",
                a.bin_fetch_and(bb(max)),
                r.fetch_and(bb(max), SeqCst),
                d.bin_fetch_and(bb(max)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g &= bb(max);
                    old
                },
            );
            op!(
                c,
                $ty,
                "bin_fetch_not",
                a.bin_fetch_not(),
                r.fetch_xor(<$t>::MAX, SeqCst),
                d.bin_fetch_not().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = !old;
                    old
                },
            );
            op!(
                c,
                $ty,
                "add",
                a.add(bb(one)),
                {
                    r.fetch_add(bb(one), SeqCst);
                },
                d.add(bb(one)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = g.wrapping_add(bb(one));
                },
            );
            op!(
                c,
                $ty,
                "sub",
                a.sub(bb(one)),
                {
                    r.fetch_sub(bb(one), SeqCst);
                },
                d.sub(bb(one)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = g.wrapping_sub(bb(one));
                },
            );
            op!(
                c,
                $ty,
                "neg",
                a.neg(),
                {
                    let _ = r.fetch_update(SeqCst, SeqCst, |v| Some(v.wrapping_neg()));
                },
                d.neg().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = g.wrapping_neg();
                },
            );
            op!(
                c,
                $ty,
                "inc",
                a.inc(),
                {
                    r.fetch_add(1, SeqCst);
                },
                d.inc().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = g.wrapping_add(1);
                },
            );
            op!(
                c,
                $ty,
                "dec",
                a.dec(),
                {
                    r.fetch_sub(1, SeqCst);
                },
                d.dec().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    *g = g.wrapping_sub(1);
                },
            );
            op!(
                c,
                $ty,
                "fetch_add",
                a.fetch_add(bb(one)),
                r.fetch_add(bb(one), SeqCst),
                d.fetch_add(bb(one)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_add(bb(one));
                    old
                },
            );
            op!(
                c,
                $ty,
                "fetch_add_explicit_relaxed",
                a.fetch_add_explicit(bb(one), MemoryOrder::Relaxed),
                r.fetch_add(bb(one), Relaxed),
                d.fetch_add_explicit(bb(one), MemoryOrder::Relaxed).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_add(bb(one));
                    old
                },
            );
            op!(
                c,
                $ty,
                "fetch_sub",
                a.fetch_sub(bb(one)),
                r.fetch_sub(bb(one), SeqCst),
                d.fetch_sub(bb(one)).unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_sub(bb(one));
                    old
                },
            );
            op!(
                c,
                $ty,
                "fetch_neg",
                a.fetch_neg(),
                r.fetch_update(SeqCst, SeqCst, |v| Some(v.wrapping_neg())),
                d.fetch_neg().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_neg();
                    old
                },
            );
            op!(
                c,
                $ty,
                "fetch_inc",
                a.fetch_inc(),
                r.fetch_add(1, SeqCst),
                d.fetch_inc().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_add(1);
                    old
                },
            );
            op!(
                c,
                $ty,
                "fetch_dec",
                a.fetch_dec(),
                r.fetch_sub(1, SeqCst),
                d.fetch_dec().unwrap(),
                {
                    let mut g = m.lock().unwrap();
                    let old = *g;
                    *g = old.wrapping_sub(1);
                    old
                },
            );
        }
    };
}

int_suite!(u8_ops, u8, "u8", AtomicU8, 1);
int_suite!(u32_ops, u32, "u32", AtomicU32, 4);
int_suite!(u64_ops, u64, "u64", AtomicU64, 8);
int_suite!(u128_ops, u128, "u128", AtomicU128, 16);
