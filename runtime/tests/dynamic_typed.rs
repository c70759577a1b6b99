//! The typed cell behind a dynamic atomic (`as_atomic::<T>()`, `as_readonly::<T>()`):
//! exactly the type of the kind and width is handed out, it is the same memory, and every
//! other type (and a writable cell of a read-only view) is a `TypeMismatch` naming the
//! type to ask for.

use shm_atomics_runtime::{
    Atomic, DynAtomic, DynAtomicView, Error, Kind, Region, TypeMismatch, UnsupportedWidth, Value,
    Width, WidthReason,
};

#[repr(C, align(16))]
struct Buf([u8; 16]);

/// Every kind and width a dynamic atomic accepts, with the type that fits it.
const FITTING: [(Kind, usize, &str); 18] = [
    (Kind::Int, 1, "i8"),
    (Kind::Int, 2, "i16"),
    (Kind::Int, 4, "i32"),
    (Kind::Int, 8, "i64"),
    (Kind::Int, 16, "i128"),
    (Kind::Uint, 1, "u8"),
    (Kind::Uint, 2, "u16"),
    (Kind::Uint, 4, "u32"),
    (Kind::Uint, 8, "u64"),
    (Kind::Uint, 16, "u128"),
    (Kind::Bytes, 1, "[u8; 1]"),
    (Kind::Bytes, 2, "[u8; 2]"),
    (Kind::Bytes, 4, "[u8; 4]"),
    (Kind::Bytes, 8, "[u8; 8]"),
    (Kind::Bytes, 16, "[u8; 16]"),
    (Kind::Bool, 1, "bool"),
    (Kind::Float, 4, "f32"),
    (Kind::Float, 8, "f64"),
];

/// Asks `a` for a `T` cell: it must succeed exactly when `T` is the kind and width, be
/// the same memory, and otherwise fail with a `TypeMismatch` that names the fitting type.
/// Returns whether it succeeded.
fn ask<T: Value>(a: &DynAtomic, kind: Kind, width: usize, fitting: &str) -> bool {
    let name = core::any::type_name::<T>();
    match a.as_atomic::<T>() {
        Ok(cell) => {
            assert_eq!((T::KIND, T::WIDTH), (kind, width), "{name} handed out");
            assert_eq!(name, fitting);
            // The same memory: a typed store is what the dynamic side loads.
            let before = a.load().unwrap();
            cell.store(T::ZERO);
            assert!(
                a.load().unwrap().bits() == 0,
                "{name}: typed store not seen"
            );
            a.view().store(before).unwrap();
            assert_eq!(a.load().unwrap(), before);
            match a.view().as_readonly::<T>() {
                Ok(ro) => assert_eq!(ro.load(), cell.load()),
                // No write-free load of this width here: refused for that reason only.
                Err(e) => assert_eq!(
                    (e, Width::from_bytes(width).map(Width::has_write_free_load)),
                    (
                        Error::UnsupportedWidth(UnsupportedWidth {
                            width,
                            reason: WidthReason::NoWriteFreeLoad
                        }),
                        Some(false)
                    )
                ),
            }
            true
        }
        Err(Error::TypeMismatch(e)) => {
            assert_ne!((T::KIND, T::WIDTH), (kind, width), "{name} refused");
            let want = TypeMismatch {
                kind,
                width,
                requested: name,
                requested_kind: T::KIND,
                requested_width: T::WIDTH,
                readonly: false,
            };
            assert_eq!(e, want);
            let msg = e.to_string();
            assert!(msg.ends_with(&format!("ask for {fitting}")), "{msg}");
            assert!(matches!(
                a.view().as_readonly::<T>(),
                Err(Error::TypeMismatch(r)) if r == want
            ));
            false
        }
        // The fitting type of a width with no lock-free atomic here (16 bytes on a 32-bit
        // target): the owned dynamic atomic exists, a typed cell of it does not.
        Err(Error::UnsupportedWidth(UnsupportedWidth {
            width: w,
            reason: WidthReason::NotLockFree,
        })) if (T::KIND, T::WIDTH) == (kind, width) && w == width => {
            assert!(!Width::from_bytes(width).is_some_and(Width::is_lock_free));
            assert_eq!(name, fitting);
            true
        }
        Err(e) => panic!("{name}: unexpected error {e}"),
    }
}

/// Asks for every value type; returns how many were handed out.
fn ask_all(a: &DynAtomic, kind: Kind, width: usize, fitting: &str) -> usize {
    macro_rules! each {
        ($($t:ty),*) => { [$(ask::<$t>(a, kind, width, fitting)),*] };
    }
    let r = each!(
        i8, i16, i32, i64, i128, u8, u16, u32, u64, u128, [u8; 1], [u8; 2], [u8; 4], [u8; 8],
        [u8; 16], bool, f32, f64
    );
    r.iter().filter(|ok| **ok).count()
}

#[test]
fn exactly_the_type_of_the_kind_and_width_is_handed_out() {
    for (kind, width, fitting) in FITTING {
        let a = DynAtomic::with_kind(width, kind).unwrap();
        a.view()
            .store(match kind {
                Kind::Bool => shm_atomics_runtime::Operand::from(true),
                Kind::Float => 1.5f32.into(),
                Kind::Bytes => (&[7u8; 16][..width]).into(),
                _ => 7u8.into(),
            })
            .unwrap();
        assert_eq!(ask_all(&a, kind, width, fitting), 1, "{kind} {width}");
    }
}

#[test]
fn typed_and_dynamic_operations_meet_in_one_cell() {
    let mut buf = Buf([0; 16]);
    let region = Region::new(&mut buf.0);
    let view = DynAtomicView::with_kind(region.subregion(8, 8).unwrap(), Kind::Int).unwrap();
    let typed: &Atomic<i64> = view.as_atomic().unwrap();
    assert_eq!(typed.as_ptr(), region.subregion(8, 8).unwrap().as_ptr());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..50_000 {
                    typed.dec();
                    view.dec().unwrap();
                }
            });
        }
    });
    assert_eq!(view.load().unwrap(), -200_000);
    assert_eq!(region.read_at::<i64>(8).unwrap().load(), -200_000);
}

#[test]
fn a_read_only_view_hands_out_only_a_read_only_cell() {
    let buf = Buf(*b"abcdefgh\0\0\0\0\0\0\0\0");
    let view = DynAtomicView::with_kind(
        Region::from_ref(&buf.0).subregion(0, 8).unwrap(),
        Kind::Bytes,
    )
    .unwrap();
    assert_eq!(view.as_readonly::<[u8; 8]>().unwrap().load(), *b"abcdefgh");
    let err = view.as_atomic::<[u8; 8]>().unwrap_err();
    assert!(matches!(err, Error::TypeMismatch(e) if e.readonly && e.requested == "[u8; 8]"));
    assert_eq!(
        err.to_string(),
        "this atomic is a read-only view: it has no writable [u8; 8] cell; use \
         as_readonly::<[u8; 8]>() to load it"
    );
    // A wrong type on a read-only view is a plain mismatch, not a read-only one.
    let err = view.as_atomic::<u64>().unwrap_err();
    assert!(matches!(err, Error::TypeMismatch(e) if !e.readonly));
    assert!(err.to_string().ends_with("ask for [u8; 8]"));
}

#[cfg(all(feature = "shm", unix))]
#[test]
fn a_segment_field_found_by_name_runs_typed() {
    use shm_atomics_runtime::{RawSegment, Segment};

    #[shm_atomics_macros::atomic_layout(crate = "::shm_atomics_runtime")]
    struct Stats {
        flags: u8,
        hits: u64,
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stats");
    let seg = Segment::<Stats>::create(&path).unwrap();
    let raw = RawSegment::open(&path).unwrap();
    let hits = raw.field("hits").unwrap().as_atomic::<u64>().unwrap();
    for _ in 0..1000 {
        hits.inc();
    }
    assert_eq!(seg.hits().load(), 1000);
    assert!(raw.field("flags").unwrap().as_atomic::<u64>().is_err());
    assert_eq!(
        raw.field("flags")
            .unwrap()
            .as_atomic::<u8>()
            .unwrap()
            .load(),
        0
    );
}
