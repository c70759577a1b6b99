//! The typed cell behind a dynamic atomic, and every operation's way to it.
//!
//! One list (the invocation of `cells!` below) names the typed cells: each one's value
//! type, width and the kinds stored in it. From it come the owned storage (`Owned`), the
//! borrowed cell (`Cell`: a writable atomic or a read-only view), their construction from
//! a kind and a width, and `with_cell!`, the one match over the variants. Which widths a
//! kind may have is [`Kind::widths`]; which operations a value type offers is its typed
//! traits' (`Bitwise`, `Arithmetic`, `Integer`), reached through [`Ops`].

use core::fmt;
use core::sync::atomic::Ordering;

use portable_atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64};

use crate::cell::atomic::{Atomic, CmpxchgResult};
use crate::cell::ops::{OpSet, OpType};
use crate::cell::order::MemoryOrder;
use crate::cell::value::{Arithmetic, Bitwise, Integer, Kind, RawInt, Storage, Value};
use crate::cell::width::{Width, not_a_width};
use crate::error::{Error, UnsupportedOperation};
use crate::view::dynamic::operand::Operand;
use crate::view::dynamic::values::{DynValue, bits, val};
use crate::view::region::{ReadOnly, Region};

/// Defines `Owned`, `Cell` and `with_cell!` from the list of typed cells: per entry the
/// writable variant, the read-only variant, the value type, its width and the kinds it
/// stores.
macro_rules! cells {
    ($($v:ident $r:ident $t:ty, $w:ident => $kinds:pat,)*) => {
        /// The owned storage of a [`DynAtomic`](super::DynAtomic). `repr(C)` puts every
        /// variant's atomic at the same offset (after the tag, aligned for the widest),
        /// so turning it into a [`Cell`] is the tag alone, with no per-variant offset.
        #[repr(C)]
        pub(super) enum Owned {
            $($v(Atomic<$t>),)*
        }

        /// The typed cell behind a dynamic atomic: a writable atomic or a read-only view.
        #[derive(Clone, Copy)]
        pub(super) enum Cell<'a> {
            $($v(&'a Atomic<$t>),)*
            $($r(ReadOnly<'a, $t>),)*
        }

        /// `with_cell!(cell, rw a => write, ro r => read)` evaluates `write` with `a` bound
        /// to the typed atomic, or `read` with `r` bound to the read-only view: each is
        /// expanded once per variant, with its type.
        macro_rules! with_cell {
            ($cell:expr, rw $a:ident => $write:expr, ro $ro:ident => $read:expr) => {
                match $cell {
                    $(Cell::$v($a) => $write, Cell::$r($ro) => $read,)*
                }
            };
        }

        impl Owned {
            /// Zero-initialised storage for `kind` and `width` bytes; `UnsupportedWidth`
            /// unless the kind may have that width.
            pub(super) fn new(kind: Kind, width: usize) -> Result<Owned, Error> {
                match (kind, kind.width_of(width)?) {
                    $(($kinds, Width::$w) => Ok(Owned::$v(Atomic::default())),)*
                    _ => Err(not_a_width(width)),
                }
            }

            /// The storage as a cell.
            #[inline]
            pub(super) fn cell(&self) -> Cell<'_> {
                match self {
                    $(Owned::$v(a) => Cell::$v(a),)*
                }
            }
        }

        impl<'a> Cell<'a> {
            /// The cell of `kind` over `region`, whose length is the width: writable or
            /// read-only as the region is. Errors as `Region::atomic_at` and
            /// `Region::read_at`, and `UnsupportedWidth` unless the kind may have the width.
            pub(super) fn of_region(region: Region<'a>, kind: Kind) -> Result<Cell<'a>, Error> {
                let width = region.len();
                let ro = region.is_readonly();
                match (kind, kind.width_of(width)?) {
                    $(($kinds, Width::$w) => Ok(if ro {
                        Cell::$r(region.read_at::<$t>(0)?)
                    } else {
                        Cell::$v(region.atomic_at::<$t>(0)?)
                    }),)*
                    _ => Err(not_a_width(width)),
                }
            }

            #[inline]
            fn width(self) -> Width {
                match self {
                    $(Cell::$v(_) | Cell::$r(_) => Width::$w,)*
                }
            }

            #[inline]
            fn readonly(self) -> bool {
                matches!(self, $(Cell::$r(_))|*)
            }

            /// The address of the value.
            #[inline]
            fn as_ptr(self) -> *mut u8 {
                match self {
                    $(Cell::$v(a) => a.as_ptr(),)*
                    $(Cell::$r(r) => r.as_ptr().cast_mut(),)*
                }
            }
        }
    };
}

// `int`, `uint` and `bytes` use the unsigned integer of the width (their operations are
// the same on the bits); `bool` and floats use their own types for logical operations and
// float arithmetic.
cells! {
    U8 R8 u8, W1 => Kind::Int | Kind::Uint | Kind::Bytes,
    U16 R16 u16, W2 => Kind::Int | Kind::Uint | Kind::Bytes,
    U32 R32 u32, W4 => Kind::Int | Kind::Uint | Kind::Bytes,
    U64 R64 u64, W8 => Kind::Int | Kind::Uint | Kind::Bytes,
    U128 R128 u128, W16 => Kind::Int | Kind::Uint | Kind::Bytes,
    Bool RBool bool, W1 => Kind::Bool,
    F32 RF32 f32, W4 => Kind::Float,
    F64 RF64 f64, W8 => Kind::Float,
}

/// The load of a `S::WIDTH`-byte cell at `p`, as storage bits.
///
/// # Safety
///
/// As [`Storage::load_readonly`]: `p` is aligned and valid for reads, only written
/// atomically during the call, and `S::has_write_free_load()`.
#[inline(always)]
unsafe fn load_at<S: Storage>(p: *mut u8, o: Ordering) -> u128 {
    // SAFETY: the caller's contract is `load_readonly`'s.
    unsafe { S::load_readonly(p.cast(), o) }.to_u128()
}

/// A load wider than the native word, out of line (in most builds a call into
/// portable-atomic), taking the cell in registers: through the writable atomic, whose load
/// may be a compare-exchange, or through the read-only view, made only where loads do not
/// write.
#[inline(never)]
fn load_wide(cell: Cell<'_>, o: Ordering) -> u128 {
    with_cell!(cell,
        rw a => a.storage().load(o).to_u128(),
        ro r => r.raw(o).to_u128())
}

/// What a dynamic operation asks of a value type beyond [`Value`]: the typed method
/// families it has. `None` means the type lacks the operation (the caller has already
/// refused what the kind lacks, so this is only a second guard).
trait Ops: Value {
    /// `store` or a read-modify-write `op` with operand bits `x`: the previous value's
    /// bits for `exchange` and the fetch forms, zero otherwise.
    fn modify(a: &Atomic<Self>, op: OpType, x: u128, o: MemoryOrder)
    -> Option<Result<u128, Error>>;

    /// A bit operation on a writable cell.
    fn bit(
        _a: &Atomic<Self>,
        _op: OpType,
        _bit: u32,
        _o: MemoryOrder,
    ) -> Option<Result<bool, Error>> {
        None
    }

    /// `bit_test` on a read-only view.
    fn bit_test(_r: ReadOnly<'_, Self>, _bit: u32, _o: MemoryOrder) -> Option<Result<bool, Error>> {
        None
    }
}

/// The typed cell's read-modify-write `_explicit` methods, one family per capability
/// trait: `Op => shape method`, where `fetch` (with an operand) and `fetch0` (without)
/// return the previous value and `void`/`void0` return nothing. The one place that calls
/// those methods and knows what they return; the generated function returns the previous
/// value's storage bits (or zero), `None` for an `op` outside the family.
macro_rules! rmw_family {
    ($name:ident<T: $bound:ident> { $($op:ident => $shape:ident $method:ident,)* }) => {
        #[inline(always)]
        #[allow(unused_variables, reason = "`x` is unused in families without operands")]
        fn $name<T: $bound>(
            a: &Atomic<T>,
            op: OpType,
            x: u128,
            o: MemoryOrder,
        ) -> Option<Result<u128, Error>> {
            match op {
                $(OpType::$op => Some(rmw_family!(@$shape a.$method, x, o)),)*
                _ => None,
            }
        }
    };
    (@fetch $a:ident.$m:ident, $x:ident, $o:ident) => { Ok(bits($a.$m(val($x), $o))) };
    (@fetch0 $a:ident.$m:ident, $x:ident, $o:ident) => { Ok(bits($a.$m($o))) };
    (@void $a:ident.$m:ident, $x:ident, $o:ident) => {{ $a.$m(val($x), $o); Ok(0) }};
    (@void0 $a:ident.$m:ident, $x:ident, $o:ident) => {{ $a.$m($o); Ok(0) }};
}

rmw_family!(value_rmw<T: Value> {
    Exchange => fetch exchange_explicit,
});
rmw_family!(bitwise_rmw<T: Bitwise> {
    BinOr => void bin_or_explicit,
    BinXor => void bin_xor_explicit,
    BinAnd => void bin_and_explicit,
    BinNot => void0 bin_not_explicit,
    BinFetchOr => fetch bin_fetch_or_explicit,
    BinFetchXor => fetch bin_fetch_xor_explicit,
    BinFetchAnd => fetch bin_fetch_and_explicit,
    BinFetchNot => fetch0 bin_fetch_not_explicit,
});
rmw_family!(arith_rmw<T: Arithmetic> {
    Add => void add_explicit,
    Sub => void sub_explicit,
    Neg => void0 neg_explicit,
    FetchAdd => fetch fetch_add_explicit,
    FetchSub => fetch fetch_sub_explicit,
    FetchNeg => fetch0 fetch_neg_explicit,
});
rmw_family!(integer_rmw<T: Integer> {
    Inc => void0 inc_explicit,
    Dec => void0 dec_explicit,
    FetchInc => fetch0 fetch_inc_explicit,
    FetchDec => fetch0 fetch_dec_explicit,
});

/// The bit operations of a writable bitwise cell (they keep a `Result`: the bit index is
/// checked).
#[inline(always)]
fn bit_ops<T: Bitwise>(
    a: &Atomic<T>,
    op: OpType,
    bit: u32,
    o: MemoryOrder,
) -> Option<Result<bool, Error>> {
    Some(match op {
        OpType::BitTest => a.bit_test_explicit(bit, o),
        OpType::BitSet => a.bit_set_explicit(bit, o),
        OpType::BitReset => a.bit_reset_explicit(bit, o),
        OpType::BitCompl => a.bit_compl_explicit(bit, o),
        _ => return None,
    })
}

/// [`Ops`] for value types by the `rmw_family!` functions they have; `[bits]` adds the
/// bit operations.
macro_rules! ops {
    ($($t:ident)* => $families:tt $bits:tt) => {
        $(ops!(@one $t $families $bits);)*
    };
    (@one $t:ident [$($family:ident)*] [$($bits:ident)?]) => {
        impl Ops for $t {
            #[inline(always)]
            fn modify(
                a: &Atomic<Self>,
                op: OpType,
                x: u128,
                o: MemoryOrder,
            ) -> Option<Result<u128, Error>> {
                if op == OpType::Store {
                    return Some(a.store_explicit(val(x), o).map(|()| 0));
                }
                // Plain `if let`s, not `Option::or_else` closures: with `op` a constant
                // at every call site, these fold to the one family that has it.
                if let Some(r) = value_rmw(a, op, x, o) {
                    return Some(r);
                }
                $(if let Some(r) = $family(a, op, x, o) {
                    return Some(r);
                })*
                None
            }
            $(ops!(@$bits);)?
        }
    };
    (@bits) => {
        #[inline(always)]
        fn bit(
            a: &Atomic<Self>,
            op: OpType,
            bit: u32,
            o: MemoryOrder,
        ) -> Option<Result<bool, Error>> {
            bit_ops(a, op, bit, o)
        }

        #[inline(always)]
        fn bit_test(
            r: ReadOnly<'_, Self>,
            bit: u32,
            o: MemoryOrder,
        ) -> Option<Result<bool, Error>> {
            Some(r.bit_test_explicit(bit, o))
        }
    };
}

ops!(u8 u16 u32 u64 u128 => [bitwise_rmw arith_rmw integer_rmw] [bits]);
ops!(bool => [bitwise_rmw] [bits]);
ops!(f32 f64 => [arith_rmw] []);

/// A dynamic atomic's cell and kind: every operation's implementation.
#[derive(Clone, Copy)]
pub(super) struct Core<'a> {
    pub(super) cell: Cell<'a>,
    pub(super) kind: Kind,
}

impl<'a> Core<'a> {
    #[inline]
    pub(super) fn width(self) -> Width {
        self.cell.width()
    }

    #[inline]
    pub(super) fn readonly(self) -> bool {
        self.cell.readonly()
    }

    #[inline]
    pub(super) fn ops_supported(self) -> OpSet {
        let ops = self.kind.ops_supported();
        if self.readonly() {
            ops.intersection(OpSet::READ_ONLY)
        } else {
            ops
        }
    }

    #[cold]
    #[inline(never)]
    fn unsupported(self, op: OpType) -> Error {
        UnsupportedOperation {
            op,
            kind: self.kind,
            readonly: self.readonly() && self.kind.ops_supported().contains(op),
        }
        .into()
    }

    /// `UnsupportedOperation` unless this kind and view offer `op`.
    #[inline(always)]
    fn check(self, op: OpType) -> Result<(), Error> {
        if self.ops_supported().contains(op) {
            Ok(())
        } else {
            Err(self.unsupported(op))
        }
    }

    /// The region the cell was made from: its address, its width as the length, and
    /// writable or read-only as the cell is.
    #[inline]
    pub(super) fn region(self) -> Region<'a> {
        let (ptr, len) = (self.cell.as_ptr(), self.width().bytes());
        if self.readonly() {
            // SAFETY: the cell is a `ReadOnly<'a, _>` of `len` bytes at `ptr`, made by
            // `Region::read_at` from a region with `from_raw_parts_readonly`'s contract
            // for 'a (or from a shared reference): valid for reads, written only
            // atomically.
            unsafe { Region::from_raw_parts_readonly(ptr, len) }
        } else {
            // SAFETY: the cell is an `&'a Atomic<_>` of `len` bytes at `ptr`: valid for
            // reads and writes for 'a, and accessed only atomically (the contract under
            // which `Region::atomic_at` or `DynAtomic`'s own storage made it).
            unsafe { Region::from_raw_parts(ptr, len) }
        }
    }

    #[inline(always)]
    fn value(self, bits: u128) -> DynValue {
        DynValue::from_bits(bits, self.width(), self.kind)
    }

    #[inline(always)]
    fn encode(self, v: Operand) -> Result<u128, Error> {
        v.encode(self.width(), self.kind)
    }

    /// The value, loaded with `SeqCst` (for `Display`, which cannot fail).
    fn peek(self) -> DynValue {
        let b = with_cell!(self.cell, rw a => bits(a.load()), ro r => bits(r.load()));
        self.value(b)
    }

    /// Every kind offers `load`, writable or not, so it needs no check.
    ///
    /// Dispatched on the width alone, not on the sixteen cells: a load is the same
    /// instruction for every kind of a width and, up to the native word, for a writable
    /// cell and a read-only one. A switch this small is one the optimiser hoists out of a
    /// caller's loop (unswitching) when the view is loop invariant, so such a loop runs
    /// the typed load; through the sixteen-way `with_cell!` it kept a jump per load.
    #[inline(always)]
    pub(super) fn load(self, o: MemoryOrder) -> Result<DynValue, Error> {
        debug_assert!(self.ops_supported().contains(OpType::Load));
        let o = o.check_load(OpType::Load)?;
        let p = self.cell.as_ptr();
        const NATIVE: usize = core::mem::size_of::<usize>();
        #[allow(
            clippy::multiple_unsafe_ops_per_block,
            reason = "one call per width, all under the one contract of the SAFETY comment"
        )]
        // SAFETY: `p` is the cell's address, aligned to the width (checked when the cell
        // was made) and valid for reads for 'a, and the memory is only written atomically
        // (the region's contract). Each width loaded here is at most the native word, whose
        // loads never write (`write_free_load`).
        let b = unsafe {
            match self.width() {
                // `bool` reads any non-zero byte as `true`, as `Atomic<bool>` does.
                Width::W1 if self.kind == Kind::Bool => (load_at::<AtomicU8>(p, o) != 0) as u128,
                Width::W1 => load_at::<AtomicU8>(p, o),
                Width::W2 if NATIVE >= 2 => load_at::<AtomicU16>(p, o),
                Width::W4 if NATIVE >= 4 => load_at::<AtomicU32>(p, o),
                Width::W8 if NATIVE >= 8 => load_at::<AtomicU64>(p, o),
                _ => load_wide(self.cell, o),
            }
        };
        Ok(self.value(b))
    }

    /// Every read-modify-write and store: returns the previous value for fetch forms and
    /// `exchange`, zero bits otherwise.
    #[inline(always)]
    pub(super) fn modify(
        self,
        op: OpType,
        v: Option<Operand>,
        o: MemoryOrder,
    ) -> Result<DynValue, Error> {
        self.check(op)?;
        let x = match v {
            Some(v) => self.encode(v)?,
            None => 0,
        };
        let b = with_cell!(self.cell, rw a => Ops::modify(a, op, x, o), ro _r => None);
        let b = b.unwrap_or_else(|| Err(self.unsupported(op)))?;
        Ok(self.value(b))
    }

    #[inline(always)]
    pub(super) fn bit(self, op: OpType, bit: u32, o: MemoryOrder) -> Result<bool, Error> {
        self.check(op)?;
        let read = op == OpType::BitTest;
        let r = with_cell!(self.cell,
            rw a => Ops::bit(a, op, bit, o),
            ro r => if read { Ops::bit_test(r, bit, o) } else { None });
        r.unwrap_or_else(|| Err(self.unsupported(op)))
    }

    /// Compare-exchange on storage bits already encoded; `(success, found bits)`.
    #[inline(always)]
    fn cas(
        self,
        op: OpType,
        e: u128,
        d: u128,
        s: MemoryOrder,
        f: MemoryOrder,
    ) -> Result<(bool, u128), Error> {
        let weak = op == OpType::CmpxchgWeak;
        let r = with_cell!(self.cell,
            rw a => Some(if weak {
                a.cmpxchg_weak_explicit(val(e), val(d), s, f)
            } else {
                a.cmpxchg_strong_explicit(val(e), val(d), s, f)
            }
            .map(|r| (r.success, bits(r.expected)))),
            ro _r => None);
        r.unwrap_or_else(|| Err(self.unsupported(op)))
    }

    #[inline(always)]
    pub(super) fn cmpxchg(
        self,
        op: OpType,
        expected: Operand,
        desired: Operand,
        s: MemoryOrder,
        f: MemoryOrder,
    ) -> Result<CmpxchgResult<DynValue>, Error> {
        self.check(op)?;
        let (e, d) = (self.encode(expected)?, self.encode(desired)?);
        let (success, found) = self.cas(op, e, d, s, f)?;
        Ok(CmpxchgResult {
            success,
            expected: self.value(found),
        })
    }

    /// The compare-exchange loop of the `update` family: `(old, new)`. An operand from
    /// `f` that does not fit stops the loop with its error, writing nothing.
    pub(super) fn update(
        self,
        op: OpType,
        f: &mut dyn FnMut(DynValue) -> Operand,
        order: MemoryOrder,
    ) -> Result<(DynValue, DynValue), Error> {
        self.check(op)?;
        let fail = order.strongest_fail_order();
        let mut cur = self.load(fail)?.bits();
        loop {
            let old = self.value(cur);
            let new = self.encode(f(old))?;
            match self.cas(OpType::CmpxchgWeak, cur, new, order, fail)? {
                (true, _) => return Ok((old, self.value(new))),
                (false, now) => cur = now,
            }
        }
    }

    /// Like Python's `repr`: `AtomicInt(value=0, width=4, readonly=false, signed=true)`.
    pub(super) fn fmt(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            Kind::Int => "AtomicInt",
            Kind::Uint => "AtomicUint",
            Kind::Bytes => "AtomicBytes",
            Kind::Bool => "AtomicBool",
            Kind::Float => "AtomicFloat",
        };
        write!(
            f,
            "{name}(value={}, width={}, readonly={}",
            self.peek(),
            self.width().bytes(),
            self.readonly()
        )?;
        match self.kind {
            Kind::Int | Kind::Uint => write!(f, ", signed={})", self.kind == Kind::Int),
            _ => f.write_str(")"),
        }
    }
}
