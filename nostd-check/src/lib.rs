//! A `#![no_std]` crate that uses the runtime without its `std` feature: it builds in CI
//! so the runtime stays usable on targets without the standard library.
#![no_std]

use atomics_runtime::{Atomic, MemoryOrder};

/// A static counter, as firmware would keep one.
pub static TICKS: Atomic<u32> = Atomic::new(0);

/// Counts a tick and returns the previous count.
pub fn tick() -> u32 {
    TICKS.fetch_inc()
}

/// Reads the count with acquire order.
pub fn ticks() -> Result<u32, atomics_runtime::Error> {
    TICKS.load_explicit(MemoryOrder::Acquire)
}
