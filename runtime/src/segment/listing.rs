//! [`list_segments`]: the segments in a directory, found the one way every tool lists
//! them (`shma list` and `gc`, Python's `list_segments`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::vec::Vec;

use super::info::SegmentInfo;
use super::owner::Trust;
use super::raw::RawSegment;

/// A segment found by [`list_segments`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListedSegment {
    /// The file: `dir` joined with its name.
    pub path: PathBuf,
    /// The file's length in bytes (header, descriptor and payload, or more).
    pub len: u64,
    /// The parsed header, with the layout descriptor.
    pub info: SegmentInfo,
}

/// The segments in `dir`, sorted by path: every entry that is a regular file (symbolic
/// links are not followed) and opens read-only with every check of
/// [`RawSegment::open_readonly_with`] under `trust`. Everything else (directories,
/// links, foreign or half-written files, temporary files of creation, files `trust`
/// refuses) is skipped without a word: use [`temporary_files`](crate::temporary_files)
/// for the temporary files, and open a skipped file by name to learn why it was skipped.
///
/// Each file is opened, mapped and closed again: the cost is one open per entry, and no
/// handle stays open (the list holds headers, not mappings). Fails only if `dir` cannot
/// be read.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Segment, Trust, list_segments};
///
/// #[atomic_layout]
/// pub struct Counters { pub hits: u64 }
///
/// let dir = tempfile::tempdir()?;
/// Segment::<Counters>::create(dir.path().join("b"))?;
/// Segment::<Counters>::create(dir.path().join("a"))?;
/// std::fs::write(dir.path().join("notes.txt"), "not a segment")?;
/// let found = list_segments(dir.path(), &Trust::new())?;
/// let names: Vec<_> = found.iter().map(|s| s.path.file_name().unwrap()).collect();
/// assert_eq!(names, ["a", "b"]);
/// assert_eq!(found[0].info.layout_name(), "Counters");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn list_segments(dir: impl AsRef<Path>, trust: &Trust) -> io::Result<Vec<ListedSegment>> {
    let mut found: Vec<ListedSegment> = fs::read_dir(dir.as_ref())?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            // `DirEntry::metadata` does not follow symlinks: only real regular files.
            let meta = entry.metadata().ok()?;
            if !meta.file_type().is_file() {
                return None;
            }
            let path = entry.path();
            // Opening refuses anything that is not a complete segment; skip those.
            let seg = RawSegment::open_readonly_with(&path, trust).ok()?;
            let info = seg.info().clone();
            Some(ListedSegment {
                path,
                len: meta.len(),
                info,
            })
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}
