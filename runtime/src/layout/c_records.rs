//! The C side of `Seq` records and `Striped` counters in the generated header: the
//! record wrapper struct (the sequence word, then the record's struct) with `static
//! inline` read and write functions following the protocol of `fields/protocol.rs`
//! (same bits, same orders, the dead-writer check by `kill(pid, 0)`), and the striped
//! cell struct with `static inline` sum and add.
//!
//! The functions use the GCC/Clang `__atomic` builtins, which implement C11's
//! `atomic_*_explicit` and `atomic_thread_fence` with the same memory orders and compile
//! unchanged as C and as C++ (where the fields are `std::atomic<T>`, whose representation
//! is the plain integer's on these compilers).

use std::fmt::Write as _;
use std::format;
use std::string::String;
use std::vec::Vec;

use crate::cell::value::Kind;
use crate::layout::FieldType;
use crate::layout::descriptor::{FieldTypeBuf, LayoutDescBuf};

/// Whether `d` (at any depth) has a `Seq` or `Striped` field: the header then carries
/// [`HELPER`].
pub(crate) fn uses_records(d: &LayoutDescBuf) -> bool {
    d.fields.iter().any(|f| match &f.ty {
        FieldTypeBuf::Seq(_) | FieldTypeBuf::Striped { .. } => true,
        FieldTypeBuf::Layout(n) => uses_records(n),
        _ => false,
    })
}

/// The most runs (stretches of equal values) a record's copy loops may have; a record
/// with more gets no C functions (a comment says so), so that a hostile descriptor cannot
/// make the header huge.
const MAX_RUNS: usize = 4096;

/// `(offset, width, count, stride)` stretches of values of the record `d`, or `None` if
/// there are too many or a value is 16 bytes wide (C has no lock-free 16-byte load
/// guaranteed by the compiler: `__atomic_load_n` on `__int128` may take a lock).
fn runs(d: &LayoutDescBuf, base: usize, out: &mut Vec<[usize; 4]>) -> Option<()> {
    for f in &d.fields {
        let n = f.array_len.unwrap_or(1);
        let size = f.ty.size();
        match &f.ty {
            FieldTypeBuf::Value { width, .. } => {
                if *width == 16 {
                    return None;
                }
                out.push([base + f.offset, *width, n, *width]);
            }
            FieldTypeBuf::Event => out.push([base + f.offset, 4, n, 4]),
            FieldTypeBuf::Striped {
                width,
                cells,
                stride,
                ..
            } => {
                for i in 0..n {
                    out.push([base + f.offset + i * size, *width, *cells, *stride]);
                }
            }
            FieldTypeBuf::Layout(nd) => {
                for i in 0..n {
                    runs(nd, base + f.offset + i * size, out)?;
                    if out.len() > MAX_RUNS {
                        return None;
                    }
                }
            }
            FieldTypeBuf::Seq(nd) => {
                for i in 0..n {
                    out.push([base + f.offset + i * size, 8, 1, 8]);
                    let at = base + f.offset + i * size + FieldType::seq_record_offset(nd.align);
                    runs(nd, at, out)?;
                    if out.len() > MAX_RUNS {
                        return None;
                    }
                }
            }
        }
        if out.len() > MAX_RUNS {
            return None;
        }
    }
    Some(())
}

/// Declares `struct {rec}_seq` (guarded, once per translation unit) and its functions
/// `{lower}_seq_read`, `{lower}_seq_read_torn`, `{lower}_seq_write`. Returns the
/// wrapper's C name.
pub(crate) fn render_seq(h: &mut String, rec: &str, lower: &str, d: &LayoutDescBuf) -> String {
    let name = format!("{rec}_seq");
    let off = FieldType::seq_record_offset(d.align);
    let guard = format!("SHM_ATOMICS_SEQ_{rec}_{:016X}_DEFINED", d.fingerprint());
    let _ = writeln!(h, "#ifndef {guard}\n#define {guard}");
    let _ = writeln!(
        h,
        "/* A seqlock record of {rec}: the sequence word (bits 0-30 the sequence, odd while a\n \
* write is in progress; bit 31 torn; bits 32-63 the writer's pid), then the record. */\n\
typedef struct {name} {{\n    SHM_ATOMICS_ATOMIC(uint64_t) seq;\n    struct {rec} record;\n}} {name};\n\
SHM_ATOMICS_STATIC_ASSERT(offsetof(struct {name}, record) == {off}, \"{name}.record must be at offset {off}\");"
    );
    let mut rs = Vec::new();
    match runs(d, 0, &mut rs) {
        None => {
            let _ = writeln!(
                h,
                "/* No {lower}_seq_read/_write: the record has a 16-byte value (no lock-free\n \
* 16-byte load in portable C) or too many fields. */"
            );
        }
        Some(()) => {
            let _ = writeln!(
                h,
                "static const shm_atomics_run {lower}_seq_runs[{}] = {{",
                rs.len().max(1)
            );
            for [o, w, c, s] in &rs {
                let _ = writeln!(h, "    {{{o}u, {w}u, {c}u, {s}u}},");
            }
            let n = rs.len();
            let _ = writeln!(
                h,
                "}};\n\
/* A consistent copy of the record into *out: SHM_ATOMICS_SEQ_OK, or\n \
* SHM_ATOMICS_SEQ_DEAD_WRITER / SHM_ATOMICS_SEQ_TORN with *pid the process that died. */\n\
static inline int {lower}_seq_read(const struct {name} *s, struct {rec} *out, uint32_t *pid) {{\n    \
return shm_atomics_seq_read(&s->seq, (const unsigned char *)s + {off}, out, {lower}_seq_runs, {n}, 0, pid);\n}}\n\
/* As {lower}_seq_read, but copies a torn record too (returns SHM_ATOMICS_SEQ_TORN). */\n\
static inline int {lower}_seq_read_torn(const struct {name} *s, struct {rec} *out, uint32_t *pid) {{\n    \
return shm_atomics_seq_read(&s->seq, (const unsigned char *)s + {off}, out, {lower}_seq_runs, {n}, 1, pid);\n}}\n\
/* Publishes *in as the whole record (waits for a live writer, takes over a dead one's). */\n\
static inline void {lower}_seq_write(struct {name} *s, const struct {rec} *in) {{\n    \
shm_atomics_seq_write(&s->seq, (unsigned char *)s + {off}, in, {lower}_seq_runs, {n});\n}}"
            );
        }
    }
    let _ = writeln!(h, "#endif");
    name
}

/// The C name of a striped cell struct: `shm_atomics_striped_uint64_128`.
fn cell_name(ty: &str, stride: usize) -> String {
    format!("shm_atomics_striped_{}_{stride}", ty.trim_end_matches("_t"))
}

/// Declares the cell struct of a striped counter (guarded) with its `_sum` and `_add`
/// functions. Returns the cell's C name.
pub(crate) fn render_striped_cell(h: &mut String, ty: &str, kind: Kind, stride: usize) -> String {
    let name = cell_name(ty, stride);
    let guard = format!("{}_DEFINED", name.to_ascii_uppercase());
    let _ = kind;
    let _ = writeln!(
        h,
        "#ifndef {guard}\n#define {guard}\n\
/* One cell of a striped counter, alone in its {stride}-byte slot. */\n\
typedef struct {name} {{\n    SHM_ATOMICS_ALIGNAS({stride}) SHM_ATOMICS_ATOMIC({ty}) value;\n}} {name};\n\
SHM_ATOMICS_STATIC_ASSERT(sizeof(struct {name}) == {stride}, \"{name} must be {stride} bytes\");\n\
/* The wrapping sum of the n cells (relaxed loads: not an atomic snapshot, as Rust's\n \
* Striped::load). */\n\
static inline {ty} {name}_sum(const struct {name} *cells, size_t n) {{\n    \
{ty} sum = 0;\n    size_t i;\n    \
for (i = 0; i < n; i++) sum = ({ty})(sum + __atomic_load_n(({ty} *)&cells[i].value, __ATOMIC_RELAXED));\n    \
return sum;\n}}\n\
/* Adds v (relaxed) to the cell of the current CPU. */\n\
static inline void {name}_add(struct {name} *cells, size_t n, {ty} v) {{\n    \
(void)__atomic_fetch_add(({ty} *)&cells[shm_atomics_cell_index() % n].value, v, __ATOMIC_RELAXED);\n}}\n\
#endif"
    );
    name
}

/// The C type of a striped counter's cells.
pub(crate) fn striped_type(kind: Kind, width: usize) -> &'static str {
    match (kind, width) {
        (Kind::Int, 4) => "int32_t",
        (Kind::Int, 8) => "int64_t",
        (Kind::Int, 1) => "int8_t",
        (Kind::Int, 2) => "int16_t",
        (_, 1) => "uint8_t",
        (_, 2) => "uint16_t",
        (_, 4) => "uint32_t",
        _ => "uint64_t",
    }
}

/// The helpers every header with a record or a striped counter carries, once per
/// translation unit: the seqlock read and write of `fields/protocol.rs`, and the cell
/// index of a striped add.
pub(crate) const HELPER: &str = r#"#ifndef SHM_ATOMICS_RECORDS_HELPER_DEFINED
#define SHM_ATOMICS_RECORDS_HELPER_DEFINED
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>
#define SHM_ATOMICS_SEQ_OK 0
#define SHM_ATOMICS_SEQ_DEAD_WRITER 1
#define SHM_ATOMICS_SEQ_TORN 2
#define SHM_ATOMICS_SEQ_MASK UINT64_C(0x7fffffff)
#define SHM_ATOMICS_SEQ_TORN_BIT (UINT64_C(1) << 31)
#define SHM_ATOMICS_SEQ_SPINS 1024u
/* A stretch of `count` values of `width` bytes, `stride` bytes apart, at `offset` in a record. */
typedef struct shm_atomics_run { uint32_t offset, width, count, stride; } shm_atomics_run;
static inline void shm_atomics_seq_load(unsigned char *dst, const unsigned char *src,
                                        const shm_atomics_run *r, size_t n) {
    size_t i, k;
    for (i = 0; i < n; i++) {
        for (k = 0; k < r[i].count; k++) {
            size_t o = r[i].offset + k * r[i].stride;
            switch (r[i].width) {
            case 1: { uint8_t v = __atomic_load_n((const uint8_t *)(src + o), __ATOMIC_RELAXED); memcpy(dst + o, &v, 1); break; }
            case 2: { uint16_t v = __atomic_load_n((const uint16_t *)(src + o), __ATOMIC_RELAXED); memcpy(dst + o, &v, 2); break; }
            case 4: { uint32_t v = __atomic_load_n((const uint32_t *)(src + o), __ATOMIC_RELAXED); memcpy(dst + o, &v, 4); break; }
            default: { uint64_t v = __atomic_load_n((const uint64_t *)(src + o), __ATOMIC_RELAXED); memcpy(dst + o, &v, 8); break; }
            }
        }
    }
}
static inline void shm_atomics_seq_store(unsigned char *dst, const unsigned char *src,
                                         const shm_atomics_run *r, size_t n) {
    size_t i, k;
    for (i = 0; i < n; i++) {
        for (k = 0; k < r[i].count; k++) {
            size_t o = r[i].offset + k * r[i].stride;
            switch (r[i].width) {
            case 1: { uint8_t v; memcpy(&v, src + o, 1); __atomic_store_n((uint8_t *)(dst + o), v, __ATOMIC_RELAXED); break; }
            case 2: { uint16_t v; memcpy(&v, src + o, 2); __atomic_store_n((uint16_t *)(dst + o), v, __ATOMIC_RELAXED); break; }
            case 4: { uint32_t v; memcpy(&v, src + o, 4); __atomic_store_n((uint32_t *)(dst + o), v, __ATOMIC_RELAXED); break; }
            default: { uint64_t v; memcpy(&v, src + o, 8); __atomic_store_n((uint64_t *)(dst + o), v, __ATOMIC_RELAXED); break; }
            }
        }
    }
}
/* Whether process `pid` may be running (0: unknown, always). Same limits as Rust: pids
 * are reused, and every writer must share this process's pid namespace. */
static inline int shm_atomics_pid_alive(uint32_t pid) {
    if (pid == 0 || pid > (uint32_t)INT_MAX) return 1;
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}
static inline void shm_atomics_relax(unsigned spins) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (spins > 64u) sched_yield();
}
/* Reader: load(seq, acquire); relaxed loads of the data; fence(acquire); load(seq,
 * relaxed); whole iff both equal and even. Waits while the writer is alive. */
static inline int shm_atomics_seq_read(const void *seq_word, const unsigned char *rec, void *out,
                                       const shm_atomics_run *r, size_t n, int allow_torn,
                                       uint32_t *pid) {
    const uint64_t *seq = (const uint64_t *)seq_word;
    unsigned spins = 0;
    for (;;) {
        uint64_t s1 = __atomic_load_n(seq, __ATOMIC_ACQUIRE);
        if ((s1 & 1u) == 0) {
            uint64_t s2;
            shm_atomics_seq_load((unsigned char *)out, rec, r, n);
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            s2 = __atomic_load_n(seq, __ATOMIC_RELAXED);
            if (s1 == s2) {
                if (pid) *pid = (uint32_t)(s1 >> 32);
                if (s1 & SHM_ATOMICS_SEQ_TORN_BIT) return SHM_ATOMICS_SEQ_TORN;
                (void)allow_torn;
                return SHM_ATOMICS_SEQ_OK;
            }
        } else if (++spins % SHM_ATOMICS_SEQ_SPINS == 0u && !shm_atomics_pid_alive((uint32_t)(s1 >> 32))) {
            if (pid) *pid = (uint32_t)(s1 >> 32);
            return SHM_ATOMICS_SEQ_DEAD_WRITER;
        }
        shm_atomics_relax(spins);
    }
}
/* Writer: CAS(seq: even -> odd naming this pid, acquire) (or, after the spins, take over
 * an odd word whose writer is dead, marking it torn); fence(release); relaxed stores of
 * the data; store(seq: next even, torn cleared, release). */
static inline void shm_atomics_seq_write(void *seq_word, unsigned char *rec, const void *in,
                                         const shm_atomics_run *r, size_t n) {
    uint64_t *seq = (uint64_t *)seq_word;
    uint64_t me = (uint64_t)(uint32_t)getpid();
    unsigned spins = 0;
    uint64_t w = __atomic_load_n(seq, __ATOMIC_RELAXED), odd;
    for (;;) {
        if ((w & 1u) == 0) {
            odd = (me << 32) | (w & SHM_ATOMICS_SEQ_TORN_BIT) | (((w & SHM_ATOMICS_SEQ_MASK) + 1u) & SHM_ATOMICS_SEQ_MASK);
            if (__atomic_compare_exchange_n(seq, &w, odd, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) break;
            continue;
        }
        if (++spins % SHM_ATOMICS_SEQ_SPINS == 0u && !shm_atomics_pid_alive((uint32_t)(w >> 32))) {
            odd = (me << 32) | SHM_ATOMICS_SEQ_TORN_BIT | (w & SHM_ATOMICS_SEQ_MASK);
            if (__atomic_compare_exchange_n(seq, &w, odd, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) break;
            continue;
        }
        shm_atomics_relax(spins);
        w = __atomic_load_n(seq, __ATOMIC_RELAXED);
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    shm_atomics_seq_store(rec, (const unsigned char *)in, r, n);
    __atomic_store_n(seq, (me << 32) | (((odd & SHM_ATOMICS_SEQ_MASK) + 1u) & SHM_ATOMICS_SEQ_MASK), __ATOMIC_RELEASE);
}
/* The cell a striped add uses: the current CPU. */
#if defined(__linux__)
extern int sched_getcpu(void); /* glibc and musl; declared here: <sched.h> needs _GNU_SOURCE */
#endif
static inline size_t shm_atomics_cell_index(void) {
#if defined(__linux__)
    int cpu = sched_getcpu();
    if (cpu >= 0) return (size_t)cpu;
#endif
    return (size_t)getpid();
}
#endif
"#;
