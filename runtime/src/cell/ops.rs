//! The operations an atomic offers: [`OpType`] names one, [`OpSet`] is a set of them
//! (what `ops_supported()` returns).

use core::fmt;

macro_rules! op_types {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// One atomic operation, named as in the reference design (C++ `std::atomic` /
        /// the Python `atomics` package).
        ///
        /// ```
        /// # use shm_atomics_runtime as shm_atomics;
        /// use shm_atomics::OpType;
        /// assert_eq!(OpType::FetchAdd.name(), "fetch_add");
        /// assert_eq!(OpType::from_name("bit_test"), Some(OpType::BitTest));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[non_exhaustive]
        pub enum OpType {
            $($(#[$doc])* $variant,)*
        }

        impl OpType {
            /// Every operation, in declaration order.
            pub const ALL: &'static [OpType] = &[$(OpType::$variant,)*];

            /// The operation's method name (`"cmpxchg_weak"`, `"bin_fetch_or"`, ...).
            pub const fn name(self) -> &'static str {
                match self {
                    $(OpType::$variant => $name,)*
                }
            }

            /// The operation with this method name, if any.
            pub fn from_name(name: &str) -> Option<OpType> {
                match name {
                    $($name => Some(OpType::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

op_types! {
    /// `load`: read the value.
    Load = "load",
    /// `store`: write a value.
    Store = "store",
    /// `exchange`: write a value, return the previous one.
    Exchange = "exchange",
    /// `cmpxchg_weak`: compare-exchange that may fail spuriously.
    CmpxchgWeak = "cmpxchg_weak",
    /// `cmpxchg_strong`: compare-exchange that fails only on a mismatch.
    CmpxchgStrong = "cmpxchg_strong",
    /// `update_fetch`: update by a function in a compare-exchange loop, return the new
    /// value. Its twin `fetch_update` (same loop, returning the previous value) is this
    /// operation too.
    UpdateFetch = "update_fetch",
    /// `update_vals`: like `update_fetch`, return `(old, new)`.
    UpdateVals = "update_vals",
    /// `bit_test`: read one bit.
    BitTest = "bit_test",
    /// `bit_compl`: flip one bit, return its previous value.
    BitCompl = "bit_compl",
    /// `bit_set`: set one bit, return its previous value.
    BitSet = "bit_set",
    /// `bit_reset`: clear one bit, return its previous value.
    BitReset = "bit_reset",
    /// `bin_or`: bitwise or.
    BinOr = "bin_or",
    /// `bin_xor`: bitwise xor.
    BinXor = "bin_xor",
    /// `bin_and`: bitwise and.
    BinAnd = "bin_and",
    /// `bin_not`: bitwise not.
    BinNot = "bin_not",
    /// `bin_fetch_or`: bitwise or, return the previous value.
    BinFetchOr = "bin_fetch_or",
    /// `bin_fetch_xor`: bitwise xor, return the previous value.
    BinFetchXor = "bin_fetch_xor",
    /// `bin_fetch_and`: bitwise and, return the previous value.
    BinFetchAnd = "bin_fetch_and",
    /// `bin_fetch_not`: bitwise not, return the previous value.
    BinFetchNot = "bin_fetch_not",
    /// `add`: wrapping (integers) or IEEE (floats) addition.
    Add = "add",
    /// `sub`: subtraction.
    Sub = "sub",
    /// `inc`: add one.
    Inc = "inc",
    /// `dec`: subtract one.
    Dec = "dec",
    /// `neg`: negate.
    Neg = "neg",
    /// `fetch_add`: add, return the previous value.
    FetchAdd = "fetch_add",
    /// `fetch_sub`: subtract, return the previous value.
    FetchSub = "fetch_sub",
    /// `fetch_inc`: add one, return the previous value.
    FetchInc = "fetch_inc",
    /// `fetch_dec`: subtract one, return the previous value.
    FetchDec = "fetch_dec",
    /// `fetch_neg`: negate, return the previous value.
    FetchNeg = "fetch_neg",
}

impl OpType {
    /// Whether the operation only reads memory (`load`, `bit_test`): the operations a
    /// read-only view offers.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// assert!(shm_atomics::OpType::BitTest.is_read_only());
    /// assert!(!shm_atomics::OpType::Store.is_read_only());
    /// ```
    pub const fn is_read_only(self) -> bool {
        matches!(self, OpType::Load | OpType::BitTest)
    }

    const fn bit(self) -> u32 {
        1 << (self as u8)
    }
}

impl fmt::Display for OpType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`OpType`]s: what an atomic type or view supports.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atomic, OpSet, OpType};
///
/// let ops: OpSet = Atomic::<[u8; 4]>::ops_supported();
/// assert!(ops.contains(OpType::BinFetchOr));
/// assert!(!ops.contains(OpType::FetchAdd)); // no arithmetic on bytes
/// assert_eq!(ops.len(), 19);
/// assert_eq!(Atomic::<i32>::ops_supported().len(), 29);
/// println!("{ops}"); // {load, store, exchange, ...}
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct OpSet(u32);

impl OpSet {
    /// The empty set.
    pub const EMPTY: OpSet = OpSet(0);

    /// `load`, `store`, `exchange`, `cmpxchg_weak`, `cmpxchg_strong`, `update_fetch` (and
    /// its twin `fetch_update`), `update_vals`: what every value type offers.
    pub const BASE: OpSet = OpSet::from_slice(&[
        OpType::Load,
        OpType::Store,
        OpType::Exchange,
        OpType::CmpxchgWeak,
        OpType::CmpxchgStrong,
        OpType::UpdateFetch,
        OpType::UpdateVals,
    ]);

    /// The bit and `bin_*` operations (integers, bytes, bool).
    pub const BITWISE: OpSet = OpSet::from_slice(&[
        OpType::BitTest,
        OpType::BitCompl,
        OpType::BitSet,
        OpType::BitReset,
        OpType::BinOr,
        OpType::BinXor,
        OpType::BinAnd,
        OpType::BinNot,
        OpType::BinFetchOr,
        OpType::BinFetchXor,
        OpType::BinFetchAnd,
        OpType::BinFetchNot,
    ]);

    /// Integer arithmetic, wrapping on overflow.
    pub const ARITHMETIC: OpSet = OpSet::from_slice(&[
        OpType::Add,
        OpType::Sub,
        OpType::Inc,
        OpType::Dec,
        OpType::Neg,
        OpType::FetchAdd,
        OpType::FetchSub,
        OpType::FetchInc,
        OpType::FetchDec,
        OpType::FetchNeg,
    ]);

    /// Float arithmetic (compare-exchange loops).
    pub const FLOAT_ARITHMETIC: OpSet = OpSet::from_slice(&[
        OpType::Add,
        OpType::Sub,
        OpType::Neg,
        OpType::FetchAdd,
        OpType::FetchSub,
        OpType::FetchNeg,
    ]);

    /// `load` and `bit_test`: what a read-only view offers of a bitwise kind.
    pub const READ_ONLY: OpSet = OpSet::from_slice(&[OpType::Load, OpType::BitTest]);

    /// The set holding exactly these operations.
    pub const fn from_slice(ops: &[OpType]) -> OpSet {
        let mut bits = 0;
        let mut i = 0;
        while i < ops.len() {
            bits |= ops[i].bit();
            i += 1;
        }
        OpSet(bits)
    }

    /// The union of two sets.
    pub const fn union(self, other: OpSet) -> OpSet {
        OpSet(self.0 | other.0)
    }

    /// The operations in both sets.
    pub const fn intersection(self, other: OpSet) -> OpSet {
        OpSet(self.0 & other.0)
    }

    /// This set with `op` added.
    pub const fn with(self, op: OpType) -> OpSet {
        OpSet(self.0 | op.bit())
    }

    /// Whether `op` is in the set.
    pub const fn contains(self, op: OpType) -> bool {
        self.0 & op.bit() != 0
    }

    /// Whether every operation of `other` is in the set.
    pub const fn is_superset(self, other: OpSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// The number of operations.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw bit mask (bit `i` is `OpType::ALL[i]`), as stored in segment descriptors.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The set of a raw bit mask; bits naming no operation are dropped.
    pub const fn from_bits_truncate(bits: u32) -> OpSet {
        let all = if OpType::ALL.len() >= 32 {
            u32::MAX
        } else {
            (1u32 << OpType::ALL.len()) - 1
        };
        OpSet(bits & all)
    }

    /// The operations in declaration order.
    pub fn iter(self) -> impl Iterator<Item = OpType> + Clone {
        OpType::ALL
            .iter()
            .copied()
            .filter(move |op| self.contains(*op))
    }
}

impl FromIterator<OpType> for OpSet {
    fn from_iter<I: IntoIterator<Item = OpType>>(iter: I) -> Self {
        iter.into_iter().fold(OpSet::EMPTY, OpSet::with)
    }
}

impl fmt::Debug for OpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for OpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, op) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(op.name())?;
        }
        f.write_str("}")
    }
}
