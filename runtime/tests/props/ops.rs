//! Operations: the `Op` values a test runs, and the strategies that generate them for
//! each family of value types.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use shm_atomics_runtime::{Float, MemoryOrder, Value};

use crate::model::{ArithModel, BitModel, IntModel, Model};

pub type Ord = Option<MemoryOrder>;
/// A `bin_*` operation on the model state.
pub type BinFn<T> = fn(<T as Model>::S, T) -> <T as Model>::S;
/// An arithmetic operation on a model value.
pub type UnaryFn<T> = Box<dyn Fn(T) -> T>;

#[derive(Clone, Copy, Debug)]
pub enum Bin {
    Or,
    Xor,
    And,
}

#[derive(Clone, Copy, Debug)]
pub enum Arith {
    Add,
    Sub,
}

#[derive(Clone, Debug)]
pub enum Op<T> {
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

pub fn ord() -> BoxedStrategy<Ord> {
    prop_oneof![
        1 => Just(None),
        1 => prop::sample::select(MemoryOrder::ALL.to_vec()).prop_map(Some),
    ]
    .boxed()
}

pub fn orders() -> BoxedStrategy<Option<(MemoryOrder, MemoryOrder)>> {
    let o = || prop::sample::select(MemoryOrder::ALL.to_vec());
    prop_oneof![1 => Just(None), 2 => (o(), o()).prop_map(Some)].boxed()
}

pub fn bit_index<T: Value>() -> BoxedStrategy<u32> {
    let bits = 8 * T::WIDTH as u32;
    prop_oneof![
        6 => 0..bits,
        1 => bits..bits + 8,
        1 => prop::sample::select(vec![u32::MAX, bits * 2, 1 << 20]),
    ]
    .boxed()
}

pub fn base_ops<T: Model>() -> Vec<BoxedStrategy<Op<T>>> {
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

pub fn bit_ops<T: BitModel>() -> Vec<BoxedStrategy<Op<T>>> {
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

pub fn arith_ops<T: ArithModel>() -> Vec<BoxedStrategy<Op<T>>> {
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

pub fn int_ops<T: IntModel>() -> BoxedStrategy<Op<T>> {
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

pub fn bitwise_ops<T: BitModel>() -> BoxedStrategy<Op<T>> {
    Union::new(bit_ops::<T>()).boxed()
}

pub fn float_ops<T: ArithModel + Float>() -> BoxedStrategy<Op<T>> {
    let mut ops = base_ops::<T>();
    ops.extend(arith_ops::<T>());
    Union::new(ops).boxed()
}
