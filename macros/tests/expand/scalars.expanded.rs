/// Two counters.
#[repr(C, align(8))]
pub struct Pair {
    hits: ::shm_atomics::Atomic<u64>,
    __atomics_pad_0: ::shm_atomics::__private::Pad<{ __AtomicsLayout_Pair::PAD_0 }>,
    up: ::shm_atomics::Atomic<bool>,
    __atomics_pad_1: ::shm_atomics::__private::Pad<{ __AtomicsLayout_Pair::PAD_1 }>,
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct __AtomicsLayout_Pair;
#[allow(dead_code)]
impl __AtomicsLayout_Pair {
    const SIZE_0: usize = 8 * (1);
    const ALIGN_0: usize = 8;
    const OFF_0: usize = 0;
    const END_0: usize = Self::OFF_0 + Self::SIZE_0;
    const PAD_0: usize = Self::OFF_1 - Self::END_0;
    const SIZE_1: usize = 1 * (1);
    const ALIGN_1: usize = 1;
    const OFF_1: usize = ::shm_atomics::__private::align_up(Self::END_0, Self::ALIGN_1);
    const END_1: usize = Self::OFF_1 + Self::SIZE_1;
    const PAD_1: usize = Self::SIZE - Self::END_1;
    const ALIGN: usize = ::shm_atomics::__private::max(
        ::shm_atomics::__private::max(1, Self::ALIGN_0),
        Self::ALIGN_1,
    );
    const SIZE: usize = ::shm_atomics::__private::align_up(Self::END_1, Self::ALIGN);
}
///The plain twin of [`Pair`]: the same fields as plain values at the same offsets (so its bytes are the layout's bytes), from [`Pair::snapshot`] and for [`Pair::store_snapshot`].
#[derive(
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::cmp::PartialEq,
    ::shm_atomics::__private::zerocopy::FromZeros,
    ::shm_atomics::__private::zerocopy::IntoBytes,
    ::shm_atomics::__private::zerocopy::KnownLayout,
    ::shm_atomics::__private::zerocopy::Immutable
)]
#[zerocopy(crate = "::shm_atomics::__private::zerocopy")]
#[repr(C)]
pub struct PairSnapshot {
    /// Hits.
    pub hits: u64,
    __atomics_pad_0: [u8; __AtomicsLayout_Pair::PAD_0],
    pub up: bool,
    __atomics_pad_1: [u8; __AtomicsLayout_Pair::PAD_1],
}
#[automatically_derived]
impl ::core::default::Default for PairSnapshot {
    /// All fields zero.
    fn default() -> Self {
        <Self as ::shm_atomics::__private::zerocopy::FromZeros>::new_zeroed()
    }
}
#[automatically_derived]
impl ::core::fmt::Debug for PairSnapshot {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("PairSnapshot")
            .field("hits", &self.hits)
            .field("up", &self.up)
            .finish()
    }
}
impl Pair {
    /// Hits.
    #[inline(always)]
    pub fn hits(&self) -> &::shm_atomics::Atomic<u64> {
        &self.hits
    }
    #[inline(always)]
    pub fn up(&self) -> &::shm_atomics::Atomic<bool> {
        &self.up
    }
    /// A layout with every field zero (`const`: usable in a `static`).
    #[inline]
    pub const fn new() -> Self {
        ::shm_atomics::__private::zeroed::<Self>()
    }
    /// A checked view of this layout over a buffer of exactly `SIZE` bytes aligned
    /// to `ALIGN`.
    pub fn from_mut(
        buf: &mut [u8],
    ) -> ::core::result::Result<&Self, ::shm_atomics::Error> {
        ::shm_atomics::__private::from_mut::<Self>(buf)
    }
    /// Loads every field into a plain snapshot (each field atomically, not the
    /// whole as one step).
    pub fn snapshot(&self) -> PairSnapshot {
        let mut s = <PairSnapshot as ::core::default::Default>::default();
        s.hits = self.hits.load();
        s.up = self.up.load();
        s
    }
    /// Stores every field of `snapshot` (each atomically, not as one step).
    pub fn store_snapshot(&self, snapshot: &PairSnapshot) {
        self.hits.store(snapshot.hits);
        self.up.store(snapshot.up);
    }
}
#[automatically_derived]
impl ::core::default::Default for Pair {
    /// Every field zero.
    fn default() -> Self {
        Self::new()
    }
}
#[automatically_derived]
unsafe impl ::shm_atomics::Layout for Pair {
    const NAME: &'static str = "Pair";
    const SIZE: usize = __AtomicsLayout_Pair::SIZE;
    const ALIGN: usize = __AtomicsLayout_Pair::ALIGN;
    const FIELDS: &'static [::shm_atomics::FieldDesc] = &[
        ::shm_atomics::__private::FieldDesc {
            name: "hits",
            offset: __AtomicsLayout_Pair::OFF_0,
            ty: ::shm_atomics::__private::FieldType::Value {
                kind: ::shm_atomics::Kind::Uint,
                width: 8,
            },
            array_len: ::core::option::Option::None,
            align: __AtomicsLayout_Pair::ALIGN_0,
        },
        ::shm_atomics::__private::FieldDesc {
            name: "up",
            offset: __AtomicsLayout_Pair::OFF_1,
            ty: ::shm_atomics::__private::FieldType::Value {
                kind: ::shm_atomics::Kind::Bool,
                width: 1,
            },
            array_len: ::core::option::Option::None,
            align: __AtomicsLayout_Pair::ALIGN_1,
        },
    ];
    const DESC: ::shm_atomics::LayoutDesc = ::shm_atomics::LayoutDesc {
        name: "Pair",
        size: __AtomicsLayout_Pair::SIZE,
        align: __AtomicsLayout_Pair::ALIGN,
        fields: <Self as ::shm_atomics::Layout>::FIELDS,
    };
    const FINGERPRINT: u64 = <Self as ::shm_atomics::Layout>::DESC.fingerprint();
    type Snapshot = PairSnapshot;
    fn snapshot(&self) -> PairSnapshot {
        Pair::snapshot(self)
    }
    fn store_snapshot(&self, snapshot: &PairSnapshot) {
        Pair::store_snapshot(self, snapshot)
    }
}
#[automatically_derived]
impl ::core::fmt::Debug for Pair {
    /// The field names and their values, each loaded with `Relaxed`.
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Pair").field("hits", &self.hits).field("up", &self.up).finish()
    }
}
const _: () = {
    ::core::assert!(
        ::core::mem::offset_of!(Pair, hits) == __AtomicsLayout_Pair::OFF_0,
        "field `hits` of `Pair` is not at the offset #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::offset_of!(PairSnapshot, hits) == __AtomicsLayout_Pair::OFF_0,
        "field `hits` of `Pair` is not at the offset #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::offset_of!(Pair, up) == __AtomicsLayout_Pair::OFF_1,
        "field `up` of `Pair` is not at the offset #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::offset_of!(PairSnapshot, up) == __AtomicsLayout_Pair::OFF_1,
        "field `up` of `Pair` is not at the offset #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::size_of:: < Pair > () == __AtomicsLayout_Pair::SIZE,
        "`Pair` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < Pair > () == __AtomicsLayout_Pair::ALIGN,
        "`Pair` does not have the alignment #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::size_of:: < PairSnapshot > () == __AtomicsLayout_Pair::SIZE,
        "`Pair` does not have the size #[atomic_layout] computed"
    );
};
