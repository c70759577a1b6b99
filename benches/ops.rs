//! Every operation of `Atomic<T>` for `u8`, `u32`, `u64`, `u128`, `[u8; 16]` and `f64`,
//! each against the same thing done four ways, single-threaded (no contention):
//!
//! - `atomics`: the typed `Atomic<T>` (the method named by the group);
//! - `core`: `core::sync::atomic` (portable-atomic's `AtomicU128` for 16 bytes; for
//!   `f64`, an `AtomicU64` holding the bits, updated in a `fetch_update` loop; for
//!   operations core lacks, what a core user writes: `fetch_update`, `fetch_or` with a
//!   mask, ...);
//! - `dynamic`: the dynamic API (`atomic(width, AType)`), same operation, same operand;
//! - `mutex`: a `Mutex<T>` doing the same update under the lock.
//!
//! Groups are named `<type>/<op>`: `cargo bench --bench ops -- u64/fetch_add` runs one.
//! The default timing is short (the whole suite runs in a few minutes); pass
//! `--measurement-time 2 --warm-up-time 1` for steadier numbers.

use std::hint::black_box as bb;
use std::sync::Mutex;
use std::sync::atomic::Ordering::{Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use portable_atomic::AtomicU128;
use shm_atomics::{AType, Atomic, DynAtomic, Kind, MemoryOrder, atomic};

/// One benchmark group `<ty>/<op>` with the four ways of doing the same thing.
macro_rules! op {
    ($c:ident, $ty:literal, $op:literal,
     $ours:expr, $core:expr, $dynamic:expr, $mutex:expr $(,)?) => {{
        let mut g = $c.benchmark_group(format!("{}/{}", $ty, $op));
        g.bench_function("atomics", |b| b.iter(|| $ours));
        g.bench_function("core", |b| b.iter(|| $core));
        g.bench_function("dynamic", |b| b.iter(|| $dynamic));
        g.bench_function("mutex", |b| b.iter(|| $mutex));
        g.finish();
    }};
}

/// The suite of an unsigned integer type: `$core_ty` is the reference atomic.
macro_rules! int_suite {
    ($fname:ident, $t:ty, $ty:literal, $core_ty:ty, $width:literal) => {
        fn $fname(c: &mut Criterion) {
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

type B16 = [u8; 16];

fn map16(a: B16, b: B16, f: impl Fn(u8, u8) -> u8) -> B16 {
    std::array::from_fn(|i| f(a[i], b[i]))
}

fn bump16(mut v: B16) -> B16 {
    v[0] = v[0].wrapping_add(1);
    v
}

/// The `u128` mask of bit `k` as the bytes API numbers bits (bit `k % 8` of byte `k / 8`).
fn mask16(k: u32) -> u128 {
    let mut b = [0u8; 16];
    b[(k / 8) as usize] = 1 << (k % 8);
    u128::from_ne_bytes(b)
}

/// `[u8; 16]`: the reference is portable-atomic's `AtomicU128` holding the same bytes.
fn bytes16_ops(c: &mut Criterion) {
    let zero: B16 = [0; 16];
    let one: B16 = *b"0123456789abcdef";
    let ones: B16 = [0xff; 16];
    let bit: u32 = 77;
    let n = u128::from_ne_bytes;
    let a = Atomic::<B16>::new(zero);
    let r = AtomicU128::new(0);
    let d = atomic(16, AType::Bytes).unwrap();
    let m = Mutex::new(zero);
    let za = Atomic::<B16>::new(zero);
    let zr = AtomicU128::new(0);
    let zd = atomic(16, AType::Bytes).unwrap();
    let zm = Mutex::new(zero);

    op!(
        c,
        "bytes16",
        "load",
        a.load(),
        r.load(SeqCst).to_ne_bytes(),
        d.load().unwrap(),
        *m.lock().unwrap(),
    );
    op!(
        c,
        "bytes16",
        "store",
        a.store(bb(one)),
        r.store(n(bb(one)), SeqCst),
        d.store(bb(one)).unwrap(),
        *m.lock().unwrap() = bb(one),
    );
    op!(
        c,
        "bytes16",
        "exchange",
        a.exchange(bb(one)),
        r.swap(n(bb(one)), SeqCst).to_ne_bytes(),
        d.exchange(bb(one)).unwrap(),
        std::mem::replace(&mut *m.lock().unwrap(), bb(one)),
    );
    op!(
        c,
        "bytes16",
        "cmpxchg_weak",
        za.cmpxchg_weak(bb(zero), bb(zero)),
        zr.compare_exchange_weak(n(bb(zero)), n(bb(zero)), SeqCst, SeqCst),
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
        "bytes16",
        "cmpxchg_strong",
        za.cmpxchg_strong(bb(zero), bb(zero)),
        zr.compare_exchange(n(bb(zero)), n(bb(zero)), SeqCst, SeqCst),
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
        "bytes16",
        "update_fetch",
        a.update_fetch(bump16),
        r.fetch_update(SeqCst, SeqCst, |v| Some(n(bump16(v.to_ne_bytes())))),
        d.update_fetch(|v| bump16(v.get::<B16>().unwrap())).unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g = bump16(*g);
            *g
        },
    );
    op!(
        c,
        "bytes16",
        "update_vals",
        a.update_vals(bump16),
        r.fetch_update(SeqCst, SeqCst, |v| Some(n(bump16(v.to_ne_bytes()))))
            .map(|old| (old, n(bump16(old.to_ne_bytes())))),
        d.update_vals(|v| bump16(v.get::<B16>().unwrap())).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = bump16(old);
            (old, *g)
        },
    );
    op!(
        c,
        "bytes16",
        "bit_test",
        a.bit_test(bb(bit)).unwrap(),
        r.load(SeqCst) & mask16(bb(bit)) != 0,
        d.bit_test(bb(bit)).unwrap(),
        n(*m.lock().unwrap()) & mask16(bb(bit)) != 0,
    );
    op!(
        c,
        "bytes16",
        "bit_set",
        a.bit_set(bb(bit)).unwrap(),
        {
            let k = mask16(bb(bit));
            r.fetch_or(k, SeqCst) & k != 0
        },
        d.bit_set(bb(bit)).unwrap(),
        {
            let k = bb(bit);
            let mut g = m.lock().unwrap();
            let byte = &mut g[(k / 8) as usize];
            let old = *byte & (1 << (k % 8)) != 0;
            *byte |= 1 << (k % 8);
            old
        },
    );
    op!(
        c,
        "bytes16",
        "bit_reset",
        a.bit_reset(bb(bit)).unwrap(),
        {
            let k = mask16(bb(bit));
            r.fetch_and(!k, SeqCst) & k != 0
        },
        d.bit_reset(bb(bit)).unwrap(),
        {
            let k = bb(bit);
            let mut g = m.lock().unwrap();
            let byte = &mut g[(k / 8) as usize];
            let old = *byte & (1 << (k % 8)) != 0;
            *byte &= !(1 << (k % 8));
            old
        },
    );
    op!(
        c,
        "bytes16",
        "bit_compl",
        a.bit_compl(bb(bit)).unwrap(),
        {
            let k = mask16(bb(bit));
            r.fetch_xor(k, SeqCst) & k != 0
        },
        d.bit_compl(bb(bit)).unwrap(),
        {
            let k = bb(bit);
            let mut g = m.lock().unwrap();
            let byte = &mut g[(k / 8) as usize];
            let old = *byte & (1 << (k % 8)) != 0;
            *byte ^= 1 << (k % 8);
            old
        },
    );
    op!(
        c,
        "bytes16",
        "bin_or",
        a.bin_or(bb(one)),
        {
            r.fetch_or(n(bb(one)), SeqCst);
        },
        d.bin_or(bb(one)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g = map16(*g, bb(one), |x, y| x | y);
        },
    );
    op!(
        c,
        "bytes16",
        "bin_xor",
        a.bin_xor(bb(one)),
        {
            r.fetch_xor(n(bb(one)), SeqCst);
        },
        d.bin_xor(bb(one)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g = map16(*g, bb(one), |x, y| x ^ y);
        },
    );
    op!(
        c,
        "bytes16",
        "bin_and",
        a.bin_and(bb(ones)),
        {
            r.fetch_and(n(bb(ones)), SeqCst);
        },
        d.bin_and(bb(ones)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g = map16(*g, bb(ones), |x, y| x & y);
        },
    );
    op!(
        c,
        "bytes16",
        "bin_not",
        a.bin_not(),
        {
            r.fetch_not(SeqCst);
        },
        d.bin_not().unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g = g.map(|x| !x);
        },
    );
    op!(
        c,
        "bytes16",
        "bin_fetch_or",
        a.bin_fetch_or(bb(one)),
        r.fetch_or(n(bb(one)), SeqCst).to_ne_bytes(),
        d.bin_fetch_or(bb(one)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = map16(old, bb(one), |x, y| x | y);
            old
        },
    );
    op!(
        c,
        "bytes16",
        "bin_fetch_xor",
        a.bin_fetch_xor(bb(one)),
        r.fetch_xor(n(bb(one)), SeqCst).to_ne_bytes(),
        d.bin_fetch_xor(bb(one)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = map16(old, bb(one), |x, y| x ^ y);
            old
        },
    );
    op!(
        c,
        "bytes16",
        "bin_fetch_and",
        a.bin_fetch_and(bb(ones)),
        r.fetch_and(n(bb(ones)), SeqCst).to_ne_bytes(),
        d.bin_fetch_and(bb(ones)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = map16(old, bb(ones), |x, y| x & y);
            old
        },
    );
    op!(
        c,
        "bytes16",
        "bin_fetch_not",
        a.bin_fetch_not(),
        r.fetch_not(SeqCst).to_ne_bytes(),
        d.bin_fetch_not().unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = old.map(|x| !x);
            old
        },
    );
}

/// `f64`: the reference is a core `AtomicU64` holding the bits, arithmetic in a
/// `fetch_update` loop (what a core user writes; core has no atomic float).
fn f64_ops(c: &mut Criterion) {
    let zero = 0.0f64;
    let one = 1.0f64;
    let f = f64::from_bits;
    let a = Atomic::<f64>::new(0.0);
    let r = AtomicU64::new(0);
    let d = DynAtomic::with_kind(8, Kind::Float).unwrap();
    let m = Mutex::new(zero);
    let za = Atomic::<f64>::new(0.0);
    let zr = AtomicU64::new(0);
    let zd = DynAtomic::with_kind(8, Kind::Float).unwrap();
    let zm = Mutex::new(zero);

    op!(
        c,
        "f64",
        "load",
        a.load(),
        f(r.load(SeqCst)),
        d.load().unwrap(),
        *m.lock().unwrap()
    );
    op!(
        c,
        "f64",
        "store",
        a.store(bb(one)),
        r.store(bb(one).to_bits(), SeqCst),
        d.store(bb(one)).unwrap(),
        *m.lock().unwrap() = bb(one),
    );
    op!(
        c,
        "f64",
        "exchange",
        a.exchange(bb(one)),
        f(r.swap(bb(one).to_bits(), SeqCst)),
        d.exchange(bb(one)).unwrap(),
        std::mem::replace(&mut *m.lock().unwrap(), bb(one)),
    );
    op!(
        c,
        "f64",
        "cmpxchg_weak",
        za.cmpxchg_weak(bb(zero), bb(zero)),
        zr.compare_exchange_weak(bb(zero).to_bits(), bb(zero).to_bits(), SeqCst, SeqCst),
        zd.cmpxchg_weak(bb(zero), bb(zero)).unwrap(),
        {
            let mut g = zm.lock().unwrap();
            let found = *g;
            if found.to_bits() == bb(zero).to_bits() {
                *g = bb(zero);
            }
            found
        },
    );
    op!(
        c,
        "f64",
        "cmpxchg_strong",
        za.cmpxchg_strong(bb(zero), bb(zero)),
        zr.compare_exchange(bb(zero).to_bits(), bb(zero).to_bits(), SeqCst, SeqCst),
        zd.cmpxchg_strong(bb(zero), bb(zero)).unwrap(),
        {
            let mut g = zm.lock().unwrap();
            let found = *g;
            if found.to_bits() == bb(zero).to_bits() {
                *g = bb(zero);
            }
            found
        },
    );
    op!(
        c,
        "f64",
        "update_fetch",
        a.update_fetch(|v| v + 1.0),
        r.fetch_update(SeqCst, SeqCst, |v| Some((f(v) + 1.0).to_bits())),
        d.update_fetch(|v| v.get::<f64>().unwrap() + 1.0).unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g += 1.0;
            *g
        },
    );
    op!(
        c,
        "f64",
        "update_vals",
        a.update_vals(|v| v + 1.0),
        r.fetch_update(SeqCst, SeqCst, |v| Some((f(v) + 1.0).to_bits()))
            .map(|old| (f(old), f(old) + 1.0)),
        d.update_vals(|v| v.get::<f64>().unwrap() + 1.0).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = old + 1.0;
            (old, *g)
        },
    );
    op!(
        c,
        "f64",
        "add",
        a.add(bb(one)),
        {
            let _ = r.fetch_update(SeqCst, SeqCst, |v| Some((f(v) + bb(one)).to_bits()));
        },
        d.add(bb(one)).unwrap(),
        *m.lock().unwrap() += bb(one),
    );
    op!(
        c,
        "f64",
        "sub",
        a.sub(bb(one)),
        {
            let _ = r.fetch_update(SeqCst, SeqCst, |v| Some((f(v) - bb(one)).to_bits()));
        },
        d.sub(bb(one)).unwrap(),
        *m.lock().unwrap() -= bb(one),
    );
    op!(
        c,
        "f64",
        "neg",
        a.neg(),
        {
            let _ = r.fetch_update(SeqCst, SeqCst, |v| Some((-f(v)).to_bits()));
        },
        d.neg().unwrap(),
        {
            let mut g = m.lock().unwrap();
            *g = -*g;
        },
    );
    op!(
        c,
        "f64",
        "fetch_add",
        a.fetch_add(bb(one)),
        r.fetch_update(SeqCst, SeqCst, |v| Some((f(v) + bb(one)).to_bits()))
            .map(f),
        d.fetch_add(bb(one)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = old + bb(one);
            old
        },
    );
    op!(
        c,
        "f64",
        "fetch_sub",
        a.fetch_sub(bb(one)),
        r.fetch_update(SeqCst, SeqCst, |v| Some((f(v) - bb(one)).to_bits()))
            .map(f),
        d.fetch_sub(bb(one)).unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = old - bb(one);
            old
        },
    );
    op!(
        c,
        "f64",
        "fetch_neg",
        a.fetch_neg(),
        r.fetch_update(SeqCst, SeqCst, |v| Some((-f(v)).to_bits()))
            .map(f),
        d.fetch_neg().unwrap(),
        {
            let mut g = m.lock().unwrap();
            let old = *g;
            *g = -old;
            old
        },
    );
}

fn config() -> Criterion {
    // About 650 benchmarks: keep each one short by default.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(150))
        .nresamples(10_000)
}

criterion_group! {
    name = benches;
    config = config();
    targets = u8_ops, u32_ops, u64_ops, u128_ops, bytes16_ops, f64_ops
}
criterion_main!(benches);
