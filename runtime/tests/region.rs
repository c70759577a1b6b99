//! Regions and read-only views; operation sets (`ops_supported`) against the methods each
//! type really has; `OpType` names; layout of `Atomic<T>`; `Atomic::new` in statics.

use core::mem::{align_of, size_of};

use shm_atomics_runtime::{
    Atomic, Error, Kind, MemoryOrder, MemoryOrderError, OpSet, OpType, ReadOnly, Region, SizeError,
    Value, Width, WidthReason,
};

#[repr(C, align(16))]
struct Buf([u8; 64]);

#[test]
fn subregion_bounds() {
    let mut buf = Buf([0; 64]);
    let r = Region::new(&mut buf.0);
    assert_eq!((r.len(), r.is_empty(), r.is_readonly()), (64, false, false));
    let s = r.subregion(16, 32).unwrap();
    assert_eq!(s.len(), 32);
    assert_eq!(s.as_ptr() as usize, r.as_ptr() as usize + 16);
    // Edges: empty at the end, the whole region, one byte too far.
    assert!(r.subregion(64, 0).unwrap().is_empty());
    assert_eq!(r.subregion(0, 64).unwrap().len(), 64);
    assert_eq!(
        r.subregion(60, 5).unwrap_err(),
        Error::Size(SizeError {
            needed: 65,
            got: 64
        })
    );
    assert_eq!(
        r.subregion(65, 0).unwrap_err(),
        Error::Size(SizeError {
            needed: 65,
            got: 64
        })
    );
    assert_eq!(
        r.subregion(usize::MAX, 2).unwrap_err(),
        Error::Size(SizeError {
            needed: usize::MAX,
            got: 64
        })
    );
    // Nested bounds are relative to the subregion.
    assert_eq!(
        s.subregion(16, 17).unwrap_err(),
        Error::Size(SizeError {
            needed: 33,
            got: 32
        })
    );
    let ss = s.subregion(8, 8).unwrap();
    ss.atomic_at::<u64>(0).unwrap().store(0x1122_3344_5566_7788);
    assert_eq!(r.read_at::<u64>(24).unwrap().load(), 0x1122_3344_5566_7788);
    assert!(ss.atomic_at::<u8>(8).is_err());
    // Read-only is inherited.
    let ro = r.to_readonly().subregion(24, 8).unwrap();
    assert!(ro.is_readonly());
    assert!(ro.atomic_at::<u64>(0).is_err());
    assert_eq!(ro.read_at::<u64>(0).unwrap().load(), 0x1122_3344_5566_7788);
    assert!(format!("{r:?}").contains("len: 64"));
}

/// Views carry the region's lifetime `'a` (the buffer's), not the borrow of the `Region`
/// value: a function can build a region, take views and return them.
fn views<'a>(buf: &'a mut [u8]) -> (&'a Atomic<u32>, ReadOnly<'a, u32>, Region<'a>) {
    let r = Region::new(buf);
    let sub = r.subregion(4, 4).unwrap();
    (r.atomic_at(0).unwrap(), sub.read_at(0).unwrap(), sub)
}

#[test]
fn views_outlive_the_region_value() {
    let mut buf = Buf([0; 64]);
    let (a, ro, sub) = views(&mut buf.0[..8]);
    a.store(7);
    sub.atomic_at::<u32>(0).unwrap().store(9);
    assert_eq!(ro.load(), 9);
    assert_eq!(a.load(), 7);
    // After the views, the buffer holds what they wrote.
    assert_eq!(
        buf.0[..8],
        [7u32.to_ne_bytes(), 9u32.to_ne_bytes()].concat()[..]
    );
}

#[test]
fn from_raw_parts_regions() {
    let mut buf = Buf([0; 64]);
    let p = buf.0.as_mut_ptr();
    {
        // SAFETY: `p` is non-null and valid for reads and writes of 64 bytes while `buf`
        // lives (this block); the bytes are only reached through the region's atomics
        // until the block ends.
        let r = unsafe { Region::from_raw_parts(p, 64) };
        r.atomic_at::<u16>(62).unwrap().store(0xbeef);
        // SAFETY: as above, for reads; written only atomically (by `r`) meanwhile.
        let ro = unsafe { Region::from_raw_parts_readonly(p, 64) };
        assert!(ro.is_readonly());
        assert_eq!(ro.read_at::<u16>(62).unwrap().load(), 0xbeef);
        assert!(ro.atomic_at::<u16>(62).is_err());
    }
    assert_eq!(buf.0[62..], 0xbeefu16.to_ne_bytes());
}

fn read_only_every_type<T: Value>(v: T) {
    #[repr(C, align(16))]
    struct One([u8; 16]);
    let mut src = One([0; 16]);
    // SAFETY: `v` is a plain value of exactly `T::WIDTH` bytes (`Value`'s contract), and
    // `src` holds 16 >= `T::WIDTH` bytes that nothing else references; the regions do.
    // (A plain copy, not a view: a 16-byte view does not exist on a 32-bit target.)
    unsafe {
        core::ptr::copy_nonoverlapping((&v as *const T).cast::<u8>(), src.0.as_mut_ptr(), T::WIDTH)
    };
    let r = Region::from_ref(&src.0);
    assert!(r.is_readonly());
    match r.read_at::<T>(0) {
        Ok(view) => {
            assert_eq!(format!("{:?}", view.load()), format!("{v:?}"));
            for o in MemoryOrder::ALL {
                let got = view.load_explicit(o);
                if matches!(o, MemoryOrder::Release | MemoryOrder::AcqRel) {
                    assert_eq!(
                        got.unwrap_err(),
                        Error::MemoryOrder(MemoryOrderError {
                            op: OpType::Load,
                            order: o,
                            is_fail: false
                        })
                    );
                } else {
                    assert_eq!(format!("{:?}", got.unwrap()), format!("{v:?}"));
                }
            }
            assert_eq!(view.as_ptr(), src.0.as_ptr());
            assert_eq!(format!("{view:?}"), format!("{v:?}"));
        }
        // Only a 16-byte view may be refused: as not lock-free where it is not (32-bit
        // targets), else where the CPU has no write-free 16-byte load.
        Err(Error::UnsupportedWidth(e)) => {
            assert_eq!(e.width, 16);
            let w = Width::W16;
            let want = if !w.is_lock_free() {
                WidthReason::NotLockFree
            } else {
                assert!(!w.has_write_free_load());
                WidthReason::NoWriteFreeLoad
            };
            assert_eq!(e.reason, want);
        }
        Err(e) => panic!("{e}"),
    }
    let ops = ReadOnly::<T>::ops_supported();
    assert!(ops.contains(OpType::Load));
    assert_eq!(ops.contains(OpType::BitTest), T::KIND != Kind::Float);
    assert!(OpSet::READ_ONLY.is_superset(ops));
}

#[test]
fn read_at_on_from_ref_regions() {
    read_only_every_type(i8::MIN);
    read_only_every_type(u8::MAX);
    read_only_every_type(i16::MIN);
    read_only_every_type(u16::MAX);
    read_only_every_type(i32::MIN);
    read_only_every_type(u32::MAX);
    read_only_every_type(i64::MIN);
    read_only_every_type(u64::MAX);
    read_only_every_type(i128::MIN);
    read_only_every_type(u128::MAX);
    read_only_every_type(-1.5f32);
    read_only_every_type(f64::MIN_POSITIVE);
    read_only_every_type(true);
    read_only_every_type([9u8; 1]);
    read_only_every_type([1u8, 2]);
    read_only_every_type([1u8, 2, 3, 4]);
    read_only_every_type([7u8; 8]);
    read_only_every_type([0xa5u8; 16]);
}

#[test]
fn bit_test_on_read_only() {
    let mut src = Buf([0; 64]);
    src.0[0] = 0b0000_0100;
    src.0[3] = 0x80;
    src.0[8] = 0x02; // a non-canonical bool
    let r = Region::from_ref(&src.0);
    let v = r.read_at::<[u8; 4]>(0).unwrap();
    assert_eq!(v.bit_test(2), Ok(true));
    assert_eq!(v.bit_test(1), Ok(false));
    assert_eq!(v.bit_test(31), Ok(true));
    assert_eq!(v.bit_test_explicit(31, MemoryOrder::Acquire), Ok(true));
    assert_eq!(
        v.bit_test(32),
        Err(Error::BitIndex(shm_atomics_runtime::BitIndexError {
            bit: 32,
            width: 4
        }))
    );
    assert_eq!(
        v.bit_test_explicit(0, MemoryOrder::Release),
        Err(Error::MemoryOrder(MemoryOrderError {
            op: OpType::BitTest,
            order: MemoryOrder::Release,
            is_fail: false
        }))
    );
    let n = r.read_at::<u32>(0).unwrap();
    assert_eq!(n.bit_test(31), Ok(true));
    assert_eq!(n.load(), u32::from_ne_bytes([4, 0, 0, 0x80]));
    let b = r.read_at::<bool>(8).unwrap();
    assert!(b.load());
    assert_eq!(b.bit_test(1), Ok(true));
    assert_eq!(b.bit_test(0), Ok(false));
    let w = r.read_at::<u128>(0);
    if let Ok(w) = w {
        assert_eq!(w.bit_test(64), Ok(false));
        assert_eq!(w.bit_test(65), Ok(true));
        assert!(w.bit_test(128).is_err());
    }
    // read_at on a writable region sees writes made through other views.
    let mut buf = Buf([0; 64]);
    let r = Region::new(&mut buf.0);
    let ro = r.read_at::<u64>(8).unwrap();
    r.atomic_at::<u8>(15).unwrap().store(0x80);
    assert_eq!(ro.bit_test(63), Ok(true));
}

/// A method of a kind, called once, and the `OpType` it claims to be.
type Entry<T> = (OpType, Box<dyn Fn(&Atomic<T>)>);
type Table<T> = Vec<Entry<T>>;

/// Every method of each kind, called once, tagged with the `OpType` it claims to be; the
/// set of tags must be exactly `ops_supported()`.
fn base_table<T: Value>(v: T) -> Table<T> {
    vec![
        (
            OpType::Load,
            Box::new(|a| {
                let _ = a.load();
            }),
        ),
        (OpType::Store, Box::new(move |a| a.store(v))),
        (
            OpType::Exchange,
            Box::new(move |a| {
                let _ = a.exchange(v);
            }),
        ),
        (
            OpType::CmpxchgWeak,
            Box::new(move |a| {
                let _ = a.cmpxchg_weak(v, v);
            }),
        ),
        (
            OpType::CmpxchgStrong,
            Box::new(move |a| {
                let _ = a.cmpxchg_strong(v, v);
            }),
        ),
        (
            OpType::UpdateFetch,
            Box::new(move |a| {
                let _ = a.update_fetch(|_| v);
            }),
        ),
        (
            OpType::UpdateVals,
            Box::new(move |a| {
                let _ = a.update_vals(|_| v);
            }),
        ),
    ]
}

fn bit_table<T: shm_atomics_runtime::Bitwise>(v: T) -> Table<T> {
    let mut t = base_table(v);
    t.extend::<[Entry<T>; 12]>([
        (
            OpType::BitTest,
            Box::new(|a| {
                let _ = a.bit_test(0);
            }),
        ),
        (
            OpType::BitCompl,
            Box::new(|a| {
                let _ = a.bit_compl(0);
            }),
        ),
        (
            OpType::BitSet,
            Box::new(|a| {
                let _ = a.bit_set(0);
            }),
        ),
        (
            OpType::BitReset,
            Box::new(|a| {
                let _ = a.bit_reset(0);
            }),
        ),
        (OpType::BinOr, Box::new(move |a| a.bin_or(v))),
        (OpType::BinXor, Box::new(move |a| a.bin_xor(v))),
        (OpType::BinAnd, Box::new(move |a| a.bin_and(v))),
        (OpType::BinNot, Box::new(|a| a.bin_not())),
        (
            OpType::BinFetchOr,
            Box::new(move |a| {
                let _ = a.bin_fetch_or(v);
            }),
        ),
        (
            OpType::BinFetchXor,
            Box::new(move |a| {
                let _ = a.bin_fetch_xor(v);
            }),
        ),
        (
            OpType::BinFetchAnd,
            Box::new(move |a| {
                let _ = a.bin_fetch_and(v);
            }),
        ),
        (
            OpType::BinFetchNot,
            Box::new(|a| {
                let _ = a.bin_fetch_not();
            }),
        ),
    ]);
    t
}

fn arith_table<T: shm_atomics_runtime::Arithmetic>(v: T) -> Table<T> {
    vec![
        (OpType::Add, Box::new(move |a| a.add(v))),
        (OpType::Sub, Box::new(move |a| a.sub(v))),
        (OpType::Neg, Box::new(|a| a.neg())),
        (
            OpType::FetchAdd,
            Box::new(move |a| {
                let _ = a.fetch_add(v);
            }),
        ),
        (
            OpType::FetchSub,
            Box::new(move |a| {
                let _ = a.fetch_sub(v);
            }),
        ),
        (
            OpType::FetchNeg,
            Box::new(|a| {
                let _ = a.fetch_neg();
            }),
        ),
    ]
}

fn int_table<T: shm_atomics_runtime::Integer>(v: T) -> Table<T> {
    let mut t = bit_table(v);
    t.extend(arith_table(v));
    t.extend::<[Entry<T>; 4]>([
        (OpType::Inc, Box::new(|a| a.inc())),
        (OpType::Dec, Box::new(|a| a.dec())),
        (
            OpType::FetchInc,
            Box::new(|a| {
                let _ = a.fetch_inc();
            }),
        ),
        (
            OpType::FetchDec,
            Box::new(|a| {
                let _ = a.fetch_dec();
            }),
        ),
    ]);
    t
}

fn check_table<T: Value>(table: Table<T>, count: usize) {
    let set = Atomic::<T>::ops_supported();
    assert_eq!(set.len(), count, "{}", T::KIND);
    assert_eq!(set, T::KIND.ops_supported());
    let a = Atomic::<T>::default();
    for (op, call) in &table {
        assert!(set.contains(*op), "{op} missing from {set}");
        call(&a);
    }
    let tags: OpSet = table.iter().map(|(op, _)| *op).collect();
    assert_eq!(tags, set, "ops_supported is exactly the methods");
    assert_eq!(table.len(), count, "no duplicate tags");
}

#[test]
fn ops_supported_tables() {
    macro_rules! ints { ($($t:ty),*) => {$( check_table::<$t>(int_table(1), 29); )*}; }
    ints!(i8, u8, i16, u16, i32, u32, i64, u64, i128, u128);
    check_table::<bool>(bit_table(true), 19);
    check_table::<[u8; 1]>(bit_table([1; 1]), 19);
    check_table::<[u8; 2]>(bit_table([1; 2]), 19);
    check_table::<[u8; 4]>(bit_table([1; 4]), 19);
    check_table::<[u8; 8]>(bit_table([1; 8]), 19);
    check_table::<[u8; 16]>(bit_table([1; 16]), 19);
    let mut f32s = base_table(1.0f32);
    f32s.extend(arith_table(1.0f32));
    check_table::<f32>(f32s, 13);
    let mut f64s = base_table(1.0f64);
    f64s.extend(arith_table(1.0f64));
    check_table::<f64>(f64s, 13);

    assert_eq!(Kind::Int.ops_supported().len(), 29);
    assert_eq!(Kind::Uint.ops_supported(), Kind::Int.ops_supported());
    assert_eq!(Kind::Bytes.ops_supported().len(), 19);
    assert_eq!(Kind::Bool.ops_supported(), Kind::Bytes.ops_supported());
    assert_eq!(Kind::Float.ops_supported().len(), 13);
}

#[test]
fn op_type_names_round_trip() {
    assert_eq!(OpType::ALL.len(), 29);
    let mut names: Vec<&str> = OpType::ALL.iter().map(|o| o.name()).collect();
    for op in OpType::ALL {
        assert_eq!(OpType::from_name(op.name()), Some(*op));
        assert_eq!(op.to_string(), op.name());
        assert_eq!(
            op.is_read_only(),
            matches!(op, OpType::Load | OpType::BitTest)
        );
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 29, "names are unique");
    for bad in ["", "LOAD", "fetch-add", "cmpxchg", "load "] {
        assert_eq!(OpType::from_name(bad), None, "{bad:?}");
    }
    for k in Kind::ALL {
        assert_eq!(Kind::from_name(k.name()), Some(k));
        assert_eq!(Kind::from_u8(k as u8), Some(k));
        assert_eq!(k.to_string(), k.name());
    }
    assert_eq!(Kind::from_u8(5), None);
}

#[test]
fn op_set_algebra() {
    let s = OpSet::from_slice(&[OpType::Store, OpType::Load]);
    assert_eq!(s.len(), 2);
    assert_eq!(s.iter().collect::<Vec<_>>(), [OpType::Load, OpType::Store]);
    assert_eq!(s.to_string(), "{load, store}");
    assert_eq!(format!("{s:?}"), "{Load, Store}");
    assert_eq!(OpSet::EMPTY.to_string(), "{}");
    assert!(OpSet::EMPTY.is_empty() && !s.is_empty());
    assert_eq!(
        s.intersection(OpSet::READ_ONLY),
        OpSet::EMPTY.with(OpType::Load)
    );
    assert!(s.union(OpSet::READ_ONLY).is_superset(s));
    assert!(!s.is_superset(OpSet::READ_ONLY));
    assert_eq!(OpSet::from_bits_truncate(s.bits()), s);
    assert_eq!(OpSet::from_bits_truncate(u32::MAX).len(), 29);
    assert_eq!(
        OpSet::from_bits_truncate(u32::MAX),
        Kind::Int.ops_supported()
    );
    assert_eq!(OpSet::default(), OpSet::EMPTY);
    let all_bits = OpType::ALL
        .iter()
        .fold(0u32, |b, op| b | OpSet::EMPTY.with(*op).bits());
    assert_eq!(all_bits, (1 << 29) - 1, "bit i is OpType::ALL[i]");
}

fn layout<T: Value>() {
    let w = T::WIDTH;
    assert_eq!(size_of::<Atomic<T>>(), w);
    assert_eq!(align_of::<Atomic<T>>(), w);
    assert_eq!(size_of::<T>(), w);
    assert_eq!(Atomic::<T>::width(), w);
    assert_eq!(Atomic::<T>::alignment().recommended(), w);
    assert_eq!(Atomic::<T>::kind(), T::KIND);
    assert!(Atomic::<T>::is_lock_free() || w == 16);
}

#[test]
fn size_and_align_equal_width() {
    layout::<i8>();
    layout::<u8>();
    layout::<i16>();
    layout::<u16>();
    layout::<i32>();
    layout::<u32>();
    layout::<i64>();
    layout::<u64>();
    layout::<i128>();
    layout::<u128>();
    layout::<f32>();
    layout::<f64>();
    layout::<bool>();
    layout::<[u8; 1]>();
    layout::<[u8; 2]>();
    layout::<[u8; 4]>();
    layout::<[u8; 8]>();
    layout::<[u8; 16]>();
    assert_eq!(size_of::<Atomic<i8>>(), 1);
    assert_eq!(size_of::<Atomic<[u8; 16]>>(), 16);
}

static S_I8: Atomic<i8> = Atomic::new(i8::MIN);
static S_U8: Atomic<u8> = Atomic::new(u8::MAX);
static S_I16: Atomic<i16> = Atomic::new(i16::MIN);
static S_U16: Atomic<u16> = Atomic::new(u16::MAX);
static S_I32: Atomic<i32> = Atomic::new(i32::MIN);
static S_U32: Atomic<u32> = Atomic::new(u32::MAX);
static S_I64: Atomic<i64> = Atomic::new(i64::MIN);
static S_U64: Atomic<u64> = Atomic::new(u64::MAX);
static S_I128: Atomic<i128> = Atomic::new(i128::MIN);
static S_U128: Atomic<u128> = Atomic::new(u128::MAX);
static S_F32: Atomic<f32> = Atomic::new(-0.5);
static S_F64: Atomic<f64> = Atomic::new(f64::MAX);
static S_BOOL: Atomic<bool> = Atomic::new(true);
static S_B1: Atomic<[u8; 1]> = Atomic::new([1]);
static S_B2: Atomic<[u8; 2]> = Atomic::new([1, 2]);
static S_B4: Atomic<[u8; 4]> = Atomic::new([1, 2, 3, 4]);
static S_B8: Atomic<[u8; 8]> = Atomic::new(*b"abcdefgh");
static S_B16: Atomic<[u8; 16]> = Atomic::new(*b"0123456789abcdef");

#[test]
fn statics_hold_their_initial_values() {
    assert_eq!(S_I8.load(), i8::MIN);
    assert_eq!(S_U8.load(), u8::MAX);
    assert_eq!(S_I16.load(), i16::MIN);
    assert_eq!(S_U16.load(), u16::MAX);
    assert_eq!(S_I32.load(), i32::MIN);
    assert_eq!(S_U32.load(), u32::MAX);
    assert_eq!(S_I64.load(), i64::MIN);
    assert_eq!(S_U64.load(), u64::MAX);
    assert_eq!(S_I128.load(), i128::MIN);
    assert_eq!(S_U128.load(), u128::MAX);
    assert_eq!(S_F32.load(), -0.5);
    assert_eq!(S_F64.load(), f64::MAX);
    assert!(S_BOOL.load());
    assert_eq!(S_B1.load(), [1]);
    assert_eq!(S_B2.load(), [1, 2]);
    assert_eq!(S_B4.load(), [1, 2, 3, 4]);
    assert_eq!(S_B8.load(), *b"abcdefgh");
    assert_eq!(S_B16.load(), *b"0123456789abcdef");
    // Statics are usable atomics.
    S_U128.inc();
    assert_eq!(S_U128.load(), 0);
    assert_eq!(S_B16.exchange([0; 16]), *b"0123456789abcdef");
}

#[test]
fn default_from_debug_into_inner() {
    assert_eq!(Atomic::<i64>::default().load(), 0);
    assert_eq!(Atomic::<[u8; 4]>::default().load(), [0; 4]);
    assert!(!Atomic::<bool>::default().load());
    assert_eq!(Atomic::from(3.5f64).into_inner(), 3.5);
    assert_eq!(format!("{:?}", Atomic::new(-7i16)), "-7");
    assert_eq!(format!("{:?}", Atomic::new([1u8, 2])), "[1, 2]");
    let a = Atomic::new(5u32);
    // SAFETY: `a` outlives `v` and is only accessed atomically while `v` lives.
    let v = unsafe { Atomic::<u32>::from_ptr(a.as_ptr()) }.unwrap();
    v.inc();
    assert_eq!(a.load(), 6);
}
