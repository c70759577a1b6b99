//! The memory-order matrix: every operation of every value type with every
//! `MemoryOrder` (every success x failure pair for compare-exchange). A valid order gives
//! `Ok` with the same result and final value as the `SeqCst` method; an invalid one gives
//! `Err(Error::MemoryOrder(..))` naming the operation and the order, and leaves the value
//! alone. Also the `MemoryOrder` rules and conversions themselves.

use std::sync::atomic::Ordering;

use MemoryOrder::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use shm_atomics_runtime::{
    Atomic, Bitwise, Error, Float, Integer, MemoryOrder, MemoryOrderError, OpType, Value,
};

type R = Result<String, Error>;
/// One row: the operation, which orders it accepts, the `_explicit` call and the plain
/// (`SeqCst`) call, both reduced to a printable result.
type Row<T> = (
    OpType,
    fn(MemoryOrder) -> bool,
    Box<dyn Fn(&Atomic<T>, MemoryOrder) -> R>,
    Box<dyn Fn(&Atomic<T>) -> String>,
);

fn load_ok(o: MemoryOrder) -> bool {
    matches!(o, Relaxed | Acquire | SeqCst)
}
fn store_ok(o: MemoryOrder) -> bool {
    matches!(o, Relaxed | Release | SeqCst)
}
fn any(_: MemoryOrder) -> bool {
    true
}
/// The failure-order rule of C++17 (P0418R2) and Rust since 1.64: any load order, with
/// any success order. (Until issue 11 this crate also required the failure order to be
/// no stronger than the success order, refusing e.g. `(Release, Acquire)`.)
fn fail_ok(success: MemoryOrder, failure: MemoryOrder) -> bool {
    let _ = success;
    match failure {
        Relaxed | Acquire | SeqCst => true,
        Release | AcqRel => false,
    }
}

fn d<X: std::fmt::Debug>(x: X) -> String {
    format!("{x:?}")
}

macro_rules! row {
    ($op:ident, $ok:expr, |$a:ident, $o:ident| $explicit:expr, |$b:ident| $plain:expr) => {
        (
            OpType::$op,
            $ok,
            Box::new(move |$a: &Atomic<T>, $o: MemoryOrder| $explicit.map(d)),
            Box::new(move |$b: &Atomic<T>| d($plain)),
        )
    };
}

/// A row of a read-modify-write whose `_explicit` form takes every order and so returns
/// its value directly (no `Result`).
macro_rules! rmw_row {
    ($op:ident, |$a:ident, $o:ident| $explicit:expr, |$b:ident| $plain:expr) => {
        (
            OpType::$op,
            any,
            Box::new(move |$a: &Atomic<T>, $o: MemoryOrder| Ok(d($explicit))),
            Box::new(move |$b: &Atomic<T>| d($plain)),
        )
    };
}

fn base_rows<T: Value>(v: T) -> Vec<Row<T>> {
    vec![
        row!(Load, load_ok, |a, o| a.load_explicit(o), |b| b.load()),
        row!(Store, store_ok, |a, o| a.store_explicit(v, o), |b| b
            .store(v)),
        rmw_row!(Exchange, |a, o| a.exchange_explicit(v, o), |b| b
            .exchange(v)),
        // `fetch_update` is the same operation as `update_fetch` (one `OpType`), returning
        // the previous value: both are checked in its row.
        rmw_row!(
            UpdateFetch,
            |a, o| (
                a.update_fetch_explicit(|_| v, o),
                a.fetch_update_explicit(|_| v, o)
            ),
            |b| (b.update_fetch(|_| v), b.fetch_update(|_| v))
        ),
        rmw_row!(UpdateVals, |a, o| a.update_vals_explicit(|_| v, o), |b| b
            .update_vals(|_| v)),
    ]
}

fn bit_rows<T: Bitwise>(v: T, bit: u32) -> Vec<Row<T>> {
    let mut rows = base_rows(v);
    rows.extend::<[Row<T>; 12]>([
        row!(BitTest, load_ok, |a, o| a.bit_test_explicit(bit, o), |b| b
            .bit_test(bit)
            .unwrap()),
        row!(BitSet, any, |a, o| a.bit_set_explicit(bit, o), |b| b
            .bit_set(bit)
            .unwrap()),
        row!(BitReset, any, |a, o| a.bit_reset_explicit(bit, o), |b| b
            .bit_reset(bit)
            .unwrap()),
        row!(BitCompl, any, |a, o| a.bit_compl_explicit(bit, o), |b| b
            .bit_compl(bit)
            .unwrap()),
        rmw_row!(BinOr, |a, o| a.bin_or_explicit(v, o), |b| b.bin_or(v)),
        rmw_row!(BinXor, |a, o| a.bin_xor_explicit(v, o), |b| b.bin_xor(v)),
        rmw_row!(BinAnd, |a, o| a.bin_and_explicit(v, o), |b| b.bin_and(v)),
        rmw_row!(BinNot, |a, o| a.bin_not_explicit(o), |b| b.bin_not()),
        rmw_row!(BinFetchOr, |a, o| a.bin_fetch_or_explicit(v, o), |b| b
            .bin_fetch_or(v)),
        rmw_row!(BinFetchXor, |a, o| a.bin_fetch_xor_explicit(v, o), |b| b
            .bin_fetch_xor(v)),
        rmw_row!(BinFetchAnd, |a, o| a.bin_fetch_and_explicit(v, o), |b| b
            .bin_fetch_and(v)),
        rmw_row!(BinFetchNot, |a, o| a.bin_fetch_not_explicit(o), |b| b
            .bin_fetch_not()),
    ]);
    rows
}

fn arith_rows<T: shm_atomics_runtime::Arithmetic>(v: T) -> Vec<Row<T>> {
    vec![
        rmw_row!(Add, |a, o| a.add_explicit(v, o), |b| b.add(v)),
        rmw_row!(Sub, |a, o| a.sub_explicit(v, o), |b| b.sub(v)),
        rmw_row!(Neg, |a, o| a.neg_explicit(o), |b| b.neg()),
        rmw_row!(FetchAdd, |a, o| a.fetch_add_explicit(v, o), |b| b
            .fetch_add(v)),
        rmw_row!(FetchSub, |a, o| a.fetch_sub_explicit(v, o), |b| b
            .fetch_sub(v)),
        rmw_row!(FetchNeg, |a, o| a.fetch_neg_explicit(o), |b| b.fetch_neg()),
    ]
}

fn int_rows<T: Integer>(v: T, bit: u32) -> Vec<Row<T>> {
    let mut rows = bit_rows(v, bit);
    rows.extend(arith_rows(v));
    rows.extend::<[Row<T>; 4]>([
        rmw_row!(Inc, |a, o| a.inc_explicit(o), |b| b.inc()),
        rmw_row!(Dec, |a, o| a.dec_explicit(o), |b| b.dec()),
        rmw_row!(FetchInc, |a, o| a.fetch_inc_explicit(o), |b| b.fetch_inc()),
        rmw_row!(FetchDec, |a, o| a.fetch_dec_explicit(o), |b| b.fetch_dec()),
    ]);
    rows
}

fn float_rows<T: Float>(v: T) -> Vec<Row<T>> {
    let mut rows = base_rows(v);
    rows.extend(arith_rows(v));
    rows
}

/// Runs every row with every order on fresh atomics holding `init`.
fn matrix<T: Value>(init: T, rows: Vec<Row<T>>) {
    let ops: Vec<OpType> = rows.iter().map(|r| r.0).collect();
    // Every operation except the two compare-exchanges (tested below) has a row.
    let mut want: Vec<OpType> = Atomic::<T>::ops_supported().iter().collect();
    want.retain(|op| !matches!(op, OpType::CmpxchgWeak | OpType::CmpxchgStrong));
    let mut got = ops.clone();
    got.sort();
    assert_eq!(got, want, "{}: the table covers ops_supported", T::KIND);

    for (op, ok, explicit, plain) in &rows {
        for o in MemoryOrder::ALL {
            let a = Atomic::new(init);
            let twin = Atomic::new(init);
            let r = explicit(&a, o);
            if ok(o) {
                assert_eq!(r, Ok(plain(&twin)), "{op} {o} on {init:?}");
                assert_eq!(d(a.load()), d(twin.load()), "{op} {o}: final value");
            } else {
                let e = MemoryOrderError {
                    op: *op,
                    order: o,
                    is_fail: false,
                };
                assert_eq!(r, Err(Error::MemoryOrder(e)), "{op} {o}");
                assert_eq!(
                    d(a.load()),
                    d(init),
                    "{op} {o}: a refused op changes nothing"
                );
                let msg = e.to_string();
                assert!(msg.contains(o.name()) && msg.contains(op.name()), "{msg}");
            }
        }
    }
    cmpxchg_matrix(init);
}

/// Every success x failure pair, weak and strong, matching and not.
fn cmpxchg_matrix<T: Value>(init: T) {
    let other = T::ZERO;
    assert!(d(other) != d(init), "init must differ from zero");
    for weak in [false, true] {
        let op = if weak {
            OpType::CmpxchgWeak
        } else {
            OpType::CmpxchgStrong
        };
        for s in MemoryOrder::ALL {
            for f in MemoryOrder::ALL {
                for matching in [true, false] {
                    let a = Atomic::new(init);
                    let exp = if matching { init } else { other };
                    let call = || {
                        if weak {
                            a.cmpxchg_weak_explicit(exp, other, s, f)
                        } else {
                            a.cmpxchg_strong_explicit(exp, other, s, f)
                        }
                    };
                    let mut r = call();
                    if fail_ok(s, f) {
                        // A weak compare-exchange may fail spuriously on a match.
                        let mut tries = 0;
                        while weak && matching && !r.as_ref().unwrap().success && tries < 1000 {
                            assert_eq!(d(r.as_ref().unwrap().expected), d(init));
                            r = call();
                            tries += 1;
                        }
                        let r = r.unwrap();
                        assert_eq!(r.success, matching, "{op} {s}/{f}");
                        assert_eq!(d(r.expected), d(init), "{op} {s}/{f}");
                        let now = if matching { other } else { init };
                        assert_eq!(d(a.load()), d(now), "{op} {s}/{f}");
                    } else {
                        let e = MemoryOrderError {
                            op,
                            order: f,
                            is_fail: true,
                        };
                        assert_eq!(r, Err(Error::MemoryOrder(e)), "{op} {s}/{f}");
                        assert_eq!(d(a.load()), d(init), "{op} {s}/{f}: unchanged");
                        let msg = e.to_string();
                        assert!(msg.contains(f.name()) && msg.contains(op.name()), "{msg}");
                    }
                }
            }
        }
    }
}

macro_rules! int_matrix {
    ($($name:ident: $t:ty = $init:expr, $v:expr;)*) => {$(
        #[test]
        fn $name() {
            matrix::<$t>($init, int_rows::<$t>($v, 1));
        }
    )*};
}

int_matrix! {
    orders_i8: i8 = -75, 3;
    orders_u8: u8 = 0xb5, 3;
    orders_i16: i16 = i16::MIN + 5, 3;
    orders_u16: u16 = 0xa5a5, 3;
    orders_i32: i32 = -5, 3;
    orders_u32: u32 = u32::MAX - 10, 3;
    orders_i64: i64 = i64::MAX - 2, 3;
    orders_u64: u64 = 5, 3;
    orders_i128: i128 = i128::MIN + 5, 3;
    orders_u128: u128 = u128::MAX / 3, 3;
}

macro_rules! bytes_matrix {
    ($($name:ident: $n:literal;)*) => {$(
        #[test]
        fn $name() {
            let init: [u8; $n] = std::array::from_fn(|i| 0x51 + i as u8);
            matrix::<[u8; $n]>(init, bit_rows([0x0f; $n], 1));
        }
    )*};
}

bytes_matrix! {
    orders_bytes1: 1;
    orders_bytes2: 2;
    orders_bytes4: 4;
    orders_bytes8: 8;
    orders_bytes16: 16;
}

#[test]
fn orders_bool() {
    matrix::<bool>(true, bit_rows(false, 1));
}

#[test]
fn orders_f32() {
    matrix::<f32>(1.5, float_rows(0.25));
}

#[test]
fn orders_f64() {
    matrix::<f64>(-1.5, float_rows(0.25));
}

#[test]
fn validity_predicates() {
    for o in MemoryOrder::ALL {
        assert_eq!(o.is_valid_store_order(), store_ok(o), "{o}");
        assert_eq!(o.is_valid_load_order(), load_ok(o), "{o}");
        for s in MemoryOrder::ALL {
            assert_eq!(
                o.is_valid_fail_order(s),
                fail_ok(s, o),
                "failure {o} success {s}"
            );
        }
        // The paired failure order is valid with it, and is its load part: never
        // stronger than the success order (what the update loops rely on).
        let f = o.strongest_fail_order();
        assert!(f.is_valid_fail_order(o));
        assert!(f.is_valid_load_order());
        assert!(f <= o, "{f} paired with {o}");
    }
    let valid_pairs = MemoryOrder::ALL
        .iter()
        .flat_map(|s| MemoryOrder::ALL.iter().map(move |f| (*s, *f)))
        .filter(|(s, f)| f.is_valid_fail_order(*s))
        .count();
    // Every success order (5) with every load order (3) as failure order.
    assert_eq!(valid_pairs, 15);
    // The pairs C++17 / Rust 1.64 allowed that the old rule refused.
    for (s, f) in [
        (Release, Acquire),
        (Relaxed, Acquire),
        (Relaxed, SeqCst),
        (Acquire, SeqCst),
        (Release, SeqCst),
        (AcqRel, SeqCst),
    ] {
        assert!(f.is_valid_fail_order(s), "success {s} failure {f}");
    }
    assert_eq!(Relaxed.strongest_fail_order(), Relaxed);
    assert_eq!(Release.strongest_fail_order(), Relaxed);
    assert_eq!(Acquire.strongest_fail_order(), Acquire);
    assert_eq!(AcqRel.strongest_fail_order(), Acquire);
    assert_eq!(SeqCst.strongest_fail_order(), SeqCst);
}

#[test]
fn conversions_and_names() {
    let table = [
        (Relaxed, Ordering::Relaxed, "relaxed", 0u8),
        (Acquire, Ordering::Acquire, "acquire", 1),
        (Release, Ordering::Release, "release", 2),
        (AcqRel, Ordering::AcqRel, "acq_rel", 3),
        (SeqCst, Ordering::SeqCst, "seq_cst", 4),
    ];
    assert_eq!(MemoryOrder::ALL.len(), table.len());
    for (i, (m, o, name, disc)) in table.into_iter().enumerate() {
        assert_eq!(MemoryOrder::ALL[i], m, "ALL is weakest first");
        assert_eq!(Ordering::from(m), o);
        assert_eq!(MemoryOrder::try_from(o), Ok(m));
        assert_eq!(m.name(), name);
        assert_eq!(m.to_string(), name);
        assert_eq!(m as u8, disc);
    }
    assert_eq!(MemoryOrder::default(), SeqCst);
    assert!(Relaxed < Acquire && Acquire < Release && Release < AcqRel && AcqRel < SeqCst);
}

#[test]
fn error_display_names_the_order_and_op() {
    let a = Atomic::<u32>::new(1);
    let e = a.store_explicit(2, Acquire).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("acquire") && msg.contains("store"), "{msg}");
    assert!(msg.contains("release"), "says what is allowed: {msg}");
    let e = a.bit_test_explicit(40, AcqRel).unwrap_err();
    assert_eq!(
        e,
        Error::MemoryOrder(MemoryOrderError {
            op: OpType::BitTest,
            order: AcqRel,
            is_fail: false
        }),
        "the order is checked before the bit index"
    );
    assert!(e.to_string().contains("bit_test"));
    let e = a.cmpxchg_strong_explicit(1, 2, SeqCst, AcqRel).unwrap_err();
    assert!(e.to_string().contains("acq_rel") && e.to_string().contains("failure"));
    assert_eq!(a.load(), 1);
    // Issue 11: the pairs C++17 and Rust 1.64 allow are accepted and do their work.
    let r = a
        .cmpxchg_strong_explicit(1, 2, Release, Acquire)
        .expect("(release, acquire)");
    assert!(r.success);
    let r = a
        .cmpxchg_strong_explicit(1, 3, Relaxed, SeqCst)
        .expect("(relaxed, seq_cst)");
    assert!(!r.success && r.expected == 2);
    assert_eq!(a.load(), 2);
}
