//! Differential property tests: random sequences of every operation of every value type,
//! on an atomic and on a plain sequential model, comparing every return value (and every
//! error) and the final value and memory bytes.
//!
//! Each step may use the plain (`SeqCst`) method or its `_explicit` form with a random
//! order; an order the operation refuses must give `Err(Error::MemoryOrder(..))` and
//! leave the value alone. The model writes its own order rules (not the crate's
//! `is_valid_*`), so the two are checked against each other.

use std::fmt::Debug;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use shm_atomics_runtime::{
    Atomic, BitIndexError, Bitwise, CmpxchgResult, Error, Float, Integer, MemoryOrder,
    MemoryOrderError, OpType, Region, Value,
};

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

/// A value type and its sequential model. The model state `S` is the value itself, except
/// for `bool`, whose state is the raw byte (any non-zero byte reads `true`).
trait Model: Value {
    type S: Copy + PartialEq + Debug;
    /// The value a load returns from state `s`.
    fn get(s: Self::S) -> Self;
    /// The state after storing `v`.
    fn put(v: Self) -> Self::S;
    /// The memory bytes of a state (bit k is bit k % 8 of byte k / 8).
    fn bytes(s: Self::S) -> Vec<u8>;
    /// The state holding these memory bytes.
    fn from_bytes(b: &[u8]) -> Self::S;
    /// What compare-exchange compares: bits for floats, truth for bool, value otherwise.
    fn same(a: Self, b: Self) -> bool;
    /// A key that tells results apart exactly (float bits, not float equality).
    fn key(v: Self) -> u128;
    /// The function that `update_fetch` / `fetch_update` / `update_vals` apply,
    /// parameterized by an operand.
    fn mix(x: Self, v: Self) -> Self;
    /// Interesting values: MIN/MAX, zero, one, all-ones, signs, NaN...
    fn edges() -> Vec<Self>;
    /// Any value, edges often.
    fn any_value() -> BoxedStrategy<Self>;
    /// Any initial state.
    fn any_state() -> BoxedStrategy<Self::S> {
        Self::any_value().prop_map(Self::put).boxed()
    }
}

/// Bitwise models: `bin_*` on the state.
trait BitModel: Model + Bitwise {
    fn m_or(s: Self::S, v: Self) -> Self::S;
    fn m_and(s: Self::S, v: Self) -> Self::S;
    fn m_xor(s: Self::S, v: Self) -> Self::S;
    fn m_not(s: Self::S) -> Self::S;
}

/// Arithmetic models: wrapping for integers, IEEE for floats.
trait ArithModel: Model {
    fn m_add(a: Self, b: Self) -> Self;
    fn m_sub(a: Self, b: Self) -> Self;
    fn m_neg(a: Self) -> Self;
}

/// Integers have `inc`/`dec`: adding and subtracting one.
trait IntModel: ArithModel + BitModel + Integer {
    const M_ONE: Self;
}

macro_rules! int_model {
    ($($t:ident)*) => {$(
        impl Model for $t {
            type S = $t;
            fn get(s: $t) -> $t { s }
            fn put(v: $t) -> $t { v }
            fn bytes(s: $t) -> Vec<u8> { s.to_ne_bytes().to_vec() }
            fn from_bytes(b: &[u8]) -> $t { $t::from_ne_bytes(b.try_into().unwrap()) }
            fn same(a: $t, b: $t) -> bool { a == b }
            fn key(v: $t) -> u128 { u128::from_ne_bytes(pad16(&v.to_ne_bytes())) }
            fn mix(x: $t, v: $t) -> $t { x.wrapping_mul(3).wrapping_add(v) }
            fn edges() -> Vec<$t> {
                vec![
                    $t::MIN, $t::MIN.wrapping_add(1), $t::MAX, $t::MAX.wrapping_sub(1), 0, 1,
                    $t::wrapping_sub(0, 1), $t::MAX / 2, ($t::MAX / 2).wrapping_add(1),
                ]
            }
            fn any_value() -> BoxedStrategy<$t> {
                prop_oneof![2 => prop::sample::select(Self::edges()), 3 => any::<$t>()].boxed()
            }
        }
        impl BitModel for $t {
            fn m_or(s: $t, v: $t) -> $t { s | v }
            fn m_and(s: $t, v: $t) -> $t { s & v }
            fn m_xor(s: $t, v: $t) -> $t { s ^ v }
            fn m_not(s: $t) -> $t { !s }
        }
        impl ArithModel for $t {
            fn m_add(a: $t, b: $t) -> $t { a.wrapping_add(b) }
            fn m_sub(a: $t, b: $t) -> $t { a.wrapping_sub(b) }
            fn m_neg(a: $t) -> $t { $t::wrapping_sub(0, a) }
        }
        impl IntModel for $t {
            const M_ONE: $t = 1;
        }
    )*};
}
int_model!(i8 u8 i16 u16 i32 u32 i64 u64 i128 u128);

macro_rules! bytes_model {
    ($($n:literal)*) => {$(
        impl Model for [u8; $n] {
            type S = [u8; $n];
            fn get(s: Self) -> Self { s }
            fn put(v: Self) -> Self { v }
            fn bytes(s: Self) -> Vec<u8> { s.to_vec() }
            fn from_bytes(b: &[u8]) -> Self { b.try_into().unwrap() }
            fn same(a: Self, b: Self) -> bool { a == b }
            fn key(v: Self) -> u128 { u128::from_ne_bytes(pad16(&v)) }
            fn mix(x: Self, v: Self) -> Self {
                let mut out = [0; $n];
                for i in 0..$n {
                    out[i] = x[($n - 1) - i].rotate_left(1) ^ v[i];
                }
                out
            }
            fn edges() -> Vec<Self> {
                let mut ramp = [0; $n];
                for (i, b) in ramp.iter_mut().enumerate() {
                    *b = i as u8 + 1;
                }
                let mut high = [0; $n];
                high[$n - 1] = 0x80;
                vec![[0; $n], [0xff; $n], [0x55; $n], [0xaa; $n], [1; $n], ramp, high]
            }
            fn any_value() -> BoxedStrategy<Self> {
                prop_oneof![2 => prop::sample::select(Self::edges()), 3 => any::<[u8; $n]>()]
                    .boxed()
            }
        }
        impl BitModel for [u8; $n] {
            fn m_or(s: Self, v: Self) -> Self { std::array::from_fn(|i| s[i] | v[i]) }
            fn m_and(s: Self, v: Self) -> Self { std::array::from_fn(|i| s[i] & v[i]) }
            fn m_xor(s: Self, v: Self) -> Self { std::array::from_fn(|i| s[i] ^ v[i]) }
            fn m_not(s: Self) -> Self { s.map(|b| !b) }
        }
    )*};
}
bytes_model!(1 2 4 8 16);

macro_rules! float_model {
    ($($t:ident $bits:ident)*) => {$(
        impl Model for $t {
            type S = $t;
            fn get(s: $t) -> $t { s }
            fn put(v: $t) -> $t { v }
            fn bytes(s: $t) -> Vec<u8> { s.to_ne_bytes().to_vec() }
            fn from_bytes(b: &[u8]) -> $t { $t::from_ne_bytes(b.try_into().unwrap()) }
            fn same(a: $t, b: $t) -> bool { a.to_bits() == b.to_bits() }
            fn key(v: $t) -> u128 { u128::from(v.to_bits()) }
            fn mix(x: $t, v: $t) -> $t { x * 0.5 - v }
            fn edges() -> Vec<$t> {
                vec![
                    0.0, -0.0, 1.0, -1.0, 0.5, $t::MIN, $t::MAX, $t::MIN_POSITIVE,
                    -$t::MIN_POSITIVE, $t::EPSILON, $t::INFINITY, $t::NEG_INFINITY, $t::NAN,
                    -$t::NAN, $t::from_bits(1), // smallest subnormal
                    $t::from_bits($bits::MAX), // a NaN with every payload bit set
                ]
            }
            fn any_value() -> BoxedStrategy<$t> {
                prop_oneof![
                    2 => prop::sample::select(Self::edges()),
                    2 => (-1000i32..1000).prop_map(|i| i as $t * 0.25),
                    2 => any::<$bits>().prop_map($t::from_bits),
                ]
                .boxed()
            }
        }
        impl ArithModel for $t {
            fn m_add(a: $t, b: $t) -> $t { a + b }
            fn m_sub(a: $t, b: $t) -> $t { a - b }
            fn m_neg(a: $t) -> $t { -a }
        }
    )*};
}
float_model!(f32 u32 f64 u64);

/// `bool` is modelled by its raw byte. Loads read `byte != 0`; stores write 0 or 1;
/// `bit_*` act on the raw byte; `bin_*` are logical: an operand that decides the result
/// writes it as 0 or 1 (`or true`, `and false`, `xor true`, `not`), an operand that does
/// not (`or false`, `and true`, `xor false`) leaves the byte as it was.
impl Model for bool {
    type S = u8;
    fn get(s: u8) -> bool {
        s != 0
    }
    fn put(v: bool) -> u8 {
        u8::from(v)
    }
    fn bytes(s: u8) -> Vec<u8> {
        vec![s]
    }
    fn from_bytes(b: &[u8]) -> u8 {
        b[0]
    }
    fn same(a: bool, b: bool) -> bool {
        a == b
    }
    fn key(v: bool) -> u128 {
        u128::from(v)
    }
    fn mix(x: bool, v: bool) -> bool {
        x ^ v
    }
    fn edges() -> Vec<bool> {
        vec![false, true]
    }
    fn any_value() -> BoxedStrategy<bool> {
        any::<bool>().boxed()
    }
    fn any_state() -> BoxedStrategy<u8> {
        prop_oneof![
            3 => prop::sample::select(vec![0u8, 1, 2, 0x80, 0xff, 0xfe]),
            1 => any::<u8>(),
        ]
        .boxed()
    }
}

impl BitModel for bool {
    fn m_or(s: u8, v: bool) -> u8 {
        if v { 1 } else { s }
    }
    fn m_and(s: u8, v: bool) -> u8 {
        if v { s } else { 0 }
    }
    fn m_xor(s: u8, v: bool) -> u8 {
        if v { u8::from(s == 0) } else { s }
    }
    fn m_not(s: u8) -> u8 {
        u8::from(s == 0)
    }
}

fn pad16(b: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    out[..b.len()].copy_from_slice(b);
    out
}

// ---------------------------------------------------------------------------------------
// Order rules, written independently of the crate
// ---------------------------------------------------------------------------------------

use MemoryOrder::{Acquire, Relaxed, Release, SeqCst};

fn load_ok(o: MemoryOrder) -> bool {
    matches!(o, Relaxed | Acquire | SeqCst)
}
fn store_ok(o: MemoryOrder) -> bool {
    matches!(o, Relaxed | Release | SeqCst)
}
fn rmw_ok(_: MemoryOrder) -> bool {
    true
}
/// Any load order is a valid failure order, whatever the success order (C++17, Rust 1.64).
fn fail_ok(_success: MemoryOrder, failure: MemoryOrder) -> bool {
    matches!(failure, Relaxed | Acquire | SeqCst)
}

fn order_err(op: OpType, order: MemoryOrder, is_fail: bool) -> Error {
    Error::MemoryOrder(MemoryOrderError { op, order, is_fail })
}

/// The error an `_explicit` call must return for `ord`, if any (`None` = plain method).
fn refused(ord: Option<MemoryOrder>, op: OpType, ok: fn(MemoryOrder) -> bool) -> Option<Error> {
    match ord {
        Some(o) if !ok(o) => Some(order_err(op, o, false)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

type Ord = Option<MemoryOrder>;
/// A `bin_*` operation on the model state.
type BinFn<T> = fn(<T as Model>::S, T) -> <T as Model>::S;
/// An arithmetic operation on a model value.
type UnaryFn<T> = Box<dyn Fn(T) -> T>;

#[derive(Clone, Copy, Debug)]
enum Bin {
    Or,
    Xor,
    And,
}

#[derive(Clone, Copy, Debug)]
enum Arith {
    Add,
    Sub,
}

#[derive(Clone, Debug)]
enum Op<T> {
    Load(Ord),
    Store(T, Ord),
    Exchange(T, Ord),
    /// `expected` is the current value when `use_current` (so successes are common).
    Cmpxchg {
        weak: bool,
        use_current: bool,
        expected: T,
        desired: T,
        orders: Option<(MemoryOrder, MemoryOrder)>,
    },
    UpdateFetch(T, Ord),
    FetchUpdate(T, Ord),
    UpdateVals(T, Ord),
    BitTest(u32, Ord),
    BitSet(u32, Ord),
    BitReset(u32, Ord),
    BitCompl(u32, Ord),
    Bin(Bin, bool, T, Ord),
    BinNot(bool, Ord),
    Arith(Arith, bool, T, Ord),
    Neg(bool, Ord),
    Inc(bool, Ord),
    Dec(bool, Ord),
}

fn ord() -> BoxedStrategy<Ord> {
    prop_oneof![
        1 => Just(None),
        1 => prop::sample::select(MemoryOrder::ALL.to_vec()).prop_map(Some),
    ]
    .boxed()
}

fn orders() -> BoxedStrategy<Option<(MemoryOrder, MemoryOrder)>> {
    let o = || prop::sample::select(MemoryOrder::ALL.to_vec());
    prop_oneof![1 => Just(None), 2 => (o(), o()).prop_map(Some)].boxed()
}

fn bit_index<T: Value>() -> BoxedStrategy<u32> {
    let bits = 8 * T::WIDTH as u32;
    prop_oneof![
        6 => 0..bits,
        1 => bits..bits + 8,
        1 => prop::sample::select(vec![u32::MAX, bits * 2, 1 << 20]),
    ]
    .boxed()
}

fn base_ops<T: Model>() -> Vec<BoxedStrategy<Op<T>>> {
    let v = T::any_value;
    vec![
        ord().prop_map(Op::Load).boxed(),
        (v(), ord()).prop_map(|(x, o)| Op::Store(x, o)).boxed(),
        (v(), ord()).prop_map(|(x, o)| Op::Exchange(x, o)).boxed(),
        (any::<bool>(), any::<bool>(), v(), v(), orders())
            .prop_map(
                |(weak, use_current, expected, desired, orders)| Op::Cmpxchg {
                    weak,
                    use_current,
                    expected,
                    desired,
                    orders,
                },
            )
            .boxed(),
        (v(), ord())
            .prop_map(|(x, o)| Op::UpdateFetch(x, o))
            .boxed(),
        (v(), ord())
            .prop_map(|(x, o)| Op::FetchUpdate(x, o))
            .boxed(),
        (v(), ord()).prop_map(|(x, o)| Op::UpdateVals(x, o)).boxed(),
    ]
}

fn bit_ops<T: BitModel>() -> Vec<BoxedStrategy<Op<T>>> {
    let v = T::any_value;
    let bin = prop::sample::select(vec![Bin::Or, Bin::Xor, Bin::And]);
    let mut ops = base_ops::<T>();
    ops.extend([
        (bit_index::<T>(), ord())
            .prop_map(|(k, o)| Op::BitTest(k, o))
            .boxed(),
        (bit_index::<T>(), ord())
            .prop_map(|(k, o)| Op::BitSet(k, o))
            .boxed(),
        (bit_index::<T>(), ord())
            .prop_map(|(k, o)| Op::BitReset(k, o))
            .boxed(),
        (bit_index::<T>(), ord())
            .prop_map(|(k, o)| Op::BitCompl(k, o))
            .boxed(),
        (bin, any::<bool>(), v(), ord())
            .prop_map(|(b, fetch, x, o)| Op::Bin(b, fetch, x, o))
            .boxed(),
        (any::<bool>(), ord())
            .prop_map(|(f, o)| Op::BinNot(f, o))
            .boxed(),
    ]);
    ops
}

fn arith_ops<T: ArithModel>() -> Vec<BoxedStrategy<Op<T>>> {
    let arith = prop::sample::select(vec![Arith::Add, Arith::Sub]);
    vec![
        (arith, any::<bool>(), T::any_value(), ord())
            .prop_map(|(a, fetch, x, o)| Op::Arith(a, fetch, x, o))
            .boxed(),
        (any::<bool>(), ord())
            .prop_map(|(f, o)| Op::Neg(f, o))
            .boxed(),
    ]
}

fn int_ops<T: IntModel>() -> BoxedStrategy<Op<T>> {
    let mut ops = bit_ops::<T>();
    ops.extend(arith_ops::<T>());
    ops.push(
        (any::<bool>(), ord())
            .prop_map(|(f, o)| Op::Inc(f, o))
            .boxed(),
    );
    ops.push(
        (any::<bool>(), ord())
            .prop_map(|(f, o)| Op::Dec(f, o))
            .boxed(),
    );
    Union::new(ops).boxed()
}

fn bitwise_ops<T: BitModel>() -> BoxedStrategy<Op<T>> {
    Union::new(bit_ops::<T>()).boxed()
}

fn float_ops<T: ArithModel + Float>() -> BoxedStrategy<Op<T>> {
    let mut ops = base_ops::<T>();
    ops.extend(arith_ops::<T>());
    Union::new(ops).boxed()
}

// ---------------------------------------------------------------------------------------
// Steps: run one operation on the atomic and on the model, compare
// ---------------------------------------------------------------------------------------

fn keyed<T: Model>(r: Result<T, Error>) -> Result<u128, Error> {
    r.map(T::key)
}

/// Operations every value type has.
fn step_base<T: Model>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    match *op {
        Op::Load(ord) => {
            let got = match ord {
                None => Ok(a.load()),
                Some(o) => a.load_explicit(o),
            };
            let want = match refused(ord, OpType::Load, load_ok) {
                Some(e) => Err(e),
                None => Ok(T::get(*s)),
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        Op::Store(v, ord) => {
            let got = match ord {
                None => {
                    a.store(v);
                    Ok(())
                }
                Some(o) => a.store_explicit(v, o),
            };
            let want = match refused(ord, OpType::Store, store_ok) {
                Some(e) => Err(e),
                None => {
                    *s = T::put(v);
                    Ok(())
                }
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::Exchange(v, ord) => {
            let got = match ord {
                None => Ok(a.exchange(v)),
                Some(o) => Ok(a.exchange_explicit(v, o)),
            };
            let want = match refused(ord, OpType::Exchange, rmw_ok) {
                Some(e) => Err(e),
                None => Ok(T::get(std::mem::replace(s, T::put(v)))),
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        Op::Cmpxchg {
            weak,
            use_current,
            expected,
            desired,
            orders,
        } => {
            let exp = if use_current { T::get(*s) } else { expected };
            let got = match (weak, orders) {
                (true, None) => Ok(a.cmpxchg_weak(exp, desired)),
                (false, None) => Ok(a.cmpxchg_strong(exp, desired)),
                (true, Some((so, fo))) => a.cmpxchg_weak_explicit(exp, desired, so, fo),
                (false, Some((so, fo))) => a.cmpxchg_strong_explicit(exp, desired, so, fo),
            };
            let opty = if weak {
                OpType::CmpxchgWeak
            } else {
                OpType::CmpxchgStrong
            };
            let before = *s;
            let cur = T::get(before);
            let want = match orders {
                Some((so, fo)) if !fail_ok(so, fo) => Err(order_err(opty, fo, true)),
                _ if T::same(cur, exp) => {
                    *s = T::put(desired);
                    Ok(CmpxchgResult {
                        success: true,
                        expected: cur,
                    })
                }
                _ => Ok(CmpxchgResult {
                    success: false,
                    expected: cur,
                }),
            };
            let k = |r: Result<CmpxchgResult<T>, Error>| r.map(|r| (r.success, T::key(r.expected)));
            match (got, want) {
                // A weak compare-exchange may fail although the values match: then it
                // reports the value found (which matches) and writes nothing.
                (Ok(g), Ok(w)) if weak && !g.success && w.success => {
                    assert_eq!(T::key(g.expected), T::key(cur), "{op:?}");
                    *s = before;
                }
                (g, w) => assert_eq!(k(g), k(w), "{op:?}"),
            }
        }
        Op::UpdateFetch(v, ord) | Op::FetchUpdate(v, ord) | Op::UpdateVals(v, ord) => {
            // `(old, new)`; a form that returns one of them has ZERO for the other.
            let (ret_old, ret_new) = match op {
                Op::UpdateFetch(..) => (false, true),
                Op::FetchUpdate(..) => (true, false),
                _ => (true, true),
            };
            let f = |x: T| T::mix(x, v);
            let got = match (op, ord) {
                (Op::UpdateFetch(..), None) => Ok((T::ZERO, a.update_fetch(f))),
                (Op::UpdateFetch(..), Some(o)) => Ok((T::ZERO, a.update_fetch_explicit(f, o))),
                (Op::FetchUpdate(..), None) => Ok((a.fetch_update(f), T::ZERO)),
                (Op::FetchUpdate(..), Some(o)) => Ok((a.fetch_update_explicit(f, o), T::ZERO)),
                (_, None) => Ok(a.update_vals(f)),
                (_, Some(o)) => Ok(a.update_vals_explicit(f, o)),
            };
            let opty = if let Op::UpdateVals(..) = op {
                OpType::UpdateVals
            } else {
                OpType::UpdateFetch
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    let new = T::mix(old, v);
                    *s = T::put(new);
                    Ok((
                        if ret_old { old } else { T::ZERO },
                        if ret_new { new } else { T::ZERO },
                    ))
                }
            };
            let k = |r: Result<(T, T), Error>| r.map(|(o, n)| (T::key(o), T::key(n)));
            assert_eq!(k(got), k(want), "{op:?}");
        }
        _ => panic!("{op:?} is not a base operation"),
    }
}

/// Base operations plus the bit and `bin_*` operations.
fn step_bits<T: BitModel>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    match *op {
        Op::BitTest(k, ord) => {
            let got = match ord {
                None => a.bit_test(k),
                Some(o) => a.bit_test_explicit(k, o),
            };
            let want = match refused(ord, OpType::BitTest, load_ok) {
                Some(e) => Err(e),
                None => model_bit::<T>(s, k, |b, _| b),
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::BitSet(k, ord) | Op::BitReset(k, ord) | Op::BitCompl(k, ord) => {
            let (got, opty, f): (_, _, fn(u8, u8) -> u8) = match (op, ord) {
                (Op::BitSet(..), None) => (a.bit_set(k), OpType::BitSet, |b, m| b | m),
                (Op::BitSet(..), Some(o)) => {
                    (a.bit_set_explicit(k, o), OpType::BitSet, |b, m| b | m)
                }
                (Op::BitReset(..), None) => (a.bit_reset(k), OpType::BitReset, |b, m| b & !m),
                (Op::BitReset(..), Some(o)) => {
                    (a.bit_reset_explicit(k, o), OpType::BitReset, |b, m| b & !m)
                }
                (_, None) => (a.bit_compl(k), OpType::BitCompl, |b, m| b ^ m),
                (_, Some(o)) => (a.bit_compl_explicit(k, o), OpType::BitCompl, |b, m| b ^ m),
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => model_bit::<T>(s, k, f),
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::Bin(b, fetch, v, ord) => {
            let got = match (b, fetch, ord) {
                (Bin::Or, false, None) => {
                    a.bin_or(v);
                    Ok(T::ZERO)
                }
                (Bin::Or, false, Some(o)) => {
                    a.bin_or_explicit(v, o);
                    Ok(T::ZERO)
                }
                (Bin::Or, true, None) => Ok(a.bin_fetch_or(v)),
                (Bin::Or, true, Some(o)) => Ok(a.bin_fetch_or_explicit(v, o)),
                (Bin::Xor, false, None) => {
                    a.bin_xor(v);
                    Ok(T::ZERO)
                }
                (Bin::Xor, false, Some(o)) => {
                    a.bin_xor_explicit(v, o);
                    Ok(T::ZERO)
                }
                (Bin::Xor, true, None) => Ok(a.bin_fetch_xor(v)),
                (Bin::Xor, true, Some(o)) => Ok(a.bin_fetch_xor_explicit(v, o)),
                (Bin::And, false, None) => {
                    a.bin_and(v);
                    Ok(T::ZERO)
                }
                (Bin::And, false, Some(o)) => {
                    a.bin_and_explicit(v, o);
                    Ok(T::ZERO)
                }
                (Bin::And, true, None) => Ok(a.bin_fetch_and(v)),
                (Bin::And, true, Some(o)) => Ok(a.bin_fetch_and_explicit(v, o)),
            };
            let f: BinFn<T> = match b {
                Bin::Or => T::m_or,
                Bin::Xor => T::m_xor,
                Bin::And => T::m_and,
            };
            let opty = match (b, fetch) {
                (Bin::Or, false) => OpType::BinOr,
                (Bin::Or, true) => OpType::BinFetchOr,
                (Bin::Xor, false) => OpType::BinXor,
                (Bin::Xor, true) => OpType::BinFetchXor,
                (Bin::And, false) => OpType::BinAnd,
                (Bin::And, true) => OpType::BinFetchAnd,
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    *s = f(*s, v);
                    Ok(if fetch { old } else { T::ZERO })
                }
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        Op::BinNot(fetch, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.bin_not();
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.bin_not_explicit(o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.bin_fetch_not()),
                (true, Some(o)) => Ok(a.bin_fetch_not_explicit(o)),
            };
            let opty = if fetch {
                OpType::BinFetchNot
            } else {
                OpType::BinNot
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    *s = T::m_not(*s);
                    Ok(if fetch { old } else { T::ZERO })
                }
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        _ => step_base(a, s, op),
    }
}

/// Bit `k` of the model's memory bytes (bit `k % 8` of byte `k / 8`): its old value, and
/// the byte rewritten by `f(byte, mask)`; `BitIndexError` past the width.
fn model_bit<T: Model>(s: &mut T::S, k: u32, f: fn(u8, u8) -> u8) -> Result<bool, Error> {
    let mut bytes = T::bytes(*s);
    if k as usize >= 8 * bytes.len() {
        return Err(Error::BitIndex(BitIndexError {
            bit: k,
            width: bytes.len(),
        }));
    }
    let (i, m) = ((k / 8) as usize, 1u8 << (k % 8));
    let old = bytes[i] & m != 0;
    bytes[i] = f(bytes[i], m);
    *s = T::from_bytes(&bytes);
    Ok(old)
}

/// `add`/`sub`/`neg` and their fetch forms (integers and floats).
fn step_arith<T: ArithModel + shm_atomics_runtime::Arithmetic>(
    a: &Atomic<T>,
    s: &mut T::S,
    op: &Op<T>,
) -> bool {
    let (got, opty, f): (Result<T, Error>, OpType, UnaryFn<T>) = match *op {
        Op::Arith(Arith::Add, fetch, v, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.add(v);
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.add_explicit(v, o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.fetch_add(v)),
                (true, Some(o)) => Ok(a.fetch_add_explicit(v, o)),
            };
            let opty = if fetch { OpType::FetchAdd } else { OpType::Add };
            (got, opty, Box::new(move |x| T::m_add(x, v)))
        }
        Op::Arith(Arith::Sub, fetch, v, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.sub(v);
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.sub_explicit(v, o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.fetch_sub(v)),
                (true, Some(o)) => Ok(a.fetch_sub_explicit(v, o)),
            };
            let opty = if fetch { OpType::FetchSub } else { OpType::Sub };
            (got, opty, Box::new(move |x| T::m_sub(x, v)))
        }
        Op::Neg(fetch, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.neg();
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.neg_explicit(o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.fetch_neg()),
                (true, Some(o)) => Ok(a.fetch_neg_explicit(o)),
            };
            let opty = if fetch { OpType::FetchNeg } else { OpType::Neg };
            (got, opty, Box::new(T::m_neg))
        }
        _ => return false,
    };
    let (fetch, ord) = match *op {
        Op::Arith(_, fetch, _, ord) | Op::Neg(fetch, ord) => (fetch, ord),
        _ => unreachable!(),
    };
    let want = match refused(ord, opty, rmw_ok) {
        Some(e) => Err(e),
        None => {
            let old = T::get(*s);
            *s = T::put(f(old));
            Ok(if fetch { old } else { T::ZERO })
        }
    };
    assert_eq!(keyed(got), keyed(want), "{op:?}");
    true
}

fn step_int<T: IntModel>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    if step_arith(a, s, op) {
        return;
    }
    match *op {
        Op::Inc(fetch, ord) | Op::Dec(fetch, ord) => {
            let inc = matches!(op, Op::Inc(..));
            let got = match (inc, fetch, ord) {
                (true, false, None) => {
                    a.inc();
                    Ok(T::ZERO)
                }
                (true, false, Some(o)) => {
                    a.inc_explicit(o);
                    Ok(T::ZERO)
                }
                (true, true, None) => Ok(a.fetch_inc()),
                (true, true, Some(o)) => Ok(a.fetch_inc_explicit(o)),
                (false, false, None) => {
                    a.dec();
                    Ok(T::ZERO)
                }
                (false, false, Some(o)) => {
                    a.dec_explicit(o);
                    Ok(T::ZERO)
                }
                (false, true, None) => Ok(a.fetch_dec()),
                (false, true, Some(o)) => Ok(a.fetch_dec_explicit(o)),
            };
            let opty = match (inc, fetch) {
                (true, false) => OpType::Inc,
                (true, true) => OpType::FetchInc,
                (false, false) => OpType::Dec,
                (false, true) => OpType::FetchDec,
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    *s = T::put(if inc {
                        T::m_add(old, T::M_ONE)
                    } else {
                        T::m_sub(old, T::M_ONE)
                    });
                    Ok(if fetch { old } else { T::ZERO })
                }
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        _ => step_bits(a, s, op),
    }
}

fn step_float<T: ArithModel + Float>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    if !step_arith(a, s, op) {
        step_base(a, s, op);
    }
}

// ---------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------

#[repr(C, align(16))]
struct Buf([u8; 16]);

/// How the atomic under test is obtained.
#[derive(Clone, Copy, Debug)]
enum Cell {
    /// `Atomic::new` (the state is canonicalized: `bool` holds 0 or 1).
    Owned,
    /// `Atomic::from_mut` over a byte buffer holding the state's bytes.
    FromMut,
    /// `Region::atomic_at` over a byte buffer holding the state's bytes.
    Region,
}

fn run<T: Model>(init: T::S, cell: Cell, ops: &[Op<T>], step: fn(&Atomic<T>, &mut T::S, &Op<T>)) {
    let mut buf = Buf([0; 16]);
    let w = T::WIDTH;
    let mut s = init;
    let owned;
    {
        buf.0[..w].copy_from_slice(&T::bytes(init));
        let mem = &mut buf.0[..w];
        let a: &Atomic<T> = match cell {
            Cell::Owned => {
                s = T::put(T::get(init));
                owned = Atomic::new(T::get(init));
                &owned
            }
            Cell::FromMut => Atomic::from_mut(mem).expect("aligned, exact size"),
            Cell::Region => Region::new(mem).atomic_at(0).expect("aligned, in bounds"),
        };
        for op in ops {
            step(a, &mut s, op);
        }
        assert_eq!(T::key(a.load()), T::key(T::get(s)), "final value");
    }
    if !matches!(cell, Cell::Owned) {
        assert_eq!(buf.0[..w], T::bytes(s)[..], "final memory bytes");
    }
}

fn cell() -> impl Strategy<Value = Cell> {
    prop::sample::select(vec![Cell::Owned, Cell::FromMut, Cell::Region])
}

macro_rules! props {
    ($($name:ident: $t:ty => $ops:ident, $step:ident;)*) => {$(
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]
            #[test]
            fn $name(
                init in <$t as Model>::any_state(),
                cell in cell(),
                ops in vec($ops::<$t>(), 1..40),
            ) {
                run::<$t>(init, cell, &ops, $step::<$t>);
            }
        }
    )*};
}

props! {
    model_i8: i8 => int_ops, step_int;
    model_u8: u8 => int_ops, step_int;
    model_i16: i16 => int_ops, step_int;
    model_u16: u16 => int_ops, step_int;
    model_i32: i32 => int_ops, step_int;
    model_u32: u32 => int_ops, step_int;
    model_i64: i64 => int_ops, step_int;
    model_u64: u64 => int_ops, step_int;
    model_i128: i128 => int_ops, step_int;
    model_u128: u128 => int_ops, step_int;
    model_f32: f32 => float_ops, step_float;
    model_f64: f64 => float_ops, step_float;
    model_bool: bool => bitwise_ops, step_bits;
    model_bytes1: [u8; 1] => bitwise_ops, step_bits;
    model_bytes2: [u8; 2] => bitwise_ops, step_bits;
    model_bytes4: [u8; 4] => bitwise_ops, step_bits;
    model_bytes8: [u8; 8] => bitwise_ops, step_bits;
    model_bytes16: [u8; 16] => bitwise_ops, step_bits;
}
