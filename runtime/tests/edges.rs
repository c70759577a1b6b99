//! Exact values at the edges: MIN/MAX and wraparound for every integer, bit positions in
//! memory for every bitwise type, IEEE corner cases for floats, non-canonical `bool` bytes.

mod common;

use common::mem_bit;
use shm_atomics_runtime::{Atomic, BitIndexError, Error, Region, UnsupportedWidth, WidthReason};

macro_rules! int_edges {
    ($($name:ident: $t:ident $u:ident;)*) => {$(
        #[test]
        fn $name() {
            const BITS: u32 = $t::BITS;
            let a = Atomic::<$t>::new($t::MAX);

            // Wraparound of every arithmetic operation.
            a.inc();
            assert_eq!(a.load(), $t::MIN);
            a.dec();
            assert_eq!(a.load(), $t::MAX);
            assert_eq!(a.fetch_inc(), $t::MAX);
            assert_eq!(a.fetch_dec(), $t::MIN);
            assert_eq!(a.fetch_add(1), $t::MAX);
            assert_eq!(a.load(), $t::MIN);
            assert_eq!(a.fetch_sub(1), $t::MIN);
            assert_eq!(a.load(), $t::MAX);
            a.add($t::MAX);
            assert_eq!(a.load(), $t::MAX.wrapping_add($t::MAX));
            assert_eq!(a.load(), $t::wrapping_sub(0, 2), "MAX + MAX wraps to -2 / MAX - 1");
            a.store($t::MIN);
            a.sub($t::MAX);
            assert_eq!(a.load(), $t::MIN.wrapping_sub($t::MAX));
            assert_eq!(a.load(), 1, "MIN - MAX wraps to 1");

            // Negation wraps: MIN stays MIN for signed; unsigned v becomes 0 - v.
            a.store($t::MIN);
            a.neg();
            assert_eq!(a.load(), $t::wrapping_sub(0, $t::MIN));
            a.store(1);
            assert_eq!(a.fetch_neg(), 1);
            assert_eq!(a.load(), $t::wrapping_sub(0, 1));
            assert_eq!(a.load() as $u, $u::MAX, "-1 is all ones");
            a.store(0);
            a.neg();
            assert_eq!(a.load(), 0);

            // Bit k is bit k % 8 of byte k / 8 in memory: the last bit is the top bit of
            // the last byte (the sign on a little-endian target), bit 0 the bottom bit
            // of the first byte.
            a.store(0);
            assert_eq!(a.bit_set(BITS - 1), Ok(false));
            let mut last = [0u8; (BITS / 8) as usize];
            last[(BITS / 8 - 1) as usize] = 0x80;
            assert_eq!(a.load().to_ne_bytes(), last);
            assert_eq!(a.load() as $u, mem_bit((BITS / 8) as usize, BITS - 1) as $u);
            if cfg!(target_endian = "little") {
                assert_eq!(a.load() as $u, 1 << (BITS - 1));
            }
            assert_eq!(a.bit_test(BITS - 1), Ok(true));
            assert_eq!(a.bit_compl(BITS - 1), Ok(true));
            assert_eq!(a.load(), 0);
            assert_eq!(a.bit_compl(0), Ok(false));
            let mut first = [0u8; (BITS / 8) as usize];
            first[0] = 1;
            assert_eq!(a.load().to_ne_bytes(), first);
            assert_eq!(a.bit_reset(0), Ok(true));
            assert_eq!(a.bit_reset(0), Ok(false));
            assert_eq!(a.load(), 0);
            for bad in [BITS, BITS + 1, u32::MAX] {
                let e = Error::BitIndex(BitIndexError { bit: bad, width: (BITS / 8) as usize });
                assert_eq!(a.bit_test(bad), Err(e.clone()));
                assert_eq!(a.bit_set(bad), Err(e.clone()));
                assert_eq!(a.bit_reset(bad), Err(e.clone()));
                assert_eq!(a.bit_compl(bad), Err(e));
                assert_eq!(a.load(), 0, "an out-of-range bit changes nothing");
            }

            // bin_* at the edges.
            a.store($t::MIN);
            a.bin_not();
            assert_eq!(a.load(), $t::MAX);
            assert_eq!(a.bin_fetch_xor($t::MAX), $t::MAX);
            assert_eq!(a.load(), 0);
            assert_eq!(a.bin_fetch_or($t::MIN), 0);
            assert_eq!(a.bin_fetch_and($t::MAX), $t::MIN);
            assert_eq!(a.load(), $t::MIN & $t::MAX);
            assert_eq!(a.bin_fetch_not(), $t::MIN & $t::MAX);

            // Compare-exchange and exchange at the edges.
            a.store($t::MAX);
            let r = a.cmpxchg_strong($t::MIN, 0);
            assert!(!r.success);
            assert_eq!(r.expected, $t::MAX);
            assert_eq!(a.load(), $t::MAX);
            let r = a.cmpxchg_strong($t::MAX, $t::MIN);
            assert!(r.success);
            assert_eq!(r.expected, $t::MAX);
            assert_eq!(a.exchange($t::MAX), $t::MIN);
            assert_eq!(a.update_vals(|v| v.wrapping_add(1)), ($t::MAX, $t::MIN));
            assert_eq!(a.update_fetch(|v| v.wrapping_sub(1)), $t::MAX);
            assert_eq!(a.fetch_update(|v| v.wrapping_add(1)), $t::MAX);
            assert_eq!(a.fetch_update(|v| v.wrapping_sub(1)), $t::MIN);
            assert_eq!(a.into_inner(), $t::MAX);
        }
    )*};
}

int_edges! {
    edges_i8: i8 u8;
    edges_u8: u8 u8;
    edges_i16: i16 u16;
    edges_u16: u16 u16;
    edges_i32: i32 u32;
    edges_u32: u32 u32;
    edges_i64: i64 u64;
    edges_u64: u64 u64;
    edges_i128: i128 u128;
    edges_u128: u128 u128;
}

macro_rules! bytes_edges {
    ($($name:ident: $n:literal;)*) => {$(
        #[test]
        fn $name() {
            let a = Atomic::new([0u8; $n]);
            // Bit k is bit k % 8 of byte k / 8.
            for k in 0..8 * $n as u32 {
                assert_eq!(a.bit_set(k), Ok(false));
                let mut want = [0u8; $n];
                want[(k / 8) as usize] = 1 << (k % 8);
                assert_eq!(a.load(), want, "bit {k}");
                assert_eq!(a.bit_test(k), Ok(true));
                assert_eq!(a.bit_compl(k), Ok(true));
                assert_eq!(a.load(), [0; $n]);
            }
            assert_eq!(
                a.bit_set(8 * $n),
                Err(Error::BitIndex(BitIndexError { bit: 8 * $n, width: $n }))
            );
            let ramp: [u8; $n] = std::array::from_fn(|i| i as u8 + 1);
            a.store(ramp);
            assert_eq!(a.bin_fetch_not(), ramp);
            assert_eq!(a.load(), ramp.map(|b| !b));
            assert_eq!(a.bin_fetch_xor([0xff; $n]), ramp.map(|b| !b));
            assert_eq!(a.load(), ramp);
            a.bin_and([0x0f; $n]);
            assert_eq!(a.load(), ramp.map(|b| b & 0x0f));
            a.bin_or([0xf0; $n]);
            assert_eq!(a.load(), ramp.map(|b| b | 0xf0));
            let r = a.cmpxchg_strong([0xff; $n], [0; $n]);
            assert_eq!((r.success, r.expected), (false, ramp.map(|b| b | 0xf0)));

            // In a buffer, memory holds exactly the array.
            #[repr(C, align(16))]
            struct Buf([u8; 16]);
            let mut buf = Buf([0; 16]);
            // (Where this width is not lock-free, 16 bytes on a 32-bit target, the view is
            // refused and memory is left alone.)
            let viewed = Atomic::<[u8; $n]>::from_mut(&mut buf.0[..$n]).map(|v| {
                v.store(ramp);
                v.bit_set(8 * $n - 1).unwrap();
            });
            if Atomic::<[u8; $n]>::is_lock_free() {
                assert_eq!(viewed, Ok(()));
                let mut want = ramp;
                want[$n - 1] |= 0x80;
                assert_eq!(buf.0[..$n], want);
            } else {
                assert_eq!(
                    viewed,
                    Err(Error::UnsupportedWidth(UnsupportedWidth {
                        width: $n,
                        reason: WidthReason::NotLockFree
                    }))
                );
                assert_eq!(buf.0, [0; 16]);
            }
        }
    )*};
}

bytes_edges! {
    edges_bytes1: 1;
    edges_bytes2: 2;
    edges_bytes4: 4;
    edges_bytes8: 8;
    edges_bytes16: 16;
}

macro_rules! float_edges {
    ($($name:ident: $t:ident;)*) => {$(
        #[test]
        fn $name() {
            let (zero, neg_zero): ($t, $t) = (0.0, -0.0);
            let a = Atomic::<$t>::new($t::MAX);
            a.add($t::MAX);
            assert_eq!(a.load(), $t::INFINITY);
            assert_eq!(a.fetch_sub($t::INFINITY), $t::INFINITY);
            assert!(a.load().is_nan(), "inf - inf is NaN");
            a.store(0.0);
            a.neg();
            assert_eq!(a.load().to_bits(), neg_zero.to_bits());
            assert_eq!(a.fetch_neg().to_bits(), neg_zero.to_bits());
            assert_eq!(a.load().to_bits(), zero.to_bits());
            // Compare-exchange compares bits: 0.0 and -0.0 differ.
            let r = a.cmpxchg_strong(-0.0, 1.0);
            assert!(!r.success);
            assert_eq!(r.expected.to_bits(), 0);
            // A NaN matches the same NaN bits (although NaN != NaN).
            a.store($t::NAN);
            let r = a.cmpxchg_strong($t::NAN, 2.0);
            assert!(r.success);
            assert_eq!(a.load(), 2.0);
            a.store(-$t::NAN);
            assert!(!a.cmpxchg_strong($t::NAN, 3.0).success, "sign bit differs");
            // Smallest subnormal, MIN_POSITIVE, EPSILON.
            a.store($t::from_bits(1));
            a.add($t::from_bits(1));
            assert_eq!(a.load().to_bits(), 2);
            a.store(1.0);
            a.add($t::EPSILON);
            assert_eq!(a.load(), 1.0 + $t::EPSILON);
            a.sub(1.0);
            assert_eq!(a.load(), $t::EPSILON);
            a.store($t::MIN);
            a.neg();
            assert_eq!(a.load(), $t::MAX);
            assert_eq!(a.update_vals(|v| v / 2.0), ($t::MAX, $t::MAX / 2.0));
            // 2^24 (f32) / 2^53 (f64) + 1 rounds back: IEEE, not integer, addition.
            let two: $t = 2.0;
            let big = two.powi($t::MANTISSA_DIGITS as i32);
            a.store(big);
            a.add(1.0);
            assert_eq!(a.load(), big);
        }
    )*};
}

float_edges! {
    edges_f32: f32;
    edges_f64: f64;
}

#[test]
fn bool_non_canonical_bytes() {
    let mut buf = [0x02u8];
    let r = Region::new(&mut buf);
    let b = r.atomic_at::<bool>(0).unwrap();
    let raw = r.atomic_at::<u8>(0).unwrap();

    // Any non-zero byte reads true.
    assert!(b.load());
    // cmpxchg compares truth values: 0x02 matches true.
    let res = b.cmpxchg_strong(true, false);
    assert!(res.success);
    assert!(res.expected);
    assert_eq!(raw.load(), 0);

    raw.store(0x02);
    let res = b.cmpxchg_strong(false, true);
    assert!(!res.success);
    assert!(res.expected);
    assert_eq!(raw.load(), 0x02, "a failed cmpxchg leaves the byte");
    loop {
        let r = b.cmpxchg_weak(true, false);
        if r.success {
            break;
        }
        assert!(r.expected, "a weak failure on a match reports the match");
    }
    assert_eq!(raw.load(), 0);

    // Bit operations act on the raw byte.
    raw.store(0x02);
    assert_eq!(b.bit_test(0), Ok(false));
    assert_eq!(b.bit_test(1), Ok(true));
    assert_eq!(b.bit_reset(1), Ok(true));
    assert_eq!(raw.load(), 0);
    assert!(!b.load());
    assert_eq!(b.bit_set(7), Ok(false));
    assert_eq!(raw.load(), 0x80);
    assert!(b.load());
    assert_eq!(b.bit_compl(7), Ok(true));
    assert_eq!(raw.load(), 0);
    assert_eq!(
        b.bit_test(8),
        Err(Error::BitIndex(BitIndexError { bit: 8, width: 1 }))
    );

    // bin_* are logical: not of 0x02 is false, whatever the byte was.
    raw.store(0x02);
    assert!(b.bin_fetch_not());
    assert_eq!(raw.load(), 0);
    b.bin_not();
    assert_eq!(raw.load(), 1);
    raw.store(0xff);
    assert!(b.bin_fetch_xor(true));
    assert!(!b.load());
    raw.store(0x80);
    assert!(b.bin_fetch_and(true));
    assert!(b.load());
    assert!(b.bin_fetch_and(false));
    assert_eq!(raw.load(), 0);
    assert!(!b.bin_fetch_or(true));
    assert_eq!(raw.load(), 1);
    raw.store(0x40);
    b.bin_xor(false);
    assert!(b.load());
    b.bin_or(false);
    assert!(b.load());
    b.bin_and(false);
    assert_eq!(raw.load(), 0);

    // exchange / the update family / store write canonical bytes.
    raw.store(0x10);
    assert!(b.exchange(true));
    assert_eq!(raw.load(), 1);
    raw.store(0x10);
    assert_eq!(b.update_vals(|v| !v), (true, false));
    assert_eq!(raw.load(), 0);
    assert!(b.update_fetch(|v| !v));
    assert_eq!(raw.load(), 1);
    raw.store(0x10);
    assert!(b.fetch_update(|v| v));
    assert_eq!(raw.load(), 1);
    b.store(false);
    assert_eq!(raw.load(), 0);
}

#[test]
fn bool_from_mut_non_canonical() {
    let mut buf = [0x02u8];
    {
        let b = Atomic::<bool>::from_mut(&mut buf).unwrap();
        assert!(b.load());
        assert!(b.cmpxchg_strong(true, false).success);
    }
    assert_eq!(buf, [0]);
}
