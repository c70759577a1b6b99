//! [`Segment<L>`]: the typed, read-write handle, which dereferences to `&L`.

use core::marker::PhantomData;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::create::{check_new, create_linked, write_image, zeroed_payload};
use super::error::{SegmentError, SegmentErrorKind, not_a_file};
use super::handle::mapped_handle_methods;
use super::mapping::{Access, Mapping};
use super::owner::Trust;
use super::paths::resolve_checked;
use super::readonly::ReadOnlySegment;
use crate::error::Error;
use crate::layout::{Layout, Plain};
use crate::view::region::Region;

/// A file-backed shared segment holding one `L`, mapped `MAP_SHARED` read-write.
///
/// It dereferences to `&L`, so fields are used directly: `seg.hits().inc()`. The
/// mapping is reached only through raw pointers and atomics (`MmapRaw`), never as
/// `&[u8]`. The file stays after the handle drops, until [`Segment::remove`].
///
/// # Truncation while mapped
///
/// Another process may shrink the file while this one has it mapped. On unix, a
/// process-wide `SIGBUS` handler, installed when the first segment is mapped, keeps the
/// process alive: an access beyond the new end gets zero pages instead of killing it, and
/// [`Segment::check`] (also on [`ReadOnlySegment`] and [`RawSegment`](crate::RawSegment))
/// reports [`SegmentErrorKind::Shrunk`]: since then,
/// values beyond the end read as zero and stores to them reach no other process; reopen
/// (which refuses the short file) or recreate the segment. Operations never fail because
/// of it, and cost nothing more: `check()` is the reporting point (one `lstat` of the path,
/// which also catches a shrink inside the last page that raises no signal, and a file
/// renamed over the path: [`SegmentErrorKind::Replaced`]). A `SIGBUS` outside every
/// segment goes to the handler that was installed before (Rust std's, which lets the
/// process die by it as before). Not guarded: threads that block `SIGBUS`, a `SIGBUS`
/// handler installed later that does not chain to the previous one, and mappings beyond
/// the 4096th of a process (that open is refused with
/// [`TooManyMappings`](crate::SegmentErrorKind::TooManyMappings)). Each handle keeps the
/// file open (one descriptor).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::Segment;
///
/// #[atomic_layout]
/// pub struct Counters {
///     pub hits: u64,
///     pub last: [u8; 16],
/// }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("counters");
/// let a = Segment::<Counters>::create(&path)?;
/// let b = Segment::<Counters>::open(&path)?; // another process would do the same
/// a.hits().add(2);
/// b.hits().inc();
/// assert_eq!(a.hits().load(), 3);
/// assert!(Segment::<Counters>::create(&path).is_err()); // exists
/// Segment::<Counters>::remove(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Segment<L: Layout> {
    pub(super) m: Mapping,
    pub(super) _layout: PhantomData<L>,
}

impl<L: Layout> Segment<L> {
    /// Opens `path` read-only: a handle that maps `PROT_READ` and only loads.
    pub fn open_readonly(path: impl AsRef<Path>) -> Result<ReadOnlySegment<L>, Error> {
        ReadOnlySegment::open(path)
    }

    /// Uses an open file (a memfd, a file from another API): an empty file is initialized
    /// as a zeroed segment in place; a non-empty one is checked like [`Segment::open`].
    /// The file must be open for reading and writing. Initialize an empty shared file
    /// from one process only (e.g. the one that called `memfd_create`), then pass it on:
    /// two processes initializing the same empty file at once would both write it. Named
    /// files get race-free creation from [`Segment::open_or_create`].
    ///
    /// Anything but a regular file or a memfd (a pipe, a socket, a character or block
    /// device, a directory) is refused with [`SegmentErrorKind::FileType`]
    /// before a byte is written, and the layout is checked as [`Segment::create`] checks
    /// it before an empty file is initialized. The image is written at offset 0
    /// (`pwrite`), whatever the file's position.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Error, Segment, SegmentErrorKind};
    ///
    /// #[atomic_layout]
    /// pub struct Hits { pub n: u64 }
    ///
    /// let seg = Segment::<Hits>::from_file(tempfile::tempfile()?)?; // an empty file
    /// seg.n().inc();
    ///
    /// let (socket, _peer) = std::os::unix::net::UnixStream::pair()?;
    /// let not_a_file = std::fs::File::from(std::os::fd::OwnedFd::from(socket));
    /// match Segment::<Hits>::from_file(not_a_file) {
    ///     Err(Error::Segment(e)) => assert_eq!(e.kind, SegmentErrorKind::FileType { found: "socket" }),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_file(file: File) -> Result<Self, Error> {
        let path = PathBuf::from("<file descriptor>");
        let meta = file
            .metadata()
            .map_err(|e| SegmentError::io(&path, "stat", e))?;
        // A memfd is a regular file (S_ISREG) on Linux.
        if let Some(found) = not_a_file(&meta.file_type()) {
            return Err(SegmentError::make(
                &path,
                SegmentErrorKind::FileType { found },
            ));
        }
        if meta.len() == 0 {
            let payload = zeroed_payload::<L>();
            let desc = check_new::<L>(&path, &payload)?;
            write_image::<L>(&file, &path, &desc, &payload)?;
        }
        // Given by descriptor: `check` has no path to compare the file with.
        let m = Mapping::from_file(&file, path, true)?.unnamed();
        m.holds::<L>()?;
        Ok(Self::from_mapping(m))
    }

    /// Removes the segment file (a bare name resolves under [`default_dir`](crate::default_dir)). Processes
    /// that have it mapped keep their mapping.
    pub fn remove(path: impl AsRef<Path>) -> Result<(), Error> {
        let p = resolve_checked(path.as_ref())?;
        fs::remove_file(&p).map_err(|e| SegmentError::io(&p, "remove", e))
    }

    mapped_handle_methods!("Segment::<Counters>::open(&path)?");

    /// The payload as a writable [`Region`] (for views by offset or the dynamic API).
    pub fn region(&self) -> Region<'_> {
        self.m.region()
    }

    /// The length of the mapping: header, descriptor and payload.
    pub fn len(&self) -> usize {
        self.m.map.len()
    }

    /// Never true: a segment always has a header.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub(super) fn open_impl(path: &Path, trust: &Trust) -> Result<Self, Error> {
        let m = Mapping::open_checked(path, Access::ReadWrite, trust, Some(Mapping::holds::<L>))?;
        Ok(Self::from_mapping(m))
    }

    /// A handle on a file this process created at `path`, with every check of
    /// [`Mapping::holds`].
    pub(super) fn from_checked_file(file: File, path: PathBuf) -> Result<Self, Error> {
        let m = Mapping::from_file(&file, path, true)?;
        m.holds::<L>()?;
        Ok(Self::from_mapping(m))
    }

    /// The handle over a mapping that passed [`Mapping::holds::<L>`](Mapping::holds).
    fn from_mapping(m: Mapping) -> Self {
        Segment {
            m,
            _layout: PhantomData,
        }
    }

    pub(super) fn create_impl(
        path: &Path,
        mode: u32,
        initial: Option<&L::Snapshot>,
    ) -> Result<Self, Error> {
        let payload = match initial {
            Some(s) => s.as_bytes().to_vec(),
            None => zeroed_payload::<L>(),
        };
        // Refusals that need no file come first: nothing is made for them.
        let desc = check_new::<L>(path, &payload)?;
        create_linked(path, mode, |file, tmp| {
            write_image::<L>(&file, tmp, &desc, &payload)?;
            Self::from_checked_file(file, path.to_path_buf())
        })
    }

    pub(super) fn open_or_create_impl(
        path: &Path,
        mode: u32,
        initial: Option<&L::Snapshot>,
        trust: &Trust,
    ) -> Result<Self, Error> {
        // Open wins when the file exists; create wins the race for a missing one; the
        // loser of a create race opens what the winner linked. Bounded: only another
        // process removing the file in between could make a round fail.
        let mut last = None;
        for _ in 0..16 {
            match Self::open_impl(path, trust) {
                Err(Error::Segment(SegmentError {
                    kind: SegmentErrorKind::NotFound,
                    ..
                })) => {}
                other => return other,
            }
            match Self::create_impl(path, mode, initial) {
                Err(
                    e @ Error::Segment(SegmentError {
                        kind: SegmentErrorKind::AlreadyExists,
                        ..
                    }),
                ) => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| SegmentError::make(path, SegmentErrorKind::NotFound)))
    }
}

impl<L: Layout> core::ops::Deref for Segment<L> {
    type Target = L;

    /// One load: the payload pointer is kept in the mapping (issue 12: going through
    /// `region()` cost two loads and a field load 1.30x a `core` load).
    #[inline]
    fn deref(&self) -> &L {
        let p = self.m.payload();
        // SAFETY: `from_mapping` verified through `Region::view` that the payload is
        // aligned to L::ALIGN and holds L::SIZE bytes; by the `Layout` contract any bytes
        // are a valid L made of atomics; the mapping lives as long as `self`, and the
        // returned `&L` borrows `self`.
        unsafe { &*(p as *const L) }
    }
}

impl<L: Layout> core::fmt::Debug for Segment<L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Segment")
            .field("path", &self.m.path)
            .field("layout", &L::NAME)
            .finish()
    }
}
