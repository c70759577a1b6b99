#[repr(C, align(16))]
struct Id {
    id: ::my_atomics::Atomic<[u8; 16]>,
}
///The plain twin of [`Id`]: the same fields as plain values at the same offsets (so its bytes are the layout's bytes), from [`Id::snapshot`] and for [`Id::store_snapshot`].
#[derive(::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq)]
#[repr(C, align(16))]
struct IdSnapshot {
    pub id: [u8; 16],
}
#[automatically_derived]
unsafe impl ::my_atomics::Plain for IdSnapshot {
    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        bytes.len() == 16
    }
}
#[automatically_derived]
impl ::core::default::Default for IdSnapshot {
    /// All fields zero.
    fn default() -> Self {
        <Self as ::my_atomics::Plain>::zeroed()
    }
}
#[automatically_derived]
impl ::core::fmt::Debug for IdSnapshot {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("IdSnapshot").field("id", &self.id).finish()
    }
}
impl Id {
    #[inline(always)]
    fn id(&self) -> &::my_atomics::Atomic<[u8; 16]> {
        &self.id
    }
    /// A layout with every field zero (`const`: usable in a `static`).
    #[inline]
    const fn new() -> Self {
        ::my_atomics::__private::zeroed::<Self>()
    }
    /// A checked view of this layout over a buffer of exactly `SIZE` bytes aligned
    /// to `ALIGN`.
    fn from_mut(buf: &mut [u8]) -> ::core::result::Result<&Self, ::my_atomics::Error> {
        ::my_atomics::__private::from_mut::<Self>(buf)
    }
    /// Loads every field into a plain snapshot (each field atomically, not the
    /// whole as one step).
    fn snapshot(&self) -> IdSnapshot {
        let mut s = <IdSnapshot as ::core::default::Default>::default();
        s.id = self.id.load();
        s
    }
    /// Stores every field of `snapshot` (each atomically, not as one step).
    fn store_snapshot(&self, snapshot: &IdSnapshot) {
        self.id.store(snapshot.id);
    }
}
#[automatically_derived]
impl ::core::default::Default for Id {
    /// Every field zero.
    fn default() -> Self {
        Self::new()
    }
}
#[automatically_derived]
unsafe impl ::my_atomics::Layout for Id {
    const NAME: &'static str = "Id";
    const SIZE: usize = 16;
    const ALIGN: usize = 16;
    const FIELDS: &'static [::my_atomics::FieldDesc] = &[
        ::my_atomics::__private::FieldDesc {
            name: "id",
            offset: 0,
            ty: ::my_atomics::__private::FieldType::Value {
                kind: ::my_atomics::Kind::Bytes,
                width: 16,
            },
            array_len: ::core::option::Option::None,
            align: 16,
        },
    ];
    const DESC: ::my_atomics::LayoutDesc = ::my_atomics::LayoutDesc {
        name: "Id",
        size: 16,
        align: 16,
        fields: <Self as ::my_atomics::Layout>::FIELDS,
    };
    const FINGERPRINT: u64 = <Self as ::my_atomics::Layout>::DESC.fingerprint();
    type Snapshot = IdSnapshot;
    fn snapshot(&self) -> IdSnapshot {
        Id::snapshot(self)
    }
    fn store_snapshot(&self, snapshot: &IdSnapshot) {
        Id::store_snapshot(self, snapshot)
    }
}
#[automatically_derived]
impl ::core::fmt::Debug for Id {
    /// The field names and their values, each loaded with `Relaxed`.
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Id").field("id", &self.id).finish()
    }
}
const _: () = {
    ::my_atomics::__private::check_offsets(
        <Id as ::my_atomics::Layout>::FIELDS,
        &[::core::mem::offset_of!(Id, id)],
        &[::core::mem::offset_of!(IdSnapshot, id)],
    );
    ::core::assert!(
        ::core::mem::size_of:: < Id > () == 16,
        "`Id` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < Id > () == 16,
        "`Id` does not have the alignment #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::size_of:: < IdSnapshot > () == 16,
        "`Id` does not have the size #[atomic_layout] computed"
    );
    ::core::assert!(
        ::core::mem::align_of:: < IdSnapshot > () == 16,
        "`Id` does not have the alignment #[atomic_layout] computed"
    );
};
