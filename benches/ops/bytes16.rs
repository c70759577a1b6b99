//! The `[u8; 16]` suite: the bytes API against portable-atomic's `AtomicU128` holding the
//! same bytes.

use std::hint::black_box as bb;
use std::sync::Mutex;
use std::sync::atomic::Ordering::SeqCst;

use criterion::Criterion;
use portable_atomic::AtomicU128;
use shm_atomics::{AType, Atomic, atomic};

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
pub fn bytes16_ops(c: &mut Criterion) {
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
