//! The library's errors in the shell's words: where a `SegmentError` advises a Rust call
//! (`Segment::remove`, `Segment::options().allow_owner(..)`), the CLI says which command
//! or flags do it (a trust refusal names every flag that admits the file, from
//! `SegmentErrorKind::trust_needed`). Mapped by error kind, never by matching message text; every other
//! error keeps the library's message.

use std::sync::OnceLock;

use shm_atomics::{Error, SegmentErrorKind, Trust, TrustOption};

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
    let Error::Segment(s) = e else {
        return e.to_string();
    };
    let p = s.path.display();
    match &s.kind {
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
        SegmentErrorKind::UntrustedOwner { .. } | SegmentErrorKind::SharedWrite { .. } => {
            s.message_with(&flags)
        }
        _ => e.to_string(),
    }
}

/// The opt-ins a trust refusal needs, as the flags that give them, all of them:
/// `--allow-owner 998 --allow-group-write`.
fn flags(options: &[TrustOption]) -> String {
    options
        .iter()
        .map(|o| match o {
            TrustOption::Owner(uid) => format!("--allow-owner {uid}"),
            TrustOption::GroupWrite => "--allow-group-write".to_string(),
            TrustOption::OtherWrite => "--allow-other-write".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
