//! The library's errors in the shell's words: where a `SegmentError` advises a Rust call
//! (`Segment::remove`, `Segment::options().allow_owner(..)`), the CLI says which command
//! or flag does it. Mapped by error kind, never by matching message text; every other
//! error keeps the library's message.

use std::sync::OnceLock;

use shm_atomics::{Error, SegmentError, SegmentErrorKind, Trust};

/// The owners and modes the openers accept, from `--allow-owner`, `--allow-group-write`
/// and `--allow-other-write` (set once in `main`).
static TRUST: OnceLock<Trust> = OnceLock::new();

/// Sets the openers' trust for this run.
pub fn set_trust(trust: Trust) {
    let _ = TRUST.set(trust);
}

/// The openers' trust for this run (the library default if `main` set none).
pub fn trust() -> Trust {
    TRUST.get().cloned().unwrap_or_default()
}

/// The one-line message for `e`, with shell advice instead of Rust advice.
pub fn message(e: &Error) -> String {
    let Error::Segment(SegmentError { path, kind }) = e else {
        return e.to_string();
    };
    let p = path.display();
    let owner = |uid: u32, name: &Option<String>| match name {
        Some(n) => format!("uid {uid} ({n})"),
        None => format!("uid {uid}"),
    };
    match kind {
        SegmentErrorKind::NotFound => format!(
            "segment {p} does not exist: check the name (shma list shows the segments), or \
             start the program that creates it"
        ),
        SegmentErrorKind::AlreadyExists => {
            format!("segment {p} already exists: remove it first (shma rm {p})")
        }
        SegmentErrorKind::PermissionDenied => format!(
            "permission denied for segment {p}: check its mode (ls -l {p}); get, inspect, \
             watch and header need only read permission"
        ),
        SegmentErrorKind::NotReady => format!(
            "segment {p} is not ready: its creator did not finish writing it; remove it \
             (shma rm {p}) and create it again"
        ),
        SegmentErrorKind::UntrustedOwner {
            owner: uid,
            owner_name,
            mode,
            me,
        } => format!(
            "segment {p} is owned by {}, mode {mode:04o}, not by this user (uid {me}): \
             another user could have planted it or may change it; if you trust that user, \
             add --allow-owner {uid}",
            owner(*uid, owner_name)
        ),
        SegmentErrorKind::SharedWrite {
            owner: uid,
            owner_name,
            mode,
        } => format!(
            "segment {p} (owner {}) has mode {mode:04o}: {} may write it; restrict it \
             (chmod go-w {p}), or add {}",
            owner(*uid, owner_name),
            if mode & 0o002 != 0 {
                "every user"
            } else {
                "its group"
            },
            if mode & 0o002 != 0 {
                "--allow-other-write"
            } else {
                "--allow-group-write"
            }
        ),
        _ => e.to_string(),
    }
}
