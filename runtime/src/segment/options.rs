//! [`SegmentOptions`]: how to create a segment (file mode, initial contents) and which
//! existing files to accept when opening one (owner and mode, through [`Trust`]).

use std::path::Path;

use super::error::{SegmentError, SegmentErrorKind};
use super::owner::Trust;
use super::paths::resolve_checked;
use super::readonly::ReadOnlySegment;
use super::typed::Segment;
use crate::error::Error;
use crate::layout::Layout;

/// Options for creating a segment (file mode, initial contents) and for opening one
/// (which owners and modes to accept beyond this user's own, owner-only-writable files).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Segment;
///
/// #[atomic_layout]
/// pub struct Config { pub limit: u32 }
///
/// let dir = tempfile::tempdir()?;
/// let mut init = ConfigSnapshot::default();
/// init.limit = 100;
/// let seg = Segment::<Config>::options().mode(0o644).initial(&init).create(dir.path().join("config"))?;
/// assert_eq!(seg.limit().load(), 100);
/// // Only permission bits: a setuid mode is an error, not a setuid file.
/// assert!(Segment::<Config>::options().mode(0o4777).create(dir.path().join("suid")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SegmentOptions<'a, L: Layout> {
    pub(super) mode: u32,
    pub(super) initial: Option<&'a L::Snapshot>,
    pub(super) trust: Trust,
}

impl<'a, L: Layout> SegmentOptions<'a, L> {
    /// The file mode of a created segment (default 0600: only this user), less the
    /// umask. Only the permission bits 0o777 are accepted: `create` and
    /// `open_or_create` refuse others ([`SegmentErrorKind::InvalidMode`]). A mode that
    /// lets group or others write makes openers refuse the file unless they opt in
    /// ([`allow_group_write`](Self::allow_group_write)).
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }

    /// The initial contents (default: all zero).
    pub fn initial(mut self, snapshot: &'a L::Snapshot) -> Self {
        self.initial = Some(snapshot);
        self
    }

    /// When opening, also accept a file owned by user `uid` (see [`Trust`]).
    pub fn allow_owner(mut self, uid: u32) -> Self {
        self.trust = self.trust.allow_owner(uid);
        self
    }

    /// When opening, accept a file that its group may write (see [`Trust`]).
    pub fn allow_group_write(mut self) -> Self {
        self.trust = self.trust.allow_group_write();
        self
    }

    /// When opening, accept a file that every user may write (see [`Trust`]).
    pub fn allow_other_write(mut self) -> Self {
        self.trust = self.trust.allow_other_write();
        self
    }

    /// When opening, accept the owners and modes `trust` allows, replacing earlier
    /// `allow_*` calls.
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// Creates the segment; fails with `AlreadyExists` if the file exists.
    pub fn create(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        let path = resolve_checked(path.as_ref())?;
        self.check_mode(&path)?;
        Segment::create_impl(&path, self.mode, self.initial)
    }

    /// Opens the segment, or creates it with these options if it does not exist; of
    /// many processes racing, exactly one creates it.
    pub fn open_or_create(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        let path = resolve_checked(path.as_ref())?;
        self.check_mode(&path)?;
        Segment::open_or_create_impl(&path, self.mode, self.initial, &self.trust)
    }

    /// Opens an existing segment read-write, accepting the owners and modes allowed
    /// here (mode and initial contents do not apply).
    pub fn open(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        Segment::open_impl(path.as_ref(), &self.trust)
    }

    /// Opens an existing segment read-only, accepting the owners and modes allowed here.
    pub fn open_readonly(self, path: impl AsRef<Path>) -> Result<ReadOnlySegment<L>, Error> {
        ReadOnlySegment::open_with(path.as_ref(), &self.trust)
    }

    fn check_mode(&self, path: &Path) -> Result<(), Error> {
        if self.mode & !0o777 != 0 {
            return Err(SegmentError::make(
                path,
                SegmentErrorKind::InvalidMode { mode: self.mode },
            ));
        }
        Ok(())
    }
}

/// The constructors of [`Segment`] that go through [`SegmentOptions`], here so that
/// `typed.rs` does not import this file (options use the handle, not the reverse).
impl<L: Layout> Segment<L> {
    /// Options for creating a segment (mode, initial contents).
    pub fn options<'a>() -> SegmentOptions<'a, L> {
        SegmentOptions {
            mode: 0o600,
            initial: None,
            trust: Trust::new(),
        }
    }

    /// Creates a zeroed segment at `path` (a bare name goes under [`default_dir`](crate::default_dir));
    /// `AlreadyExists` if the file exists. Every check that can refuse the segment runs
    /// before it is linked to `path`, so a refused creation leaves no file there.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::options().create(path)
    }

    /// Opens an existing segment holding an `L`, with every check of the module docs. A
    /// file owned by another user, or writable by group or others, is refused: opt in
    /// with [`Segment::options`] ([`allow_owner`](SegmentOptions::allow_owner), ...).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::options().open(path)
    }

    /// Opens the segment, or creates a zeroed one if it does not exist.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::options().open_or_create(path)
    }
}
