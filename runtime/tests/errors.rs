//! Every error the typed runtime returns, with its exact fields, and messages that are
//! not empty and name the numbers.

use shm_atomics_runtime::{
    Alignment, AlignmentError, Atomic, BitIndexError, Error, Kind, LayoutAlignmentError, OpType,
    ReadOnlyRegionError, Region, SizeError, UnsupportedOperation, UnsupportedWidth, Value, Width,
    WidthReason,
};

/// A 24-byte layout: no atomic has that width, so its errors must speak of a layout.
#[shm_atomics_macros::atomic_layout(crate = "::shm_atomics_runtime")]
struct Triple {
    a: u64,
    b: u64,
    c: u64,
}

#[repr(C, align(32))]
struct Buf([u8; 64]);

fn mentions(e: &Error, numbers: &[usize]) {
    let msg = e.to_string();
    assert!(!msg.is_empty());
    for n in numbers {
        assert!(msg.contains(&n.to_string()), "{msg:?} does not mention {n}");
    }
}

fn misaligned<T: Value>() {
    let w = T::WIDTH;
    let mut buf = Buf([0; 64]);
    let base = buf.0.as_ptr() as usize;
    for off in 1..w {
        let addr = base + off;
        let want = Error::Alignment(AlignmentError {
            addr,
            required: w,
            width: w,
        });
        // from_mut
        assert_eq!(
            Atomic::<T>::from_mut(&mut buf.0[off..off + w]).unwrap_err(),
            want
        );
        // from_ptr
        let p = buf.0[off..].as_mut_ptr();
        // SAFETY: `p` points into `buf`, valid for reads and writes of `w` bytes for this
        // statement, and nothing else touches `buf` meanwhile; the call fails anyway.
        let r = unsafe { Atomic::<T>::from_ptr(p) };
        assert_eq!(r.unwrap_err(), want);
        // Region::atomic_at and read_at
        let region = Region::new(&mut buf.0);
        assert_eq!(region.atomic_at::<T>(off).unwrap_err(), want);
        assert_eq!(region.read_at::<T>(off).unwrap_err(), want);
        let e = want;
        mentions(&e, &[w]);
        assert!(e.to_string().contains(&format!("{addr:#x}")), "{e}");
        // The message says how far to move: (w - off) bytes.
        assert!(
            e.to_string().contains(&format!("by {} bytes", w - off)),
            "{e}"
        );
    }
    // Aligned: fine where the width is lock-free; refused as not lock-free elsewhere
    // (16 bytes on a 32-bit target), alignment being checked first.
    let aligned = Atomic::<T>::from_mut(&mut buf.0[w..2 * w]).map(|_| ());
    if Width::from_bytes(w).is_some_and(Width::is_lock_free) {
        assert_eq!(aligned, Ok(()));
    } else {
        let e = aligned.unwrap_err();
        assert_eq!(
            e,
            Error::UnsupportedWidth(UnsupportedWidth {
                width: w,
                reason: WidthReason::NotLockFree
            })
        );
        mentions(&e, &[w]);
    }
}

fn wrong_size<T: Value>() {
    let w = T::WIDTH;
    let mut buf = Buf([0; 64]);
    for len in [0, w - 1, w + 1, 2 * w, 64] {
        if len == w {
            continue;
        }
        let e = Atomic::<T>::from_mut(&mut buf.0[..len]).unwrap_err();
        assert_eq!(
            e,
            Error::Size(SizeError {
                needed: w,
                got: len
            })
        );
        mentions(&e, &[w, len]);
    }
}

fn out_of_range_bits<T: shm_atomics_runtime::Bitwise>(v: T) {
    let w = T::WIDTH;
    let a = Atomic::new(v);
    for bit in [8 * w as u32, 8 * w as u32 + 1, 1000, u32::MAX] {
        let want = Error::BitIndex(BitIndexError { bit, width: w });
        assert_eq!(a.bit_test(bit), Err(want.clone()));
        assert_eq!(a.bit_set(bit), Err(want.clone()));
        assert_eq!(a.bit_reset(bit), Err(want.clone()));
        assert_eq!(a.bit_compl(bit), Err(want.clone()));
        mentions(&want, &[bit as usize, w, 8 * w]);
    }
    assert_eq!(format!("{:?}", a.load()), format!("{v:?}"), "unchanged");
}

fn region_bounds<T: Value>() {
    let w = T::WIDTH;
    let mut buf = Buf([0; 64]);
    let r = Region::new(&mut buf.0[..32]);
    let len = r.len();
    // The last offset that fits (a view where the width is lock-free), then every
    // aligned one past it.
    let lock_free = Width::from_bytes(w).is_some_and(Width::is_lock_free);
    assert_eq!(r.atomic_at::<T>(len - w).is_ok(), lock_free);
    for off in (len - w + w..=len + w).step_by(w) {
        let want = Error::Size(SizeError {
            needed: off + w,
            got: len,
        });
        assert_eq!(r.atomic_at::<T>(off).unwrap_err(), want, "offset {off}");
        assert_eq!(r.read_at::<T>(off).unwrap_err(), want, "offset {off}");
        mentions(&want, &[off + w, len]);
    }
    // offset + width overflows usize: refused, no wraparound.
    for off in [usize::MAX, usize::MAX - w + 1, usize::MAX - (w - 1) / 2] {
        let e = r.atomic_at::<T>(off).unwrap_err();
        assert_eq!(
            e,
            Error::Size(SizeError {
                needed: usize::MAX,
                got: len
            }),
            "offset {off:#x}"
        );
        assert!(r.read_at::<T>(off).is_err());
    }
    // Read-only regions refuse writable views, whatever the offset.
    let buf2 = Buf([0; 64]);
    let ro = Region::from_ref(&buf2.0);
    let want = Error::UnsupportedOperation(UnsupportedOperation {
        op: OpType::Store,
        kind: T::KIND,
        readonly: true,
    });
    assert_eq!(ro.atomic_at::<T>(0).unwrap_err(), want);
    assert_eq!(ro.atomic_at::<T>(1).unwrap_err(), want);
    // A load-only view exactly where the CPU loads this width without writing; else the
    // refusal names that reason.
    let write_free = Width::from_bytes(T::WIDTH).map(Width::has_write_free_load);
    match ro.read_at::<T>(0) {
        Ok(_) => assert_eq!((lock_free, write_free), (true, Some(true))),
        Err(e) if !lock_free => assert_eq!(
            e,
            Error::UnsupportedWidth(UnsupportedWidth {
                width: T::WIDTH,
                reason: WidthReason::NotLockFree
            })
        ),
        Err(e) => assert_eq!(
            (e, write_free),
            (
                Error::UnsupportedWidth(UnsupportedWidth {
                    width: T::WIDTH,
                    reason: WidthReason::NoWriteFreeLoad
                }),
                Some(false)
            )
        ),
    }
    let writable = Region::new(&mut buf.0);
    assert_eq!(writable.to_readonly().atomic_at::<T>(0).unwrap_err(), want);
    assert!(want.to_string().contains("read-only"), "{want}");
}

macro_rules! per_type {
    ($($name:ident: $t:ty;)*) => {$(
        #[test]
        fn $name() {
            misaligned::<$t>();
            wrong_size::<$t>();
            region_bounds::<$t>();
        }
    )*};
}

per_type! {
    errors_i8: i8; errors_u8: u8; errors_i16: i16; errors_u16: u16; errors_i32: i32;
    errors_u32: u32; errors_i64: i64; errors_u64: u64; errors_i128: i128; errors_u128: u128;
    errors_f32: f32; errors_f64: f64; errors_bool: bool; errors_bytes1: [u8; 1];
    errors_bytes2: [u8; 2]; errors_bytes4: [u8; 4]; errors_bytes8: [u8; 8];
    errors_bytes16: [u8; 16];
}

#[test]
fn bit_index_errors() {
    out_of_range_bits(i8::MIN);
    out_of_range_bits(u8::MAX);
    out_of_range_bits(-2i16);
    out_of_range_bits(7u16);
    out_of_range_bits(i32::MAX);
    out_of_range_bits(9u32);
    out_of_range_bits(-9i64);
    out_of_range_bits(u64::MAX);
    out_of_range_bits(i128::MIN);
    out_of_range_bits(u128::MAX);
    out_of_range_bits(true);
    out_of_range_bits([1u8; 1]);
    out_of_range_bits([2u8; 2]);
    out_of_range_bits([3u8; 4]);
    out_of_range_bits([4u8; 8]);
    out_of_range_bits([5u8; 16]);
}

#[test]
fn alignment_widths() {
    for w in [0usize, 3, 5, 6, 7, 9, 12, 15, 17, 24, 32, 64, usize::MAX] {
        let e = Alignment::new(w).unwrap_err();
        assert_eq!(
            e,
            Error::UnsupportedWidth(UnsupportedWidth {
                width: w,
                reason: WidthReason::NotAWidth
            })
        );
        mentions(&e, &[w]);
    }
    for w in [1usize, 2, 4, 8, 16] {
        let a = Alignment::new(w).unwrap();
        assert_eq!((a.width(), a.recommended(), a.minimum()), (w, w, w));
        assert!(a.is_valid(0) && a.is_valid(w * 3) && a.is_valid_recommended(w * 5));
        if w > 1 {
            assert!(!a.is_valid(w + 1) && !a.is_valid_minimum(1) && !a.is_valid_recommended(w / 2));
        }
    }
}

#[test]
fn other_messages_name_their_numbers() {
    for (reason, words) in [
        (WidthReason::NotAWidth, "1, 2, 4, 8 or 16"),
        (WidthReason::NotLockFree, "lock-free"),
        (WidthReason::NoWriteFreeLoad, "read-only"),
    ] {
        let e = Error::from(UnsupportedWidth { width: 16, reason });
        mentions(&e, &[16]);
        assert!(e.to_string().contains(words), "{e}");
    }
    // A real width that the kind never has says which widths the kind has.
    for (kind, width, words) in [
        (
            Kind::Bool,
            4,
            "width 4 is not a width of bool values: use 1 byte",
        ),
        (
            Kind::Float,
            16,
            "width 16 is not a width of float values: use 4 or 8 bytes",
        ),
    ] {
        let e = shm_atomics_runtime::DynAtomic::with_kind(width, kind).unwrap_err();
        assert_eq!(
            e,
            Error::from(UnsupportedWidth {
                width,
                reason: WidthReason::NotOfKind(kind)
            })
        );
        assert_eq!(e.to_string(), words);
    }
    let e = Error::from(UnsupportedOperation {
        op: OpType::FetchAdd,
        kind: Kind::Bytes,
        readonly: false,
    });
    let msg = e.to_string();
    assert!(
        msg.contains("fetch_add") && msg.contains("bytes") && msg.contains("bin_or"),
        "{msg}"
    );
    // Error's Display is the inner error's (transparent), and the source chain is empty
    // apart from the inner error itself.
    let inner = SizeError { needed: 8, got: 3 };
    assert_eq!(Error::from(inner).to_string(), inner.to_string());
    let boxed: Box<dyn std::error::Error> = Box::new(Error::from(inner));
    assert!(!boxed.to_string().is_empty());
}

#[test]
fn layout_views_name_the_layout() {
    let mut buf = Buf([0; 64]);
    let base = buf.0.as_ptr() as usize;
    for off in 1..8 {
        let addr = base + off;
        let want = Error::LayoutAlignment(LayoutAlignmentError {
            addr,
            required: 8,
            layout: "Triple",
            size: 24,
        });
        let region = Region::new(&mut buf.0[off..off + 24]);
        assert_eq!(region.view::<Triple>().map(|_| ()), Err(want.clone()));
        mentions(&want, &[24, 8]);
        let msg = want.to_string();
        assert!(msg.contains(&format!("{addr:#x}")), "{msg}");
        assert!(msg.contains(&format!("by {} bytes", 8 - off)), "{msg}");
        assert!(
            msg.contains("layout Triple (24 bytes)") && !msg.contains("atomic"),
            "{msg}"
        );
    }
    assert!(Region::new(&mut buf.0[8..32]).view::<Triple>().is_ok());
    // A read-only region refuses a layout view (it would hand out stores), whatever the
    // alignment, and says what to use instead.
    let buf2 = Buf([0; 64]);
    let want = Error::ReadOnlyRegion(ReadOnlyRegionError { layout: "Triple" });
    for off in [0, 1, 8] {
        let ro = Region::from_ref(&buf2.0[off..]);
        assert_eq!(ro.view::<Triple>().map(|_| ()), Err(want.clone()));
    }
    let msg = want.to_string();
    assert!(
        msg.contains("layout Triple")
            && msg.contains("read-only")
            && msg.contains("writable")
            && msg.contains("read_at"),
        "{msg}"
    );
}
