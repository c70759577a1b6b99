//! Temporary files of creation (issue 11, items 3 and 8) and the mode check: creation
//! sweeps the leftovers of killed creators, temporary names fit any legal segment name,
//! and `options().mode()` takes permission bits only.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::{
    Error, MAGIC, RawSegment, Segment, SegmentErrorKind, atomic_layout, remove_leftovers,
    temporary_files,
};

#[atomic_layout]
pub struct Small {
    pub hits: u64,
}

/// 32 MiB of payload: writing it takes long enough for a SIGKILL to land mid-create.
#[atomic_layout]
pub struct Big {
    pub words: [u64; 4 * 1024 * 1024],
}

/// A pid that no process has: a child that has exited and been reaped. (Pids are
/// reused, so another process could take it before the sweep: then the leftover is kept,
/// which the assertions below would report; with pid_max in the millions this does not
/// happen in practice.)
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().expect("spawn true");
    let pid = c.id();
    crate::common::wait_or_kill(&mut c, "a killed worker");
    pid
}

fn tmp_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    v.sort();
    v
}

/// Leftovers with a dead creator are removed by the next creation in the directory
/// (new and old name forms); a live creator's file, a file without the segment magic and
/// another user's file stay. On the old code nothing was ever removed.
#[test]
fn creation_sweeps_leftovers_of_dead_creators_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let dead = dead_pid();
    let partial = {
        let mut b = MAGIC.to_vec();
        b.resize(4096, 0);
        b
    };
    let new_form = d.join(format!(".shm-atomics.{dead}.12345.tmp"));
    let old_form = d.join(format!(".stats.{dead}.999.tmp"));
    let empty = d.join(format!(".shm-atomics.{dead}.7.tmp")); // killed right after O_EXCL
    fs::write(&new_form, &partial).expect("write");
    fs::write(&old_form, &partial).expect("write");
    fs::write(&empty, b"").expect("write");
    let live = d.join(format!(".shm-atomics.{}.1.tmp", std::process::id()));
    let foreign = d.join(format!(".notes.{dead}.1.tmp"));
    fs::write(&live, &partial).expect("write");
    fs::write(&foreign, b"not a segment at all").expect("write");

    let listed = temporary_files(d).expect("list temporary files");
    let leftovers: Vec<&Path> = listed
        .iter()
        .filter(|t| t.leftover)
        .map(|t| t.path.as_path())
        .collect();
    assert_eq!(leftovers.len(), 3, "{listed:?}");
    assert!(listed.iter().any(|t| t.path == live && !t.leftover));
    assert!(
        !listed.iter().any(|t| t.path == foreign),
        "no magic: not ours"
    );

    let mut keep = vec![live.clone(), foreign.clone()];
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let theirs = d.join(format!(".shm-atomics.{dead}.2.tmp"));
        fs::write(&theirs, &partial).expect("write");
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).expect("chown");
        keep.push(theirs);
    }
    Segment::<Small>::create(d.join("fresh")).expect("create");
    keep.sort();
    assert_eq!(
        tmp_files(d),
        keep,
        "only the dead creators' files were swept"
    );
    assert!(remove_leftovers(d).expect("gc").is_empty());
}

/// The worker of `sigkill_mid_create_leaves_no_temporary_file_after_the_next_create`:
/// creates and removes big segments until killed.
const CREATOR_ENV: &str = "SHM_ATOMICS_TEST_BIG_CREATOR";

/// Real SIGKILLs at varying times during creation of 32 MiB segments: whatever they
/// leave, the next creation in the directory leaves no temporary file. On the old code
/// the killed creators' `.NAME.PID.NANOS.tmp` files stayed forever.
#[test]
fn sigkill_mid_create_leaves_no_temporary_file_after_the_next_create() {
    if let Some(dir) = std::env::var_os(CREATOR_ENV) {
        let path = Path::new(&dir).join(format!("big-{}", std::process::id()));
        loop {
            let _ = Segment::<Big>::create(&path);
            let _ = fs::remove_file(&path);
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let test = test_name!(sigkill_mid_create_leaves_no_temporary_file_after_the_next_create);
    let mut left = 0;
    for round in 0..6u64 {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CREATOR_ENV, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn creator");
        // Wait for its first temporary file, then kill it some milliseconds later.
        let mine = format!(".{}.", child.id());
        let start = Instant::now();
        while !tmp_files(dir.path())
            .iter()
            .any(|p| p.to_string_lossy().contains(&mine))
            && start.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(round * 7 % 20));
        child.kill().expect("SIGKILL");
        crate::common::wait_or_kill(&mut child, "a killed worker");
        left = tmp_files(dir.path()).len();
    }
    eprintln!("{left} temporary files left by 6 SIGKILLs");
    Segment::<Small>::create(dir.path().join("next")).expect("create after the kills");
    assert_eq!(tmp_files(dir.path()), Vec::<PathBuf>::new());
}

/// A name of 255 bytes (the longest legal file name) works for create, open,
/// open_or_create and remove: the temporary name no longer embeds it. On the old code
/// creation failed with `File name too long`.
#[test]
fn a_255_byte_name_creates_opens_and_removes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "n".repeat(255);
    let path = dir.path().join(&name);
    let seg = Segment::<Small>::create(&path).expect("create with a 255-byte name");
    seg.hits().store(9);
    assert_eq!(
        Segment::<Small>::open(&path).expect("open").hits().load(),
        9
    );
    assert_eq!(
        Segment::<Small>::open_or_create(&path)
            .expect("open_or_create")
            .hits()
            .load(),
        9
    );
    RawSegment::open_readonly(&path).expect("raw open");
    Segment::<Small>::remove(&path).expect("remove");
    assert!(!path.exists());
    let other = dir.path().join("m".repeat(255));
    Segment::<Small>::open_or_create(&other).expect("open_or_create creates");
    assert!(tmp_files(dir.path()).is_empty());
}

/// `mode()` takes permission bits only: setuid, setgid, sticky and file type bits are an
/// error naming the bits, and nothing is created. On the old code 0o4777 made a setuid
/// file.
#[test]
fn mode_accepts_only_permission_bits() {
    let dir = tempfile::tempdir().expect("temp dir");
    for mode in [0o4777, 0o2600, 0o1600, 0o100600] {
        let path = dir.path().join(format!("m{mode:o}"));
        for r in [
            Segment::<Small>::options().mode(mode).create(&path),
            Segment::<Small>::options().mode(mode).open_or_create(&path),
        ] {
            match r {
                Err(Error::Segment(e)) => {
                    assert_eq!(e.kind, SegmentErrorKind::InvalidMode { mode });
                    let msg = e.to_string();
                    assert!(msg.contains(&format!("{:#o}", mode & !0o777)), "{msg}");
                }
                other => panic!("mode {mode:o}: {other:?}"),
            }
        }
        assert!(!path.exists(), "nothing created for mode {mode:o}");
    }
    let path = dir.path().join("all");
    Segment::<Small>::options()
        .mode(0o777)
        .create(&path)
        .expect("0o777 is permission bits");
    let mode = fs::metadata(&path).expect("stat").permissions().mode();
    assert_eq!(mode & 0o7000, 0, "no setuid, setgid or sticky bit");
    assert!(tmp_files(dir.path()).is_empty());
}
