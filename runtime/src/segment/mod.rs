//! Segments: files mapped into memory that processes create, open and share safely.
//!
//! This layer owns the file: its format, its creation and opening, its mapping, and the
//! handles over it. It may use the layers above it: `cell` (values and kinds), `view`
//! ([`Region`](crate::Region), the dynamic API), `layout` (the [`Layout`](crate::Layout)
//! trait and descriptors) and the crate's error vocabulary (`error.rs`); never `atom`.
//!
//! Segments are unix-only (`O_NOFOLLOW`, `pread`, `MAP_SHARED` through `memmap2`):
//! `lib.rs` compiles this module on unix targets only and refuses the `shm` feature
//! elsewhere with a `compile_error!`.
//!
//! | file | owns |
//! |---|---|
//! | `format.rs` | [`MAGIC`], [`FORMAT_VERSION`], [`READY`], [`FIXED_HEADER`], [`PAYLOAD_ALIGN`], the [`SegmentHeader`] struct (every offset asserted) and the file image |
//! | `create.rs` | building a segment in a temporary file, publishing it with its ready word and a hard link; the `open_or_create` race |
//! | `open.rs` | opening without following links, reading and checking header and descriptor, comparing layouts |
//! | `mapping.rs` | the `MAP_SHARED` mapping every handle holds, and its payload [`Region`](crate::Region) |
//! | `typed.rs` | [`Segment<L>`], read-write, dereferencing to `&L` |
//! | `readonly.rs` | [`ReadOnlySegment<L>`], mapped `PROT_READ`, write-free loads only |
//! | `raw.rs` | [`RawSegment`], any segment through the dynamic API |
//! | `options.rs` | [`SegmentOptions`]: mode and initial contents |
//! | `info.rs` | [`SegmentInfo`]: the parsed header |
//! | `paths.rs` | [`default_dir`], [`checked_default_dir`] (the per-user directory) and [`resolve_path`] |
//! | `owner.rs` | [`Trust`]: which owners and modes the openers accept, checked on the descriptor |
//! | `tmp.rs` | temporary file names, [`temporary_files`] and [`remove_leftovers`] |
//! | `error.rs` | [`SegmentError`] and [`SegmentErrorKind`] |
//!
//! # Opening
//!
//! [`Segment::open`] refuses, with a [`SegmentError`] naming the file: symlinks
//! (`O_NOFOLLOW`), non-regular files, files too short for a header, foreign files (bad
//! magic), other format versions or byte orders, a missing ready word, truncated files,
//! malformed descriptors, and another layout (listing the fields that differ).
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
//!
//! A mapped file can still be truncated by another process after it was opened; access
//! then raises `SIGBUS`, as with any shared mapping. Do not truncate live segments.

mod create;
mod error;
mod format;
mod info;
mod mapping;
mod open;
mod options;
mod owner;
mod paths;
mod raw;
mod readonly;
mod tmp;
mod typed;

pub use error::{SegmentError, SegmentErrorKind};
pub use format::{FIXED_HEADER, FORMAT_VERSION, MAGIC, PAYLOAD_ALIGN, READY, SegmentHeader};
pub use info::SegmentInfo;
pub use options::SegmentOptions;
pub use owner::Trust;
pub use paths::{checked_default_dir, default_dir, resolve_path};
pub use raw::RawSegment;
pub use readonly::ReadOnlySegment;
pub use tmp::{TempFile, remove_leftovers, temporary_files};
pub use typed::Segment;
