//! Who may own a segment this process opens, and who else may write it: [`Trust`], and
//! the check the openers run on the open descriptor (`fstat`, never the path, so a file
//! swapped in after the check is not the one checked).

use std::ffi::CStr;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use super::error::{SegmentError, SegmentErrorKind};
use crate::error::Error;
use crate::fields::process::euid;

/// Which segment files the openers accept, beyond files owned by this user (or by root,
/// who can write every file anyway) that only their owner may write.
///
/// By default a file owned by another user is refused
/// ([`SegmentErrorKind::UntrustedOwner`]), and so is a file that group or others may
/// write ([`SegmentErrorKind::SharedWrite`]): either could have been planted at the name,
/// or be changed and truncated, by someone else. Opt in for the users you trust.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{RawSegment, Segment, Trust};
///
/// #[atomic_layout]
/// pub struct Counters { pub hits: u64 }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("shared");
/// Segment::<Counters>::create(&path)?;
/// // A segment made by the `daemon` user (uid 998) and shared with its group:
/// let trust = Trust::new().allow_owner(998).allow_group_write();
/// let seg = RawSegment::open_with(&path, &trust)?; // our own file passes too
/// let typed = Segment::<Counters>::options().allow_owner(998).allow_group_write().open(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    owners: Vec<u32>,
    any_owner: bool,
    group_write: bool,
    other_write: bool,
}

impl Trust {
    /// The default: files owned by this user or root, writable only by their owner.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also accept files owned by user `uid`.
    pub fn allow_owner(mut self, uid: u32) -> Self {
        self.owners.push(uid);
        self
    }

    /// Accept files whatever user owns them (for tools that inspect other users'
    /// segments on purpose).
    pub fn allow_any_owner(mut self) -> Self {
        self.any_owner = true;
        self
    }

    /// Accept files that their group may write.
    pub fn allow_group_write(mut self) -> Self {
        self.group_write = true;
        self
    }

    /// Accept files that every user may write.
    pub fn allow_other_write(mut self) -> Self {
        self.other_write = true;
        self
    }

    /// Refuses `meta` (of an open descriptor) if this policy does not accept it. Files
    /// that are not regular are left to the format checks, which refuse them.
    pub(super) fn check(&self, meta: &Metadata, path: &Path) -> Result<(), Error> {
        if !meta.file_type().is_file() {
            return Ok(());
        }
        let (owner, mode) = (meta.uid(), meta.mode() & 0o7777);
        let me = euid();
        let trusted = owner == me || owner == 0 || self.any_owner || self.owners.contains(&owner);
        if !trusted {
            return Err(SegmentError::make(
                path,
                SegmentErrorKind::UntrustedOwner {
                    owner,
                    owner_name: user_name(owner),
                    mode,
                    me,
                },
            ));
        }
        let group = mode & 0o020 != 0 && !self.group_write;
        let other = mode & 0o002 != 0 && !self.other_write;
        if group || other {
            return Err(SegmentError::make(
                path,
                SegmentErrorKind::SharedWrite {
                    owner,
                    owner_name: user_name(owner),
                    mode,
                },
            ));
        }
        Ok(())
    }
}

/// The login name of `uid`, if the user database has one (`getpwuid_r`, thread-safe).
pub(super) fn user_name(uid: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; 1024];
    // SAFETY: `passwd` is plain old data for which all-zero bytes are a valid value.
    let mut pwd: libc::passwd = unsafe { core::mem::zeroed() };
    let mut result: *mut libc::passwd = core::ptr::null_mut();
    // SAFETY: every pointer is valid for the call: `pwd` and `result` are live locals,
    // `buf` is writable for `buf.len()` bytes; getpwuid_r writes strings only into `buf`.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success `pw_name` points to a NUL-terminated string inside `buf`, which
    // lives until the end of this function; it is copied out before then.
    let name = unsafe { CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().to_string())
}
