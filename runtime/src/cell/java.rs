//! Java-style names on [`Atomic<T>`], a port aid for users of atomos (and of
//! `java.util.concurrent.atomic`): `get`, `set`, `get_and_set`, `compare_and_set`, and for
//! numbers `add_and_get`, `get_and_add`, `subtract_and_get`, `get_and_subtract`.
//!
//! Each is a thin alias of an operation under the reference design's name (`load`,
//! `store`, `exchange`, `cmpxchg_strong`, `fetch_add`, ...), `SeqCst` like them. Prefer
//! those names in new code; these exist so that ported code reads like the original.

use crate::cell::atomic::Atomic;
use crate::cell::value::{Arithmetic, Value};

impl<T: Value> Atomic<T> {
    /// Java's `get`: the value ([`load`](Self::load)).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let counter = Atomic::<i32>::new(0); // atomos: AtomicInteger()
    /// assert_eq!(counter.get(), 0);
    /// ```
    #[inline]
    pub fn get(&self) -> T {
        self.load()
    }

    /// Java's `set`: stores `v` ([`store`](Self::store)). Unlike atomos' `set`, it
    /// returns nothing: the caller already has `v`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let flag = Atomic::new(false); // atomos: AtomicBoolean()
    /// flag.set(true);
    /// assert!(flag.get());
    /// ```
    #[inline]
    pub fn set(&self, v: T) {
        self.store(v)
    }

    /// Java's `getAndSet`: stores `v` and returns the previous value
    /// ([`exchange`](Self::exchange)).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let a = Atomic::new(1i64);
    /// assert_eq!(a.get_and_set(2), 1);
    /// assert_eq!(a.get(), 2);
    /// ```
    #[inline]
    pub fn get_and_set(&self, v: T) -> T {
        self.exchange(v)
    }

    /// Java's `compareAndSet`: stores `update` if the value is `expect`, and says whether
    /// it did ([`cmpxchg_strong`](Self::cmpxchg_strong)`.success`; never fails
    /// spuriously). Values compare as stored: floats by their bits (so `-0.0` is not
    /// `0.0`, and a NaN matches the same NaN), `bool` any non-zero byte as `true`.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let a = Atomic::new(5u32);
    /// assert!(a.compare_and_set(5, 6));
    /// assert!(!a.compare_and_set(5, 7));
    /// assert_eq!(a.get(), 6);
    /// ```
    #[inline]
    pub fn compare_and_set(&self, expect: T, update: T) -> bool {
        self.cmpxchg_strong(expect, update).success
    }
}

/// Java's number methods: wrapping for integers (Java's `int` and `long` wrap too), IEEE
/// for floats.
impl<T: Arithmetic> Atomic<T> {
    /// Java's `addAndGet`: adds `delta` (wrapping) and returns the new value.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let counter = Atomic::<i32>::new(0);
    /// assert_eq!(counter.add_and_get(1), 1);
    /// assert_eq!(Atomic::new(i32::MAX).add_and_get(1), i32::MIN);
    /// assert_eq!(Atomic::new(0.5f64).add_and_get(0.25), 0.75);
    /// ```
    #[inline]
    pub fn add_and_get(&self, delta: T) -> T {
        let old = self.fetch_add(delta);
        added(old, delta)
    }

    /// Java's `getAndAdd`: adds `delta` (wrapping) and returns the previous value
    /// ([`fetch_add`](Self::fetch_add)).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let a = Atomic::new(10u8);
    /// assert_eq!(a.get_and_add(250), 10);
    /// assert_eq!(a.get(), 4);
    /// ```
    #[inline]
    pub fn get_and_add(&self, delta: T) -> T {
        self.fetch_add(delta)
    }

    /// Java's `addAndGet(-delta)`, atomos' `subtract_and_get`: subtracts `delta`
    /// (wrapping) and returns the new value.
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let a = Atomic::new(0u64);
    /// assert_eq!(a.subtract_and_get(1), u64::MAX);
    /// assert_eq!(Atomic::new(1.0f32).subtract_and_get(0.5), 0.5);
    /// ```
    #[inline]
    pub fn subtract_and_get(&self, delta: T) -> T {
        let old = self.fetch_sub(delta);
        subtracted(old, delta)
    }

    /// Java's `getAndAdd(-delta)`, atomos' `get_and_subtract`: subtracts `delta`
    /// (wrapping) and returns the previous value ([`fetch_sub`](Self::fetch_sub)).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::Atomic;
    /// let a = Atomic::new(-5i16);
    /// assert_eq!(a.get_and_subtract(5), -5);
    /// assert_eq!(a.get(), -10);
    /// ```
    #[inline]
    pub fn get_and_subtract(&self, delta: T) -> T {
        self.fetch_sub(delta)
    }
}

/// `old + delta` exactly as the atomic add computed it (wrapping for integers, IEEE for
/// floats): the same operation, applied to a private cell that no other thread sees.
#[inline]
fn added<T: Arithmetic>(old: T, delta: T) -> T {
    let local = Atomic::new(old);
    local.add(delta);
    local.into_inner()
}

/// `old - delta` exactly as the atomic subtraction computed it.
#[inline]
fn subtracted<T: Arithmetic>(old: T, delta: T) -> T {
    let local = Atomic::new(old);
    local.sub(delta);
    local.into_inner()
}
