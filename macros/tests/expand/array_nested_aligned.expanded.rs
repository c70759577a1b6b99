#[repr(C, align(64))]
pub(crate) struct Stats {
    hist: [::shm_atomics::Atomic<u32>; 4],
    __atomics_pad_0: ::shm_atomics::__private::Pad<{ __AtomicsLayout_Stats::PAD_0 }>,
    net: NetStats,
    __atomics_pad_1: ::shm_atomics::__private::Pad<{ __AtomicsLayout_Stats::PAD_1 }>,
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
struct __AtomicsLayout_Stats;
#[allow(dead_code)]
impl __AtomicsLayout_Stats {
    const SIZE_1: usize = <NetStats as ::shm_atomics::Field>::SIZE * (1);
    const ALIGN_1: usize = ::shm_atomics::__private::max(
        <NetStats as ::shm_atomics::Field>::ALIGN,
        64,
    );
    const OFF_1: usize = ::shm_atomics::__private::align_up(
        16,
        __AtomicsLayout_Stats::ALIGN_1,
    );
    const PAD_0: usize = __AtomicsLayout_Stats::OFF_1 - 16;
    const END_1: usize = __AtomicsLayout_Stats::OFF_1 + __AtomicsLayout_Stats::SIZE_1;
    const ALIGN: usize = ::shm_atomics::__private::max_of(
        &[4, __AtomicsLayout_Stats::ALIGN_1],
    );
    const SIZE: usize = ::shm_atomics::__private::align_up(
        __AtomicsLayout_Stats::END_1,
        __AtomicsLayout_Stats::ALIGN,
    );
    const PAD_1: usize = __AtomicsLayout_Stats::SIZE - __AtomicsLayout_Stats::END_1;
}
///The plain twin of [`Stats`]: the same fields as plain values at the same offsets (so its bytes are the layout's bytes), from [`Stats::snapshot`] and for [`Stats::store_snapshot`].
#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq)]
#[repr(C, align(64))]
pub(crate) struct StatsSnapshot {
    pub hist: [u32; 4],
    __atomics_pad_0: [u8; __AtomicsLayout_Stats::PAD_0],
    pub net: <NetStats as ::shm_atomics::Field>::Snapshot,
    __atomics_pad_1: [u8; __AtomicsLayout_Stats::PAD_1],
}
#[automatically_derived]
unsafe impl ::shm_atomics::Plain for StatsSnapshot {
    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        bytes.len() == __AtomicsLayout_Stats::SIZE
            && ::shm_atomics::__private::valid::<
                <NetStats as ::shm_atomics::Field>::Snapshot,
            >(bytes, __AtomicsLayout_Stats::OFF_1)
    }
}
#[automatically_derived]
impl ::core::default::Default for StatsSnapshot {
    /// All fields zero.
    fn default() -> Self {
        <Self as ::shm_atomics::Plain>::zeroed()
    }
}
#[automatically_derived]
impl ::core::fmt::Debug for StatsSnapshot {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("StatsSnapshot")
            .field("hist", &self.hist)
            .field("net", &self.net)
            .finish()
    }
}
impl Stats {
    #[inline(always)]
    pub fn hist(&self) -> &[::shm_atomics::Atomic<u32>; 4] {
        &self.hist
    }
    #[inline(always)]
    pub fn net(&self) -> &NetStats {
        &self.net
    }
    /// A layout with every field zero (`const`: usable in a `static`).
    #[inline]
    pub(crate) const fn new() -> Self {
        ::shm_atomics::__private::zeroed::<Self>()
    }
    /// A checked view of this layout over a buffer of exactly `SIZE` bytes aligned
    /// to `ALIGN`.
    pub(crate) fn from_mut(
        buf: &mut [u8],
    ) -> ::core::result::Result<&Self, ::shm_atomics::Error> {
        ::shm_atomics::__private::from_mut::<Self>(buf)
    }
    /// Loads every field into a plain snapshot (each field atomically, not the
    /// whole as one step).
    pub(crate) fn snapshot(&self) -> StatsSnapshot {
        let mut s = <StatsSnapshot as ::core::default::Default>::default();
        s.hist = ::core::array::from_fn(|i| self.hist[i].load());
        s.net = <NetStats as ::shm_atomics::Field>::load_field(&self.net);
        s
    }
    /// Stores every field of `snapshot` (each atomically, not as one step).
    pub(crate) fn store_snapshot(&self, snapshot: &StatsSnapshot) {
        let mut i = 0usize;
        while i < self.hist.len() {
            self.hist[i].store(snapshot.hist[i]);
            i += 1;
        }
        <NetStats as ::shm_atomics::Field>::store_field(&self.net, &snapshot.net);
    }
}
#[automatically_derived]
impl ::core::default::Default for Stats {
    /// Every field zero.
    fn default() -> Self {
        Self::new()
    }
}
#[automatically_derived]
unsafe impl ::shm_atomics::Layout for Stats {
    const NAME: &'static str = "Stats";
    const SIZE: usize = __AtomicsLayout_Stats::SIZE;
    const ALIGN: usize = __AtomicsLayout_Stats::ALIGN;
    const FIELDS: &'static [::shm_atomics::FieldDesc] = &[
        ::shm_atomics::__private::FieldDesc {
            name: "hist",
            offset: 0,
            ty: ::shm_atomics::__private::FieldType::Value {
                kind: ::shm_atomics::Kind::Uint,
                width: 4,
            },
            array_len: ::core::option::Option::Some(4),
            align: 4,
        },
        ::shm_atomics::__private::FieldDesc {
            name: "net",
            offset: __AtomicsLayout_Stats::OFF_1,
            ty: <NetStats as ::shm_atomics::Field>::TYPE,
            array_len: ::core::option::Option::None,
            align: __AtomicsLayout_Stats::ALIGN_1,
        },
    ];
    const DESC: ::shm_atomics::LayoutDesc = ::shm_atomics::LayoutDesc {
        name: "Stats",
        size: __AtomicsLayout_Stats::SIZE,
        align: __AtomicsLayout_Stats::ALIGN,
        fields: <Self as ::shm_atomics::Layout>::FIELDS,
    };
    const FINGERPRINT: u64 = <Self as ::shm_atomics::Layout>::DESC.fingerprint();
    type Snapshot = StatsSnapshot;
    fn snapshot(&self) -> StatsSnapshot {
        Stats::snapshot(self)
    }
    fn store_snapshot(&self, snapshot: &StatsSnapshot) {
        Stats::store_snapshot(self, snapshot)
    }
}
#[automatically_derived]
impl ::core::fmt::Debug for Stats {
    /// The field names and their values, each loaded with `Relaxed`.
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Stats")
            .field("hist", &self.hist)
            .field("net", &self.net)
            .finish()
    }
}
const _: () = {
    ::shm_atomics::__private::assert_field::<NetStats>();
    ::core::assert!(
        64 >= < NetStats as ::shm_atomics::Field > ::ALIGN,
        "align = 64 on field `net` is below the alignment of its type `NetStats`: use at least `<NetStats as Field>::ALIGN`, or remove the attribute"
    );
    ::shm_atomics::__private::check_offsets(
        <Stats as ::shm_atomics::Layout>::FIELDS,
        &[::core::mem::offset_of!(Stats, hist), ::core::mem::offset_of!(Stats, net)],
        &[
            ::core::mem::offset_of!(StatsSnapshot, hist),
            ::core::mem::offset_of!(StatsSnapshot, net),
        ],
    );
    ::core::assert!(
        ::core::mem::size_of:: < Stats > () == __AtomicsLayout_Stats::SIZE,
        "`Stats` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < Stats > () == __AtomicsLayout_Stats::ALIGN,
        "`Stats` does not have the alignment #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::size_of:: < StatsSnapshot > () == __AtomicsLayout_Stats::SIZE,
        "`Stats` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < StatsSnapshot > () == __AtomicsLayout_Stats::ALIGN,
        "`Stats` does not have the alignment #[atomic_layout] computed"
    );
};
