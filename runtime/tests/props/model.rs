//! The sequential model of every value type: its state, what each operation does to it,
//! and the values worth trying.

use std::fmt::Debug;

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use shm_atomics_runtime::{Bitwise, Integer, Value};

/// A value type and its sequential model. The model state `S` is the value itself, except
/// for `bool`, whose state is the raw byte (any non-zero byte reads `true`).
pub trait Model: Value {
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
pub trait BitModel: Model + Bitwise {
    fn m_or(s: Self::S, v: Self) -> Self::S;
    fn m_and(s: Self::S, v: Self) -> Self::S;
    fn m_xor(s: Self::S, v: Self) -> Self::S;
    fn m_not(s: Self::S) -> Self::S;
}

/// Arithmetic models: wrapping for integers, IEEE for floats.
pub trait ArithModel: Model {
    fn m_add(a: Self, b: Self) -> Self;
    fn m_sub(a: Self, b: Self) -> Self;
    fn m_neg(a: Self) -> Self;
}

/// Integers have `inc`/`dec`: adding and subtracting one.
pub trait IntModel: ArithModel + BitModel + Integer {
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

pub fn pad16(b: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    out[..b.len()].copy_from_slice(b);
    out
}
