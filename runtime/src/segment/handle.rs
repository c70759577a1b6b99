//! What every segment handle offers the same way: its path, its header and the check
//! for truncation and replacement, written once and expanded into each handle's `impl`.

/// Expands to `path()`, `info()` and `check()` for a handle with a `m: Mapping` field;
/// `$open` is the doctest expression that opens such a handle on `path`.
macro_rules! mapped_handle_methods {
    ($open:literal) => {
        /// The segment's path.
        pub fn path(&self) -> &std::path::Path {
            &self.m.path
        }

        /// The parsed header, with the layout descriptor.
        pub fn info(&self) -> &crate::SegmentInfo {
            &self.m.info
        }

        /// Whether the segment is still whole and still the file at its path: `Err` with
        /// [`Shrunk`](crate::SegmentErrorKind::Shrunk) if the file shrank since this
        /// handle mapped it (another process truncated it), or with
        /// [`Replaced`](crate::SegmentErrorKind::Replaced) if the path now names another
        /// file or none (another was renamed over it, or it was removed): then this
        /// handle works on a file no new opener sees; reopen the path.
        ///
        /// Operations never fail or crash because of a shrink: the truncation guard (see
        /// [`Segment`](crate::Segment#truncation-while-mapped)) keeps the process alive,
        /// and this is where the loss is reported. Call it after a batch of operations
        /// (the CLI calls it after every refresh). It costs one system call while all is
        /// well: an `lstat` of the path (made absolute at open; not following a final
        /// link, as opening does not), whose device and inode are compared with those
        /// recorded at open and whose length is the mapped file's; only when the path
        /// names another file or none is the descriptor the handle keeps `fstat`ed too. A
        /// handle made by [`Segment::from_file`](crate::Segment::from_file) has no path:
        /// one `fstat` checks its length.
        ///
        /// ```rust,standalone_crate
        /// # extern crate shm_atomics_runtime as shm_atomics;
        /// # use shm_atomics_macros::atomic_layout;
        /// use shm_atomics::{Error, RawSegment, Segment, SegmentErrorKind};
        ///
        /// #[atomic_layout]
        /// pub struct Counters { pub hits: u64 }
        ///
        /// let dir = tempfile::tempdir()?;
        /// let path = dir.path().join("check");
        /// Segment::<Counters>::create(&path)?;
        #[doc = concat!("let seg = ", $open, ";")]
        /// seg.check()?;
        /// // Another process truncates the file.
        /// std::fs::OpenOptions::new().write(true).open(&path)?.set_len(100)?;
        /// match seg.check() {
        ///     Err(Error::Segment(e)) => {
        ///         assert!(matches!(e.kind, SegmentErrorKind::Shrunk { len_now: 100, .. }))
        ///     }
        ///     other => panic!("{other:?}"),
        /// }
        /// // Another process renames a new segment over the path.
        /// let next = dir.path().join("next");
        /// Segment::<Counters>::create(&next)?;
        /// std::fs::rename(&next, &path)?;
        #[doc = concat!("let seg = ", $open, ";")]
        /// seg.check()?; // a fresh handle maps the new file
        /// Segment::<Counters>::create(&next)?;
        /// std::fs::rename(&next, &path)?;
        /// match seg.check() {
        ///     Err(Error::Segment(e)) => {
        ///         assert!(matches!(e.kind, SegmentErrorKind::Replaced { found: Some(_), .. }))
        ///     }
        ///     other => panic!("{other:?}"),
        /// }
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn check(&self) -> Result<(), crate::Error> {
            self.m.check_file()
        }
    };
}

pub(super) use mapped_handle_methods;
