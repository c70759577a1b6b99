//! `shma gc [DIR] [--dead-creators]`: remove what killed creators left behind.

use std::fs;
use std::path::{Path, PathBuf};

use shm_atomics::{list_segments, process_alive, remove_leftovers};

use crate::list::dir_or_default;
use crate::out::print;
use crate::{Result, advice};

/// `shma gc [DIR] [--dead-creators]`: removes this user's leftover temporary files in
/// DIR (their creator is gone), and with `--dead-creators` also every segment (that
/// the openers accept) whose creating process is gone. Without DIR (or with DIR
/// `/dev/shm`) also this user's Python shared-memory blocks (`/dev/shm/shma_py_<pid>_*`)
/// whose creator is gone. Prints one line per removal.
pub fn run(dir: Option<PathBuf>, dead_creators: bool) -> Result<()> {
    let py_blocks = dir
        .as_deref()
        .is_none_or(|d| d == Path::new(crate::pyblocks::SHM_DIR));
    let dir = dir_or_default(dir)?;
    let mut s = String::new();
    for t in remove_leftovers(&dir).map_err(|e| advice::message(&e))? {
        s.push_str(&format!(
            "removed {} (leftover temporary file of pid {}, {} bytes)\n",
            t.path.display(),
            t.creator_pid,
            t.len
        ));
    }
    if py_blocks {
        for (path, pid) in crate::pyblocks::remove_orphans(Path::new(crate::pyblocks::SHM_DIR))? {
            s.push_str(&format!(
                "removed {} (Python shared-memory block of pid {pid}, gone)\n",
                path.display()
            ));
        }
    }
    if dead_creators {
        let mut dead: Vec<(PathBuf, String, u32)> = list_segments(&dir, &advice::trust())
            .map_err(|e| format!("cannot list directory {}: {e}", dir.display()))?
            .into_iter()
            .filter(|s| process_alive(s.info.creator_pid) != Some(true))
            .map(|s| {
                let layout = s.info.layout_name().to_string();
                (s.path, layout, s.info.creator_pid)
            })
            .collect();
        dead.sort();
        for (path, layout, pid) in dead {
            fs::remove_file(&path)
                .map_err(|e| format!("cannot remove segment {}: {e}", path.display()))?;
            s.push_str(&format!(
                "removed {} (layout {layout}, creator pid {pid} gone)\n",
                path.display()
            ));
        }
    }
    if s.is_empty() {
        s = format!("nothing to remove in {}\n", dir.display());
    }
    print(&s)
}
