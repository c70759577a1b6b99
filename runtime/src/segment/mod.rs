//! Segments: files mapped into memory that processes create, open and share safely.
//!
//! The file format is specified, normatively, in `docs/FORMAT.md` in the repository.
//!
//! This layer owns the file: its format, its creation and opening, its mapping, and the
//! handles over it. It may use the layers above it: `cell` (values and kinds), `view`
//! ([`Region`](crate::Region), the dynamic API), `layout` (the [`Layout`](crate::Layout)
//! trait and descriptors), `fields` (only `process`: the user id and the liveness rule)
//! and the crate's error vocabulary (`error.rs`); never `atom`.
//!
//! Segments are unix-only (`O_NOFOLLOW`, `pread`, `MAP_SHARED` through `memmap2`):
//! `lib.rs` compiles this module on unix targets only and refuses the `shm` feature
//! elsewhere with a `compile_error!`.
//!
//! | file | owns |
//! |---|---|
//! | `format.rs` | [`MAGIC`], [`FORMAT_VERSION`], [`READY`], [`FIXED_HEADER`], [`PAYLOAD_ALIGN`], the [`SegmentHeader`] struct (every offset asserted) and the file image |
//! | `create_raw.rs` | [`RawSegment::create`]: a segment from a descriptor built at run time, by the same protocol |
//! | `create.rs` | building a segment in a temporary file, publishing it with its ready word and a hard link |
//! | `open.rs` | opening without following links, reading and checking header (`SegmentHeader::check`) and descriptor, whether a layout fits a segment (`check_fits`), comparing layouts |
//! | `mapping.rs` | the `MAP_SHARED` mapping every handle holds, and its payload [`Region`](crate::Region); the one open sequence of every handle (`Mapping::open_checked`), the typed checks (`Mapping::holds`), and `check()`'s length and replacement checks |
//! | `guard.rs` | the truncation guard: the `SIGBUS` handler and its table of registered mappings |
//! | `typed.rs` | [`Segment<L>`], read-write, dereferencing to `&L`; `from_file`, `remove`, the `open_or_create` race |
//! | `readonly.rs` | [`ReadOnlySegment<L>`], mapped `PROT_READ`, write-free loads only |
//! | `raw.rs` | [`RawSegment`], any segment through the dynamic API |
//! | `options.rs` | [`SegmentOptions`]: mode and initial contents; the constructors of [`Segment`] that go through it (`options`, `create`, `open`, `open_or_create`) |
//! | `listing.rs` | [`list_segments`]: the segments in a directory, for every tool |
//! | `info.rs` | [`SegmentInfo`]: the parsed header |
//! | `paths.rs` | [`default_dir`], [`checked_default_dir`] (the per-user directory) and [`resolve_path`] |
//! | `owner.rs` | [`Trust`]: which owners and modes the openers accept, checked on the descriptor |
//! | `tmp.rs` | temporary file names, [`temporary_files`] and [`remove_leftovers`] |
//! | `handle.rs` | what every handle offers alike (`path`, `info`, `check`), written once |
//! | `error.rs` | [`SegmentError`], [`SegmentErrorKind`], and the opt-ins a trust refusal needs ([`TrustOption`]) |
//!
//! Files import each other in one direction, from the entry points down (a file uses only
//! files on its own line's right or below):
//!
//! - `options`, `create_raw`, `listing` (entry points) use
//! - `typed`, which uses `readonly` and `create`; `create_raw` and `listing` use `raw`;
//! - `typed`, `readonly` and `raw` use `handle` and `mapping`; `create` uses `mapping`,
//!   `open` and `tmp`;
//! - `mapping` uses `open`, `guard`, `paths`, `owner` and `info`;
//! - `open` uses `info`; `paths` uses `owner`; every file may use `error`, which uses
//!   only `format` (the constants its messages name); `format` uses no other file here.

//! # Fields by path
//!
//! [`RawSegment::field`] and [`ReadOnlySegment::load`] find a field (`net.rx`,
//! `slots[3].count`) by walking the stored descriptor along the path, computing the
//! offset arithmetically: the cost grows with the nesting depth and the fields per
//! layout, never with array lengths, and nothing is allocated per element. A file of a
//! few KiB on disk may be a sparse 1 GiB segment whose descriptor declares
//! `[bool; 1 << 30]`; looking up any of its fields costs the same as in a small one.
//! Tools that show every field walk the descriptor once, lazily
//! ([`LayoutDescBuf::leaves`](crate::LayoutDescBuf::leaves)), and view each leaf directly
//! ([`RawSegment::leaf_view`]); showing a billion fields still takes a billion steps.
//!
//! # Opening
//!
//! [`Segment::open`] refuses, with a [`SegmentError`] naming the file: symlinks
//! (`O_NOFOLLOW`), non-regular files, files too short for a header, foreign files (bad
//! magic), other format versions or byte orders, a missing ready word, truncated files,
//! malformed descriptors, and another layout (listing the fields that differ).
//!
//! # Creating
//!
//! [`Segment::create`] refuses a layout that no segment can hold before it makes any file
//! (16-byte fields without a lock-free 16-byte atomic, an alignment above
//! [`MAX_ALIGN`](crate::MAX_ALIGN), the page size, or a descriptor `open` would refuse), and
//! runs every check of `open` on the written temporary file before it links it to its
//! name: a refused creation leaves nothing at the path, so a retry gets the same error.
//! [`Segment::from_file`] refuses anything but a regular file or memfd (a pipe, socket,
//! device or directory: [`SegmentErrorKind::FileType`]) before writing, and writes an
//! empty file's image at offset 0 whatever its position.
//!
//! # Truncation while mapped
//!
//! Any process allowed to write a segment file can `ftruncate` it while others have it
//! mapped. With a plain shared mapping, touching a page that now lies wholly beyond the
//! end raises `SIGBUS` and kills the process; a shrink inside the last page raises
//! nothing and silently zeroes the fields past the end. The truncation guard
//! (`guard.rs`, where the protocol and its async-signal-safety argument are written out)
//! turns both into an error value:
//!
//! - Every handle's mapping is registered, for its lifetime, in a fixed lock-free table of
//!   4096 slots that the signal handler reads through atomics only; the first
//!   registration installs a process-wide `SIGBUS` handler (`SA_SIGINFO | SA_ONSTACK`),
//!   once, after saving the previous action.
//! - A fault inside a registered mapping gets anonymous zero pages mapped (`MAP_FIXED`,
//!   same protection) from the faulting page to the end of the mapping; the mapping is
//!   marked lost and the faulting instruction runs again and succeeds. Operations stay
//!   infallible: loads of the lost part see zeros, stores to it reach no other process.
//! - `check()` on [`Segment`], [`ReadOnlySegment`] and [`RawSegment`] reports the loss as
//!   [`SegmentErrorKind::Shrunk`]: it returns the handler's mark, and also compares the
//!   file's length now (`lstat` of the path while it names the mapped file, else `fstat`
//!   on the descriptor each handle keeps) with the mapping, which catches a shrink inside
//!   the last page. It also reports another file renamed over the
//!   path, or the path removed, as [`SegmentErrorKind::Replaced`] (`lstat` of the path,
//!   compared with the device and inode recorded at open). Every later `open` refuses the short file
//!   (`TooShort` or `Truncated`). The `shma` tool checks after every read or write.
//! - Any other `SIGBUS` (outside every segment, a misaligned access, one sent with
//!   `kill`) goes to the previous action: its handler is called (Rust std installs one,
//!   which restores the default action so the access faults again and the process dies
//!   by `SIGBUS` as before), or the default action is restored and the signal delivered.
//! - Cost: nothing on the operation path; one table write per open and drop, one `lstat`
//!   of the path per `check()` (plus an `fstat` when the path no longer names the mapped
//!   file), one file descriptor per handle.
//!
//! What is not guarded: a program that blocks `SIGBUS` in a thread (the kernel then
//! kills on a fault) or installs its own `SIGBUS` handler after the first segment was
//! mapped and does not chain to the previous one; more than 4096 mappings at once (the
//! next open is refused with [`SegmentErrorKind::TooManyMappings`] rather than mapped
//! unguarded); the temporary mapping `create` uses to publish the ready word of a file no
//! other process sees yet. The guard is built for every unix target but tested on Linux,
//! where `mmap` from a signal handler is a plain system call (see `guard.rs`).
//!
//! # Owners, modes and bare names
//!
//! The openers check the owner and mode of the opened descriptor (`fstat`): a file
//! owned by another user than this one or root ([`SegmentErrorKind::UntrustedOwner`]),
//! or writable by group or others ([`SegmentErrorKind::SharedWrite`]), is refused
//! unless the caller opts in through [`Trust`] ([`SegmentOptions::allow_owner`],
//! [`RawSegment::open_with`]). Bare names live in a per-user directory
//! ([`checked_default_dir`]) created 0700 and verified before each use, so another user
//! cannot plant a file at one or block it. A trusted owner can still change or truncate
//! its file; a path named explicitly in a directory others can write can still be taken
//! first by another user (it is then refused, not used).
//!
//! # Temporary files
//!
//! Creation writes `.shm-atomics.<pid>.<nanos>.tmp` under an exclusive `flock` and links
//! it into place; before that it removes (at most 64, looking at 4096 entries) this
//! user's temporary files in the directory whose creator is gone. See
//! [`temporary_files`] for the exact rule and its limits (pid reuse).

mod create;
mod create_raw;
mod error;
mod format;
mod guard;
mod handle;
mod info;
mod listing;
mod mapping;
mod open;
mod options;
mod owner;
mod paths;
mod raw;
mod readonly;
mod tmp;
mod typed;

pub use error::{SegmentError, SegmentErrorKind, TrustOption};
pub use format::{FIXED_HEADER, FORMAT_VERSION, MAGIC, PAYLOAD_ALIGN, READY, SegmentHeader};
pub use info::SegmentInfo;
pub use listing::{ListedSegment, list_segments};
pub use options::SegmentOptions;
pub use owner::Trust;
pub use paths::{checked_default_dir, default_dir, resolve_path};
pub use raw::RawSegment;
pub use readonly::ReadOnlySegment;
pub use tmp::{TempFile, remove_leftovers, temporary_files};
pub use typed::Segment;
