//! The dynamic API against the typed `Atomic<T>`: a differential property test running
//! random operation sequences on `atomic(width, AType)` and on the `Atomic<T>` of the same
//! width and kind, comparing every result and the final value.

mod common;

use common::{call, unsupported};
use proptest::prelude::*;
use shm_atomics_runtime::{
    AType, Atomic, Bitwise, DynAtomic, DynValue, Error, Integer, OpType, Operand, atomic,
};

#[derive(Clone, Debug)]
enum Op {
    Load,
    Store(u128),
    Exchange(u128),
    /// `None` as the expected value means "the current value".
    Cmpxchg(bool, Option<u128>, u128),
    Bit(OpType, u32),
    Bin(OpType, u128),
    BinNot(bool),
    Arith(OpType, u128),
    Step(OpType),
    Swap(u128),
}

fn op_strategy(width: usize) -> impl Strategy<Value = Op> {
    let bits = (width * 8 + 2) as u32;
    let edge = prop_oneof![
        Just(0u128),
        Just(1u128),
        Just(u128::MAX),
        Just(u128::MAX >> 1),
        Just(1u128 << 127),
        Just(1u128 << (width * 8 - 1)),
        any::<u128>(),
    ];
    let v = || edge.clone();
    prop_oneof![
        Just(Op::Load),
        v().prop_map(Op::Store),
        v().prop_map(Op::Exchange),
        (any::<bool>(), prop::option::of(v()), v()).prop_map(|(w, e, d)| Op::Cmpxchg(w, e, d)),
        (
            prop::sample::select(vec![
                OpType::BitTest,
                OpType::BitSet,
                OpType::BitReset,
                OpType::BitCompl
            ]),
            0..bits
        )
            .prop_map(|(o, b)| Op::Bit(o, b)),
        (
            prop::sample::select(vec![
                OpType::BinOr,
                OpType::BinXor,
                OpType::BinAnd,
                OpType::BinFetchOr,
                OpType::BinFetchXor,
                OpType::BinFetchAnd
            ]),
            v()
        )
            .prop_map(|(o, x)| Op::Bin(o, x)),
        any::<bool>().prop_map(Op::BinNot),
        (
            prop::sample::select(vec![
                OpType::Add,
                OpType::Sub,
                OpType::FetchAdd,
                OpType::FetchSub
            ]),
            v()
        )
            .prop_map(|(o, x)| Op::Arith(o, x)),
        prop::sample::select(vec![
            OpType::Inc,
            OpType::Dec,
            OpType::Neg,
            OpType::FetchInc,
            OpType::FetchDec,
            OpType::FetchNeg
        ])
        .prop_map(Op::Step),
        v().prop_map(Op::Swap),
    ]
}

/// A typed value made from the low bits of a `u128`, and an operand of the same type.
trait Model: Bitwise + Into<Operand> {
    fn from_bits(b: u128) -> Self;
}

macro_rules! model_int {
    ($($t:ty)*) => {$(
        impl Model for $t {
            fn from_bits(b: u128) -> Self { b as $t }
        }
    )*};
}
model_int!(i8 i16 i32 i64 i128 u8 u16 u32 u64 u128);

macro_rules! model_bytes {
    ($($n:literal $u:ty),*) => {$(
        impl Model for [u8; $n] {
            fn from_bits(b: u128) -> Self { (b as $u).to_ne_bytes() }
        }
    )*};
}
model_bytes!(1 u8, 2 u16, 4 u32, 8 u64, 16 u128);

fn same<T: Model>(d: Result<DynValue, Error>, t: T) -> Result<(), TestCaseError> {
    let d = d.map_err(|e| TestCaseError::fail(format!("dynamic failed: {e}")))?;
    prop_assert_eq!(d.get::<T>(), Some(t), "dynamic {:?}", d);
    Ok(())
}

/// Applies an operation every kind offers to both; `Ok(false)` if `op` is arithmetic.
fn step_common<T: Model>(d: &DynAtomic, t: &Atomic<T>, op: &Op) -> Result<bool, TestCaseError> {
    let m = T::from_bits;
    match *op {
        Op::Load => same(d.load(), t.load())?,
        Op::Store(x) => {
            prop_assert!(d.store(m(x)).is_ok());
            t.store(m(x));
        }
        Op::Exchange(x) => same(d.exchange(m(x)), t.exchange(m(x)))?,
        Op::Cmpxchg(weak, e, x) => {
            let e = e.map(m).unwrap_or_else(|| t.load());
            let (rd, rt) = if weak {
                // a spurious failure of either would make them differ: retry until both
                // agree with a strong compare-exchange's verdict
                let strong_ok = t.load() == e;
                let rt = loop {
                    let r = t.cmpxchg_weak(e, m(x));
                    if r.success == strong_ok {
                        break r;
                    }
                };
                let rd = loop {
                    let r = d.cmpxchg_weak(e, m(x)).unwrap();
                    if r.success == strong_ok {
                        break r;
                    }
                };
                (rd, rt)
            } else {
                (
                    d.cmpxchg_strong(e, m(x)).unwrap(),
                    t.cmpxchg_strong(e, m(x)),
                )
            };
            prop_assert_eq!(rd.success, rt.success);
            same(Ok(rd.expected), rt.expected)?;
        }
        Op::Bit(o, b) => {
            let (rd, rt) = match o {
                OpType::BitTest => (d.bit_test(b), t.bit_test(b)),
                OpType::BitSet => (d.bit_set(b), t.bit_set(b)),
                OpType::BitReset => (d.bit_reset(b), t.bit_reset(b)),
                _ => (d.bit_compl(b), t.bit_compl(b)),
            };
            prop_assert_eq!(rd, rt);
        }
        Op::Bin(o, x) => match o {
            OpType::BinOr => {
                prop_assert!(d.bin_or(m(x)).is_ok());
                t.bin_or(m(x));
            }
            OpType::BinXor => {
                prop_assert!(d.bin_xor(m(x)).is_ok());
                t.bin_xor(m(x));
            }
            OpType::BinAnd => {
                prop_assert!(d.bin_and(m(x)).is_ok());
                t.bin_and(m(x));
            }
            OpType::BinFetchOr => same(d.bin_fetch_or(m(x)), t.bin_fetch_or(m(x)))?,
            OpType::BinFetchXor => same(d.bin_fetch_xor(m(x)), t.bin_fetch_xor(m(x)))?,
            _ => same(d.bin_fetch_and(m(x)), t.bin_fetch_and(m(x)))?,
        },
        Op::BinNot(fetch) => {
            if fetch {
                same(d.bin_fetch_not(), t.bin_fetch_not())?;
            } else {
                prop_assert!(d.bin_not().is_ok());
                t.bin_not();
            }
        }
        Op::Swap(x) => {
            let (old_d, new_d) = d.update_vals(|_| m(x)).unwrap();
            let (old_t, new_t) = t.update_vals(|_| m(x));
            same(Ok(old_d), old_t)?;
            same(Ok(new_d), new_t)?;
        }
        Op::Arith(..) | Op::Step(_) => return Ok(false),
    }
    Ok(true)
}

fn step_int<T: Model + Integer>(
    d: &DynAtomic,
    t: &Atomic<T>,
    op: &Op,
) -> Result<(), TestCaseError> {
    if step_common(d, t, op)? {
        return Ok(());
    }
    let m = T::from_bits;
    match *op {
        Op::Arith(OpType::Add, x) => {
            prop_assert!(d.add(m(x)).is_ok());
            t.add(m(x));
        }
        Op::Arith(OpType::Sub, x) => {
            prop_assert!(d.sub(m(x)).is_ok());
            t.sub(m(x));
        }
        Op::Arith(OpType::FetchAdd, x) => same(d.fetch_add(m(x)), t.fetch_add(m(x)))?,
        Op::Arith(_, x) => same(d.fetch_sub(m(x)), t.fetch_sub(m(x)))?,
        Op::Step(OpType::Inc) => {
            prop_assert!(d.inc().is_ok());
            t.inc();
        }
        Op::Step(OpType::Dec) => {
            prop_assert!(d.dec().is_ok());
            t.dec();
        }
        Op::Step(OpType::Neg) => {
            prop_assert!(d.neg().is_ok());
            t.neg();
        }
        Op::Step(OpType::FetchInc) => same(d.fetch_inc(), t.fetch_inc())?,
        Op::Step(OpType::FetchDec) => same(d.fetch_dec(), t.fetch_dec())?,
        Op::Step(_) => same(d.fetch_neg(), t.fetch_neg())?,
        _ => unreachable!("handled by step_common"),
    }
    Ok(())
}

/// Bytes have no arithmetic: the dynamic atomic refuses it and changes nothing.
fn step_bytes<T: Model>(d: &DynAtomic, t: &Atomic<T>, op: &Op) -> Result<(), TestCaseError> {
    if step_common(d, t, op)? {
        return Ok(());
    }
    let (o, r) = match *op {
        Op::Arith(o, x) => {
            let r = call(&d.view(), o, T::from_bits(x).into());
            (o, r)
        }
        Op::Step(o) => (o, call(&d.view(), o, T::from_bits(0).into())),
        _ => unreachable!("handled by step_common"),
    };
    prop_assert!(unsupported(r, o, false));
    Ok(())
}

macro_rules! differential {
    ($($name:ident: $w:literal $atype:ident $t:ty => $step:ident;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(64)))]
            $(
                #[test]
                fn $name(ops in prop::collection::vec(op_strategy($w), 1..48)) {
                    let d = atomic($w, AType::$atype).unwrap();
                    let t = Atomic::<$t>::new(<$t as Model>::from_bits(0));
                    for op in &ops {
                        $step(&d, &t, op)?;
                    }
                    same(d.load(), t.load())?;
                }
            )*
        }
    };
}

differential! {
    differential_int_1: 1 Int i8 => step_int;
    differential_int_2: 2 Int i16 => step_int;
    differential_int_4: 4 Int i32 => step_int;
    differential_int_8: 8 Int i64 => step_int;
    differential_int_16: 16 Int i128 => step_int;
    differential_uint_1: 1 Uint u8 => step_int;
    differential_uint_2: 2 Uint u16 => step_int;
    differential_uint_4: 4 Uint u32 => step_int;
    differential_uint_8: 8 Uint u64 => step_int;
    differential_uint_16: 16 Uint u128 => step_int;
    differential_bytes_1: 1 Bytes [u8; 1] => step_bytes;
    differential_bytes_2: 2 Bytes [u8; 2] => step_bytes;
    differential_bytes_4: 4 Bytes [u8; 4] => step_bytes;
    differential_bytes_8: 8 Bytes [u8; 8] => step_bytes;
    differential_bytes_16: 16 Bytes [u8; 16] => step_bytes;
}
