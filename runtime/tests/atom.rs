//! `Atom<T>` (feature `atom`) and the Java-style names on `Atomic<T>`.
#![cfg(feature = "atom")]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use shm_atomics_runtime::{Atom, Atomic, ValidationError};

#[derive(Clone, Debug, Default, PartialEq)]
struct Counter {
    n: u64,
    label: &'static str,
}

#[test]
fn eight_threads_ten_thousand_swaps_each_are_exact() {
    const THREADS: u64 = 8;
    const SWAPS: u64 = 10_000;
    let atom = Atom::new(Counter {
        n: 0,
        label: "hits",
    });
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..SWAPS {
                    atom.swap(|c| Counter {
                        n: c.n + 1,
                        label: c.label,
                    })
                    .expect("no validator");
                }
            });
        }
    });
    assert_eq!(
        *atom.deref(),
        Counter {
            n: THREADS * SWAPS,
            label: "hits"
        }
    );
}

#[test]
fn validator_rejections_change_nothing_and_return_the_error() {
    // with_validator: the initial value must pass.
    let err = Atom::with_validator(-1i32, |n| *n >= 0).unwrap_err();
    assert_eq!(
        err,
        ValidationError {
            op: "with_validator"
        }
    );
    assert!(err.to_string().contains("initial value"));

    let atom = Atom::with_validator(5i32, |n| *n >= 0).expect("5 is valid");
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    atom.add_watch("count", move |_, _, _| {
        c.fetch_add(1, Ordering::SeqCst);
    });

    let err = atom.swap(|n| n - 10).unwrap_err();
    assert_eq!(err, ValidationError { op: "swap" });
    assert!(err.to_string().contains("keeps its value"), "{err}");
    assert_eq!(*atom.deref(), 5);

    assert_eq!(
        atom.swap_vals(|n| n - 10).unwrap_err(),
        ValidationError { op: "swap_vals" }
    );
    let err = atom.reset(-3).unwrap_err();
    assert_eq!(err, ValidationError { op: "reset" });
    assert!(err.to_string().contains("passed to reset"), "{err}");
    assert_eq!(
        atom.reset_vals(-3).unwrap_err(),
        ValidationError { op: "reset_vals" }
    );
    let cur = atom.deref_arc();
    assert!(!atom.compare_and_set(&cur, -1));
    assert!(!atom.compare_and_set_value(&5, -1));
    assert_eq!(*atom.deref(), 5);
    assert!(
        Arc::ptr_eq(&cur, &atom.deref_arc()),
        "nothing was installed"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no watch for a rejection");

    // A valid change still works, and is watched.
    assert_eq!(*atom.swap(|n| n + 1).unwrap(), 6);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // set_validator: the new validator must accept the current value.
    assert_eq!(
        atom.set_validator(Some(|n: &i32| *n > 100)).unwrap_err(),
        ValidationError {
            op: "set_validator"
        }
    );
    assert!(atom.reset(-1).is_err(), "the old validator stays");
    atom.set_validator(Some(|n: &i32| *n < 10)).unwrap();
    assert!(atom.reset(-1).is_ok(), "the new validator replaced the old");
    assert!(atom.reset(10).is_err());
    atom.set_validator(None::<fn(&i32) -> bool>).unwrap();
    assert!(!atom.has_validator());
    assert_eq!(*atom.reset(1000).unwrap(), 1000);
}

#[test]
fn watches_are_called_once_per_change_and_pairs_chain() {
    let atom = Atom::new(0u32);
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = Arc::clone(&log);
    atom.add_watch("log", move |key, old, new| {
        assert_eq!(key, "log");
        l.lock().unwrap().push((*old, *new));
    });
    atom.swap(|n| n + 1).unwrap();
    atom.swap_vals(|n| n * 10).unwrap();
    atom.reset(7).unwrap();
    atom.reset_vals(8).unwrap();
    let cur = atom.deref_arc();
    assert!(atom.compare_and_set(&cur, 9));
    assert!(!atom.compare_and_set(&cur, 99)); // fails: no call
    assert!(atom.compare_and_set_value(&9, 11));
    assert!(!atom.compare_and_set_value(&9, 99)); // fails: no call
    let pairs = log.lock().unwrap().clone();
    assert_eq!(pairs, [(0, 1), (1, 10), (10, 7), (7, 8), (8, 9), (9, 11)]);

    // Replacing a watch under the same key keeps one watch; removing it stops the calls.
    let l = Arc::clone(&log);
    assert!(atom.add_watch("log", move |_, old, new| {
        l.lock().unwrap().push((*old + 1000, *new + 1000));
    }));
    atom.reset(12).unwrap();
    assert_eq!(log.lock().unwrap().last(), Some(&(1011, 1012)));
    assert_eq!(atom.watch_keys().len(), 1);
    assert!(atom.remove_watch("log"));
    atom.reset(13).unwrap();
    assert_eq!(log.lock().unwrap().len(), 7);
}

#[test]
fn watch_pairs_form_one_chain_under_contention() {
    const THREADS: u64 = 4;
    const SWAPS: u64 = 2_000;
    let atom = Atom::new(0u64);
    let pairs = Arc::new(Mutex::new(Vec::new()));
    let p = Arc::clone(&pairs);
    atom.add_watch("chain", move |_, old, new| {
        p.lock().unwrap().push((*old, *new));
    });
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..SWAPS {
                    atom.swap(|n| n + 1).unwrap();
                }
            });
        }
    });
    let total = THREADS * SWAPS;
    assert_eq!(*atom.deref(), total);
    let pairs = pairs.lock().unwrap().clone();
    assert_eq!(pairs.len() as u64, total, "one call per change");
    // Follow the chain from the initial value: each old value is replaced exactly once.
    let next: HashMap<u64, u64> = pairs.iter().copied().collect();
    assert_eq!(next.len(), pairs.len(), "no old value appears twice");
    let mut v = 0;
    let mut steps = 0;
    while let Some(&n) = next.get(&v) {
        v = n;
        steps += 1;
    }
    assert_eq!(
        (v, steps),
        (total, total),
        "the pairs chain 0 -> ... -> final"
    );
}

#[test]
fn compare_and_set_by_identity_and_by_value() {
    let atom = Atom::new(String::from("a"));
    let first = atom.deref_arc();
    let equal_but_other = Arc::new(String::from("a"));
    assert!(
        !atom.compare_and_set(&equal_but_other, "x".into()),
        "identity, not equality"
    );
    assert!(atom.compare_and_set(&first, "b".into()));
    assert!(!atom.compare_and_set(&first, "c".into()), "stale Arc");
    assert_eq!(*atom.deref(), "b");

    let g = atom.deref();
    assert!(atom.compare_and_set(g.as_arc(), "c".into()));
    drop(g);

    assert!(atom.compare_and_set_value(&"c".to_string(), "d".into()));
    assert!(!atom.compare_and_set_value(&"c".to_string(), "e".into()));
    assert_eq!(*atom.deref(), "d");

    // Equal values installed by others do not stop compare_and_set_value.
    let a = Atom::new(1);
    a.reset(1).unwrap();
    assert!(a.compare_and_set_value(&1, 2));
    assert_eq!(*a.deref(), 2);
}

#[test]
fn readers_make_progress_while_a_writer_is_inside_a_slow_swap() {
    let atom = Atom::new(vec![0u8; 16]);
    let writer_inside = AtomicBool::new(false);
    let writer_done = AtomicBool::new(false);
    let start = Barrier::new(2);
    let reads_while_inside = AtomicUsize::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            start.wait();
            atom.swap(|v| {
                writer_inside.store(true, Ordering::SeqCst);
                // Stay inside `f` until the reader has completed enough derefs, or give up
                // after a long bound: a blocked reader completes none, and the assertion
                // below fails. Waiting on progress rather than a fixed sleep keeps the test
                // meaningful on a loaded machine where the reader may not run for a while.
                let deadline = std::time::Instant::now() + Duration::from_secs(20);
                while reads_while_inside.load(Ordering::Relaxed) <= 100
                    && std::time::Instant::now() < deadline
                {
                    thread::sleep(Duration::from_millis(1));
                }
                let mut v = v.clone();
                v[0] += 1;
                // Clear before returning: reads counted below happened while inside `f`.
                writer_inside.store(false, Ordering::SeqCst);
                v
            })
            .unwrap();
            writer_done.store(true, Ordering::SeqCst);
        });
        s.spawn(|| {
            start.wait();
            while !writer_done.load(Ordering::SeqCst) {
                let inside_before = writer_inside.load(Ordering::SeqCst);
                let v = atom.deref();
                assert_eq!(v.len(), 16);
                let inside_after = writer_inside.load(Ordering::SeqCst);
                if inside_before && inside_after {
                    reads_while_inside.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    });
    let reads = reads_while_inside.load(Ordering::Relaxed);
    // A reader that is not blocked gets past 100 long before the 20 s bound; a blocked
    // reader would manage none.
    assert!(
        reads > 100,
        "only {reads} derefs completed while the writer was inside f"
    );
    assert_eq!(atom.deref()[0], 1);
}

#[test]
fn a_panicking_watch_does_not_stop_others_or_the_atom() {
    let atom = Atom::new(0i32);
    let seen = Arc::new(AtomicUsize::new(0));
    let s1 = Arc::clone(&seen);
    atom.add_watch("before", move |_, _, _| {
        s1.fetch_add(1, Ordering::SeqCst);
    });
    atom.add_watch("boom", |_, _, new: &i32| {
        if *new > 0 {
            panic!("watch panics on purpose (expected in this test)");
        }
    });
    let s2 = Arc::clone(&seen);
    atom.add_watch("after", move |_, _, _| {
        s2.fetch_add(10, Ordering::SeqCst);
    });
    assert_eq!(*atom.swap(|n| n + 1).unwrap(), 1);
    assert_eq!(seen.load(Ordering::SeqCst), 11, "both other watches ran");
    assert_eq!(*atom.reset(2).unwrap(), 2);
    assert_eq!(seen.load(Ordering::SeqCst), 22);
    assert_eq!(*atom.deref(), 2);
    // Still fully usable from other threads.
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| atom.swap(|n| n + 1).unwrap());
        }
    });
    assert_eq!(*atom.deref(), 4);
    assert_eq!(seen.load(Ordering::SeqCst), 44);
    assert_eq!(atom.watch_keys().len(), 3);
}

#[test]
fn a_panicking_update_function_leaves_the_atom_unchanged() {
    let atom = Atom::new(1u8);
    let r = std::panic::catch_unwind(|| {
        atom.swap(|_| panic!("update panics on purpose (expected in this test)"))
    });
    assert!(r.is_err());
    assert_eq!(*atom.deref(), 1);
    assert_eq!(*atom.swap(|n| n + 1).unwrap(), 2);
}

#[test]
fn debug_default_and_from() {
    let atom: Atom<Vec<u8>> = Atom::default();
    assert!(atom.deref().is_empty());
    let atom = Atom::from(3u8);
    atom.add_watch("w", |_, _, _| {});
    atom.set_validator(Some(|_: &u8| true)).unwrap();
    assert_eq!(
        format!("{atom:?}"),
        r#"Atom { value: 3, validator: true, watches: ["w"] }"#
    );
    assert_eq!(format!("{:?}", atom.deref()), "3");
}

// --- Java-style names on Atomic<T> ---

#[test]
fn java_get_set_get_and_set_compare_and_set() {
    let a = Atomic::new(7i32);
    assert_eq!(a.get(), 7);
    a.set(-8);
    assert_eq!(a.get(), -8);
    assert_eq!(a.get_and_set(9), -8);
    assert_eq!(a.get(), 9);
    assert!(a.compare_and_set(9, 10));
    assert!(!a.compare_and_set(9, 11));
    assert_eq!(a.get(), 10);

    let b = Atomic::new(false);
    assert!(!b.get_and_set(true));
    assert!(b.compare_and_set(true, false));
    assert!(!b.get());

    let bytes = Atomic::new(*b"abcd");
    assert!(bytes.compare_and_set(*b"abcd", *b"wxyz"));
    assert_eq!(bytes.get(), *b"wxyz");

    let f = Atomic::new(0.0f64);
    assert!(!f.compare_and_set(-0.0, 1.0), "floats compare by bits");
    assert!(f.compare_and_set(0.0, 1.5));
    assert_eq!(f.get(), 1.5);
}

#[test]
fn java_arithmetic_integers_wrap() {
    let a = Atomic::new(0i32);
    assert_eq!(a.add_and_get(5), 5);
    assert_eq!(a.get_and_add(3), 5);
    assert_eq!(a.get(), 8);
    assert_eq!(a.subtract_and_get(10), -2);
    assert_eq!(a.get_and_subtract(1), -2);
    assert_eq!(a.get(), -3);

    let max = Atomic::new(i64::MAX);
    assert_eq!(max.add_and_get(1), i64::MIN);
    assert_eq!(max.get_and_subtract(1), i64::MIN);
    assert_eq!(max.get(), i64::MAX);

    let u = Atomic::new(0u8);
    assert_eq!(u.subtract_and_get(1), u8::MAX);
    assert_eq!(u.get_and_add(2), u8::MAX);
    assert_eq!(u.get(), 1);

    let big = Atomic::new(u128::MAX - 1);
    assert_eq!(big.add_and_get(3), 1);
}

#[test]
fn java_arithmetic_floats_ieee() {
    let f = Atomic::new(1.0f64);
    assert_eq!(f.add_and_get(0.5), 1.5);
    assert_eq!(f.get_and_add(0.25), 1.5);
    assert_eq!(f.get(), 1.75);
    assert_eq!(f.subtract_and_get(2.0), -0.25);
    assert_eq!(f.get_and_subtract(0.75), -0.25);
    assert_eq!(f.get(), -1.0);

    let g = Atomic::new(f32::MAX);
    assert_eq!(g.add_and_get(f32::MAX), f32::INFINITY);
    assert!(g.subtract_and_get(f32::INFINITY).is_nan());
}

#[test]
fn java_add_and_get_is_exact_under_contention() {
    let a = Atomic::new(0u64);
    let seen = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let mut mine = Vec::with_capacity(1000);
                for _ in 0..1000 {
                    mine.push(a.add_and_get(1));
                }
                seen.lock().unwrap().extend(mine);
            });
        }
    });
    let mut seen = seen.into_inner().unwrap();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=4000).collect::<Vec<u64>>(),
        "each new value once"
    );
}
