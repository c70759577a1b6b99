//! [`Atom<T>`]: Clojure-style atoms for in-process shared state (feature `atom`).
//!
//! An atom holds an immutable value behind an [`Arc`]; it changes by replacing that `Arc`
//! as a whole, with a compare-and-swap on the pointer ([`arc_swap::ArcSwap`]). Readers
//! ([`Atom::deref`]) never take a lock and never wait for writers; writers
//! ([`Atom::swap`], [`Atom::reset`], [`Atom::compare_and_set`]) retry their update
//! function when another writer got in first, exactly like Clojure's `swap!`.
//!
//! Validators and watches live in a second `ArcSwap`, replaced as a whole when one is
//! added or removed, so neither reading nor writing the value ever takes a lock.
//!
//! An atom lives in one process: it holds pointers, so it can never go into shared
//! memory. For state shared between processes, declare an `#[atomic_layout]` and map it
//! with a segment.

use core::fmt;
use core::ops::Deref;

use std::panic::{AssertUnwindSafe, RefUnwindSafe, UnwindSafe, catch_unwind};
use std::string::String;
use std::sync::Arc;
use std::vec::Vec;

use arc_swap::{ArcSwap, Guard};

/// A validator: `true` accepts a candidate value.
type ValidatorFn<T> = dyn Fn(&T) -> bool + Send + Sync;
/// A watch: called with its key, the old value and the new value.
type WatchFn<T> = dyn Fn(&str, &T, &T) + Send + Sync;

/// The validator and watches of an atom. Immutable once published: changing one builds a
/// new `Meta` (cloning only `Arc`s) and swaps it in.
struct Meta<T> {
    validator: Option<Arc<ValidatorFn<T>>>,
    watches: Vec<(Arc<str>, Arc<WatchFn<T>>)>,
}

impl<T> Meta<T> {
    const fn empty() -> Self {
        Self {
            validator: None,
            watches: Vec::new(),
        }
    }

    fn accepts(&self, v: &T) -> bool {
        self.validator.as_ref().is_none_or(|f| f(v))
    }

    /// Calls every watch once, in the order they were added. A panicking watch is caught
    /// here, so the others still run and the caller's change stands.
    fn notify(&self, old: &T, new: &T) {
        for (key, watch) in &self.watches {
            // The panic hook has already reported the panic (on stderr by default) when
            // it unwinds to here; its payload is dropped.
            let _ = catch_unwind(AssertUnwindSafe(|| watch(key, old, new)));
        }
    }
}

impl<T> Clone for Meta<T> {
    fn clone(&self) -> Self {
        Self {
            validator: self.validator.clone(),
            watches: self.watches.clone(),
        }
    }
}

/// A validator refused a value, so it was not installed: the atom keeps the value it
/// had and no watch was called.
///
/// This is a separate type rather than a variant of [`Error`](crate::Error): `Error`
/// describes refusals of the memory-level API (widths, alignment, orders), all `Copy` and
/// `no_std`, while a rejected atom value is a refusal by the caller's own validator. Code
/// that handles both can box them as `std::error::Error`.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{Atom, ValidationError};
///
/// let stock = Atom::with_validator(3u32, |n| *n <= 10)?;
/// let err = stock.swap(|n| n + 20).unwrap_err();
/// assert_eq!(err, ValidationError { op: "swap" });
/// assert_eq!(*stock.deref(), 3);
/// println!("{err}");
/// # Ok::<(), ValidationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValidationError {
    /// The operation whose value was refused: `"with_validator"` (the initial value),
    /// `"set_validator"` (the new validator refuses the current value), `"swap"`,
    /// `"swap_vals"`, `"reset"` or `"reset_vals"`.
    pub op: &'static str,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            "with_validator" => f.write_str(
                "the validator rejects the initial value: no atom was created; pass an initial \
                 value the validator accepts",
            ),
            "set_validator" => f.write_str(
                "the new validator rejects the atom's current value: it was not installed and \
                 the old validator (if any) stays; change the value first or relax the validator",
            ),
            op @ ("reset" | "reset_vals") => write!(
                f,
                "the atom's validator rejected the value passed to {op}: nothing was installed, \
                 the atom keeps its value and no watch was called; pass a value the validator \
                 accepts, or change the validator (Atom::set_validator)"
            ),
            op => write!(
                f,
                "the atom's validator rejected the value computed by {op}: nothing was \
                 installed, the atom keeps its value and no watch was called; check the update \
                 function or the validator (Atom::set_validator)"
            ),
        }
    }
}

impl core::error::Error for ValidationError {}

/// A cheap, lock-free read of an atom's value, returned by [`Atom::deref`]. Derefs to `T`.
///
/// It borrows a thread-local slot of arc-swap when one is free (no reference-count
/// traffic); keep it for a short while, as a local variable, and convert it with
/// [`AtomGuard::into_arc`] to keep the value longer or to send it to another thread.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::Atom;
///
/// let names = Atom::new(vec!["ada"]);
/// let g = names.deref();
/// assert_eq!(g.len(), 1);
/// let kept = g.into_arc();
/// names.swap(|v| [v.as_slice(), &["grace"]].concat())?;
/// assert_eq!(*kept, ["ada"]); // the old value, unchanged
/// # Ok::<(), shm_atomics::ValidationError>(())
/// ```
pub struct AtomGuard<T>(Guard<Arc<T>>);

impl<T> AtomGuard<T> {
    /// The value as an owned `Arc` (one reference-count increment if the guard borrowed a
    /// slot).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(5);
    /// let v: std::sync::Arc<i32> = a.deref().into_arc();
    /// assert_eq!(*v, 5);
    /// ```
    pub fn into_arc(self) -> Arc<T> {
        Guard::into_inner(self.0)
    }

    /// The `Arc` behind the guard, e.g. for [`Atom::compare_and_set`].
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(5);
    /// let g = a.deref();
    /// assert!(a.compare_and_set(g.as_arc(), 6));
    /// ```
    pub fn as_arc(&self) -> &Arc<T> {
        &self.0
    }
}

impl<T> Deref for AtomGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for AtomGuard<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for AtomGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for AtomGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// A Clojure atom: shared, synchronous, independent state for threads of one process.
///
/// The value is immutable and replaced whole: [`swap`](Self::swap) computes the next value
/// from the current one and installs it with a compare-and-swap, retrying when another
/// thread changed the atom in between. **The update function may therefore run more than
/// once per call under contention** (as in Clojure): keep it free of side effects and
/// put effects in a [watch](Self::add_watch).
///
/// - Reads ([`deref`](Self::deref)) never lock and never wait: arc-swap's load is a few
///   atomic operations on a thread-local debt slot.
/// - A [validator](Self::set_validator) refuses values: a refused value is never
///   installed and the call returns [`ValidationError`].
/// - [Watches](Self::add_watch) are called once per successful change, after it is
///   installed, on the thread that made it.
///
/// Nothing here takes a lock, so nothing can be poisoned: a panic in the update
/// function or a validator unwinds out of the call with the atom unchanged, and a panic
/// in a watch is caught.
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use std::collections::BTreeSet;
/// use shm_atomics::Atom;
///
/// #[derive(Clone, Default)]
/// struct Chat { conns: u32, clients: BTreeSet<String> }
///
/// let state = Atom::new(Chat::default());
/// std::thread::scope(|s| {
///     for i in 0..4 {
///         let state = &state;
///         s.spawn(move || {
///             state.swap(|c| {
///                 let mut c = c.clone();
///                 c.conns += 1;
///                 c.clients.insert(format!("client-{i}"));
///                 c
///             })
///         });
///     }
/// });
/// assert_eq!(state.deref().conns, 4);
/// assert_eq!(state.deref().clients.len(), 4);
/// ```
pub struct Atom<T> {
    value: ArcSwap<T>,
    meta: ArcSwap<Meta<T>>,
}

impl<T: Send + Sync + 'static> Atom<T> {
    /// An atom holding `v`, with no validator and no watches.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(String::from("hello"));
    /// assert_eq!(*a.deref(), "hello");
    /// ```
    pub fn new(v: T) -> Self {
        Self {
            value: ArcSwap::from_pointee(v),
            meta: ArcSwap::from_pointee(Meta::empty()),
        }
    }

    /// An atom holding `v` with validator `f` (`true` accepts). `v` must pass too, or this
    /// returns [`ValidationError`] with `op == "with_validator"`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atom;
    ///
    /// let a = Atom::with_validator(1i64, |n| *n >= 0)?;
    /// assert!(a.reset(-1).is_err());
    /// assert!(Atom::with_validator(-1i64, |n| *n >= 0).is_err());
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn with_validator<F>(v: T, f: F) -> Result<Self, ValidationError>
    where
        F: Fn(&T) -> bool + Send + Sync + 'static,
    {
        if !f(&v) {
            return Err(ValidationError {
                op: "with_validator",
            });
        }
        Ok(Self {
            value: ArcSwap::from_pointee(v),
            meta: ArcSwap::from_pointee(Meta {
                validator: Some(Arc::new(f)),
                watches: Vec::new(),
            }),
        })
    }

    /// The current value, without a lock and without waiting for writers.
    ///
    /// Cost: an arc-swap load, a few atomic operations; the guard may hold one of the
    /// thread's few debt slots until dropped (past them, a load costs a reference-count
    /// increment). The value it shows does not change under it: a later change installs
    /// a new value and leaves this one alive while anyone holds it.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(vec![1, 2, 3]);
    /// let v = a.deref();
    /// a.reset(vec![])?;
    /// assert_eq!(*v, [1, 2, 3]);
    /// assert!(a.deref().is_empty());
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn deref(&self) -> AtomGuard<T> {
        AtomGuard(self.value.load())
    }

    /// The current value as an owned `Arc` (a [`deref`](Self::deref) plus one
    /// reference-count increment), to keep or send to another thread.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(7u8);
    /// let v = a.deref_arc();
    /// std::thread::spawn(move || assert_eq!(*v, 7)).join().unwrap();
    /// ```
    pub fn deref_arc(&self) -> Arc<T> {
        self.value.load_full()
    }

    /// Replaces the value with `f(&value)` and returns the new value (Clojure's
    /// `swap!`). When another thread changes the atom while `f` runs, `f` runs again on
    /// the newer value: **`f` may run more than once**, so keep side effects out of it.
    /// Returns [`ValidationError`] (and changes nothing) if the validator refuses the
    /// value `f` computed. Watches run after the new value is installed.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let hits = shm_atomics::Atom::new(0u64);
    /// assert_eq!(*hits.swap(|n| n + 1)?, 1);
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn swap<F>(&self, f: F) -> Result<Arc<T>, ValidationError>
    where
        F: FnMut(&T) -> T,
    {
        self.update(f, "swap").map(|(_, new)| new)
    }

    /// Like [`swap`](Self::swap), returning `(old, new)`: the value `f` was applied to and
    /// the value installed (Clojure's `swap-vals!`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(2);
    /// let (old, new) = a.swap_vals(|n| n * 10)?;
    /// assert_eq!((*old, *new), (2, 20));
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn swap_vals<F>(&self, f: F) -> Result<(Arc<T>, Arc<T>), ValidationError>
    where
        F: FnMut(&T) -> T,
    {
        self.update(f, "swap_vals")
    }

    fn update<F>(&self, mut f: F, op: &'static str) -> Result<(Arc<T>, Arc<T>), ValidationError>
    where
        F: FnMut(&T) -> T,
    {
        let mut cur = self.value.load_full();
        loop {
            let new = Arc::new(f(&cur));
            let meta = self.meta.load();
            if !meta.accepts(&new) {
                return Err(ValidationError { op });
            }
            let prev = self.value.compare_and_swap(&cur, Arc::clone(&new));
            if Arc::ptr_eq(&prev, &cur) {
                meta.notify(&cur, &new);
                return Ok((cur, new));
            }
            // Another writer got in first: run `f` again on what it installed.
            cur = Guard::into_inner(prev);
        }
    }

    /// Sets the value to `v` whatever it was, and returns it (Clojure's `reset!`).
    /// Returns [`ValidationError`] (and changes nothing) if the validator refuses `v`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new("idle");
    /// assert_eq!(*a.reset("busy")?, "busy");
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn reset(&self, v: T) -> Result<Arc<T>, ValidationError> {
        self.install(v, "reset").map(|(_, new)| new)
    }

    /// Like [`reset`](Self::reset), returning `(old, new)` (Clojure's `reset-vals!`).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(1);
    /// let (old, new) = a.reset_vals(2)?;
    /// assert_eq!((*old, *new), (1, 2));
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn reset_vals(&self, v: T) -> Result<(Arc<T>, Arc<T>), ValidationError> {
        self.install(v, "reset_vals")
    }

    fn install(&self, v: T, op: &'static str) -> Result<(Arc<T>, Arc<T>), ValidationError> {
        let meta = self.meta.load();
        if !meta.accepts(&v) {
            return Err(ValidationError { op });
        }
        let new = Arc::new(v);
        let old = self.value.swap(Arc::clone(&new));
        meta.notify(&old, &new);
        Ok((old, new))
    }

    /// Sets the value to `new` if the atom still holds `current` itself (the same `Arc`,
    /// compared with [`Arc::ptr_eq`], as Clojure's `compare-and-set!` compares by
    /// identity). Returns whether it did; `false` also when the validator refuses `new`.
    /// Watches run on success.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(String::from("a"));
    /// let seen = a.deref_arc();
    /// assert!(a.compare_and_set(&seen, "b".into()));
    /// // `seen` is no longer the value, even though an equal string might be.
    /// assert!(!a.compare_and_set(&seen, "c".into()));
    /// assert_eq!(*a.deref(), "b");
    /// ```
    pub fn compare_and_set(&self, current: &Arc<T>, new: T) -> bool {
        let meta = self.meta.load();
        if !meta.accepts(&new) {
            return false;
        }
        let new = Arc::new(new);
        let prev = self.value.compare_and_swap(current, Arc::clone(&new));
        if Arc::ptr_eq(&prev, current) {
            meta.notify(current, &new);
            true
        } else {
            false
        }
    }

    /// Sets the value to `new` if the atom holds a value equal to `current` (as
    /// atomos' `Atom.compare_and_set` and Java's `AtomicReference` on values compare).
    /// Returns whether it did; `false` also when the validator refuses `new`. Watches run
    /// on success.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(String::from("a"));
    /// assert!(a.compare_and_set_value(&"a".to_string(), "b".into()));
    /// assert!(!a.compare_and_set_value(&"a".to_string(), "c".into()));
    /// assert_eq!(*a.deref(), "b");
    /// ```
    pub fn compare_and_set_value(&self, current: &T, new: T) -> bool
    where
        T: PartialEq,
    {
        let meta = self.meta.load();
        if !meta.accepts(&new) {
            return false;
        }
        let new = Arc::new(new);
        let mut cur = self.value.load_full();
        loop {
            if *cur != *current {
                return false;
            }
            let prev = self.value.compare_and_swap(&cur, Arc::clone(&new));
            if Arc::ptr_eq(&prev, &cur) {
                meta.notify(&cur, &new);
                return true;
            }
            // Replaced by another writer, possibly with an equal value: look again.
            cur = Guard::into_inner(prev);
        }
    }

    /// Installs validator `f` (`Some`) or removes it (`None`; see also
    /// [`clear_validator`](Self::clear_validator)). A new validator must accept the
    /// current value, or it is not installed and this returns [`ValidationError`] with
    /// `op == "set_validator"`.
    ///
    /// From then on every value is checked before it is installed. As in Clojure, a
    /// write already in flight may still be checked by the previous validator.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(5i32);
    /// a.set_validator(Some(|n: &i32| *n > 0))?;
    /// assert!(a.reset(0).is_err());
    /// assert!(a.set_validator(Some(|n: &i32| *n > 10)).is_err());
    /// assert_eq!(*a.deref(), 5);
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn set_validator<F>(&self, f: Option<F>) -> Result<(), ValidationError>
    where
        F: Fn(&T) -> bool + Send + Sync + 'static,
    {
        let validator: Option<Arc<ValidatorFn<T>>> = match f {
            Some(f) => {
                if !f(&self.value.load()) {
                    return Err(ValidationError {
                        op: "set_validator",
                    });
                }
                Some(Arc::new(f))
            }
            None => None,
        };
        self.meta.rcu(|m| Meta {
            validator: validator.clone(),
            watches: m.watches.clone(),
        });
        Ok(())
    }

    /// Removes the validator, if any.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::with_validator(1u8, |n| *n == 1)?;
    /// a.clear_validator();
    /// assert_eq!(*a.reset(2)?, 2);
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn clear_validator(&self) {
        self.meta.rcu(|m| Meta {
            validator: None,
            watches: m.watches.clone(),
        });
    }

    /// Whether a validator is installed.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(0);
    /// assert!(!a.has_validator());
    /// ```
    pub fn has_validator(&self) -> bool {
        self.meta.load().validator.is_some()
    }

    /// Adds watch `f` under `key`, replacing the watch with that key if there is one
    /// (returns `true` then). Watches are called in the order they were added.
    ///
    /// `f(key, old, new)` is called once per successful change, after the new value is
    /// installed, on the thread that made the change; calls from different threads may
    /// run at the same time and out of order, but each `(old, new)` pair is one step of
    /// the atom's history. A watch may read or change the atom itself.
    ///
    /// A watch that panics does not stop the others or undo the change: the panic is
    /// reported by the panic hook (on stderr by default), then caught and dropped, and
    /// the change's call returns normally. (With `panic = "abort"` the process aborts, as
    /// for any panic.)
    ///
    /// A watch added or removed while a change is in flight may or may not see it.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use std::sync::{Arc, Mutex};
    /// let log = Arc::new(Mutex::new(Vec::new()));
    /// let a = shm_atomics::Atom::new(0);
    /// let l = Arc::clone(&log);
    /// a.add_watch("log", move |_key, old: &i32, new: &i32| {
    ///     l.lock().unwrap().push((*old, *new));
    /// });
    /// a.swap(|n| n + 1)?;
    /// a.reset(10)?;
    /// assert_eq!(*log.lock().unwrap(), [(0, 1), (1, 10)]);
    /// # Ok::<(), shm_atomics::ValidationError>(())
    /// ```
    pub fn add_watch<K, F>(&self, key: K, f: F) -> bool
    where
        K: Into<Arc<str>>,
        F: Fn(&str, &T, &T) + Send + Sync + 'static,
    {
        let key: Arc<str> = key.into();
        let watch: Arc<WatchFn<T>> = Arc::new(f);
        let mut replaced = false;
        self.meta.rcu(|m| {
            let mut m = Meta::clone(m);
            replaced = false;
            match m.watches.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => {
                    slot.1 = Arc::clone(&watch);
                    replaced = true;
                }
                None => m.watches.push((Arc::clone(&key), Arc::clone(&watch))),
            }
            m
        });
        replaced
    }

    /// Removes the watch with this key; returns whether there was one.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(0);
    /// a.add_watch("w", |_, _, _| {});
    /// assert!(a.remove_watch("w"));
    /// assert!(!a.remove_watch("w"));
    /// ```
    pub fn remove_watch(&self, key: &str) -> bool {
        let mut removed = false;
        self.meta.rcu(|m| {
            let mut m = Meta::clone(m);
            let before = m.watches.len();
            m.watches.retain(|(k, _)| &**k != key);
            removed = m.watches.len() != before;
            m
        });
        removed
    }

    /// The keys of the watches, in the order they were added.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// let a = shm_atomics::Atom::new(0);
    /// a.add_watch("b", |_, _, _| {});
    /// a.add_watch("a", |_, _, _| {});
    /// assert_eq!(a.watch_keys(), ["b", "a"]);
    /// ```
    pub fn watch_keys(&self) -> Vec<String> {
        self.meta
            .load()
            .watches
            .iter()
            .map(|(k, _)| String::from(&**k))
            .collect()
    }
}

// An atom is never left half-changed: a panic in an update function or a validator
// unwinds before anything is installed, a panicking watch is caught, and there is no lock
// to poison. So a `&Atom` may cross `catch_unwind` whenever `&T` may (the values inside
// are only ever shared as `&T`). The boxed validator and watches are not `RefUnwindSafe`
// by themselves, hence these impls.
impl<T: RefUnwindSafe> UnwindSafe for Atom<T> {}
impl<T: RefUnwindSafe> RefUnwindSafe for Atom<T> {}

impl<T: Send + Sync + 'static + Default> Default for Atom<T> {
    /// An atom holding `T::default()`.
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Send + Sync + 'static> From<T> for Atom<T> {
    /// An atom holding `v` ([`Atom::new`]).
    fn from(v: T) -> Self {
        Self::new(v)
    }
}

impl<T: fmt::Debug> fmt::Debug for Atom<T> {
    /// The current value, whether a validator is set, and the watch keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let meta = self.meta.load();
        let keys: Vec<&str> = meta.watches.iter().map(|(k, _)| &**k).collect();
        f.debug_struct("Atom")
            .field("value", &**self.value.load())
            .field("validator", &meta.validator.is_some())
            .field("watches", &keys)
            .finish()
    }
}
