//! `Atom<T>` against the locks it replaces, on a small value (`[u64; 4]`):
//!
//! - `atom/read/{quiet,with_writer}`: `atom.deref()` (and `deref_arc()`) against
//!   `RwLock<Arc<T>>` read (a read guard, and a clone of the `Arc`), with no other thread
//!   and with a writer thread replacing the value in a loop (yielding between writes);
//! - `atom/update`: `atom.swap(f)` (a new `Arc` per update) against a `Mutex<T>`
//!   updated in place.
//!
//! `cargo bench --bench atom`

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shm_atomics::Atom;

type Value = [u64; 4];

fn bump(v: &Value) -> Value {
    let mut n = *v;
    n[0] = n[0].wrapping_add(1);
    n
}

fn reads(c: &mut Criterion, group: &str, atom: &Atom<Value>, lock: &RwLock<Arc<Value>>) {
    let mut g = c.benchmark_group(group);
    g.bench_function("atom_deref", |b| b.iter(|| atom.deref()[0]));
    g.bench_function("rwlock_read", |b| b.iter(|| lock.read().unwrap()[0]));
    g.bench_function("atom_deref_arc", |b| b.iter(|| atom.deref_arc()));
    g.bench_function("rwlock_read_clone", |b| {
        b.iter(|| Arc::clone(&lock.read().unwrap()))
    });
    g.finish();
}

fn atom(c: &mut Criterion) {
    let atom = Atom::new([0u64; 4]);
    let lock = RwLock::new(Arc::new([0u64; 4]));

    reads(c, "atom/read/quiet", &atom, &lock);

    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                atom.swap(bump).expect("no validator");
                let next = Arc::new(bump(&lock.read().unwrap()));
                *lock.write().unwrap() = next;
                std::thread::yield_now();
            }
        });
        reads(c, "atom/read/with_writer", &atom, &lock);
        stop.store(true, Ordering::Relaxed);
    });

    let counter = Atom::new([0u64; 4]);
    let mutex = Mutex::new([0u64; 4]);
    let mut g = c.benchmark_group("atom/update");
    g.bench_function("atom_swap", |b| {
        b.iter(|| counter.swap(|v| bump(black_box(v))).expect("no validator"))
    });
    g.bench_function("mutex_update", |b| {
        b.iter(|| {
            let mut v = mutex.lock().unwrap();
            *v = bump(black_box(&v));
            v[0]
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600))
}

criterion_group! {
    name = benches;
    config = config();
    targets = atom
}
criterion_main!(benches);
