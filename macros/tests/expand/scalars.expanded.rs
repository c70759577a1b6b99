/// Two counters.
#[repr(C, align(8))]
pub struct Pair {
    hits: ::shm_atomics::Atomic<u64>,
    up: ::shm_atomics::Atomic<bool>,
    __atomics_pad_1: ::shm_atomics::__private::Pad<{ 7 }>,
}
///The plain twin of [`Pair`]: the same fields as plain values at the same offsets (so its bytes are the layout's bytes), from [`Pair::snapshot`] and for [`Pair::store_snapshot`].
#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq)]
#[repr(C, align(8))]
pub struct PairSnapshot {
    /// Hits.
    pub hits: u64,
    pub up: bool,
    __atomics_pad_1: [u8; 7],
}
#[automatically_derived]
unsafe impl ::shm_atomics::Plain for PairSnapshot {
    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        bytes.len() == 16 && ::shm_atomics::__private::valid::<bool>(bytes, 8)
    }
}
#[automatically_derived]
impl ::core::default::Default for PairSnapshot {
    /// All fields zero.
    fn default() -> Self {
        <Self as ::shm_atomics::Plain>::zeroed()
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
    const SIZE: usize = 16;
    const ALIGN: usize = 8;
    const FIELDS: &'static [::shm_atomics::FieldDesc] = &[
        ::shm_atomics::__private::FieldDesc {
            name: "hits",
            offset: 0,
            ty: ::shm_atomics::__private::FieldType::Value {
                kind: ::shm_atomics::Kind::Uint,
                width: 8,
            },
            array_len: ::core::option::Option::None,
            align: 8,
        },
        ::shm_atomics::__private::FieldDesc {
            name: "up",
            offset: 8,
            ty: ::shm_atomics::__private::FieldType::Value {
                kind: ::shm_atomics::Kind::Bool,
                width: 1,
            },
            array_len: ::core::option::Option::None,
            align: 1,
        },
    ];
    const DESC: ::shm_atomics::LayoutDesc = ::shm_atomics::LayoutDesc {
        name: "Pair",
        size: 16,
        align: 8,
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
    ::shm_atomics::__private::check_offsets(
        <Pair as ::shm_atomics::Layout>::FIELDS,
        &[::core::mem::offset_of!(Pair, hits), ::core::mem::offset_of!(Pair, up)],
        &[
            ::core::mem::offset_of!(PairSnapshot, hits),
            ::core::mem::offset_of!(PairSnapshot, up),
        ],
    );
    ::core::assert!(
        ::core::mem::size_of:: < Pair > () == 16,
        "`Pair` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < Pair > () == 8,
        "`Pair` does not have the alignment #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::size_of:: < PairSnapshot > () == 16,
        "`Pair` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < PairSnapshot > () == 8,
        "`Pair` does not have the alignment #[atomic_layout] computed"
    );
};
