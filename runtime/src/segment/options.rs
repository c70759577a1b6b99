//! [`SegmentOptions`]: how to create a segment (file mode, initial contents).

use std::path::Path;

use super::paths::resolve_path;
use super::typed::Segment;
use crate::error::Error;
use crate::layout::Layout;

/// Options for creating a segment: file mode and initial contents.
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
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SegmentOptions<'a, L: Layout> {
    pub(super) mode: u32,
    pub(super) initial: Option<&'a L::Snapshot>,
}

impl<'a, L: Layout> SegmentOptions<'a, L> {
    /// The file mode of a created segment (default 0600: only this user).
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }

    /// The initial contents (default: all zero).
    pub fn initial(mut self, snapshot: &'a L::Snapshot) -> Self {
        self.initial = Some(snapshot);
        self
    }

    /// Creates the segment; fails with `AlreadyExists` if the file exists.
    pub fn create(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        Segment::create_impl(&resolve_path(path), self.mode, self.initial)
    }

    /// Opens the segment, or creates it with these options if it does not exist; of
    /// many processes racing, exactly one creates it.
    pub fn open_or_create(self, path: impl AsRef<Path>) -> Result<Segment<L>, Error> {
        Segment::open_or_create_impl(&resolve_path(path), self.mode, self.initial)
    }
}
