//! The public methods that [`DynAtomic`](super::DynAtomic) and
//! [`DynAtomicView`](super::DynAtomicView) share, written once as `dyn_methods!` in terms
//! of `self.core()` (a [`Core`](super::dispatch::Core)), with `op_pair!` making each
//! operation's `SeqCst` form and its `_explicit` form.
//!
//! The expansion site imports the names used here: `AType`, `CmpxchgResult`, `DynValue`,
//! `Error`, `Kind`, `MemoryOrder`, `OpSet`, `OpType`, `Operand`.

/// One operation in its `SeqCst` form and its `_explicit` form, by shape: `fetch` (an
/// operand, returns the previous value), `void` (an operand, returns nothing), `fetch0`
/// and `void0` (no operand), `bit` (a bit index, returns the previous bit), `cas` (a
/// compare-exchange: two operands, two orders) and `update` (a function in a
/// compare-exchange loop, returning what `|old, new|` picks).
macro_rules! op_pair {
    (@explicit_doc $name:ident) => {
        concat!(
            "[`",
            stringify!($name),
            "`](Self::",
            stringify!($name),
            ") with an explicit memory order, validated as the typed API validates it."
        )
    };
    // The pair itself: `$name(args)` calls `$explicit(args, SeqCst)`, whose body is
    // `$body` with `$c` the core and `$o` the order.
    (@pair $doc:expr, $xdoc:expr, $name:ident $explicit:ident [$($gen:tt)*]
        ($($arg:ident: $ty:ty),*) -> $ret:ty, |$c:ident, $o:ident| $body:expr) => {
        #[doc = $doc]
        #[inline]
        pub fn $name<$($gen)*>(&self, $($arg: $ty),*) -> Result<$ret, Error> {
            self.$explicit($($arg,)* MemoryOrder::SeqCst)
        }
        #[doc = $xdoc]
        #[inline]
        pub fn $explicit<$($gen)*>(&self, $($arg: $ty,)* $o: MemoryOrder) -> Result<$ret, Error> {
            let $c = self.core();
            $body
        }
    };
    (fetch $doc:literal $name:ident $explicit:ident $op:ident) => {
        op_pair!(@pair $doc, op_pair!(@explicit_doc $name), $name $explicit []
            (v: impl Into<Operand>) -> DynValue,
            |c, o| c.modify(OpType::$op, Some(v.into()), o));
    };
    (void $doc:literal $name:ident $explicit:ident $op:ident) => {
        op_pair!(@pair $doc, op_pair!(@explicit_doc $name), $name $explicit []
            (v: impl Into<Operand>) -> (),
            |c, o| c.modify(OpType::$op, Some(v.into()), o).map(|_| ()));
    };
    (fetch0 $doc:literal $name:ident $explicit:ident $op:ident) => {
        op_pair!(@pair $doc, op_pair!(@explicit_doc $name), $name $explicit [] () -> DynValue,
            |c, o| c.modify(OpType::$op, None, o));
    };
    (void0 $doc:literal $name:ident $explicit:ident $op:ident) => {
        op_pair!(@pair $doc, op_pair!(@explicit_doc $name), $name $explicit [] () -> (),
            |c, o| c.modify(OpType::$op, None, o).map(|_| ()));
    };
    (bit $doc:literal $name:ident $explicit:ident $op:ident) => {
        op_pair!(@pair $doc, op_pair!(@explicit_doc $name), $name $explicit [] (bit: u32) -> bool,
            |c, o| c.bit(OpType::$op, bit, o));
    };
    (cas $doc:literal $name:ident $explicit:ident $op:ident) => {
        #[doc = $doc]
        #[inline]
        pub fn $name(
            &self,
            expected: impl Into<Operand>,
            desired: impl Into<Operand>,
        ) -> Result<CmpxchgResult<DynValue>, Error> {
            self.$explicit(expected, desired, MemoryOrder::SeqCst, MemoryOrder::SeqCst)
        }
        #[doc = concat!(
            "[`", stringify!($name), "`](Self::", stringify!($name), ") with a success \
             order (any) and a failure order (`Relaxed`, `Acquire` or `SeqCst`, whatever \
             `success` is)."
        )]
        #[inline]
        pub fn $explicit(
            &self,
            expected: impl Into<Operand>,
            desired: impl Into<Operand>,
            success: MemoryOrder,
            failure: MemoryOrder,
        ) -> Result<CmpxchgResult<DynValue>, Error> {
            let (e, d) = (expected.into(), desired.into());
            self.core().cmpxchg(OpType::$op, e, d, success, failure)
        }
    };
    (update $doc:literal $name:ident $explicit:ident $op:ident
        -> $ret:ty, |$old:ident, $new:ident| $pick:expr) => {
        op_pair!(@pair concat!($doc, " `f` may run more than once; if its result does not \
            fit, nothing is written and the [`OperandError`](crate::OperandError) is \
            returned."),
            concat!("[`", stringify!($name), "`](Self::", stringify!($name), ") with any order."),
            $name $explicit [F: FnMut(DynValue) -> R, R: Into<Operand>] (f: F) -> $ret,
            |c, o| {
                let mut f = f;
                let ($old, $new) = c.update(OpType::$op, &mut |v| f(v).into(), o)?;
                Ok($pick)
            });
    };
}

/// The methods [`DynAtomic`](super::DynAtomic) and [`DynAtomicView`](super::DynAtomicView)
/// share, in terms of `self.core()`.
macro_rules! dyn_methods {
    () => {
        /// The width in bytes: 1, 2, 4, 8 or 16.
        pub fn width(&self) -> usize {
            self.core().width().bytes()
        }

        /// Whether the kind is `int` (a signed integer).
        pub fn signed(&self) -> bool {
            self.core().kind == Kind::Int
        }

        /// Whether only `load` and `bit_test` are offered (a view of a read-only region).
        pub fn readonly(&self) -> bool {
            self.core().readonly()
        }

        /// The kind.
        pub fn kind(&self) -> Kind {
            self.core().kind
        }

        /// The atype, if the kind has one (`None` for `bool` and floats).
        pub fn atype(&self) -> Option<AType> {
            AType::from_kind(self.core().kind)
        }

        /// Exactly the operations that succeed (given valid operands and orders): the
        /// kind's operations, and of those only `load` and `bit_test` when read-only.
        pub fn ops_supported(&self) -> OpSet {
            self.core().ops_supported()
        }

        op_pair!(@pair "Loads the value (`SeqCst`).",
            "Loads the value with `Relaxed`, `Acquire` or `SeqCst`.",
            load load_explicit [] () -> DynValue, |c, o| c.load(o));

        op_pair!(void "Stores `v`." store store_explicit Store);
        op_pair!(fetch "Stores `v` and returns the previous value."
            exchange exchange_explicit Exchange);

        op_pair!(cas "Writes `desired` if the value is `expected`; may fail spuriously. The \
            result holds the value found. Both operands must fit."
            cmpxchg_weak cmpxchg_weak_explicit CmpxchgWeak);
        op_pair!(cas "Writes `desired` if the value is `expected`; fails only if it is not. \
            The result holds the value found. Both operands must fit."
            cmpxchg_strong cmpxchg_strong_explicit CmpxchgStrong);

        op_pair!(update "Replaces the value with `f(value)` in a compare-exchange loop and \
            returns the new value."
            update_fetch update_fetch_explicit UpdateFetch -> DynValue, |_old, new| new);
        op_pair!(update "Replaces the value with `f(value)` in a compare-exchange loop and \
            returns the previous value."
            fetch_update fetch_update_explicit UpdateFetch -> DynValue, |old, _new| old);
        op_pair!(update "Replaces the value with `f(value)` in a compare-exchange loop and \
            returns `(previous, new)`."
            update_vals update_vals_explicit UpdateVals
            -> (DynValue, DynValue), |old, new| (old, new));

        op_pair!(bit "Reads bit `bit` (bit `bit % 8` of byte `bit / 8` in memory); \
            `BitIndexError` past the width." bit_test bit_test_explicit BitTest);
        op_pair!(bit "Sets bit `bit` and returns its previous value."
            bit_set bit_set_explicit BitSet);
        op_pair!(bit "Clears bit `bit` and returns its previous value."
            bit_reset bit_reset_explicit BitReset);
        op_pair!(bit "Flips bit `bit` and returns its previous value."
            bit_compl bit_compl_explicit BitCompl);

        op_pair!(void "Bitwise or with `v` (logical for `bool`)." bin_or bin_or_explicit BinOr);
        op_pair!(void "Bitwise xor with `v` (logical for `bool`)." bin_xor bin_xor_explicit BinXor);
        op_pair!(void "Bitwise and with `v` (logical for `bool`)." bin_and bin_and_explicit BinAnd);
        op_pair!(void0 "Bitwise not (logical for `bool`)." bin_not bin_not_explicit BinNot);
        op_pair!(fetch "Bitwise or with `v`, returning the previous value."
            bin_fetch_or bin_fetch_or_explicit BinFetchOr);
        op_pair!(fetch "Bitwise xor with `v`, returning the previous value."
            bin_fetch_xor bin_fetch_xor_explicit BinFetchXor);
        op_pair!(fetch "Bitwise and with `v`, returning the previous value."
            bin_fetch_and bin_fetch_and_explicit BinFetchAnd);
        op_pair!(fetch0 "Bitwise not, returning the previous value."
            bin_fetch_not bin_fetch_not_explicit BinFetchNot);

        op_pair!(void "Adds `v`, wrapping on overflow (IEEE for floats)." add add_explicit Add);
        op_pair!(void "Subtracts `v`, wrapping on overflow (IEEE for floats)."
            sub sub_explicit Sub);
        op_pair!(void0 "Adds one, wrapping (integers only)." inc inc_explicit Inc);
        op_pair!(void0 "Subtracts one, wrapping (integers only)." dec dec_explicit Dec);
        op_pair!(void0 "Negates, wrapping (`MIN` stays `MIN`; a `uint` becomes `0 - v`)."
            neg neg_explicit Neg);
        op_pair!(fetch "Adds `v`, wrapping, and returns the previous value."
            fetch_add fetch_add_explicit FetchAdd);
        op_pair!(fetch "Subtracts `v`, wrapping, and returns the previous value."
            fetch_sub fetch_sub_explicit FetchSub);
        op_pair!(fetch0 "Adds one, wrapping, and returns the previous value (integers only)."
            fetch_inc fetch_inc_explicit FetchInc);
        op_pair!(fetch0 "Subtracts one, wrapping, and returns the previous value (integers \
            only)." fetch_dec fetch_dec_explicit FetchDec);
        op_pair!(fetch0 "Negates, wrapping, and returns the previous value."
            fetch_neg fetch_neg_explicit FetchNeg);
    };
}
