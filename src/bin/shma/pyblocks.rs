//! The shared-memory blocks of the Python package's `shm_atomics.atomos.multiprocessing`
//! objects: `/dev/shm/shma_py_<creator pid>_<random>`, unlinked by their creator. Those
//! of a dead creator (killed with its resource tracker) are removed by `shma gc`, as
//! Python's `collect_orphans()` does.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use shm_atomics::process_alive;

/// Where POSIX shared memory lives on Linux.
pub const SHM_DIR: &str = "/dev/shm";
/// The name prefix of the Python package's blocks.
pub const PREFIX: &str = "shma_py_";

/// The creator pid encoded in a block name (`None` if the name is not one of ours).
pub fn creator(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?;
    let (pid, random) = rest.split_once('_')?;
    if random.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Removes this user's blocks in `dir` whose creator is gone; returns (path, pid) of
/// each removed block. A missing `dir` (not Linux) has none; a block that cannot be
/// removed is an error naming it.
pub fn remove_orphans(dir: &Path) -> Result<Vec<(PathBuf, u32)>, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(creator) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        // Only a creator known to be dead (the runtime's liveness rule).
        if !meta.is_file() || meta.uid() != me || process_alive(pid) != Some(false) {
            continue;
        }
        let path = entry.path();
        match fs::remove_file(&path) {
            Ok(()) => removed.push((path, pid)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove block {}: {e}", path.display())),
        }
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::creator;

    #[test]
    fn only_our_names_carry_a_creator() {
        assert_eq!(creator("shma_py_123_ab12"), Some(123));
        assert_eq!(creator("shma_py_123_"), None);
        assert_eq!(creator("shma_py_x1_ab"), None);
        assert_eq!(creator("shma_py_+1_ab"), None);
        assert_eq!(creator("psm_1234"), None);
    }
}
