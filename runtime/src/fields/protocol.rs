//! The seqlock protocol of [`Seq`](crate::Seq), written once over a small environment
//! trait ([`SeqEnv`]) so that the same code runs on the shared sequence word and, under
//! `cfg(loom)`, on loom's model atomics (loom checks every interleaving of the model
//! test in `protocol_loom.rs`).
//!
//! # The sequence word (64 bits)
//!
//! | bits | meaning |
//! |---|---|
//! | 0..=30 | the sequence: odd while a write is in progress, even when the record is whole; +1 at each begin and end of a write (wraps at 2^31) |
//! | 31 | TORN: a writer died in the middle of a write and no whole record has been written since |
//! | 32..=63 | a process id: while odd, the process writing; while even and TORN, the process that died; while even otherwise, the last writer (0: unknown, e.g. a `no_std` writer) |
//!
//! All-zero is a valid, whole, never-written record, so a zeroed segment needs no
//! initialisation.
//!
//! # Orderings (Boehm, "Can seqlocks get along with programming language memory
//! models?", MSPC 2012, the fence-based version of section 4)
//!
//! Writer: `CAS(even -> odd, Acquire)`; `fence(Release)`; relaxed stores of the data;
//! `store(even, Release)`. Reader: `s1 = load(Acquire)`; relaxed loads of the data;
//! `fence(Acquire)`; `s2 = load(Relaxed)`; the copy is whole iff `s1 == s2` and `s1` is
//! even. If a reader's relaxed load saw any store of a writer, that store follows the
//! writer's release fence, so the reader's acquire fence makes the writer's odd CAS
//! happen-before the reader's second load: `s2` is that odd value or later, never
//! `s1`. The final release store publishes the data to the next reader's acquire load,
//! and the next writer's acquiring CAS orders its stores after the previous writer's.

use core::sync::atomic::Ordering;

/// Bits of the sequence counter (parity = bit 0).
pub(crate) const SEQ_MASK: u64 = 0x7fff_ffff;
/// The torn flag.
pub(crate) const TORN: u64 = 1 << 31;

/// The sequence counter of a word.
#[inline]
pub(crate) const fn counter(w: u64) -> u64 {
    w & SEQ_MASK
}

/// Whether a write is in progress.
#[inline]
pub(crate) const fn is_odd(w: u64) -> bool {
    w & 1 == 1
}

/// The process id stored in a word.
#[inline]
pub(crate) const fn pid_of(w: u64) -> u32 {
    (w >> 32) as u32
}

/// A word with the counter advanced by one, `pid` and `torn` set.
#[inline]
pub(crate) const fn next(w: u64, pid: u32, torn: bool) -> u64 {
    let c = (counter(w) + 1) & SEQ_MASK;
    ((pid as u64) << 32) | c | if torn { TORN } else { 0 }
}

/// How many failed attempts a reader or writer spins (with a CPU pause hint) before it
/// asks whether the writer it waits for is still alive, and between two such checks.
#[cfg(not(loom))]
pub(crate) const SPINS_BEFORE_CHECK: u32 = 1 << 10;
/// Under loom every spin is a scheduling point: check at once.
#[cfg(loom)]
pub(crate) const SPINS_BEFORE_CHECK: u32 = 1;

/// The sequence word and the outside world the protocol needs.
pub(crate) trait SeqEnv {
    /// Loads the sequence word.
    fn load(&self, o: Ordering) -> u64;
    /// Stores the sequence word.
    fn store(&self, v: u64, o: Ordering);
    /// Compare-exchange on the sequence word (strong).
    fn cas(&self, current: u64, new: u64, success: Ordering, failure: Ordering)
    -> Result<u64, u64>;
    /// A memory fence.
    fn fence(&self, o: Ordering);
    /// One step of waiting (a pause hint, a yield).
    fn relax(&self, spins: u32);
    /// Whether process `pid` may still be running. `pid == 0` (unknown) is always alive.
    fn alive(&self, pid: u32) -> bool;
    /// The id this process records as writer (0 where it cannot be told).
    fn me(&self) -> u32;
}

/// Why a record could not be read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The record has been odd, its writer `pid` has exited.
    DeadWriter(u32),
    /// The record is whole but was torn by process `pid` and not rewritten.
    Torn(u32),
    /// The record is being written (only from the `try_` operations).
    Busy(u32),
}

/// What a writer holds between [`begin_write`] and [`end_write`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WriteTicket {
    /// The odd word this writer stored.
    pub(crate) odd: u64,
    /// The word before (even).
    pub(crate) before: u64,
    /// Whether the record is torn (a dead writer's leftovers), with the dead pid.
    pub(crate) torn_by: Option<u32>,
}

/// Takes the write side: waits for an even word (or an odd one whose writer is dead)
/// and swaps it for an odd one naming this process. `max_checks` bounds the liveness
/// checks (`None`: wait as long as the writer is alive).
pub(crate) fn begin_write<E: SeqEnv>(
    env: &E,
    max_checks: Option<u32>,
) -> Result<WriteTicket, Refusal> {
    let me = env.me();
    let mut spins = 0u32;
    let mut checks = 0u32;
    // Relaxed: only a hint of the value the CAS below expects; the CAS carries the order.
    let mut w = env.load(Ordering::Relaxed);
    loop {
        let (new, torn_by) = if !is_odd(w) {
            let torn = w & TORN != 0;
            (next(w, me, torn), torn.then_some(pid_of(w)))
        } else {
            spins += 1;
            if spins % SPINS_BEFORE_CHECK == 0 {
                let pid = pid_of(w);
                if !env.alive(pid) {
                    // The writer died between its two stores: take the record over. It
                    // stays odd (now naming us) and TORN; the TORN bit remembers the
                    // dead pid through the ticket until a whole record is written.
                    let new = ((me as u64) << 32) | counter(w) | TORN;
                    // Acquire: as for a normal begin (see below).
                    match env.cas(w, new, Ordering::Acquire, Ordering::Relaxed) {
                        Ok(_) => {
                            // Release: the odd word is visible before our data stores.
                            env.fence(Ordering::Release);
                            return Ok(WriteTicket {
                                odd: new,
                                before: w,
                                torn_by: Some(pid),
                            });
                        }
                        Err(now) => {
                            w = now;
                            continue;
                        }
                    }
                }
                checks += 1;
                if max_checks.is_some_and(|m| checks >= m) {
                    return Err(Refusal::Busy(pid));
                }
            }
            env.relax(spins);
            w = env.load(Ordering::Relaxed);
            continue;
        };
        // Acquire (Boehm: the writer's lock acquisition): our data stores are ordered
        // after the previous writer's, whose release store we read.
        match env.cas(w, new, Ordering::Acquire, Ordering::Relaxed) {
            Ok(_) => {
                // Release fence: every data store below is ordered after the odd word,
                // so a reader that sees any of them then sees the word change.
                env.fence(Ordering::Release);
                return Ok(WriteTicket {
                    odd: new,
                    before: w,
                    torn_by,
                });
            }
            Err(now) => w = now,
        }
    }
}

/// Publishes the record: the next even word. `whole` says whether every field was
/// written (clears TORN); otherwise a torn record stays torn (naming the dead pid).
pub(crate) fn end_write<E: SeqEnv>(env: &E, t: &WriteTicket, whole: bool) {
    let w = match t.torn_by {
        Some(dead) if !whole => ((dead as u64) << 32) | ((counter(t.odd) + 1) & SEQ_MASK) | TORN,
        _ => next(t.odd, pid_of(t.odd), false),
    };
    // Release: publishes the data stores (and everything before them) to a reader's
    // acquiring load of this word and to the next writer's acquiring CAS.
    env.store(w, Ordering::Release);
}

/// One attempt at a consistent read: `copy` performs relaxed loads of the data.
/// `Ok(Some(word))` if the copy is whole (the even word it belongs to), `Ok(None)` if a
/// writer interfered (retry), `Err(odd word)` if the word was odd at the start.
#[inline]
pub(crate) fn try_read_once<E: SeqEnv>(
    env: &E,
    copy: &mut impl FnMut(),
) -> Result<Option<u64>, u64> {
    // Acquire: pairs with the writer's release store of this (even) word, so the data
    // loads below see that writer's stores or later ones.
    let s1 = env.load(Ordering::Acquire);
    if is_odd(s1) {
        return Err(s1);
    }
    copy();
    // Acquire fence: if any data load saw a later writer's store, that writer's odd CAS
    // happens-before the load below, which then cannot return `s1`.
    env.fence(Ordering::Acquire);
    // Relaxed: ordered by the fence above.
    let s2 = env.load(Ordering::Relaxed);
    Ok((s1 == s2).then_some(s1))
}

/// Reads until a whole copy is made. While the word stays odd, checks every
/// [`SPINS_BEFORE_CHECK`] attempts whether the writer is alive: a dead writer gives
/// [`Refusal::DeadWriter`]; a live one is waited for (as long as it lives, or
/// `max_checks` checks). A whole copy of a TORN record gives [`Refusal::Torn`] unless
/// `allow_torn`. Returns the even word of the copy.
pub(crate) fn read<E: SeqEnv>(
    env: &E,
    mut copy: impl FnMut(),
    allow_torn: bool,
    max_checks: Option<u32>,
) -> Result<u64, Refusal> {
    let mut spins = 0u32;
    let mut checks = 0u32;
    loop {
        match try_read_once(env, &mut copy) {
            Ok(Some(w)) => {
                if w & TORN != 0 && !allow_torn {
                    return Err(Refusal::Torn(pid_of(w)));
                }
                return Ok(w);
            }
            Ok(None) => {}
            Err(odd) => {
                spins += 1;
                if spins % SPINS_BEFORE_CHECK == 0 {
                    let pid = pid_of(odd);
                    if !env.alive(pid) {
                        return Err(Refusal::DeadWriter(pid));
                    }
                    checks += 1;
                    if max_checks.is_some_and(|m| checks >= m) {
                        return Err(Refusal::Busy(pid));
                    }
                }
            }
        }
        env.relax(spins);
    }
}
