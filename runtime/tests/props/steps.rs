//! Steps: run one operation on the atomic and on the model, compare every return value
//! (and every error), and apply it to the model state.

use shm_atomics_runtime::{Atomic, BitIndexError, CmpxchgResult, Error, Float, OpType};

use crate::model::{ArithModel, BitModel, IntModel, Model};
use crate::ops::{Arith, Bin, BinFn, Op, UnaryFn};
use crate::orders::{fail_ok, load_ok, order_err, refused, rmw_ok, store_ok};

pub fn keyed<T: Model>(r: Result<T, Error>) -> Result<u128, Error> {
    r.map(T::key)
}

/// Operations every value type has.
pub fn step_base<T: Model>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    match *op {
        Op::Load(ord) => {
            let got = match ord {
                None => Ok(a.load()),
                Some(o) => a.load_explicit(o),
            };
            let want = match refused(ord, OpType::Load, load_ok) {
                Some(e) => Err(e),
                None => Ok(T::get(*s)),
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        Op::Store(v, ord) => {
            let got = match ord {
                None => {
                    a.store(v);
                    Ok(())
                }
                Some(o) => a.store_explicit(v, o),
            };
            let want = match refused(ord, OpType::Store, store_ok) {
                Some(e) => Err(e),
                None => {
                    *s = T::put(v);
                    Ok(())
                }
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::Exchange(v, ord) => {
            let got = match ord {
                None => Ok(a.exchange(v)),
                Some(o) => Ok(a.exchange_explicit(v, o)),
            };
            let want = match refused(ord, OpType::Exchange, rmw_ok) {
                Some(e) => Err(e),
                None => Ok(T::get(std::mem::replace(s, T::put(v)))),
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        Op::Cmpxchg {
            weak,
            use_current,
            expected,
            desired,
            orders,
        } => {
            let exp = if use_current { T::get(*s) } else { expected };
            let got = match (weak, orders) {
                (true, None) => Ok(a.cmpxchg_weak(exp, desired)),
                (false, None) => Ok(a.cmpxchg_strong(exp, desired)),
                (true, Some((so, fo))) => a.cmpxchg_weak_explicit(exp, desired, so, fo),
                (false, Some((so, fo))) => a.cmpxchg_strong_explicit(exp, desired, so, fo),
            };
            let opty = if weak {
                OpType::CmpxchgWeak
            } else {
                OpType::CmpxchgStrong
            };
            let before = *s;
            let cur = T::get(before);
            let want = match orders {
                Some((so, fo)) if !fail_ok(so, fo) => Err(order_err(opty, fo, true)),
                _ if T::same(cur, exp) => {
                    *s = T::put(desired);
                    Ok(CmpxchgResult {
                        success: true,
                        expected: cur,
                    })
                }
                _ => Ok(CmpxchgResult {
                    success: false,
                    expected: cur,
                }),
            };
            let k = |r: Result<CmpxchgResult<T>, Error>| r.map(|r| (r.success, T::key(r.expected)));
            match (got, want) {
                // A weak compare-exchange may fail although the values match: then it
                // reports the value found (which matches) and writes nothing.
                (Ok(g), Ok(w)) if weak && !g.success && w.success => {
                    assert_eq!(T::key(g.expected), T::key(cur), "{op:?}");
                    *s = before;
                }
                (g, w) => assert_eq!(k(g), k(w), "{op:?}"),
            }
        }
        Op::UpdateFetch(v, ord) | Op::FetchUpdate(v, ord) | Op::UpdateVals(v, ord) => {
            // `(old, new)`; a form that returns one of them has ZERO for the other.
            let (ret_old, ret_new) = match op {
                Op::UpdateFetch(..) => (false, true),
                Op::FetchUpdate(..) => (true, false),
                _ => (true, true),
            };
            let f = |x: T| T::mix(x, v);
            let got = match (op, ord) {
                (Op::UpdateFetch(..), None) => Ok((T::ZERO, a.update_fetch(f))),
                (Op::UpdateFetch(..), Some(o)) => Ok((T::ZERO, a.update_fetch_explicit(f, o))),
                (Op::FetchUpdate(..), None) => Ok((a.fetch_update(f), T::ZERO)),
                (Op::FetchUpdate(..), Some(o)) => Ok((a.fetch_update_explicit(f, o), T::ZERO)),
                (_, None) => Ok(a.update_vals(f)),
                (_, Some(o)) => Ok(a.update_vals_explicit(f, o)),
            };
            let opty = if let Op::UpdateVals(..) = op {
                OpType::UpdateVals
            } else {
                OpType::UpdateFetch
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    let new = T::mix(old, v);
                    *s = T::put(new);
                    Ok((
                        if ret_old { old } else { T::ZERO },
                        if ret_new { new } else { T::ZERO },
                    ))
                }
            };
            let k = |r: Result<(T, T), Error>| r.map(|(o, n)| (T::key(o), T::key(n)));
            assert_eq!(k(got), k(want), "{op:?}");
        }
        _ => panic!("{op:?} is not a base operation"),
    }
}

/// Base operations plus the bit and `bin_*` operations.
pub fn step_bits<T: BitModel>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    match *op {
        Op::BitTest(k, ord) => {
            let got = match ord {
                None => a.bit_test(k),
                Some(o) => a.bit_test_explicit(k, o),
            };
            let want = match refused(ord, OpType::BitTest, load_ok) {
                Some(e) => Err(e),
                None => model_bit::<T>(s, k, |b, _| b),
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::BitSet(k, ord) | Op::BitReset(k, ord) | Op::BitCompl(k, ord) => {
            let (got, opty, f): (_, _, fn(u8, u8) -> u8) = match (op, ord) {
                (Op::BitSet(..), None) => (a.bit_set(k), OpType::BitSet, |b, m| b | m),
                (Op::BitSet(..), Some(o)) => {
                    (a.bit_set_explicit(k, o), OpType::BitSet, |b, m| b | m)
                }
                (Op::BitReset(..), None) => (a.bit_reset(k), OpType::BitReset, |b, m| b & !m),
                (Op::BitReset(..), Some(o)) => {
                    (a.bit_reset_explicit(k, o), OpType::BitReset, |b, m| b & !m)
                }
                (_, None) => (a.bit_compl(k), OpType::BitCompl, |b, m| b ^ m),
                (_, Some(o)) => (a.bit_compl_explicit(k, o), OpType::BitCompl, |b, m| b ^ m),
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => model_bit::<T>(s, k, f),
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::Bin(b, fetch, v, ord) => {
            let got = match (b, fetch, ord) {
                (Bin::Or, false, None) => {
                    a.bin_or(v);
                    Ok(T::ZERO)
                }
                (Bin::Or, false, Some(o)) => {
                    a.bin_or_explicit(v, o);
                    Ok(T::ZERO)
                }
                (Bin::Or, true, None) => Ok(a.bin_fetch_or(v)),
                (Bin::Or, true, Some(o)) => Ok(a.bin_fetch_or_explicit(v, o)),
                (Bin::Xor, false, None) => {
                    a.bin_xor(v);
                    Ok(T::ZERO)
                }
                (Bin::Xor, false, Some(o)) => {
                    a.bin_xor_explicit(v, o);
                    Ok(T::ZERO)
                }
                (Bin::Xor, true, None) => Ok(a.bin_fetch_xor(v)),
                (Bin::Xor, true, Some(o)) => Ok(a.bin_fetch_xor_explicit(v, o)),
                (Bin::And, false, None) => {
                    a.bin_and(v);
                    Ok(T::ZERO)
                }
                (Bin::And, false, Some(o)) => {
                    a.bin_and_explicit(v, o);
                    Ok(T::ZERO)
                }
                (Bin::And, true, None) => Ok(a.bin_fetch_and(v)),
                (Bin::And, true, Some(o)) => Ok(a.bin_fetch_and_explicit(v, o)),
            };
            let f: BinFn<T> = match b {
                Bin::Or => T::m_or,
                Bin::Xor => T::m_xor,
                Bin::And => T::m_and,
            };
            let opty = match (b, fetch) {
                (Bin::Or, false) => OpType::BinOr,
                (Bin::Or, true) => OpType::BinFetchOr,
                (Bin::Xor, false) => OpType::BinXor,
                (Bin::Xor, true) => OpType::BinFetchXor,
                (Bin::And, false) => OpType::BinAnd,
                (Bin::And, true) => OpType::BinFetchAnd,
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    *s = f(*s, v);
                    Ok(if fetch { old } else { T::ZERO })
                }
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        Op::BinNot(fetch, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.bin_not();
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.bin_not_explicit(o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.bin_fetch_not()),
                (true, Some(o)) => Ok(a.bin_fetch_not_explicit(o)),
            };
            let opty = if fetch {
                OpType::BinFetchNot
            } else {
                OpType::BinNot
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    *s = T::m_not(*s);
                    Ok(if fetch { old } else { T::ZERO })
                }
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        _ => step_base(a, s, op),
    }
}

/// Bit `k` of the model's memory bytes (bit `k % 8` of byte `k / 8`): its old value, and
/// the byte rewritten by `f(byte, mask)`; `BitIndexError` past the width.
pub fn model_bit<T: Model>(s: &mut T::S, k: u32, f: fn(u8, u8) -> u8) -> Result<bool, Error> {
    let mut bytes = T::bytes(*s);
    if k as usize >= 8 * bytes.len() {
        return Err(Error::BitIndex(BitIndexError {
            bit: k,
            width: bytes.len(),
        }));
    }
    let (i, m) = ((k / 8) as usize, 1u8 << (k % 8));
    let old = bytes[i] & m != 0;
    bytes[i] = f(bytes[i], m);
    *s = T::from_bytes(&bytes);
    Ok(old)
}

/// `add`/`sub`/`neg` and their fetch forms (integers and floats).
pub fn step_arith<T: ArithModel + shm_atomics_runtime::Arithmetic>(
    a: &Atomic<T>,
    s: &mut T::S,
    op: &Op<T>,
) -> bool {
    let (got, opty, f): (Result<T, Error>, OpType, UnaryFn<T>) = match *op {
        Op::Arith(Arith::Add, fetch, v, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.add(v);
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.add_explicit(v, o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.fetch_add(v)),
                (true, Some(o)) => Ok(a.fetch_add_explicit(v, o)),
            };
            let opty = if fetch { OpType::FetchAdd } else { OpType::Add };
            (got, opty, Box::new(move |x| T::m_add(x, v)))
        }
        Op::Arith(Arith::Sub, fetch, v, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.sub(v);
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.sub_explicit(v, o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.fetch_sub(v)),
                (true, Some(o)) => Ok(a.fetch_sub_explicit(v, o)),
            };
            let opty = if fetch { OpType::FetchSub } else { OpType::Sub };
            (got, opty, Box::new(move |x| T::m_sub(x, v)))
        }
        Op::Neg(fetch, ord) => {
            let got = match (fetch, ord) {
                (false, None) => {
                    a.neg();
                    Ok(T::ZERO)
                }
                (false, Some(o)) => {
                    a.neg_explicit(o);
                    Ok(T::ZERO)
                }
                (true, None) => Ok(a.fetch_neg()),
                (true, Some(o)) => Ok(a.fetch_neg_explicit(o)),
            };
            let opty = if fetch { OpType::FetchNeg } else { OpType::Neg };
            (got, opty, Box::new(T::m_neg))
        }
        _ => return false,
    };
    let (fetch, ord) = match *op {
        Op::Arith(_, fetch, _, ord) | Op::Neg(fetch, ord) => (fetch, ord),
        _ => unreachable!(),
    };
    let want = match refused(ord, opty, rmw_ok) {
        Some(e) => Err(e),
        None => {
            let old = T::get(*s);
            *s = T::put(f(old));
            Ok(if fetch { old } else { T::ZERO })
        }
    };
    assert_eq!(keyed(got), keyed(want), "{op:?}");
    true
}

pub fn step_int<T: IntModel>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    if step_arith(a, s, op) {
        return;
    }
    match *op {
        Op::Inc(fetch, ord) | Op::Dec(fetch, ord) => {
            let inc = matches!(op, Op::Inc(..));
            let got = match (inc, fetch, ord) {
                (true, false, None) => {
                    a.inc();
                    Ok(T::ZERO)
                }
                (true, false, Some(o)) => {
                    a.inc_explicit(o);
                    Ok(T::ZERO)
                }
                (true, true, None) => Ok(a.fetch_inc()),
                (true, true, Some(o)) => Ok(a.fetch_inc_explicit(o)),
                (false, false, None) => {
                    a.dec();
                    Ok(T::ZERO)
                }
                (false, false, Some(o)) => {
                    a.dec_explicit(o);
                    Ok(T::ZERO)
                }
                (false, true, None) => Ok(a.fetch_dec()),
                (false, true, Some(o)) => Ok(a.fetch_dec_explicit(o)),
            };
            let opty = match (inc, fetch) {
                (true, false) => OpType::Inc,
                (true, true) => OpType::FetchInc,
                (false, false) => OpType::Dec,
                (false, true) => OpType::FetchDec,
            };
            let want = match refused(ord, opty, rmw_ok) {
                Some(e) => Err(e),
                None => {
                    let old = T::get(*s);
                    *s = T::put(if inc {
                        T::m_add(old, T::M_ONE)
                    } else {
                        T::m_sub(old, T::M_ONE)
                    });
                    Ok(if fetch { old } else { T::ZERO })
                }
            };
            assert_eq!(keyed(got), keyed(want), "{op:?}");
        }
        _ => step_bits(a, s, op),
    }
}

pub fn step_float<T: ArithModel + Float>(a: &Atomic<T>, s: &mut T::S, op: &Op<T>) {
    if !step_arith(a, s, op) {
        step_base(a, s, op);
    }
}
