//! [`Seq<L>`]: a seqlock record, a group of fields that readers always see whole.

use core::fmt;
use core::mem::MaybeUninit;
use core::sync::atomic::Ordering;

use portable_atomic::AtomicU64;

use crate::cell::atomic::Atomic;
use crate::fields::copy::{load_record, load_uniform, store_record, store_uniform, uniform_width};
use crate::fields::process;
use crate::fields::protocol::{self, SeqEnv, WriteTicket};
use crate::fields::seq_error::SeqError;
use crate::layout::{Field, FieldType, Layout, Plain};

/// A seqlock record: a 64-bit sequence word followed by the fields of the layout `L`.
/// Readers get a consistent copy of all of `L`'s fields ([`read`](Seq::read)); writers
/// publish a whole record ([`write`](Seq::write), [`update`](Seq::update)) and exclude
/// each other through the sequence word, so several threads and processes may write.
///
/// As a field of an `#[atomic_layout]` struct (`pose: Seq<Pose>`) it is described in the
/// descriptor, the fingerprint, the C header (with `static inline` read and write
/// functions following the same protocol) and the `shma` CLI.
///
/// The protocol is Boehm's (2012): the data are `L`'s atomics accessed with relaxed
/// operations, ordered by fences; see the orderings beside each step in the source
/// (`fields/protocol.rs`). A writer killed between its two sequence stores is detected
/// (the word records the writer's process id): readers get
/// [`SeqError::DeadWriter`] instead of waiting forever, the next writer takes the record
/// over, and until a whole record is written reads say [`SeqError::Torn`].
///
/// Requirements on `L` (checked at compile time): `L::ALIGN <= 8` and `L::SIZE` a
/// multiple of 8 (add `align = 8` to the record's `#[atomic_layout]` if it is not), so
/// that the snapshot [`SeqSnapshot`] has no padding.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Seq;
///
/// #[atomic_layout]
/// struct Pose { x: f64, y: f64, heading: f64 }
///
/// #[atomic_layout]
/// struct Robot { pose: Seq<Pose>, ticks: u64 }
///
/// let robot = Robot::new();
/// robot.pose().write(&PoseSnapshot { x: 1.0, y: 2.0, heading: 0.5, ..Default::default() });
/// robot.pose().update(|p| p.x += 1.0)?;
/// let p = robot.pose().read()?; // all three from one write
/// assert_eq!((p.x, p.y, p.heading), (2.0, 2.0, 0.5));
/// assert_eq!(robot.pose().record().y().load(), 2.0); // one field, not consistent with others
/// # Ok::<(), shm_atomics::SeqError>(())
/// ```
#[repr(C)]
pub struct Seq<L> {
    seq: Atomic<u64>,
    record: L,
}

/// The plain twin of a [`Seq<L>`] in a layout's snapshot: the sequence word and the
/// record's snapshot, at the same offsets. A layout's `snapshot()` fills it from one
/// consistent read when it can; when the record's writer died mid-write it holds the
/// fields read one by one and an odd `seq` ([`is_whole`](SeqSnapshot::is_whole) tells).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, Seq};
///
/// #[atomic_layout]
/// struct Pose { x: f64, y: f64 }
/// #[atomic_layout]
/// struct Robot { pose: Seq<Pose> }
///
/// let robot = Robot::new();
/// robot.pose().write(&PoseSnapshot { x: 1.0, y: 2.0, ..Default::default() });
/// let snap = robot.snapshot();
/// assert!(snap.pose.is_whole());
/// assert_eq!(snap.pose.record().y, 2.0);
/// ```
///
/// Its fields are private: a value only comes from a layout's `snapshot()`, from
/// [`Plain::try_from_bytes`], [`Plain::zeroed`] or `Default`, each of which refuses to
/// compile for a record type that would leave padding after the sequence word (so
/// [`Plain::as_bytes`] never reads an uninitialised byte):
///
/// ```compile_fail
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Plain, SeqSnapshot};
/// // 8 + 4 bytes in a 16-byte struct: 4 bytes of padding.
/// let s = <SeqSnapshot<u32> as Default>::default();
/// let _ = s.as_bytes();
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
#[repr(C)]
pub struct SeqSnapshot<S> {
    /// The sequence word the record was read at (see `fields/protocol.rs` for its bits).
    seq: u64,
    /// The record.
    record: S,
}

impl<S: Plain> SeqSnapshot<S> {
    /// `SeqSnapshot<S>` is exactly a `u64` and an `S`: no padding between or after them
    /// (an `S` aligned to at most 8 whose size is a multiple of 8, as `Seq<L>` requires
    /// of `L`). Evaluated by every path that makes a value (`new`, `zeroed`, `is_valid`).
    const NO_PADDING: () = assert!(
        core::mem::size_of::<Self>() == 8 + core::mem::size_of::<S>(),
        "SeqSnapshot<S> needs an S aligned to at most 8 whose size is a multiple of 8 \
         (it would have padding otherwise)"
    );

    /// A snapshot of `record` read at word `seq` (only this crate makes one this way).
    #[inline]
    pub(crate) fn new(seq: u64, record: S) -> Self {
        let () = Self::NO_PADDING;
        SeqSnapshot { seq, record }
    }
}

impl<S> SeqSnapshot<S> {
    /// Whether this copy is one whole record: the word was even and not torn.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, Seq};
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// #[atomic_layout]
    /// struct R { p: Seq<P> }
    /// let r = R::new();
    /// r.p().write(&PSnapshot { x: 1 });
    /// assert!(r.snapshot().p.is_whole());
    /// ```
    pub const fn is_whole(&self) -> bool {
        !protocol::is_odd(self.seq) && self.seq & protocol::TORN == 0
    }

    /// The sequence word the record was read at (even and without the torn bit when
    /// [`is_whole`](Self::is_whole); see `fields/protocol.rs` for its bits).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, Seq};
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// #[atomic_layout]
    /// struct R { p: Seq<P> }
    /// let r = R::new();
    /// r.p().write(&PSnapshot { x: 1 });
    /// let seq = r.snapshot().p.seq(); // a counter and the last writer's pid
    /// assert_eq!(seq % 2, 0); // even: no write was in progress
    /// ```
    pub const fn seq(&self) -> u64 {
        self.seq
    }

    /// The record's fields.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, Seq};
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// #[atomic_layout]
    /// struct R { p: Seq<P> }
    /// let r = R::new();
    /// r.p().write(&PSnapshot { x: 7 });
    /// assert_eq!(r.snapshot().p.record().x, 7);
    /// ```
    pub const fn record(&self) -> &S {
        &self.record
    }

    /// The record, by value.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, Seq};
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// #[atomic_layout]
    /// struct R { p: Seq<P> }
    /// let r = R::new();
    /// r.p().write(&PSnapshot { x: 7 });
    /// let p: PSnapshot = r.snapshot().p.into_record();
    /// assert_eq!(p.x, 7);
    /// ```
    pub fn into_record(self) -> S {
        self.record
    }
}

impl<S: Plain> Default for SeqSnapshot<S> {
    /// Word 0 (whole, never written) and a zero record.
    fn default() -> Self {
        Plain::zeroed()
    }
}

// SAFETY: `SeqSnapshot<S>` is `repr(C)`: a `u64` at 0 and an `S: Plain` at 8 (its
// alignment is at most 8 and no gap is left: NO_PADDING), ending at `8 + size_of::<S>()`
// = the struct's size (NO_PADDING): no padding of its own, and `S` has none (contract 1
// of `S`). All-zero is a `u64` 0 and a zero `S` (contract 2 of `S`); `is_valid` tests the
// length and `S::is_valid` on the record's bytes (any `u64` is valid).
// Every value of a `SeqSnapshot<S>` comes from a path that evaluated NO_PADDING for that
// `S`, so a padded shape fails to compile instead of exposing padding to `as_bytes`: its
// fields are private, and the only ways to make one are `new` (crate-internal), `zeroed`
// and `is_valid` below (which `try_from_bytes` and `Default` go through), and copies of
// an existing value. An array `[SeqSnapshot<S>; N]` makes its elements through these
// too: the `[T; N]` impl's `zeroed` calls `T::zeroed` and its `is_valid` calls
// `T::is_valid` (`ALL_VALID` is false here).
unsafe impl<S: Plain> Plain for SeqSnapshot<S> {
    #[inline]
    fn is_valid(bytes: &[u8]) -> bool {
        let () = Self::NO_PADDING;
        bytes.len() == 8 + core::mem::size_of::<S>() && S::is_valid(&bytes[8..])
    }

    #[inline]
    fn zeroed() -> Self {
        let () = Self::NO_PADDING;
        SeqSnapshot {
            seq: 0,
            record: S::zeroed(),
        }
    }
}

/// The real environment: the shared word, this process's id, `kill(pid, 0)`.
struct Env<'a> {
    word: &'a AtomicU64,
}

impl SeqEnv for Env<'_> {
    #[inline(always)]
    fn load(&self, o: Ordering) -> u64 {
        self.word.load(o)
    }
    #[inline(always)]
    fn store(&self, v: u64, o: Ordering) {
        self.word.store(v, o)
    }
    #[inline(always)]
    fn cas(&self, c: u64, n: u64, s: Ordering, f: Ordering) -> Result<u64, u64> {
        self.word.compare_exchange(c, n, s, f)
    }
    #[inline(always)]
    fn fence(&self, o: Ordering) {
        core::sync::atomic::fence(o)
    }
    #[inline]
    fn relax(&self, spins: u32) {
        process::relax(spins)
    }
    fn alive(&self, pid: u32) -> bool {
        process::alive(pid)
    }
    #[inline]
    fn me(&self) -> u32 {
        process::me()
    }
}

/// Restores the record if the closure of `update` panics (no data was stored yet).
struct Release<'a> {
    env: Env<'a>,
    ticket: WriteTicket,
}

impl Drop for Release<'_> {
    fn drop(&mut self) {
        protocol::end_write(&self.env, &self.ticket, false);
    }
}

impl<L: Layout> Seq<L> {
    const CHECK: () = {
        assert!(
            L::ALIGN <= 8 && L::SIZE % 8 == 0,
            "Seq<L> needs a record layout aligned to at most 8 whose size is a multiple of 8: \
             add `align = 8` to the record's #[atomic_layout] (or a padding field)"
        );
        assert!(core::mem::size_of::<L::Snapshot>() == L::SIZE);
        assert!(core::mem::size_of::<Self>() == 8 + L::SIZE);
        assert!(core::mem::size_of::<SeqSnapshot<L::Snapshot>>() == 8 + L::SIZE);
    };

    /// A record with every field zero (sequence 0: whole, never written).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// assert_eq!(Seq::<P>::new().read().unwrap().x, 0);
    /// ```
    pub const fn new() -> Self {
        // SAFETY: `Atomic<u64>` and every `Layout` (contract 2) are valid all-zero.
        unsafe { core::mem::zeroed() }
    }

    #[inline(always)]
    fn env(&self) -> Env<'_> {
        // SAFETY: `seq` is an `Atomic<u64>`: aligned to 8, valid, only accessed
        // atomically (here and by the other processes that follow the protocol).
        let word = unsafe { AtomicU64::from_ptr(self.seq.as_ptr() as *mut u64) };
        Env { word }
    }

    /// The width of every value of `L` if they share one and leave no padding (the
    /// copies are then plain loops), else 0.
    const UNIFORM: usize = uniform_width(&L::DESC);

    #[inline(always)]
    fn copy_into(&self, buf: &mut MaybeUninit<L::Snapshot>) {
        let src = &self.record as *const L as *const u8;
        let dst = buf.as_mut_ptr() as *mut u8;
        // SAFETY (every arm): `record` is an `L` (contract 3: `L::DESC` describes it
        // truthfully, so UNIFORM's claim holds), a `&L` is only accessed atomically, and
        // `buf` has `L::SIZE` bytes (CHECK); every 16-byte field of a layout in shared
        // memory was checked lock-free when viewed.
        match Self::UNIFORM {
            // SAFETY: see above.
            8 => unsafe { load_uniform::<8>(src, dst, L::SIZE) },
            // SAFETY: see above.
            4 => unsafe { load_uniform::<4>(src, dst, L::SIZE) },
            // SAFETY: see above.
            _ => unsafe { load_record(&L::DESC, src, dst) },
        }
    }

    fn validate(buf: &MaybeUninit<L::Snapshot>) -> Result<L::Snapshot, SeqError> {
        // SAFETY: `buf` was zeroed and then written byte for byte: `L::SIZE` initialised
        // bytes (CHECK: the snapshot's size).
        let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr() as *const u8, L::SIZE) };
        L::Snapshot::try_from_bytes(bytes).ok_or(SeqError::InvalidRecord { layout: L::NAME })
    }

    fn read_impl(
        &self,
        allow_torn: bool,
        max_checks: Option<u32>,
    ) -> Result<(L::Snapshot, u64), SeqError> {
        let () = Self::CHECK;
        let mut buf = MaybeUninit::<L::Snapshot>::zeroed();
        let env = self.env();
        let w = protocol::read(&env, || self.copy_into(&mut buf), allow_torn, max_checks)
            .map_err(SeqError::from_refusal)?;
        Ok((Self::validate(&buf)?, w))
    }

    /// A consistent copy of the record: every field from the same write. Waits while a
    /// write is in progress, as long as its writer is alive (a live but descheduled
    /// writer is waited for: spinning, then yielding); returns
    /// [`SeqError::DeadWriter`] if the writer died mid-write, [`SeqError::Torn`] if a
    /// dead writer's leftovers have not been rewritten, [`SeqError::InvalidRecord`] if
    /// a C writer stored an invalid `bool`. Never writes to the memory (works on a
    /// read-only mapping).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct Range { lo: u32, hi: u32 }
    /// let r = Seq::<Range>::new();
    /// r.write(&RangeSnapshot { lo: 1, hi: 9, ..Default::default() });
    /// let v = r.read()?;
    /// assert!(v.lo <= v.hi);
    /// # Ok::<(), shm_atomics::SeqError>(())
    /// ```
    #[inline]
    pub fn read(&self) -> Result<L::Snapshot, SeqError> {
        self.read_impl(false, None).map(|(s, _)| s)
    }

    /// As [`read`](Seq::read), but waits for a live writer only about a thousand
    /// attempts (one liveness check) and then returns [`SeqError::Busy`].
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// assert_eq!(Seq::<P>::new().try_read().unwrap().x, 0);
    /// ```
    pub fn try_read(&self) -> Result<L::Snapshot, SeqError> {
        self.read_impl(false, Some(1)).map(|(s, _)| s)
    }

    /// A consistent copy even of a torn record (a dead writer's leftovers: the fields
    /// may come from different writes), with the pid of the writer that tore it.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// let (p, torn_by) = Seq::<P>::new().read_torn()?;
    /// assert_eq!((p.x, torn_by), (0, None));
    /// # Ok::<(), shm_atomics::SeqError>(())
    /// ```
    pub fn read_torn(&self) -> Result<(L::Snapshot, Option<u32>), SeqError> {
        let (s, w) = self.read_impl(true, None)?;
        let torn = (w & protocol::TORN != 0).then_some(protocol::pid_of(w));
        Ok((s, torn))
    }

    /// Publishes a whole new record. Waits for a live writer; takes over a record whose
    /// writer died mid-write (and clears its torn state, since every field is written).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct P { x: u64, y: u64 }
    /// let p = Seq::<P>::new();
    /// p.write(&PSnapshot { x: 1, y: 1, ..Default::default() });
    /// assert_eq!(p.read().unwrap().y, 1);
    /// ```
    pub fn write(&self, record: &L::Snapshot) {
        let () = Self::CHECK;
        let env = self.env();
        let Ok(ticket) = protocol::begin_write(&env, None) else {
            unreachable!("begin_write without a bound waits until it holds the record")
        };
        self.store(record);
        protocol::end_write(&env, &ticket, true);
    }

    #[inline(always)]
    fn store(&self, record: &L::Snapshot) {
        let src = Plain::as_bytes(record).as_ptr();
        let dst = &self.record as *const L as *mut u8;
        // SAFETY (every arm): `src` has `L::SIZE` bytes (CHECK); `record` is an `L` that
        // this process writes only through relaxed atomic stores while it holds the odd
        // word; UNIFORM's claim holds by contract 3.
        match Self::UNIFORM {
            // SAFETY: see above.
            8 => unsafe { store_uniform::<8>(src, dst, L::SIZE) },
            // SAFETY: see above.
            4 => unsafe { store_uniform::<4>(src, dst, L::SIZE) },
            // SAFETY: see above.
            _ => unsafe { store_record(&L::DESC, src, dst) },
        }
    }

    /// Reads the record, lets `f` change it, and publishes the result, all while holding
    /// the record (no other writer runs in between). A torn record is not passed to
    /// `f`: the call returns [`SeqError::Torn`] (write a whole record first).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct Stats { n: u64, sum: u64 }
    /// let s = Seq::<Stats>::new();
    /// s.update(|st| { st.n += 1; st.sum += 40; })?;
    /// s.update(|st| { st.n += 1; st.sum += 2; })?;
    /// let st = s.read()?;
    /// assert_eq!((st.n, st.sum), (2, 42));
    /// # Ok::<(), shm_atomics::SeqError>(())
    /// ```
    pub fn update(&self, f: impl FnOnce(&mut L::Snapshot)) -> Result<(), SeqError> {
        let () = Self::CHECK;
        let env = self.env();
        let Ok(ticket) = protocol::begin_write(&env, None) else {
            unreachable!("begin_write without a bound waits until it holds the record")
        };
        let guard = Release { env, ticket };
        if let Some(pid) = ticket.torn_by {
            // Dropping the guard publishes the record unchanged, still torn.
            drop(guard);
            return Err(SeqError::Torn { pid });
        }
        let mut buf = MaybeUninit::<L::Snapshot>::zeroed();
        // We hold the odd word: the data are stable, and our acquiring CAS made the last
        // writer's stores visible.
        self.copy_into(&mut buf);
        let mut snap = Self::validate(&buf)?;
        f(&mut snap);
        self.store(&snap);
        core::mem::forget(guard);
        protocol::end_write(&self.env(), &ticket, true);
        Ok(())
    }

    /// The record's fields, for single-field access (each atomic alone; reading two of
    /// them is not one consistent read, and a store through them bypasses the sequence
    /// word: readers of the whole record may then see a mix).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// let p = Seq::<P>::new();
    /// p.write(&PSnapshot { x: 5, ..Default::default() });
    /// assert_eq!(p.record().x().load(), 5);
    /// ```
    pub fn record(&self) -> &L {
        &self.record
    }

    /// The raw sequence word (its bits are described in `fields/protocol.rs`): for
    /// diagnostics, e.g. to see that writes happen.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::Seq;
    /// #[atomic_layout]
    /// struct P { x: u64 }
    /// let p = Seq::<P>::new();
    /// p.write(&PSnapshot::default());
    /// assert_eq!(p.sequence() & 0x7fff_ffff, 2);
    /// ```
    pub fn sequence(&self) -> u64 {
        self.env().load(Ordering::Acquire)
    }
}

impl<L: Layout> Default for Seq<L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<L: Layout> fmt::Debug for Seq<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.read_torn() {
            Ok((s, torn)) => f
                .debug_struct("Seq")
                .field("record", &s)
                .field("torn_by", &torn)
                .finish(),
            Err(e) => f.debug_struct("Seq").field("error", &e).finish(),
        }
    }
}

// SAFETY: `Seq<L>` is `repr(C)`: an `Atomic<u64>` at 0 and `L` at
// `align_up(8, L::ALIGN) = FieldType::seq_record_offset(L::ALIGN)`, size rounded to
// `max(8, L::ALIGN)`: exactly `FieldType::Seq(&L::DESC).size()` (CHECK asserts it for
// the accepted `L`). Every byte is an atomic, `L`'s (contract 2), or padding never
// accessed; all-zero and every bit pattern are valid. `SeqSnapshot<L::Snapshot>` has the
// same size (CHECK) and alignment (a `u64` then `L::Snapshot`, aligned as `L`).
unsafe impl<L: Layout> Field for Seq<L> {
    const SIZE: usize = {
        let () = Self::CHECK;
        core::mem::size_of::<Self>()
    };
    const ALIGN: usize = core::mem::align_of::<Self>();
    const TYPE: FieldType = FieldType::Seq(&L::DESC);
    type Snapshot = SeqSnapshot<L::Snapshot>;

    /// One consistent read when possible; the fields one by one (and the odd or torn
    /// word in `seq`) when the writer died.
    fn load_field(&self) -> SeqSnapshot<L::Snapshot> {
        match self.read_impl(true, None) {
            Ok((record, seq)) => SeqSnapshot::new(seq, record),
            Err(_) => SeqSnapshot::new(self.sequence(), self.record.snapshot()),
        }
    }

    /// Publishes `snapshot.record` as a whole record (`seq` is ignored).
    fn store_field(&self, snapshot: &SeqSnapshot<L::Snapshot>) {
        self.write(&snapshot.record)
    }
}
