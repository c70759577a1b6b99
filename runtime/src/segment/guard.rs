//! The truncation guard: a process-wide `SIGBUS` handler that keeps a process alive when
//! another process shrinks a segment file it has mapped.
//!
//! # The problem
//!
//! A `MAP_SHARED` mapping of a file stays as long as it was when it was made, but the
//! file does not: any process allowed to write it can `ftruncate` it. Touching a page of
//! the mapping that now lies wholly beyond the end of the file raises `SIGBUS`, whose
//! default action kills the process. Bytes beyond the end inside the last page read as
//! zeros and raise nothing.
//!
//! # The design
//!
//! - Every [`Mapping`](super::mapping::Mapping) registers its address range in [`SLOTS`],
//!   a fixed table of [`MAX_GUARDED`] slots that the handler reaches through atomics
//!   only, and unregisters it when dropped, before `munmap`.
//! - The first registration installs [`on_sigbus`] once (`std::sync::Once`), with
//!   `SA_SIGINFO | SA_ONSTACK`, after saving the previous action of `SIGBUS`.
//! - For a fault inside a registered range, the handler maps anonymous zero pages
//!   (`MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS`, with the mapping's protection) from the
//!   faulting page to the end of the range, marks the slot lost and returns: the faulting
//!   instruction runs again on the zero page and succeeds. Pages after the faulting one
//!   lie beyond the end of the file too (it ends before the faulting page), so nothing
//!   still backed by the file is replaced.
//! - Any other `SIGBUS` goes to the previous action: its handler is called; if it was
//!   the default action, the handler restores it and returns (a fault then happens again
//!   and kills the process with `SIGBUS` as before, with its core dump) or, for a signal
//!   sent with `kill`, raises it again.
//! - [`is_lost`] tells [`Mapping::check_file`](super::mapping::Mapping::check_file) that the slot
//!   was repaired; `check` also compares the file's length with the mapping, which
//!   catches a shrink inside the last page.
//!
//! # Why the handler is async-signal-safe
//!
//! It allocates nothing and takes no lock: it reads the slot table and the saved action
//! through atomics and a value written once before the handler was installed, and calls
//! only `mmap`, `sigaction` and `raise`. `sigaction` and `raise` are on POSIX's list of
//! async-signal-safe functions; `mmap` is not listed, but on Linux (glibc and musl) and
//! the BSDs it is a thin wrapper around the system call, which takes no user-space lock
//! and touches no user-space state except `errno` (saved and restored here). Replacing
//! pages from a fault handler is what garbage collectors (Boehm GC's `mprotect` in its
//! `SIGSEGV` handler) and Rust std's stack-overflow handler (which resets the action and
//! returns to re-fault, as done here for foreign faults) rely on as well.
//!
//! # The slot protocol (a seqlock per slot)
//!
//! A slot's `seq` is even when stable and odd while its owner writes it; `len == 0` marks
//! a free slot. `register` claims a free slot by moving `seq` from even to odd with a
//! compare-exchange, writes `start`, `len`, `prot` and `lost`, then publishes with a
//! release store of the next even value; `unregister` does the same to clear it. The
//! handler reads `seq` (acquire), skips odd slots, reads the fields, and trusts them only
//! if `seq` is unchanged after an acquire fence. A slot being written cannot be the one
//! that faulted: a handle registers its mapping before anything can touch it, and
//! unregisters only when dropped, when no borrow of it (and so no access) remains.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering, fence};
use std::sync::Once;

/// How many mappings one process can have guarded at once. A mapping beyond that is
/// refused (see [`register`]); each mapping also holds a file descriptor, so the file
/// descriptor limit (often 1024) usually binds first.
pub(crate) const MAX_GUARDED: usize = 4096;

/// One registered mapping.
struct Slot {
    /// Even when stable, odd while the owner writes the other fields.
    seq: AtomicUsize,
    /// The first byte of the mapping (page-aligned, as `mmap` returns it).
    start: AtomicUsize,
    /// The mapping's length in bytes; 0 when the slot is free.
    len: AtomicUsize,
    /// `PROT_READ`, or `PROT_READ | PROT_WRITE`.
    prot: AtomicU32,
    /// 0, or the lowest address from which the handler mapped zero pages over this
    /// mapping (then the mapping is lost). A new fault at or above it is not a
    /// truncation (those pages are anonymous now) and is passed on, so the handler
    /// never loops.
    repaired: AtomicUsize,
    /// Faults taken in pages already repaired (see [`RETRIES`]).
    retries: AtomicU32,
}

impl Slot {
    const fn free() -> Slot {
        Slot {
            seq: AtomicUsize::new(0),
            start: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
            prot: AtomicU32::new(0),
            repaired: AtomicUsize::new(0),
            retries: AtomicU32::new(0),
        }
    }
}

/// The registered mappings.
static SLOTS: [Slot; MAX_GUARDED] = [const { Slot::free() }; MAX_GUARDED];

/// One past the highest slot ever claimed: the handler scans only `SLOTS[..HIGH]`.
static HIGH: AtomicUsize = AtomicUsize::new(0);

/// The page size, stored before the handler is installed.
static PAGE: AtomicUsize = AtomicUsize::new(0);

static INSTALL: Once = Once::new();

/// The action of `SIGBUS` before ours: written once by [`install`] before our handler is
/// installed, read only by the handler afterwards.
struct SavedAction(core::cell::UnsafeCell<core::mem::MaybeUninit<libc::sigaction>>);

// SAFETY: the cell is written exactly once, inside `INSTALL.call_once`, before
// `sigaction` installs the handler that reads it; `PREV_SAVED` (release store after the
// write, acquire load before every read) orders the write before every read, and nothing
// writes it afterwards, so there is never a concurrent write.
unsafe impl Sync for SavedAction {}

static PREV: SavedAction =
    SavedAction(core::cell::UnsafeCell::new(core::mem::MaybeUninit::uninit()));
static PREV_SAVED: AtomicBool = AtomicBool::new(false);

/// A registered mapping: unregister it (with [`unregister`]) before unmapping.
#[derive(Debug)]
pub(crate) struct Registration {
    slot: usize,
}

/// The table is full: the caller refuses the mapping.
#[derive(Debug)]
pub(crate) struct TableFull;

/// Registers the mapping `[start, start + len)` (protection `prot`), installing the
/// handler first if this is the first registration of the process.
///
/// Returns `Err(TableFull)` when [`MAX_GUARDED`] mappings are registered: the caller
/// refuses to hand out an unguarded mapping rather than silently leaving it unguarded.
pub(crate) fn register(
    start: usize,
    len: usize,
    writable: bool,
) -> Result<Registration, TableFull> {
    INSTALL.call_once(install);
    let prot = if writable {
        libc::PROT_READ | libc::PROT_WRITE
    } else {
        libc::PROT_READ
    };
    for (i, slot) in SLOTS.iter().enumerate() {
        let seq = slot.seq.load(Ordering::Acquire);
        if seq % 2 == 1 || slot.len.load(Ordering::Relaxed) != 0 {
            continue;
        }
        if slot
            .seq
            .compare_exchange(seq, seq + 1, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            continue;
        }
        // We own the slot (seq odd). Its `len` is 0: whoever freed it wrote 0 before
        // publishing the even `seq` we acquired. The fence orders the odd `seq` before
        // the writes below for a handler reading the slot (the seqlock writer's side).
        fence(Ordering::Release);
        slot.start.store(start, Ordering::Relaxed);
        slot.len.store(len, Ordering::Relaxed);
        slot.prot.store(prot as u32, Ordering::Relaxed);
        slot.repaired.store(0, Ordering::Relaxed);
        slot.retries.store(0, Ordering::Relaxed);
        HIGH.fetch_max(i + 1, Ordering::Release);
        slot.seq.store(seq + 2, Ordering::Release);
        return Ok(Registration { slot: i });
    }
    Err(TableFull)
}

/// Removes a registration: call it before the mapping is unmapped.
pub(crate) fn unregister(r: &Registration) {
    let slot = &SLOTS[r.slot];
    // Only the owner writes a live slot, so a plain increment makes it odd.
    let seq = slot.seq.fetch_add(1, Ordering::Acquire);
    fence(Ordering::Release);
    slot.len.store(0, Ordering::Relaxed);
    slot.start.store(0, Ordering::Relaxed);
    slot.repaired.store(0, Ordering::Relaxed);
    slot.seq.store(seq + 2, Ordering::Release);
}

/// Whether the handler replaced part of this mapping with zero pages.
pub(crate) fn is_lost(r: &Registration) -> bool {
    SLOTS[r.slot].repaired.load(Ordering::Acquire) != 0
}

/// Saves the previous action of `SIGBUS`, then installs [`on_sigbus`].
fn install() {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    PAGE.store(usize::try_from(page).unwrap_or(4096), Ordering::Relaxed);

    // SAFETY: reading the current action (a null new action) into the cell, which no one
    // reads yet (`PREV_SAVED` is false); see `SavedAction`.
    let r = unsafe {
        libc::sigaction(
            libc::SIGBUS,
            core::ptr::null(),
            PREV.0.get().cast::<libc::sigaction>(),
        )
    };
    if r != 0 {
        // Cannot happen for SIGBUS; without the previous action, do not install.
        return;
    }
    PREV_SAVED.store(true, Ordering::Release);

    // SAFETY: an all-zero `sigaction` is a valid value (empty mask, no flags).
    let mut act: libc::sigaction = unsafe { core::mem::zeroed() };
    act.sa_sigaction = on_sigbus as *const () as libc::sighandler_t;
    act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
    // SAFETY: `act.sa_mask` is a valid sigset_t owned by this frame.
    unsafe { libc::sigemptyset(&mut act.sa_mask) };
    // SAFETY: `act` is a fully initialized action whose handler has the SA_SIGINFO
    // signature; the old action is not needed (it was saved above). `sigaction` fails
    // only for an invalid signal or action (EINVAL), which these are not.
    unsafe { libc::sigaction(libc::SIGBUS, &act, core::ptr::null_mut()) };
}

/// What the handler does about a fault at some address.
enum Fault {
    /// Not inside a registered mapping: pass it on.
    Foreign,
    /// Inside a registered mapping, in pages still backed by the file: map zero pages
    /// over `[from, to)` with protection `prot`.
    Repair {
        slot: &'static Slot,
        from: usize,
        to: usize,
        prot: i32,
    },
    /// Inside pages already replaced: a fault raised before another thread repaired
    /// them (return, the access then succeeds) or, after [`RETRIES`] such faults,
    /// a fault with another cause (pass it on).
    Repaired,
}

/// How many faults a slot may take in pages it already replaced before further ones are
/// passed on: enough for every thread that faulted on a page before it was repaired,
/// and a bound for a fault that zero pages do not cure, so the handler never loops.
const RETRIES: u32 = 4096;

/// Where `addr` lies in the registered mappings.
fn find(addr: usize) -> Fault {
    let page = PAGE.load(Ordering::Relaxed).max(1);
    let high = HIGH.load(Ordering::Acquire).min(MAX_GUARDED);
    for slot in &SLOTS[..high] {
        let s1 = slot.seq.load(Ordering::Acquire);
        if s1 % 2 == 1 {
            continue;
        }
        let start = slot.start.load(Ordering::Relaxed);
        let len = slot.len.load(Ordering::Relaxed);
        let prot = slot.prot.load(Ordering::Relaxed) as i32;
        fence(Ordering::Acquire);
        if slot.seq.load(Ordering::Relaxed) != s1 || len == 0 {
            continue;
        }
        let end = start
            .saturating_add(len)
            .div_ceil(page)
            .saturating_mul(page);
        if addr < start || addr >= end {
            continue;
        }
        let repaired = slot.repaired.load(Ordering::Acquire);
        if repaired != 0 && addr >= repaired {
            let n = slot.retries.fetch_add(1, Ordering::Relaxed);
            return if n < RETRIES {
                Fault::Repaired
            } else {
                Fault::Foreign
            };
        }
        let from = addr - addr % page;
        // Pages from `repaired` on are zero pages already (and may hold writes since).
        let to = if repaired != 0 { repaired } else { end };
        return Fault::Repair {
            slot,
            from,
            to,
            prot,
        };
    }
    Fault::Foreign
}

/// The address of the calling thread's `errno`, where the platform names it.
fn errno_ptr() -> Option<*mut libc::c_int> {
    #[cfg(any(target_os = "linux", target_os = "dragonfly"))]
    // SAFETY: returns the calling thread's errno address; no preconditions.
    return Some(unsafe { libc::__errno_location() });
    #[cfg(any(target_os = "android", target_os = "netbsd", target_os = "openbsd"))]
    // SAFETY: as above.
    return Some(unsafe { libc::__errno() });
    #[cfg(any(target_vendor = "apple", target_os = "freebsd"))]
    // SAFETY: as above.
    return Some(unsafe { libc::__error() });
    #[allow(unreachable_code)]
    None
}

/// The `SIGBUS` handler: repairs a fault inside a registered mapping, passes any other on.
extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let errno = errno_ptr();
    // SAFETY: `errno_ptr` returns the calling thread's errno, valid for the thread's life.
    let saved = errno.map(|p| unsafe { *p });
    // SAFETY: the kernel passes a valid siginfo_t for a handler installed with SA_SIGINFO,
    // alive while the handler runs.
    let info_ref = unsafe { &*info };
    let code = info_ref.si_code;
    // A fault (not a signal sent with `kill`, whose `si_addr` means nothing) that is not
    // a misaligned access (which zero pages would not cure).
    let fault = code > 0 && code != libc::BUS_ADRALN;
    let addr = if fault {
        // SAFETY: for a fault, the union member `si_addr` is the one the kernel set.
        (unsafe { info_ref.si_addr() }) as usize
    } else {
        0
    };
    let what = if fault { find(addr) } else { Fault::Foreign };
    let handled = match what {
        Fault::Foreign => false,
        Fault::Repaired => true,
        Fault::Repair {
            slot,
            from,
            to,
            prot,
        } => {
            // SAFETY: [from, to) lies inside a registered mapping that is live (its
            // handle cannot unregister and unmap it while an access through it is
            // faulting); `from` is page-aligned and below `to`, a page boundary.
            // Replacing those pages with anonymous ones invalidates no reference: the
            // payload is reached only through raw pointers and atomics.
            let p = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    to - from,
                    prot,
                    libc::MAP_FIXED | libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                // Lower the repaired mark to `from` (pages below it are still the file's).
                let _ = slot
                    .repaired
                    .fetch_update(Ordering::Release, Ordering::Relaxed, |r| {
                        (r == 0 || from < r).then_some(from)
                    });
            }
            p != libc::MAP_FAILED
        }
    };
    if !handled {
        // SAFETY: `info` and `ctx` are the kernel's, passed on unchanged.
        unsafe { chain(sig, info, ctx) };
    }
    if let (Some(p), Some(v)) = (errno, saved) {
        // SAFETY: the calling thread's errno, as read above.
        unsafe { *p = v };
    }
}
/// Passes a fault that is not ours to the action `SIGBUS` had before ours.
///
/// # Safety
///
/// 1. Called only from [`on_sigbus`], with the arguments the kernel passed it.
unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel's siginfo_t (precondition 1).
    let user_sent = unsafe { (*info).si_code } <= 0;
    let handler = if PREV_SAVED.load(Ordering::Acquire) {
        // SAFETY: written once before our handler was installed, ordered by PREV_SAVED.
        // (`MaybeUninit<T>` has the layout of `T`; `sigaction` initialized it.)
        let prev = unsafe { &*PREV.0.get().cast::<libc::sigaction>() };
        Some((prev.sa_sigaction, prev.sa_flags))
    } else {
        None
    };
    match handler {
        Some((h, _)) if h == libc::SIG_IGN => {
            if !user_sent {
                // The kernel never lets a fault be ignored: it would have killed.
                die(user_sent);
            }
        }
        Some((h, flags)) if h != libc::SIG_DFL => {
            if flags & libc::SA_SIGINFO != 0 {
                // SAFETY: the previous action was installed with SA_SIGINFO, so `h` is a
                // three-argument handler; called with the kernel's arguments.
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    unsafe { core::mem::transmute(h) };
                f(sig, info, ctx);
            } else {
                // SAFETY: without SA_SIGINFO, `h` is a one-argument handler.
                let f: extern "C" fn(libc::c_int) = unsafe { core::mem::transmute(h) };
                f(sig);
            }
        }
        _ => die(user_sent),
    }
}

/// Restores the default action; a fault then happens again when the handler returns and
/// kills the process with `SIGBUS`; a signal sent by `kill` is raised again.
fn die(user_sent: bool) {
    // SAFETY: an all-zero action with SIG_DFL (0) is valid.
    let mut act: libc::sigaction = unsafe { core::mem::zeroed() };
    act.sa_sigaction = libc::SIG_DFL;
    // SAFETY: a valid action; sigaction is async-signal-safe.
    unsafe { libc::sigaction(libc::SIGBUS, &act, core::ptr::null_mut()) };
    if user_sent {
        // SAFETY: raise is async-signal-safe; SIGBUS is blocked while the handler runs,
        // so it is delivered (with the default action) when the handler returns.
        unsafe { libc::raise(libc::SIGBUS) };
    }
}
