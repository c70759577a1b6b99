//! A `#![no_std]` crate that uses the runtime without its `std` feature, and
//! `#[atomic_layout]` under hostile conditions: no implicit prelude, the facade renamed
//! (`crate = "..."`), and user types named like runtime items. It builds in CI, so every
//! one of these stays supported.
#![no_std]

use shm_atomics_runtime::{Atomic, MemoryOrder};

/// A static counter, as firmware would keep one.
pub static TICKS: Atomic<u32> = Atomic::new(0);

/// Counts a tick and returns the previous count.
pub fn tick() -> u32 {
    TICKS.fetch_inc()
}

/// Reads the count with acquire order.
pub fn ticks() -> Result<u32, shm_atomics_runtime::Error> {
    TICKS.load_explicit(MemoryOrder::Acquire)
}

/// Layouts expanded without the implicit prelude and with shadowing names in scope.
#[no_implicit_prelude]
pub mod hygiene {
    /// Shadows the runtime's `Atomic`.
    pub struct Atomic;
    /// Shadows the runtime's `Layout`.
    pub struct Layout;
    /// Shadows core's `Result`.
    pub struct Result;
    /// Shadows core's `Option`.
    pub struct Option;
    /// Shadows the runtime's `Error`.
    pub struct Error;
    /// Shadows core's `Default`.
    pub trait Default {}
    /// Shadows core's `Clone`.
    pub trait Clone {}

    /// Nested layout.
    #[::renamed_shm_atomics::atomic_layout(crate = "::renamed_shm_atomics")]
    pub struct Inner {
        /// A counter.
        pub count: u64,
        /// Flags.
        pub flags: [u8; 4],
    }

    /// Outer layout with every shape of field.
    #[::renamed_shm_atomics::atomic_layout(crate = "::renamed_shm_atomics", align = 32)]
    pub struct Outer {
        /// A flag.
        pub up: bool,
        /// A float.
        pub ratio: f32,
        /// An array.
        pub hist: [i16; 4],
        /// A nested layout on its own cache line.
        #[atomic(align = 64)]
        pub inner: Inner,
        /// An array of nested layouts.
        pub more: [Inner; 2],
        /// Wide.
        pub wide: u128,
    }

    /// A static layout, updated and snapshotted without std.
    pub static OUTER: Outer = Outer::new();

    /// Exercises the generated items.
    pub fn use_it() -> u64 {
        OUTER.inner().count().inc();
        OUTER.more()[1].count().add(2);
        let snap = OUTER.snapshot();
        OUTER.store_snapshot(&snap);
        snap.inner.count + snap.more[1].count
    }
}
