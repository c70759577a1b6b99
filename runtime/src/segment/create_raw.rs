//! Creating a segment from a descriptor without its Rust type ([`RawSegment::create`]):
//! for bindings and tools that declare layouts at run time
//! ([`LayoutDescBuf::build`](crate::LayoutDescBuf::build)). The same protocol as
//! `create.rs`: every check that needs no file first, then a temporary file in the same
//! directory (`O_EXCL`, mode 0600 unless asked otherwise), the image and its ready word,
//! every check of `open` on the mapped temporary, and only then the hard link to the
//! name. A refused creation leaves nothing at the path.

use std::path::Path;
use std::string::String;
use std::{format, vec};

use super::create::{create_linked, write_image_fp};
use super::error::{SegmentError, SegmentErrorKind};
use super::format::{FIXED_HEADER, MAX_DESCRIPTOR};
use super::mapping::Mapping;
use super::paths::resolve_checked;
use super::raw::RawSegment;
use crate::cell::width::Width;
use crate::error::Error;
use crate::layout::MAX_ALIGN;
use crate::layout::descriptor::LayoutDescBuf;

/// Every check that can refuse a new segment of `desc` and needs no file.
fn check_new_raw(path: &Path, desc: &LayoutDescBuf) -> Result<(), Error> {
    if desc.has_16_byte_values() {
        Width::W16.check_usable(false)?;
    }
    let refuse = |reason: String| {
        SegmentError::make(
            path,
            SegmentErrorKind::UnsupportedLayout {
                layout: desc.name.clone(),
                reason,
            },
        )
    };
    if !desc.align.is_power_of_two() || desc.align > MAX_ALIGN {
        return Err(refuse(format!(
            "is aligned to {} bytes, but a segment keeps at most {MAX_ALIGN} (MAX_ALIGN, the \
             page size)",
            desc.align
        )));
    }
    let encoded = desc.encode();
    if encoded.len() > MAX_DESCRIPTOR {
        return Err(refuse(format!(
            "has a descriptor of {} bytes, above the format's limit of {MAX_DESCRIPTOR}",
            encoded.len()
        )));
    }
    match LayoutDescBuf::decode(&encoded) {
        Ok(back) if back == *desc => {}
        Ok(_) => {
            return Err(refuse(
                "has a descriptor that does not read back as written".into(),
            ));
        }
        Err(e) => {
            return Err(refuse(format!(
                "has a descriptor that open would refuse ({e}); make it with \
                 LayoutDescBuf::build"
            )));
        }
    }
    let total = (FIXED_HEADER + encoded.len())
        .checked_next_multiple_of(desc.align.max(64))
        .and_then(|off| off.checked_add(desc.size))
        .filter(|&t| isize::try_from(t).is_ok());
    if total.is_none() {
        return Err(refuse(format!("is {} bytes, too large to map", desc.size)));
    }
    Ok(())
}

impl RawSegment {
    /// Creates a zeroed segment of the layout `desc` describes at `path` (a bare name
    /// goes under [`default_dir`](crate::default_dir)), mode 0600; `AlreadyExists` if
    /// the file exists. A segment made from [`LayoutDescBuf::build`]'s descriptor is
    /// the one `Segment::<L>::create` makes for the `#[atomic_layout]` struct with the
    /// same fields, so `Segment::<L>::open` accepts it.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{FieldSpec, Kind, LayoutDescBuf, RawSegment, Segment};
    ///
    /// #[atomic_layout]
    /// pub struct Hits { pub hits: u64, pub hist: [u32; 4] }
    ///
    /// let desc = LayoutDescBuf::build(
    ///     "Hits",
    ///     vec![FieldSpec::value("hits", Kind::Uint, 8), FieldSpec::value("hist", Kind::Uint, 4).array(4)],
    ///     None,
    /// )?;
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("hits");
    /// let raw = RawSegment::create(&path, &desc)?;
    /// raw.field("hist[2]")?.fetch_add(5)?;
    ///
    /// let typed = Segment::<Hits>::open(&path)?;
    /// assert_eq!(typed.hist()[2].load(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(path: impl AsRef<Path>, desc: &LayoutDescBuf) -> Result<Self, Error> {
        Self::create_with(path, desc, 0o600)
    }

    /// [`RawSegment::create`] with the file's permission bits (`mode`, at most `0o777`;
    /// the process umask still applies).
    pub fn create_with(
        path: impl AsRef<Path>,
        desc: &LayoutDescBuf,
        mode: u32,
    ) -> Result<Self, Error> {
        let path = resolve_checked(path.as_ref())?;
        check_new_raw(&path, desc)?;
        create_linked(&path, mode, |file, tmp| {
            let payload = vec![0u8; desc.size];
            write_image_fp(&file, tmp, desc, desc.fingerprint(), &payload)?;
            let m = Mapping::from_file(&file, path.clone(), true)?;
            // What `open` read back must be what was asked for, at an address aligned
            // for it.
            if m.info.descriptor != *desc
                || m.info.fingerprint != desc.fingerprint()
                || m.payload() as usize % desc.align != 0
            {
                return Err(SegmentError::make(
                    &path,
                    SegmentErrorKind::Malformed(
                        "the written segment does not read back as its layout".into(),
                    ),
                ));
            }
            Ok(RawSegment { m })
        })
    }
}
