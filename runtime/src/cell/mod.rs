//! The atomic cell: one value of width 1, 2, 4, 8 or 16 bytes and everything that
//! describes an operation on it.
//!
//! Owns: memory orders and their validation ([`MemoryOrder`](crate::MemoryOrder),
//! [`MemoryOrderError`](crate::MemoryOrderError)),
//! operation names and sets ([`OpType`](crate::OpType), [`OpSet`](crate::OpSet)),
//! widths and the one table of which widths each kind may have
//! ([`Width`](crate::Width)), alignment, the sealed value traits and their lock-free
//! storage (`value`), the typed cell [`Atomic<T>`](crate::Atomic) (`atomic`:
//! constructors and what every value offers; `capability`: bit, arithmetic and integer
//! operations) and its Java-style names; (feature `std`) blocking waits on 32-bit cells
//! across processes (`wait`: futex on Linux, one file per platform).
//! Uses: `core`, portable-atomic and the crate's error vocabulary; nothing above it.
//! `ops`, `order` and `value` use no error type (the crate's `error.rs` names their
//! types, so they stay below it): an invalid order is a `MemoryOrderError`, defined in
//! `order.rs` and turned into an [`Error`](crate::Error) by `?`. Inside the folder:
//! `atomic` and `capability` use `align`, `ops`, `order` and `value`; `value` uses
//! `order` and `ops`; `order` uses `ops`.
//!
//! # 16-byte widths without `+cmpxchg16b`
//!
//! In a default x86_64 build, portable-atomic chooses its 16-byte implementation at run
//! time and each operation is one indirect call through a pointer it caches (still
//! lock-free and address-free; a CPU without `cmpxchg16b` is refused with
//! `UnsupportedWidth`, never given portable-atomic's lock fallback). A once-checked fast
//! path was measured for issue 12 and not adopted: a `#[target_feature(enable =
//! "cmpxchg16b")]` function cannot be inlined into a caller without the feature, so it is
//! a direct call in place of an indirect one (the same cost), and an inlined `lock
//! cmpxchg16b` in `asm!` behind a cached `is_x86_feature_detected!` check (sound: the
//! instruction only runs once the CPU is known to have it; `rbx` saved by hand) measured
//! 1.03x portable-atomic's dispatch (median of 15 interleaved rounds of 20 M
//! compare-exchanges, 0.87x..1.60x, load ~3.7 on 2 cores): no gain beyond noise, for a
//! second hand-written copy of an instruction sequence portable-atomic already gets
//! right. Build with `-C target-feature=+cmpxchg16b` to have the instruction inline
//! (docs/PERFORMANCE.md, "16-byte atomics").

pub(crate) mod align;
pub(crate) mod atomic;
pub(crate) mod capability;
pub(crate) mod java;
pub(crate) mod ops;
pub(crate) mod order;
pub(crate) mod value;
#[cfg(feature = "std")]
pub(crate) mod wait;
pub(crate) mod width;
