//! The layouts the format test creates segments of: those of examples/ and tests/segment
//! (restated: examples are binaries and cannot be imported), and new ones covering
//! nesting, arrays, aligned fields up to 4096, 16-byte values, bool, float and bytes.
#![allow(dead_code)]

use shm_atomics::atomic_layout;

// examples/counters.rs
#[atomic_layout]
pub struct Slot {
    #[atomic(align = 64)]
    pub progress: u128,
    pub pid: u32,
    pub done: bool,
}

#[atomic_layout]
pub struct Counters {
    pub total: u64,
    pub ledger: u128,
    pub last_writer: [u8; 16],
    pub stop: bool,
    pub workers: u32,
    pub slots: [Slot; 64],
}

// examples/layout.rs
#[atomic_layout]
pub struct NetStats {
    pub rx: u64,
    pub tx: u64,
}

#[atomic_layout]
pub struct Stats {
    pub requests: u64,
    pub errors: u32,
    pub up: bool,
    pub last_peer: [u8; 16],
    #[atomic(align = 64)]
    pub hot: u64,
    pub latency_us: [u32; 8],
    pub net: NetStats,
}

// tests/segment/c.rs
#[atomic_layout]
pub struct SegInterop {
    pub total: u64,
    pub by_c: u64,
    pub by_rust: u64,
    pub small: u32,
    pub started: u32,
    pub flags: [u8; 8],
    #[atomic(align = 64)]
    pub cas_loop: i64,
}

#[atomic_layout(align = 128)]
pub struct Wide128 {
    pub a: u64,
    pub b: u32,
}

// tests/segment/props.rs
#[atomic_layout]
pub struct Inner {
    pub a: u16,
    pub b: u8,
}

#[atomic_layout]
pub struct Fuzzed {
    pub hits: u64,
    pub wide: u128,
    pub flag: bool,
    pub ratio: f32,
    pub inner: [Inner; 2],
    pub id: [u8; 4],
}

// New: every kind and width.
#[atomic_layout]
pub struct Scalars {
    pub i1: i8,
    pub u1: u8,
    pub b1: bool,
    pub x1: [u8; 1],
    pub i2: i16,
    pub u2: u16,
    pub x2: [u8; 2],
    pub i4: i32,
    pub u4: u32,
    pub f4: f32,
    pub x4: [u8; 4],
    pub i8_: i64,
    pub u8_: u64,
    pub f8: f64,
    pub x8: [u8; 8],
}

#[atomic_layout]
pub struct Leaf3 {
    pub v: i16,
    pub on: bool,
}

#[atomic_layout]
pub struct Mid {
    pub leaf: Leaf3,
    pub leaves: [Leaf3; 2],
    pub f: f32,
}

/// Three levels of nesting, arrays of nested layouts at two of them.
#[atomic_layout]
pub struct Deep {
    pub top: u8,
    pub mid: Mid,
    pub mids: [Mid; 3],
}

#[atomic_layout]
pub struct Arrays {
    pub flags: [bool; 5],
    pub floats: [f64; 3],
    pub halves: [f32; 3],
    pub signed: [i32; 4],
    pub bytes: [[u8; 2]; 3],
}

/// Declared field alignments up to the page.
#[atomic_layout]
pub struct Aligned {
    pub a: u8,
    #[atomic(align = 128)]
    pub b: u16,
    #[atomic(align = 4096)]
    pub page: u32,
    pub c: bool,
}

/// A layout aligned to the page: its payload offset is a multiple of 4096.
#[atomic_layout(align = 4096)]
pub struct Paged {
    pub x: u64,
}

/// 16-byte values of every kind that has them.
#[atomic_layout]
pub struct Wide16 {
    pub s: i128,
    pub u: u128,
    pub x: [u8; 16],
    pub many: [u128; 2],
}
