//! Differential property tests: random sequences of every operation of every value type,
//! on an atomic and on a plain sequential model, comparing every return value (and every
//! error) and the final value and memory bytes.
//!
//! Each step may use the plain (`SeqCst`) method or its `_explicit` form with a random
//! order; an order the operation refuses must give `Err(Error::MemoryOrder(..))` and
//! leave the value alone. The model writes its own order rules (not the crate's
//! `is_valid_*`), so the two are checked against each other.

//!
//! The model is in `props/model.rs`, the order rules in `props/orders.rs`, the generated
//! operations in `props/ops.rs` and the step that runs one on both in `props/steps.rs`;
//! this file runs the sequences. The tests are expanded here, so proptest's persisted
//! failures stay in `props.proptest-regressions` beside this file.

mod common;
#[path = "props/model.rs"]
mod model;
#[path = "props/ops.rs"]
mod ops;
#[path = "props/orders.rs"]
mod orders;
#[path = "props/steps.rs"]
mod steps;

use proptest::collection::vec;
use proptest::prelude::*;
use shm_atomics_runtime::{Atomic, Region};

use model::Model;
use ops::{Op, bitwise_ops, float_ops, int_ops};
use steps::{step_bits, step_float, step_int};

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
    if !matches!(cell, Cell::Owned) && !common::lock_free(w) {
        // No lock-free atomic of this width here (16 bytes on a 32-bit target): a view
        // into the buffer is refused, saying so; only the owned cell runs the model.
        let mem = &mut buf.0[..w];
        let refused = if matches!(cell, Cell::Region) {
            Region::new(mem).atomic_at::<T>(0).map(|_| ())
        } else {
            Atomic::<T>::from_mut(mem).map(|_| ())
        };
        common::view_or_not_lock_free(refused, w);
        return;
    }
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
            #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(128)))]
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
