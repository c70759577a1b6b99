//! The dynamic API's operations with exact values: every operation of `atomic(width,
//! AType)` on every width of the `Int`, `Uint` and `Bytes` atypes, at the edges
//! (wraparound, sign bit, top bit), with the operands each accepts and refuses.

mod common;

use common::{FromI, call, is_operand_err, mem_bit, unsupported};
use shm_atomics_runtime::{AType, DynValue, Error, OpType, Operand, atomic};

macro_rules! int_suite {
    ($name:ident, $w:literal, $i:ty, $u:ty) => {
        #[test]
        fn $name() {
            let a = atomic($w, AType::Int).unwrap();
            // store / load / exchange at the edges
            a.store(<$i>::MAX).unwrap();
            assert_eq!(a.load().unwrap(), <$i>::MAX);
            assert_eq!(a.load().unwrap().get::<$i>(), Some(<$i>::MAX));
            assert_eq!(a.exchange(<$i>::MIN).unwrap(), <$i>::MAX);
            assert_eq!(a.load().unwrap().as_i128(), <$i>::MIN as i128);
            // wraparound
            assert_eq!(a.fetch_dec().unwrap(), <$i>::MIN);
            assert_eq!(a.load().unwrap(), <$i>::MAX);
            assert_eq!(a.fetch_inc().unwrap(), <$i>::MAX);
            assert_eq!(a.load().unwrap(), <$i>::MIN);
            a.dec().unwrap();
            assert_eq!(a.load().unwrap(), <$i>::MAX);
            a.inc().unwrap();
            assert_eq!(a.load().unwrap(), <$i>::MIN);
            a.neg().unwrap();
            assert_eq!(a.load().unwrap(), <$i>::MIN); // MIN stays MIN
            assert_eq!(a.fetch_neg().unwrap(), <$i>::MIN);
            a.store(5).unwrap();
            assert_eq!(a.fetch_neg().unwrap(), 5);
            assert_eq!(a.load().unwrap(), -5);
            a.neg().unwrap();
            assert_eq!(a.load().unwrap(), 5);
            a.add(<$i>::MAX).unwrap();
            assert_eq!(a.load().unwrap(), (5 as $i).wrapping_add(<$i>::MAX));
            a.store(-3).unwrap();
            a.sub(<$i>::MAX).unwrap();
            assert_eq!(a.load().unwrap(), (-3 as $i).wrapping_sub(<$i>::MAX));
            a.store(10).unwrap();
            assert_eq!(a.fetch_add(-20).unwrap(), 10);
            assert_eq!(a.fetch_sub(1).unwrap(), -10);
            assert_eq!(a.load().unwrap(), -11);
            // compare-exchange
            let r = a.cmpxchg_strong(-11, 7).unwrap();
            assert!(r.success);
            assert_eq!(r.expected, -11);
            let r = a.cmpxchg_strong(-11, 8).unwrap();
            assert!(!r.success);
            assert_eq!(r.expected, 7);
            let mut cur = a.load().unwrap();
            loop {
                let r = a.cmpxchg_weak(cur, cur.as_i128() as $i * 2).unwrap();
                if r.success {
                    break;
                }
                cur = r.expected;
            }
            assert_eq!(a.load().unwrap(), 14);
            // bits: bit k is bit k % 8 of byte k / 8 in memory (on a little-endian
            // target the top bit is the sign)
            a.store(0).unwrap();
            let top = $w * 8 - 1;
            let (top_v, zero_v) = (mem_bit($w, top) as $i, mem_bit($w, 0) as $i);
            assert_eq!(
                top_v == <$i>::MIN,
                cfg!(target_endian = "little") || $w == 1
            );
            assert_eq!(a.bit_set(top), Ok(false));
            assert_eq!(a.load().unwrap(), top_v);
            assert_eq!(a.bit_test(top), Ok(true));
            assert_eq!(a.bit_compl(0), Ok(false));
            assert_eq!(a.load().unwrap(), top_v | zero_v);
            assert_eq!(a.bit_reset(top), Ok(true));
            assert_eq!(a.bit_reset(top), Ok(false));
            assert_eq!(a.load().unwrap(), zero_v);
            assert!(matches!(a.bit_set(top + 1), Err(Error::BitIndex(_))));
            // bitwise
            a.store(0b1100).unwrap();
            a.bin_or(0b0011).unwrap();
            assert_eq!(a.load().unwrap(), 0b1111);
            a.bin_and(0b0110).unwrap();
            assert_eq!(a.load().unwrap(), 0b0110);
            a.bin_xor(-1).unwrap();
            assert_eq!(a.load().unwrap(), !0b0110 as $i);
            a.bin_not().unwrap();
            assert_eq!(a.load().unwrap(), 0b0110);
            assert_eq!(a.bin_fetch_or(1).unwrap(), 0b0110);
            assert_eq!(a.bin_fetch_and(0b11).unwrap(), 0b0111);
            assert_eq!(a.bin_fetch_xor(0b10).unwrap(), 0b11);
            assert_eq!(a.bin_fetch_not().unwrap(), 1);
            assert_eq!(a.load().unwrap(), -2);
            // update by a function: new value, previous value, both
            assert_eq!(a.update_fetch(|v| v.as_i128() * 3).unwrap(), -6);
            let (old, new) = a.update_vals(|v| v.as_i128() + 1).unwrap();
            assert_eq!(
                (old, new),
                (DynValue::from_i(-6, $w), DynValue::from_i(-5, $w))
            );
            assert_eq!(a.fetch_update(|v| v.as_i128() * 2).unwrap(), -5);
            assert_eq!(a.load().unwrap(), -10);
            a.store(-5).unwrap();
            // operands of every integer type that fit are accepted; others refused
            a.store(<$u>::MAX >> 1).unwrap();
            assert_eq!(a.load().unwrap(), <$i>::MAX);
            assert!(is_operand_err(a.store((<$u>::MAX >> 1) as u128 + 1)));
            if let Some(x) = (<$i>::MIN as i128).checked_sub(1) {
                assert!(is_operand_err(a.store(x)));
            }
            if let Some(x) = (<$i>::MAX as i128).checked_add(1) {
                assert!(is_operand_err(a.store(x)));
            }
            assert!(is_operand_err(a.store(&[0u8; $w][..])));
            assert!(is_operand_err(a.store(1.0f64)));
            a.store(true).unwrap();
            assert_eq!(a.load().unwrap(), 1);
            assert_eq!(
                a.to_string(),
                format!(
                    "AtomicInt(value=1, width={}, readonly=false, signed=true)",
                    $w
                )
            );
        }
    };
}

macro_rules! uint_suite {
    ($name:ident, $w:literal, $u:ty) => {
        #[test]
        fn $name() {
            let a = atomic($w, AType::Uint).unwrap();
            a.store(<$u>::MAX).unwrap();
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            assert_eq!(a.load().unwrap().as_i128(), -1);
            assert_eq!(a.fetch_inc().unwrap(), <$u>::MAX);
            assert_eq!(a.load().unwrap(), 0);
            assert_eq!(a.fetch_dec().unwrap(), 0);
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            a.inc().unwrap();
            assert_eq!(a.load().unwrap(), 0);
            a.dec().unwrap();
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            a.add(2).unwrap();
            assert_eq!(a.load().unwrap(), 1);
            a.sub(2).unwrap();
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            assert_eq!(a.exchange(1).unwrap(), <$u>::MAX);
            assert_eq!(a.fetch_neg().unwrap(), 1);
            assert_eq!(a.load().unwrap(), <$u>::MAX); // 0 - 1
            a.neg().unwrap();
            assert_eq!(a.load().unwrap(), 1);
            assert_eq!(a.fetch_add(<$u>::MAX).unwrap(), 1);
            assert_eq!(a.fetch_sub(1).unwrap(), 0);
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            let r = a.cmpxchg_strong(<$u>::MAX, 3).unwrap();
            assert!(r.success && r.expected == <$u>::MAX);
            let r = a.cmpxchg_weak(4, 5).unwrap();
            assert!(!r.success && r.expected == 3);
            a.store(0).unwrap();
            let top = $w * 8 - 1;
            assert_eq!(a.bit_set(top), Ok(false));
            assert_eq!(a.load().unwrap(), mem_bit($w, top) as $u);
            assert_eq!(a.bit_compl(top), Ok(true));
            assert_eq!(a.bit_test(top), Ok(false));
            assert_eq!(a.bit_reset(0), Ok(false));
            a.bin_not().unwrap();
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            assert_eq!(a.bin_fetch_and(0xf0).unwrap(), <$u>::MAX);
            assert_eq!(a.bin_fetch_or(0x0f).unwrap(), 0xf0);
            assert_eq!(a.bin_fetch_xor(0xff).unwrap(), 0xff);
            assert_eq!(a.bin_fetch_not().unwrap(), 0);
            assert_eq!(a.load().unwrap(), <$u>::MAX);
            a.bin_and(0x55).unwrap();
            a.bin_or(0x0100u16 as u128 & <$u>::MAX as u128).unwrap();
            a.bin_xor(1).unwrap();
            assert_eq!(
                a.load().unwrap(),
                (0x54u128 | (0x0100 & <$u>::MAX as u128)) as $u
            );
            // operands
            assert!(is_operand_err(a.store(-1)));
            assert!(is_operand_err(a.fetch_add(-1)));
            assert!(is_operand_err(a.store(1.0f64)));
            if $w < 16 {
                assert!(is_operand_err(a.store(<$u>::MAX as u128 + 1)));
            }
            a.store(0).unwrap();
            assert_eq!(
                a.to_string(),
                format!(
                    "AtomicUint(value=0, width={}, readonly=false, signed=false)",
                    $w
                )
            );
        }
    };
}

macro_rules! bytes_suite {
    ($name:ident, $w:literal) => {
        #[test]
        fn $name() {
            let a = atomic($w, AType::Bytes).unwrap();
            let mut x = [0u8; $w];
            for (i, b) in x.iter_mut().enumerate() {
                *b = i as u8 + 1;
            }
            a.store(x).unwrap();
            assert_eq!(a.load().unwrap(), x);
            assert_eq!(a.load().unwrap().as_bytes(), &x[..]);
            assert_eq!(a.load().unwrap().get::<[u8; $w]>(), Some(x));
            assert_eq!(a.exchange(&[0xffu8; $w]).unwrap(), x);
            a.bin_and(&x).unwrap();
            assert_eq!(a.load().unwrap(), x);
            a.bin_not().unwrap();
            assert_eq!(a.load().unwrap(), x.map(|b| !b));
            a.bin_xor(&[0xffu8; $w][..]).unwrap();
            assert_eq!(a.load().unwrap(), x);
            a.bin_or([0x80u8; $w]).unwrap();
            assert_eq!(a.load().unwrap(), x.map(|b| b | 0x80));
            assert_eq!(a.bin_fetch_and([0x0fu8; $w]).unwrap(), x.map(|b| b | 0x80));
            assert_eq!(a.bin_fetch_or([0x10u8; $w]).unwrap(), x.map(|b| b & 0x0f));
            assert_eq!(
                a.bin_fetch_xor([0x10u8; $w]).unwrap(),
                x.map(|b| (b & 0x0f) | 0x10)
            );
            assert_eq!(a.bin_fetch_not().unwrap(), x.map(|b| b & 0x0f));
            a.store([0u8; $w]).unwrap();
            // bit k is bit k % 8 of byte k / 8
            let top = $w * 8 - 1;
            assert_eq!(a.bit_set(top), Ok(false));
            assert_eq!(a.bit_set(9 % ($w * 8)), Ok(false));
            let mut want = [0u8; $w];
            want[$w - 1] |= 0x80;
            want[(9 % ($w * 8)) / 8] |= 1 << (9 % 8);
            assert_eq!(a.load().unwrap(), want);
            assert_eq!(a.bit_compl(top), Ok(true));
            assert_eq!(a.bit_reset(9 % ($w * 8)), Ok(true));
            assert_eq!(a.bit_test(top), Ok(false));
            assert_eq!(a.load().unwrap(), [0u8; $w]);
            assert!(matches!(a.bit_test(top + 1), Err(Error::BitIndex(_))));
            let r = a.cmpxchg_strong([0u8; $w], x).unwrap();
            assert!(r.success && r.expected == [0u8; $w]);
            let r = a.cmpxchg_weak([0u8; $w], x).unwrap();
            assert!(!r.success && r.expected == x);
            assert_eq!(a.update_fetch(|_| [7u8; $w]).unwrap(), [7u8; $w]);
            assert_eq!(a.fetch_update(|_| [8u8; $w]).unwrap(), [7u8; $w]);
            assert_eq!(a.load().unwrap(), [8u8; $w]);
            a.store([7u8; $w]).unwrap();
            // no arithmetic
            for op in [
                OpType::Add,
                OpType::Sub,
                OpType::Inc,
                OpType::Dec,
                OpType::Neg,
                OpType::FetchAdd,
                OpType::FetchSub,
                OpType::FetchInc,
                OpType::FetchDec,
                OpType::FetchNeg,
            ] {
                let r = call(&a.view(), op, Operand::from([0u8; $w]));
                assert!(unsupported(r, op, false), "{op}");
            }
            assert!(unsupported(a.fetch_add(1), OpType::FetchAdd, false));
            // operands of the wrong length or kind
            assert!(is_operand_err(a.store(&[0u8; $w + 1][..])));
            assert!(is_operand_err(a.store(&[0u8; $w][1..])));
            assert!(is_operand_err(a.store(0)));
            assert!(is_operand_err(a.store(true)));
            assert_eq!(a.load().unwrap(), [7u8; $w]);
        }
    };
}

int_suite!(int_ops_width_1, 1, i8, u8);
int_suite!(int_ops_width_2, 2, i16, u16);
int_suite!(int_ops_width_4, 4, i32, u32);
int_suite!(int_ops_width_8, 8, i64, u64);
int_suite!(int_ops_width_16, 16, i128, u128);
uint_suite!(uint_ops_width_1, 1, u8);
uint_suite!(uint_ops_width_2, 2, u16);
uint_suite!(uint_ops_width_4, 4, u32);
uint_suite!(uint_ops_width_8, 8, u64);
uint_suite!(uint_ops_width_16, 16, u128);
bytes_suite!(bytes_ops_width_1, 1);
bytes_suite!(bytes_ops_width_2, 2);
bytes_suite!(bytes_ops_width_4, 4);
bytes_suite!(bytes_ops_width_8, 8);
bytes_suite!(bytes_ops_width_16, 16);
