//! The dynamic API: accessors, which operations each kind and view supports, every error
//! (widths, alignment, operands, read-only views, memory orders), the `Bool` and `Float`
//! kinds, Display, and sharing between threads. The per-operation exact values are in
//! `dynamic_ops.rs`, the differential test against `Atomic<T>` in `dynamic_model.rs`.

mod common;

use common::{
    ATYPES, Buf, FromI, WIDTHS, call, is_operand_err, kinds_and_widths, operand_for, order_err,
    readonly_view_or_refusal, unsupported, view_or_not_lock_free,
};
use shm_atomics_runtime::{
    AType, DynAtomic, DynAtomicView, DynValue, Error, Kind, MemoryOrder, OpSet, OpType,
    OperandValue, Region, Width, WidthReason, atomic, atomicview,
};

#[test]
fn accessors_for_every_width_and_atype() {
    for w in WIDTHS {
        for t in ATYPES {
            let a = atomic(w, t).unwrap();
            assert_eq!(a.width(), w);
            assert_eq!(a.kind(), t.kind());
            assert_eq!(a.atype(), Some(t));
            assert_eq!(a.signed(), t == AType::Int);
            assert!(!a.readonly());
            assert_eq!(a.ops_supported(), t.kind().ops_supported());
            assert_eq!(
                a.ops_supported().len(),
                if t == AType::Bytes { 19 } else { 29 }
            );
            let v = a.load().unwrap();
            assert_eq!((v.width(), v.kind(), v.bits()), (w, t.kind(), 0));
            assert_eq!(v.as_bytes(), &[0u8; 16][..w]);
        }
    }
}

/// ops_supported is exactly what succeeds, on owned atomics and on writable and
/// read-only views, for every kind and width.
#[test]
fn ops_supported_is_exactly_what_succeeds() {
    for (kind, w) in kinds_and_widths() {
        let owned = DynAtomic::with_kind(w, kind).unwrap();
        let mut buf = Buf([0; 64]);
        let ro_buf = Buf([0; 64]);
        let ro_region = Region::from_ref(&ro_buf.0[..w]);
        let ro = readonly_view_or_refusal(DynAtomicView::with_kind(ro_region, kind), w);
        let rw = view_or_not_lock_free(
            DynAtomicView::with_kind(Region::new(&mut buf.0[..w]), kind),
            w,
        );
        if let Some(ro) = &ro {
            assert!(ro.readonly());
            assert_eq!(
                ro.ops_supported(),
                kind.ops_supported().intersection(OpSet::READ_ONLY)
            );
        }
        for view in [Some(owned.view()), rw, ro].into_iter().flatten() {
            let ops = view.ops_supported();
            for &op in OpType::ALL {
                let r = call(&view, op, operand_for(kind, w));
                assert_eq!(r.is_ok(), ops.contains(op), "{kind} width {w} {op}: {r:?}");
                if let Err(e) = r {
                    let Error::UnsupportedOperation(e) = e else {
                        panic!("{e:?}")
                    };
                    let by_view = view.readonly() && kind.ops_supported().contains(op);
                    assert_eq!((e.op, e.kind, e.readonly), (op, kind, by_view));
                }
            }
        }
    }
}

/// Both constructors accept exactly the widths of `Kind::widths`, and that table is the
/// one `kinds_and_widths` spells out.
#[test]
fn widths_of_each_kind_follow_the_one_table() {
    let mut table = Vec::new();
    for kind in Kind::ALL {
        for w in 0..=32usize {
            let allowed = Width::from_bytes(w).is_some_and(|w| kind.allows(w));
            if allowed {
                table.push((kind, w));
            }
            // A width that is none is NotAWidth; a real width the kind never has names
            // the kind.
            let reason = match Width::from_bytes(w) {
                Some(_) => WidthReason::NotOfKind(kind),
                None => WidthReason::NotAWidth,
            };
            let not_a_width = |r: Result<(), Error>| matches!(r, Err(Error::UnsupportedWidth(u)) if u.width == w && u.reason == reason);
            assert_eq!(
                not_a_width(DynAtomic::with_kind(w, kind).map(drop)),
                !allowed,
                "{kind} {w}"
            );
            let mut buf = Buf([0; 64]);
            let view = DynAtomicView::with_kind(Region::new(&mut buf.0[..w]), kind);
            assert_eq!(not_a_width(view.map(drop)), !allowed, "{kind} {w}");
        }
    }
    let mut expected = kinds_and_widths();
    expected.sort_by_key(|&(k, w)| (k as u8, w));
    table.sort_by_key(|&(k, w)| (k as u8, w));
    assert_eq!(table, expected);
}

#[test]
fn unsupported_widths() {
    for w in [0, 3, 5, 6, 7, 9, 15, 17, 32, 64] {
        for t in ATYPES {
            let e = atomic(w, t).unwrap_err();
            assert!(
                matches!(e, Error::UnsupportedWidth(u) if u.width == w && u.reason == WidthReason::NotAWidth),
                "{e:?}"
            );
            let mut buf = Buf([0; 64]);
            let e = atomicview(Region::new(&mut buf.0[..w]), t).unwrap_err();
            assert!(
                matches!(e, Error::UnsupportedWidth(u) if u.width == w),
                "{e:?}"
            );
            let e = atomicview(Region::from_ref(&buf.0[..w]), t).unwrap_err();
            assert!(
                matches!(e, Error::UnsupportedWidth(u) if u.width == w),
                "{e:?}"
            );
        }
    }
    for (kind, w) in [
        (Kind::Bool, 2),
        (Kind::Bool, 0),
        (Kind::Float, 2),
        (Kind::Float, 16),
    ] {
        assert!(matches!(
            DynAtomic::with_kind(w, kind),
            Err(Error::UnsupportedWidth(_))
        ));
        let mut buf = Buf([0; 64]);
        let r = DynAtomicView::with_kind(Region::new(&mut buf.0[..w]), kind);
        assert!(matches!(r, Err(Error::UnsupportedWidth(_))));
    }
}

#[test]
fn misaligned_regions() {
    let mut buf = Buf([0; 64]);
    let region = Region::new(&mut buf.0);
    for w in [2usize, 4, 8, 16] {
        for off in 1..w {
            for t in ATYPES {
                let e = atomicview(region.subregion(off, w).unwrap(), t).unwrap_err();
                assert!(matches!(e, Error::Alignment(a) if a.required == w), "{e:?}");
                let ro = region.subregion(off, w).unwrap().to_readonly();
                assert!(matches!(atomicview(ro, t), Err(Error::Alignment(_))));
            }
        }
        // aligned at an offset of the width works (where the width is lock-free)
        view_or_not_lock_free(atomicview(region.subregion(w, w).unwrap(), AType::Uint), w);
    }
}

#[test]
fn operands_never_truncate() {
    let u1 = atomic(1, AType::Uint).unwrap();
    let i1 = atomic(1, AType::Int).unwrap();
    let b4 = atomic(4, AType::Bytes).unwrap();
    let cases: [(Result<(), Error>, OperandValue, usize, Kind); 8] = [
        (u1.store(256), OperandValue::Int(256), 1, Kind::Uint),
        (u1.store(256u16), OperandValue::Uint(256), 1, Kind::Uint),
        (u1.store(-1), OperandValue::Int(-1), 1, Kind::Uint),
        (i1.store(128), OperandValue::Int(128), 1, Kind::Int),
        (i1.store(-129), OperandValue::Int(-129), 1, Kind::Int),
        (i1.store(128u8), OperandValue::Uint(128), 1, Kind::Int),
        (
            b4.store(&b"abc"[..]),
            OperandValue::Bytes(3),
            4,
            Kind::Bytes,
        ),
        (b4.store(b"abcde"), OperandValue::Bytes(5), 4, Kind::Bytes),
    ];
    for (r, value, width, kind) in cases {
        let Err(Error::Operand(e)) = r else {
            panic!("{r:?}")
        };
        assert_eq!((e.value, e.width, e.kind), (value, width, kind));
    }
    // nothing was written
    assert_eq!(u1.load().unwrap(), 0);
    assert_eq!(i1.load().unwrap(), 0);
    assert_eq!(b4.load().unwrap(), [0u8; 4]);
    // the edges that fit
    u1.store(255).unwrap();
    i1.store(-128).unwrap();
    i1.store(127).unwrap();
    b4.store(b"abcd").unwrap();
    let wide_i = atomic(16, AType::Int).unwrap();
    wide_i.store(i128::MIN).unwrap();
    assert!(is_operand_err(wide_i.store(u128::MAX)));
    let wide_u = atomic(16, AType::Uint).unwrap();
    wide_u.store(u128::MAX).unwrap();
    assert!(is_operand_err(wide_u.store(i128::MIN)));
    // every operand-taking operation checks, including the second cmpxchg operand
    assert!(is_operand_err(u1.fetch_add(256)));
    assert!(is_operand_err(u1.bin_or(-1)));
    assert!(is_operand_err(u1.cmpxchg_strong(255, 256)));
    assert!(is_operand_err(u1.cmpxchg_weak(-1, 0)));
    assert!(is_operand_err(u1.exchange(1000)));
    assert!(is_operand_err(u1.update_fetch(|_| 256)));
    assert!(is_operand_err(u1.fetch_update(|_| 256)));
    assert!(is_operand_err(u1.update_vals(|_| 256)));
    assert_eq!(u1.load().unwrap(), 255);
    // messages say what fits
    let e = u1.store(256).unwrap_err().to_string();
    assert!(e.contains("0..=255"), "{e}");
    let e = i1.store(128).unwrap_err().to_string();
    assert!(e.contains("-128..=127"), "{e}");
    let e = b4.store(b"abc").unwrap_err().to_string();
    assert!(e.contains("exactly 4 bytes"), "{e}");
}

#[test]
fn readonly_views_refuse_writes() {
    let mut buf = Buf([0; 64]);
    buf.0[..8].copy_from_slice(&0x0102_0304_0506_0708u64.to_ne_bytes());
    for w in WIDTHS {
        for t in ATYPES {
            let Some(v) = readonly_view_or_refusal(atomicview(Region::from_ref(&buf.0[..w]), t), w)
            else {
                continue;
            };
            assert!(v.readonly());
            assert_eq!(v.ops_supported(), OpSet::READ_ONLY);
            assert_eq!(v.load().unwrap().as_bytes(), &buf.0[..w]);
            assert_eq!(v.bit_test(0), Ok(buf.0[0] & 1 == 1));
            for &op in OpType::ALL {
                if op.is_read_only() {
                    continue;
                }
                let r = call(&v, op, operand_for(t.kind(), w));
                // arithmetic on bytes is refused by the kind, not by the view
                let by_view = t.kind().ops_supported().contains(op);
                assert!(unsupported(r, op, by_view), "{t} {w} {op}");
            }
            let e = v.store(0).unwrap_err().to_string();
            assert!(e.contains("read-only"), "{e}");
        }
    }
    assert_eq!(buf.0[..8], 0x0102_0304_0506_0708u64.to_ne_bytes());
}

#[test]
fn invalid_memory_orders() {
    use MemoryOrder::*;
    for w in WIDTHS {
        let a = atomic(w, AType::Uint).unwrap();
        for o in [Release, AcqRel] {
            assert!(order_err(a.load_explicit(o)));
            assert!(order_err(a.bit_test_explicit(0, o)));
        }
        for o in [Acquire, AcqRel] {
            assert!(order_err(a.store_explicit(1, o)));
        }
        for (s, f) in [
            (SeqCst, Release),
            (SeqCst, AcqRel),
            (Relaxed, Release),
            (AcqRel, AcqRel),
        ] {
            assert!(order_err(a.cmpxchg_weak_explicit(0, 1, s, f)));
            assert!(order_err(a.cmpxchg_strong_explicit(0, 1, s, f)));
        }
        assert_eq!(a.load().unwrap(), 0); // nothing written
        // Issue 11: any load order may be the failure order, whatever the success order
        // (C++17, Rust 1.64); these were refused before. Expected 5 never matches.
        for (s, f) in [(Release, Acquire), (Acquire, SeqCst), (Relaxed, Acquire)] {
            assert!(!a.cmpxchg_weak_explicit(5, 1, s, f).unwrap().success);
            assert!(!a.cmpxchg_strong_explicit(5, 1, s, f).unwrap().success);
        }
        assert_eq!(a.load().unwrap(), 0);
        for o in MemoryOrder::ALL {
            a.exchange_explicit(1, o).unwrap();
            a.fetch_add_explicit(1, o).unwrap();
            a.fetch_sub_explicit(1, o).unwrap();
            a.add_explicit(1, o).unwrap();
            a.sub_explicit(1, o).unwrap();
            a.inc_explicit(o).unwrap();
            a.dec_explicit(o).unwrap();
            a.neg_explicit(o).unwrap();
            a.fetch_neg_explicit(o).unwrap();
            a.fetch_inc_explicit(o).unwrap();
            a.fetch_dec_explicit(o).unwrap();
            a.bin_or_explicit(1, o).unwrap();
            a.bin_xor_explicit(1, o).unwrap();
            a.bin_and_explicit(1, o).unwrap();
            a.bin_not_explicit(o).unwrap();
            a.bin_fetch_or_explicit(1, o).unwrap();
            a.bin_fetch_xor_explicit(1, o).unwrap();
            a.bin_fetch_and_explicit(1, o).unwrap();
            a.bin_fetch_not_explicit(o).unwrap();
            a.bit_set_explicit(0, o).unwrap();
            a.bit_reset_explicit(0, o).unwrap();
            a.bit_compl_explicit(0, o).unwrap();
            a.update_fetch_explicit(|v| v, o).unwrap();
            a.fetch_update_explicit(|v| v, o).unwrap();
            a.update_vals_explicit(|v| v, o).unwrap();
            let valid_load = o.is_valid_load_order();
            assert_eq!(a.load_explicit(o).is_ok(), valid_load);
            assert_eq!(a.bit_test_explicit(0, o).is_ok(), valid_load);
            assert_eq!(a.store_explicit(0, o).is_ok(), o.is_valid_store_order());
            for f in MemoryOrder::ALL {
                let ok = f.is_valid_fail_order(o);
                assert_eq!(a.cmpxchg_strong_explicit(0, 0, o, f).is_ok(), ok);
                assert_eq!(a.cmpxchg_weak_explicit(0, 0, o, f).is_ok(), ok);
            }
        }
    }
    let buf = Buf([0; 64]);
    let ro = atomicview(Region::from_ref(&buf.0[..4]), AType::Int).unwrap();
    assert!(order_err(ro.load_explicit(Release)));
    assert!(order_err(ro.bit_test_explicit(0, AcqRel)));
    assert_eq!(ro.load_explicit(Acquire).unwrap(), 0);
}

#[test]
fn views_write_through_to_memory() {
    let mut buf = Buf([0; 64]);
    {
        let region = Region::new(&mut buf.0);
        let a = atomicview(region.subregion(0, 4).unwrap(), AType::Int).unwrap();
        a.store(-2).unwrap();
        assert_eq!(region.read_at::<i32>(0).unwrap().load(), -2);
        let b = atomicview(region.subregion(16, 16).unwrap(), AType::Uint);
        if let Some(b) = view_or_not_lock_free(b, 16) {
            b.store(u128::MAX - 1).unwrap();
            b.inc().unwrap();
            assert_eq!(region.atomic_at::<u128>(16).unwrap().load(), u128::MAX);
        }
        let c = atomicview(region.subregion(8, 2).unwrap(), AType::Bytes).unwrap();
        c.store(b"hi").unwrap();
        assert_eq!(
            c.to_string(),
            "AtomicBytes(value=b'hi', width=2, readonly=false)"
        );
        assert!(!c.signed());
        // two views of the same memory see each other
        let d = atomicview(region.subregion(0, 4).unwrap(), AType::Uint).unwrap();
        assert_eq!(d.load().unwrap(), 0xffff_fffeu32);
    }
    assert_eq!(&buf.0[0..4], &(-2i32).to_ne_bytes());
    assert_eq!(&buf.0[8..10], b"hi");
    let ro = atomicview(Region::from_ref(&buf.0[16..32]), AType::Int);
    if let Some(ro) = readonly_view_or_refusal(ro, 16) {
        assert_eq!(ro.load().unwrap(), -1);
    }
}

#[test]
fn bool_kind() {
    let a = DynAtomic::with_kind(1, Kind::Bool).unwrap();
    assert_eq!(
        (a.width(), a.kind(), a.atype(), a.signed()),
        (1, Kind::Bool, None, false)
    );
    assert_eq!(
        a.to_string(),
        "AtomicBool(value=false, width=1, readonly=false)"
    );
    a.store(true).unwrap();
    assert_eq!(a.load().unwrap(), true);
    a.store(0).unwrap();
    assert_eq!(a.load().unwrap(), false);
    a.store(1u8).unwrap();
    assert_eq!(a.exchange(false).unwrap(), true);
    assert!(is_operand_err(a.store(2)));
    assert!(is_operand_err(a.store(-1)));
    assert!(is_operand_err(a.store(b"\x01")));
    assert!(is_operand_err(a.store(1.0)));
    assert_eq!(a.bin_fetch_not().unwrap(), false);
    assert_eq!(a.bin_fetch_xor(true).unwrap(), true);
    a.bin_or(true).unwrap();
    a.bin_and(false).unwrap();
    assert_eq!(a.bin_fetch_or(false).unwrap(), false);
    assert_eq!(a.bit_set(0), Ok(false));
    assert!(matches!(a.bit_set(8), Err(Error::BitIndex(_))));
    assert!(a.cmpxchg_strong(true, false).unwrap().success);
    assert!(unsupported(a.add(1), OpType::Add, false));
    assert!(unsupported(a.fetch_inc(), OpType::FetchInc, false));
    // any non-zero byte reads true; logical ops and compare-exchange treat it as true
    let mut byte = [2u8];
    {
        let v = DynAtomicView::with_kind(Region::new(&mut byte), Kind::Bool).unwrap();
        assert_eq!(v.load().unwrap(), true);
        assert_eq!(v.load().unwrap().bits(), 1);
        assert!(v.cmpxchg_strong(true, false).unwrap().success);
        v.store(true).unwrap();
        v.bin_not().unwrap();
        assert_eq!(v.load().unwrap(), false);
    }
    assert_eq!(byte, [0]);
    let byte = [7u8];
    let ro = DynAtomicView::with_kind(Region::from_ref(&byte), Kind::Bool).unwrap();
    assert_eq!(
        ro.to_string(),
        "AtomicBool(value=true, width=1, readonly=true)"
    );
    assert_eq!(ro.bit_test(1), Ok(true));
}

#[test]
fn float_kind() {
    for w in [4, 8] {
        let a = DynAtomic::with_kind(w, Kind::Float).unwrap();
        assert_eq!(a.ops_supported().len(), 13);
        a.store(1.5f32).unwrap();
        a.add(2).unwrap();
        assert_eq!(a.load().unwrap(), 3.5);
        assert_eq!(a.fetch_sub(0.5).unwrap(), 3.5f32);
        assert_eq!(a.fetch_neg().unwrap(), 3.0);
        a.neg().unwrap();
        a.sub(4u8).unwrap();
        assert_eq!(a.load().unwrap().as_f64(), Some(-1.0));
        assert_eq!(a.fetch_add(1).unwrap(), -1.0);
        assert_eq!(a.exchange(0.25).unwrap(), 0.0);
        assert!(a.cmpxchg_strong(0.25, -0.0).unwrap().success);
        assert!(!a.cmpxchg_strong(0.0, 1.0).unwrap().success); // compares bits
        a.store(f64::NAN).unwrap();
        assert!(a.load().unwrap().as_f64().unwrap().is_nan());
        a.store(f64::INFINITY).unwrap();
        assert_eq!(a.load().unwrap(), f64::INFINITY);
        assert!(unsupported(a.inc(), OpType::Inc, false));
        assert!(unsupported(a.bin_or(1.0), OpType::BinOr, false));
        assert!(unsupported(a.bit_test(0), OpType::BitTest, false));
        assert!(is_operand_err(a.store(true)));
        assert!(is_operand_err(a.store(b"abcd")));
        assert!(is_operand_err(a.store(u128::MAX)));
        assert!(is_operand_err(a.store(i128::MAX)));
        a.store(i128::MIN).unwrap(); // -2^127 is exact
        a.store(1u128 << 127).unwrap();
        a.store(1.0).unwrap();
        assert_eq!(
            a.to_string(),
            format!("AtomicFloat(value=1.0, width={w}, readonly=false)")
        );
    }
    let a = DynAtomic::with_kind(4, Kind::Float).unwrap();
    assert!(is_operand_err(a.store(0.1f64))); // not an f32
    assert!(is_operand_err(a.store(16_777_217))); // 2^24 + 1
    a.store(16_777_216).unwrap();
    a.store(0.5f64).unwrap();
    let e = a.store(0.1f64).unwrap_err();
    assert!(matches!(e, Error::Operand(o) if o.value == OperandValue::Float(0.1f64.to_bits())));
    assert!(e.to_string().contains("0.1"), "{e}");
    let d = DynAtomic::with_kind(8, Kind::Float).unwrap();
    d.store(0.1f64).unwrap();
    assert!(is_operand_err(d.store(9_007_199_254_740_993u64))); // 2^53 + 1
}

#[test]
fn display_strings() {
    let a = atomic(4, AType::Int).unwrap();
    assert_eq!(
        a.to_string(),
        "AtomicInt(value=0, width=4, readonly=false, signed=true)"
    );
    a.store(-7).unwrap();
    assert_eq!(
        format!("{a:?}"),
        "AtomicInt(value=-7, width=4, readonly=false, signed=true)"
    );
    let u = atomic(16, AType::Uint).unwrap();
    u.store(u128::MAX).unwrap();
    assert_eq!(
        u.to_string(),
        format!(
            "AtomicUint(value={}, width=16, readonly=false, signed=false)",
            u128::MAX
        )
    );
    let b = atomic(2, AType::Bytes).unwrap();
    assert_eq!(
        b.to_string(),
        r"AtomicBytes(value=b'\x00\x00', width=2, readonly=false)"
    );
    b.store([0, 1]).unwrap();
    assert_eq!(
        b.to_string(),
        r"AtomicBytes(value=b'\x00\x01', width=2, readonly=false)"
    );
    let b8 = atomic(8, AType::Bytes).unwrap();
    for (bytes, want) in [
        (*b"ab\\\t\n\r\x7f\xff", r"b'ab\\\t\n\r\x7f\xff'"),
        (*b"it's ok!", r#"b"it's ok!""#),
        (*b"'both\"  ", r#"b'\'both"  '"#),
    ] {
        b8.store(bytes).unwrap();
        assert_eq!(b8.load().unwrap().to_string(), want);
    }
    let buf = Buf([0; 64]);
    let v = atomicview(Region::from_ref(&buf.0[..1]), AType::Int).unwrap();
    assert_eq!(
        v.to_string(),
        "AtomicInt(value=0, width=1, readonly=true, signed=true)"
    );
    assert_eq!(format!("{v:?}"), v.to_string());
    let d = a.load().unwrap();
    assert_eq!(d.to_string(), "-7");
    assert_eq!(
        format!("{d:?}"),
        "DynValue { kind: Int, width: 4, value: -7 }"
    );
}

#[test]
fn dyn_values() {
    let a = atomic(2, AType::Int).unwrap();
    a.store(-1).unwrap();
    let v = a.load().unwrap();
    assert_eq!((v.as_i128(), v.as_u128(), v.bits()), (-1, 0xffff, 0xffff));
    assert_eq!(v, -1i8);
    assert_eq!(-1i64, v);
    assert_ne!(v, 0xffffu16);
    assert_ne!(v, [0xffu8, 0xff]);
    assert_eq!(v.get::<i16>(), Some(-1));
    assert_eq!(v.get::<u16>(), None);
    assert_eq!(v.to_bytes()[..2], [0xff, 0xff]);
    assert_eq!(v.to_bytes()[2..], [0; 14]);
    let u = atomic(2, AType::Uint).unwrap();
    u.store(0xffffu32).unwrap();
    let w = u.load().unwrap();
    assert_eq!(w, 0xffffu16);
    assert_ne!(w, -1);
    assert_ne!(w, v); // same bits, other kind
    // a loaded value stores back as an operand of its own kind
    let other = atomic(2, AType::Int).unwrap();
    other.store(v).unwrap();
    assert_eq!(other.load().unwrap(), v);
    assert!(is_operand_err(other.store(w))); // 65535 does not fit an i16
    let b = atomic(4, AType::Bytes).unwrap();
    b.store(b"abcd").unwrap();
    let bv = b.load().unwrap();
    assert_eq!(bv, *b"abcd");
    assert_eq!(bv, &b"abcd"[..]);
    assert_eq!(bv, b"abcd"[..]);
    assert_ne!(bv, 0x6463_6261u32);
    assert_eq!(bv.as_f64(), None);
    let b2 = atomic(4, AType::Bytes).unwrap();
    b2.store(bv).unwrap();
    assert_eq!(b2.load().unwrap(), bv);
}

#[test]
fn update_with_unfit_result_writes_nothing() {
    let a = atomic(1, AType::Int).unwrap();
    a.store(100).unwrap();
    let mut calls = 0;
    let r = a.update_fetch(|v| {
        calls += 1;
        v.as_i128() * 2
    });
    assert!(is_operand_err(r));
    assert_eq!(calls, 1);
    assert_eq!(a.load().unwrap(), 100);
    assert!(is_operand_err(a.fetch_update(|v| v.as_i128() * 2)));
    assert_eq!(a.load().unwrap(), 100);
    assert_eq!(
        a.update_vals(|v| v.as_i128() - 200).unwrap(),
        (DynValue::from_i(100, 1), DynValue::from_i(-100, 1))
    );
}

#[test]
fn dynamic_atomics_are_shared_between_threads() {
    let a = atomic(8, AType::Uint).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..1000 {
                    a.inc().unwrap();
                    a.update_fetch(|v| v.as_u128() + 1).unwrap();
                }
            });
        }
    });
    assert_eq!(a.load().unwrap(), 8000u64);
}
