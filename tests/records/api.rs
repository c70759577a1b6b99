//! In-process behaviour of `Seq` and `Striped`.

use std::sync::atomic::{AtomicBool, Ordering};

use shm_atomics::{Field, FieldType, Layout, Seq, SeqError, Striped, atomic_layout};

#[atomic_layout]
pub struct Quad {
    pub a: u64,
    pub b: u64,
    pub c: u64,
    pub d: u64,
}

#[atomic_layout]
pub struct Shared {
    pub flag: u8,
    pub quad: Seq<Quad>,
    pub hits: Striped<u64, 4>,
    pub tail: u32,
}

fn quad(v: u64) -> QuadSnapshot {
    QuadSnapshot {
        a: v,
        b: v,
        c: v,
        d: v,
    }
}

/// The macro accepts `Seq<..>` and `Striped<..>` fields and describes them with the
/// foundation's geometry (the record at 8, the counter aligned to 128).
#[test]
fn descriptor_of_seq_and_striped_fields() {
    let f = Shared::FIELDS;
    assert_eq!(f[1].ty, FieldType::Seq(&Quad::DESC));
    assert_eq!(f[1].offset, 8);
    assert_eq!(<Seq<Quad> as Field>::SIZE, 40);
    assert_eq!(
        f[2].ty,
        FieldType::Striped {
            kind: shm_atomics::Kind::Uint,
            width: 8,
            cells: 4,
            stride: 128
        }
    );
    assert_eq!(f[2].offset, 128);
    assert_eq!(<Shared as Layout>::ALIGN, 128);
    assert_eq!(<Shared as Layout>::SIZE, 128 + 4 * 128 + 128);
}

/// Two writer threads and two reader threads: every read is one whole record, and the
/// `update`s are atomic read-modify-writes (the exact final value). Reading the fields one
/// by one (`record().snapshot()`) is what `Seq` replaces: it can mix two updates.
#[test]
fn threads_never_see_a_mixed_record_and_updates_are_exact() {
    const N: u64 = 20_000;
    let s = Shared::new();
    let done = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let writers: Vec<_> = (0..2)
            .map(|_| {
                sc.spawn(|| {
                    for _ in 0..N {
                        s.quad()
                            .update(|q| *q = quad(q.a + 1))
                            .expect("no torn record");
                    }
                })
            })
            .collect();
        for _ in 0..2 {
            sc.spawn(|| {
                let mut last = 0;
                while !done.load(Ordering::Relaxed) {
                    let q = s.quad().read().expect("a whole record");
                    assert!(q.a == q.b && q.b == q.c && q.c == q.d, "mixed: {q:?}");
                    assert!(q.a >= last, "went back from {last} to {}", q.a);
                    last = q.a;
                }
            });
        }
        for w in writers {
            w.join().expect("writer");
        }
        done.store(true, Ordering::Relaxed);
    });
    assert_eq!(s.quad().read(), Ok(quad(2 * N)));
    assert!(s.snapshot().quad.is_whole());
    assert_eq!(*s.snapshot().quad.record(), quad(2 * N));
}

/// A panic inside `update`'s closure leaves the record whole and writable (no data was
/// stored; the guard publishes it unchanged).
#[test]
fn a_panicking_update_releases_the_record() {
    let s = Seq::<Quad>::new();
    s.write(&quad(7));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = s.update(|_| panic!("boom"));
    }));
    assert!(r.is_err());
    assert_eq!(s.try_read(), Ok(quad(7)));
    s.update(|q| *q = quad(q.a + 1)).expect("writable");
    assert_eq!(s.read(), Ok(quad(8)));
}

#[atomic_layout]
pub struct Flagged {
    pub on: bool,
    pub n: u32,
    pub m: u16,
    pub k: u16,
    pub z: u32,
}

/// A byte that is not a bool (a C writer's bug) is an error value naming the layout,
/// not undefined behaviour.
#[test]
fn an_invalid_bool_is_an_error_value() {
    let s = Seq::<Flagged>::new();
    // Byte 8 of the Seq is the record's `on`.
    let p = &s as *const Seq<Flagged> as *const u8;
    // SAFETY: `on` is an `Atomic<bool>` stored as a u8 at offset 8; a relaxed atomic
    // byte store is how a C writer would put 2 there.
    unsafe { shm_atomics::Atomic::<u8>::from_ptr(p.wrapping_add(8) as *mut u8) }
        .expect("aligned")
        .store(2);
    assert_eq!(s.read(), Err(SeqError::InvalidRecord { layout: "Flagged" }));
}

/// A writer that died after its first sequence store (simulated: the word made odd with
/// the pid of a process that has exited) gives readers `DeadWriter`; the next `update`
/// takes over and reports `Torn` (without calling its closure); the record reads `Torn`
/// until a `write` of a whole record.
#[test]
fn dead_writer_then_torn_until_rewritten() {
    let dead = dead_pid();
    let s = Seq::<Quad>::new();
    s.write(&quad(1));
    let word = s.sequence();
    // SAFETY: the sequence word is the first 8 bytes of the Seq, an Atomic<u64>.
    let seq = unsafe { &*(&s as *const Seq<Quad> as *const shm_atomics::Atomic<u64>) };
    seq.store((u64::from(dead) << 32) | ((word + 1) & 0x7fff_ffff));
    s.record().a().store(99); // half a write
    assert_eq!(s.read(), Err(SeqError::DeadWriter { pid: dead }));
    assert_eq!(s.try_read(), Err(SeqError::DeadWriter { pid: dead }));
    let mut called = false;
    assert_eq!(
        s.update(|_| called = true),
        Err(SeqError::Torn { pid: dead })
    );
    assert!(!called, "a torn record is never handed to update");
    assert_eq!(s.read(), Err(SeqError::Torn { pid: dead }));
    let (leftover, by) = s.read_torn().expect("whole copy of the leftovers");
    assert_eq!((leftover.a, leftover.b, by), (99, 1, Some(dead)));
    assert!(!s.snapshot_field().is_whole());
    s.write(&quad(5));
    assert_eq!(s.read(), Ok(quad(5)));
    assert_eq!(s.read_torn(), Ok((quad(5), None)));
}

trait SnapField {
    fn snapshot_field(&self) -> shm_atomics::SeqSnapshot<QuadSnapshot>;
}
impl SnapField for Seq<Quad> {
    fn snapshot_field(&self) -> shm_atomics::SeqSnapshot<QuadSnapshot> {
        <Seq<Quad> as Field>::load_field(self)
    }
}

/// The pid of a process that has exited and been reaped.
pub fn dead_pid() -> u32 {
    let mut c = std::process::Command::new("true")
        .spawn()
        .expect("spawn true");
    let pid = c.id();
    crate::common::wait_or_kill(&mut c, "a worker");
    pid
}

/// Four threads adding to a striped counter: the exact total; `load_and_reset` splits it
/// into intervals without losing an add.
#[test]
fn striped_exact_totals_and_intervals() {
    const N: u64 = 50_000;
    let s = Shared::new();
    let done = AtomicBool::new(false);
    let mut taken = 0u64;
    std::thread::scope(|sc| {
        let adders: Vec<_> = (0..4)
            .map(|_| sc.spawn(|| (0..N).for_each(|_| s.hits().inc())))
            .collect();
        let taker = sc.spawn(|| {
            let mut t = 0;
            while !done.load(Ordering::Relaxed) {
                t += s.hits().load_and_reset();
            }
            t
        });
        for a in adders {
            a.join().expect("adder");
        }
        done.store(true, Ordering::Relaxed);
        taken = taker.join().expect("taker");
    });
    assert_eq!(taken + s.hits().load(), 4 * N);
    assert_eq!(taken + s.snapshot().hits.sum(), 4 * N);
}

/// `i64` and `u32` cells, `sub`, `reset`, and the cells' 128-byte stride.
#[test]
fn striped_kinds_sub_reset_and_stride() {
    let c = Striped::<i64, 16>::new();
    c.add(10);
    c.sub(25);
    assert_eq!(c.load(), -15);
    c.reset();
    assert_eq!(c.load(), 0);
    let u = Striped::<u32, 3>::new();
    u.sub(1);
    u.add(3);
    assert_eq!(u.load(), 2);
    let cells = c.cells();
    assert_eq!(
        cells[1].value().as_ptr() as usize - cells[0].value().as_ptr() as usize,
        128
    );
}

#[atomic_layout]
pub struct Inner {
    pub a: u16,
    pub b: u16,
    pub c: u32,
}

#[atomic_layout(align = 8)]
pub struct Mixed {
    pub on: bool,
    pub small: [u8; 2],
    pub id: u32,
    pub inner: [Inner; 2],
    pub x: f64,
}

/// A record of mixed widths, a bool, arrays and nested layouts goes through the
/// descriptor-driven copy (not the uniform-width loop) and comes back whole; the
/// descriptor describes the field; threads never see a mix of two writes.
#[test]
fn mixed_width_records_round_trip_and_stay_whole() {
    let s = Seq::<Mixed>::new();
    let rec = |v: u32| MixedSnapshot {
        on: v % 2 == 1,
        small: [v as u8; 2],
        id: v,
        inner: [InnerSnapshot {
            a: v as u16,
            b: v as u16,
            c: v,
        }; 2],
        x: f64::from(v),
        ..Default::default()
    };
    s.write(&rec(3));
    assert_eq!(s.read(), Ok(rec(3)));
    let done = AtomicBool::new(false);
    std::thread::scope(|sc| {
        sc.spawn(|| {
            for v in 0..20_000 {
                s.write(&rec(v));
            }
            done.store(true, Ordering::Relaxed);
        });
        while !done.load(Ordering::Relaxed) {
            let r = s.read().expect("whole");
            assert_eq!(r, rec(r.id), "a mixed record");
        }
    });
    assert_eq!(s.read(), Ok(rec(19_999)));
}
