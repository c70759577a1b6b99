//! The `f64` suite: `Atomic<f64>` against a core `AtomicU64` holding the bits.

use std::hint::black_box as bb;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;

use criterion::Criterion;
use shm_atomics::{Atomic, DynAtomic, Kind};

/// `f64`: the reference is a core `AtomicU64` holding the bits, arithmetic in a
/// `fetch_update` loop (what a core user writes; core has no atomic float).
pub fn f64_ops(c: &mut Criterion) {
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
