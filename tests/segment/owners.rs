//! Name squatting by another user (issue 11, item 2): files owned by another user or
//! writable by group/others are refused unless the opener opts in, and bare names live
//! in a per-user directory that is verified before use. The planting is done by a real
//! process running as `nobody` (tests run as root here and in CI); where the test does
//! not run as root, the cases that need a second user are skipped with a note.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use shm_atomics::{
    Error, RawSegment, Segment, SegmentErrorKind, Trust, atomic_layout, checked_default_dir,
};

#[atomic_layout]
pub struct Owned {
    pub hits: u64,
}

const NOBODY: u32 = 65534;
/// Set in a worker run as `nobody`: the path at which to plant a segment.
const PLANT_ENV: &str = "SHM_ATOMICS_TEST_PLANT";
/// Set in a worker for the per-user directory cases: what the case must see.
const DIR_CASE_ENV: &str = "SHM_ATOMICS_TEST_DIR_CASE";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn err<T: std::fmt::Debug>(r: Result<T, Error>, path: &Path) -> (SegmentErrorKind, String) {
    match r {
        Err(Error::Segment(e)) => {
            assert_eq!(e.path, path, "the error names the file");
            let msg = e.to_string();
            (e.kind, msg)
        }
        other => panic!(
            "expected a segment error for {}, got {other:?}",
            path.display()
        ),
    }
}

/// Re-runs `test` in a worker with `env` set, as `nobody` if `as_nobody`; true if it
/// ran and passed, false if this process may not switch users.
fn worker(test: &str, env: &[(&str, &Path)], as_nobody: bool) -> bool {
    let mut c = Command::new(std::env::current_exe().expect("test binary"));
    c.args([test, "--exact", "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        c.env(k, v);
    }
    if as_nobody {
        c.uid(NOBODY).gid(NOBODY);
    }
    match c.status() {
        Ok(s) => {
            assert!(s.success(), "worker {test} failed: {s}");
            true
        }
        Err(e) => {
            eprintln!("cannot run the worker as nobody ({e}): skipped");
            false
        }
    }
}

/// The refusal of a file planted by `nobody`: all openers refuse it, naming owner and
/// mode and the opt-in; the opt-in opens it. On the old code root opened it silently
/// (and `open_or_create` used the squatter's file).
#[test]
fn a_segment_planted_by_another_user_is_refused_until_trusted() {
    if let Some(path) = std::env::var_os(PLANT_ENV) {
        assert!(!is_root(), "the planter must not run as root");
        let seg = Segment::<Owned>::options()
            .mode(0o644)
            .create(&path)
            .expect("plant as nobody");
        seg.hits().store(666);
        return;
    }
    if !is_root() {
        eprintln!("not root: cannot plant a file as another user; skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // Like /dev/shm: everyone may create files, sticky.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o1777)).expect("chmod dir");
    let path = dir.path().join("victim");
    let test = test_name!(a_segment_planted_by_another_user_is_refused_until_trusted);
    if !worker(test, &[(PLANT_ENV, &path)], true) {
        return;
    }
    assert_eq!(fs::metadata(&path).expect("planted").uid(), NOBODY);

    let expected = SegmentErrorKind::UntrustedOwner {
        owner: NOBODY,
        owner_name: Some("nobody".into()),
        mode: 0o644,
        me: 0,
    };
    let (k, msg) = err(Segment::<Owned>::open(&path), &path);
    assert_eq!(k, expected);
    for part in [
        "uid 65534 (nobody)",
        "mode 0644",
        "allow_owner(65534)",
        &path.display().to_string(),
    ] {
        assert!(msg.contains(part), "message lacks {part:?}: {msg}");
    }
    assert_eq!(
        err(Segment::<Owned>::open_or_create(&path), &path).0,
        expected
    );
    assert_eq!(
        err(Segment::<Owned>::open_readonly(&path), &path).0,
        expected
    );
    assert_eq!(err(RawSegment::open(&path), &path).0, expected);
    assert_eq!(err(RawSegment::open_readonly(&path), &path).0, expected);

    // Opting in opens it, through every entry point.
    let seg = Segment::<Owned>::options()
        .allow_owner(NOBODY)
        .open(&path)
        .expect("opted in");
    assert_eq!(seg.hits().load(), 666);
    Segment::<Owned>::options()
        .allow_owner(NOBODY)
        .open_or_create(&path)
        .expect("opted in");
    Segment::<Owned>::options()
        .allow_owner(NOBODY)
        .open_readonly(&path)
        .expect("opted in");
    RawSegment::open_with(&path, &Trust::new().allow_owner(NOBODY)).expect("opted in");
    RawSegment::open_readonly_with(&path, &Trust::new().allow_any_owner()).expect("any owner");
    // Trusting another uid is not trusting this one.
    assert_eq!(
        err(
            Segment::<Owned>::options().allow_owner(1234).open(&path),
            &path
        )
        .0,
        expected
    );
}

/// Files that group or others may write are refused (whoever owns them) until the
/// opener accepts that kind of sharing; each opt-in covers only its own bit.
#[test]
fn group_or_other_writable_files_are_refused_unless_allowed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared");
    Segment::<Owned>::create(&path).expect("create");

    fs::set_permissions(&path, fs::Permissions::from_mode(0o620)).expect("chmod");
    let (k, msg) = err(Segment::<Owned>::open(&path), &path);
    assert!(
        matches!(k, SegmentErrorKind::SharedWrite { mode: 0o620, .. }),
        "{k:?}"
    );
    assert!(
        msg.contains("0620") && msg.contains("allow_group_write"),
        "{msg}"
    );
    assert!(matches!(
        err(RawSegment::open_readonly(&path), &path).0,
        SegmentErrorKind::SharedWrite { .. }
    ));
    Segment::<Owned>::options()
        .allow_group_write()
        .open(&path)
        .expect("group write allowed");

    fs::set_permissions(&path, fs::Permissions::from_mode(0o606)).expect("chmod");
    let (k, msg) = err(
        Segment::<Owned>::options().allow_group_write().open(&path),
        &path,
    );
    assert!(
        matches!(k, SegmentErrorKind::SharedWrite { mode: 0o606, .. }),
        "{k:?}"
    );
    assert!(
        msg.contains("every user") && msg.contains("allow_other_write"),
        "{msg}"
    );
    Segment::<Owned>::options()
        .allow_other_write()
        .open_readonly(&path)
        .expect("other write allowed");

    // A segment made group-writable by its creator is refused to plain openers too.
    let g = dir.path().join("created-g+w");
    Segment::<Owned>::options()
        .mode(0o660)
        .create(&g)
        .expect("create 0660");
    fs::set_permissions(&g, fs::Permissions::from_mode(0o660)).expect("chmod past umask");
    assert!(matches!(
        err(Segment::<Owned>::open(&g), &g).0,
        SegmentErrorKind::SharedWrite { mode: 0o660, .. }
    ));
}

/// The worker of `the_per_user_directory_is_created_private_and_verified`: with
/// `XDG_RUNTIME_DIR` set by the parent, either creates a segment by bare name (case
/// `ok`) or expects `UnsafeDirectory` whose message contains the case text.
fn dir_case(case: &str) {
    let run = PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR").expect("XDG_RUNTIME_DIR"));
    let r = Segment::<Owned>::create("bare");
    if case == "ok" {
        r.expect("create by bare name");
        let dir = run.join("shm-atomics");
        let meta = fs::symlink_metadata(&dir).expect("the per-user dir");
        assert!(meta.is_dir());
        assert_eq!(meta.mode() & 0o7777, 0o700, "created 0700");
        assert!(dir.join("bare").exists());
        assert_eq!(checked_default_dir().expect("checked"), dir);
        Segment::<Owned>::open("bare").expect("open by bare name");
        Segment::<Owned>::remove("bare").expect("remove by bare name");
        return;
    }
    let msg = match r {
        Err(Error::Segment(e)) => {
            assert!(
                matches!(e.kind, SegmentErrorKind::UnsafeDirectory { .. }),
                "{e:?}"
            );
            e.to_string()
        }
        other => panic!("case {case}: expected UnsafeDirectory, got {other:?}"),
    };
    assert!(msg.contains(case), "case {case}: {msg}");
    assert!(
        msg.contains(&run.display().to_string()),
        "names the directory: {msg}"
    );
    assert!(
        !run.join("shm-atomics").join("bare").exists(),
        "nothing created in a refused directory"
    );
    // Opening by bare name is refused the same way.
    assert!(Segment::<Owned>::open("bare").is_err());
}

/// Bare names go to `$XDG_RUNTIME_DIR/shm-atomics`, created 0700; a symlinked, foreign
/// or group-writable directory (or runtime dir) is refused with its owner and mode.
/// On the old code bare names went straight to the shared sticky `/dev/shm`.
#[test]
fn the_per_user_directory_is_created_private_and_verified() {
    if let Some(case) = std::env::var_os(DIR_CASE_ENV) {
        dir_case(&case.to_string_lossy());
        return;
    }
    let test = test_name!(the_per_user_directory_is_created_private_and_verified);
    let top = tempfile::tempdir().expect("temp dir");
    let run_dir = |name: &str| {
        let d = top.path().join(name);
        fs::create_dir(&d).expect("mkdir");
        fs::set_permissions(&d, fs::Permissions::from_mode(0o700)).expect("chmod");
        d
    };
    let case = |run: &Path, expect: &str| {
        let mut c = Command::new(std::env::current_exe().expect("test binary"));
        c.args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env("XDG_RUNTIME_DIR", run)
            .env(DIR_CASE_ENV, expect);
        let s = c.status().expect("run worker");
        assert!(s.success(), "case {expect} in {}: {s}", run.display());
    };

    let fresh = run_dir("fresh");
    case(&fresh, "ok");

    let linked = run_dir("linked");
    let elsewhere = run_dir("elsewhere");
    std::os::unix::fs::symlink(&elsewhere, linked.join("shm-atomics")).expect("symlink");
    case(&linked, "not a directory");

    let open = run_dir("open");
    fs::create_dir(open.join("shm-atomics")).expect("mkdir");
    fs::set_permissions(open.join("shm-atomics"), fs::Permissions::from_mode(0o777))
        .expect("chmod");
    case(&open, "mode 0777");

    let grp = run_dir("grp");
    fs::set_permissions(&grp, fs::Permissions::from_mode(0o770)).expect("chmod");
    case(&grp, "writable by group or others");

    if is_root() {
        // A directory planted by another user at the per-user name.
        let foreign = run_dir("foreign");
        fs::create_dir(foreign.join("shm-atomics")).expect("mkdir");
        std::os::unix::fs::chown(foreign.join("shm-atomics"), Some(NOBODY), Some(NOBODY))
            .expect("chown");
        case(&foreign, "uid 65534 (nobody)");
        // The runtime dir itself belongs to another user (as after `su`).
        let theirs = run_dir("theirs");
        std::os::unix::fs::chown(&theirs, Some(NOBODY), Some(NOBODY)).expect("chown");
        case(&theirs, "owned by another user");
    }
}
