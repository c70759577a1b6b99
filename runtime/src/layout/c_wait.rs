//! The C text of waiting and notifying, emitted once per translation unit by every
//! generated header (`c_header()`): `static inline` functions on 32-bit fields and
//! `Event` fields, so C and C++ peers wait and notify alongside Rust processes.
//!
//! Linux: the shared futex system call (`FUTEX_WAIT` / `FUTEX_WAKE` without the private
//! flag), exactly what `Atomic::wait` does. Elsewhere: polling (sleeps doubling from
//! 50 µs to 1 ms), which needs POSIX `nanosleep` and `clock_gettime` declared (compile
//! with `-std=gnu11` or define `_POSIX_C_SOURCE=200809L`) and wakes nobody: a C
//! poller still sees every change, and a Rust waiter on a native platform is not woken
//! by a C notifier there (macOS, FreeBSD: use Rust's wait or poll on both sides).

/// The wait and notify helpers (C11 and C++; strict `-std=c11 -Wall -Wextra` clean).
pub(crate) const WAIT_HELPER: &str = r#"#ifndef SHM_ATOMICS_WAIT_HELPER_DEFINED
#define SHM_ATOMICS_WAIT_HELPER_DEFINED
#include <time.h>
/* Waiting across processes on 32-bit fields and Event fields (as Rust's
 * Atomic::wait / Event). `word` is the field's address (`&s->ready`).
 * shm_atomics_wait_u32 blocks while *word == expected, for at most timeout_ns
 * nanoseconds (negative: no limit), absorbing spurious wake-ups, and returns
 * SHM_ATOMICS_WAIT_CHANGED (the value already differed), _NOTIFIED (it blocked, then
 * saw a change) or _TIMED_OUT. shm_atomics_notify_u32 wakes one (all == 0) or every
 * waiter and returns how many were woken (Linux) or -1 (unknown). Change the value
 * before notifying.
 * An Event is a generation counter: notify with shm_atomics_event_notify(&s->ready, all)
 * after updating the data; wait for a condition with
 *     for (;;) { uint32_t g = shm_atomics_event_generation(&s->ready);
 *                if (condition) break;
 *                if (shm_atomics_wait_u32(&s->ready, g, timeout_ns) == SHM_ATOMICS_WAIT_TIMED_OUT) break; }
 * (read the generation, then the data, then sleep only while the generation is
 * unchanged: no notification is lost).
 * Linux: the shared futex (FUTEX_WAIT/FUTEX_WAKE without FUTEX_PRIVATE_FLAG).
 * Elsewhere: polling with sleeps from 50 us to 1 ms; needs POSIX nanosleep and
 * clock_gettime (-std=gnu11 or _POSIX_C_SOURCE=200809L); notifying wakes nobody. */
#define SHM_ATOMICS_WAIT_CHANGED 0
#define SHM_ATOMICS_WAIT_NOTIFIED 1
#define SHM_ATOMICS_WAIT_TIMED_OUT 2
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#ifndef __cplusplus
/* Hidden by strict -std=c11; a compatible redeclaration otherwise. */
extern long syscall(long number, ...);
#endif
static inline void shm_atomics_monotonic_(struct timespec *t) {
    syscall(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, t);
}
#else
static inline void shm_atomics_monotonic_(struct timespec *t) {
    clock_gettime(CLOCK_MONOTONIC, t);
}
#endif
static inline uint32_t shm_atomics_load_u32_(void *word) {
    return __atomic_load_n((uint32_t *)word, __ATOMIC_ACQUIRE);
}
static inline int shm_atomics_wait_u32(void *word, uint32_t expected, int64_t timeout_ns) {
    struct timespec deadline = {0, 0}, now, left;
#ifndef __linux__
    long nap_ns = 50000;
#endif
    if (shm_atomics_load_u32_(word) != expected) return SHM_ATOMICS_WAIT_CHANGED;
    if (timeout_ns >= 0) {
        shm_atomics_monotonic_(&deadline);
        deadline.tv_sec += (time_t)(timeout_ns / 1000000000);
        deadline.tv_nsec += (long)(timeout_ns % 1000000000);
        if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec += 1; deadline.tv_nsec -= 1000000000L; }
    }
    for (;;) {
        struct timespec *limit = NULL;
        if (timeout_ns >= 0) {
            /* Recomputed from the fixed deadline: an early return never extends the wait. */
            shm_atomics_monotonic_(&now);
            left.tv_sec = deadline.tv_sec - now.tv_sec;
            left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
            if (left.tv_nsec < 0) { left.tv_sec -= 1; left.tv_nsec += 1000000000L; }
            if (left.tv_sec < 0 || (left.tv_sec == 0 && left.tv_nsec == 0)) return SHM_ATOMICS_WAIT_TIMED_OUT;
            limit = &left;
        }
#ifdef __linux__
        syscall(SYS_futex, word, 0 /* FUTEX_WAIT */, expected, limit, (void *)0, 0);
#else
        {
            struct timespec nap = {0, nap_ns};
            if (limit != NULL && limit->tv_sec == 0 && limit->tv_nsec < nap_ns) nap = *limit;
            nanosleep(&nap, NULL);
            if (nap_ns < 1000000L) nap_ns *= 2;
        }
#endif
        if (shm_atomics_load_u32_(word) != expected) return SHM_ATOMICS_WAIT_NOTIFIED;
    }
}
static inline int shm_atomics_notify_u32(void *word, int all) {
#ifdef __linux__
    return (int)syscall(SYS_futex, word, 1 /* FUTEX_WAKE */, all ? 0x7fffffff : 1, (void *)0, (void *)0, 0);
#else
    (void)word;
    (void)all;
    return -1;
#endif
}
static inline uint32_t shm_atomics_event_generation(void *event) {
    return shm_atomics_load_u32_(event);
}
/* Increments the generation (release: the data written before is visible to the
 * waiters' conditions), then wakes one (all == 0) or every waiter. */
static inline int shm_atomics_event_notify(void *event, int all) {
    __atomic_fetch_add((uint32_t *)event, 1u, __ATOMIC_RELEASE);
    return shm_atomics_notify_u32(event, all);
}
#endif
"#;
