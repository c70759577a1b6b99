//! `shma rm PATH...`: remove segments, and nothing else.

use std::fs;
use std::path::PathBuf;

use crate::Result;
use crate::out::{self, print};

/// `shma rm PATH...`: every PATH must open as a segment (with the openers' owner and
/// mode checks) before anything is removed; then each is removed and named on stdout.
pub fn run(paths: &[PathBuf]) -> Result<()> {
    let mut checked = Vec::new();
    for p in paths {
        let seg = out::open_readonly(p).map_err(|e| format!("{e}; nothing was removed"))?;
        checked.push((
            seg.path().to_path_buf(),
            seg.info().layout_name().to_string(),
        ));
    }
    let mut s = String::new();
    for (path, layout) in checked {
        fs::remove_file(&path).map_err(|e| {
            format!(
                "cannot remove segment {}: {e}{s_done}",
                path.display(),
                s_done = done(&s)
            )
        })?;
        s.push_str(&format!("removed {} (layout {layout})\n", path.display()));
    }
    print(&s)
}

/// What was removed before an error, for its message.
fn done(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (already {})", s.trim_end().replace('\n', ", "))
    }
}
