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

/// The opt-ins a trust refusal's message names after `after` (`Segment::options()` or
/// `Trust::new()`), up to the next space or parenthesis that closes the advice:
/// `.allow_owner(65534).allow_group_write()` -> `[("allow_owner", "65534"),
/// ("allow_group_write", "")]`.
fn advised(msg: &str, after: &str) -> Vec<(String, String)> {
    let start = msg
        .find(after)
        .unwrap_or_else(|| panic!("no {after} in {msg}"))
        + after.len();
    let chain: String = msg[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let chain = chain.trim_end_matches([')', ',']).to_string() + ")";
    chain
        .split('.')
        .filter(|c| !c.is_empty())
        .map(|call| {
            let (name, arg) = call
                .split_once('(')
                .unwrap_or_else(|| panic!("{call} in {msg}"));
            (name.to_string(), arg.trim_end_matches(')').to_string())
        })
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// Applies the advised calls to a `Trust`, literally: each is a `Trust` method.
fn follow(calls: &[(String, String)]) -> Trust {
    calls
        .iter()
        .fold(Trust::new(), |t, (name, arg)| match name.as_str() {
            "allow_owner" => t.allow_owner(arg.parse().expect("a uid")),
            "allow_any_owner" => t.allow_any_owner(),
            "allow_group_write" => t.allow_group_write(),
            "allow_other_write" => t.allow_other_write(),
            other => panic!("advice names {other}, not a Trust method"),
        })
}

/// Issue 20, item 4: every trust refusal names the complete set of opt-ins that admit
/// the file, and following it literally opens the file, from no opt-in and from an
/// incomplete one. On the old code a 0666 file said `allow_other_write` only, and with it
/// was refused again with the same advice; a foreign 0666 file said `allow_owner` only.
#[test]
fn trust_refusals_advise_every_opt_in_needed() {
    let dir = tempfile::tempdir().expect("temp dir");
    // (mode, foreign owner?, the opt-ins the advice must name)
    let mut cases = vec![
        (0o620, false, vec!["allow_group_write"]),
        (0o602, false, vec!["allow_other_write"]),
        (0o660, false, vec!["allow_group_write"]),
        (0o666, false, vec!["allow_group_write", "allow_other_write"]),
    ];
    if is_root() {
        // chown to `nobody`, as another user's file would be.
        cases.extend([
            (0o644, true, vec!["allow_owner"]),
            (0o620, true, vec!["allow_owner", "allow_group_write"]),
            (
                0o666,
                true,
                vec!["allow_owner", "allow_group_write", "allow_other_write"],
            ),
        ]);
    } else {
        eprintln!("not root: cannot chown to another user; the foreign-owner cases are not run");
    }
    for (i, (mode, foreign, needed)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("case{i}"));
        Segment::<Owned>::create(&path)
            .expect("create")
            .hits()
            .store(i as u64);
        if foreign {
            std::os::unix::fs::chown(&path, Some(NOBODY), Some(NOBODY)).expect("chown");
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("chmod");
        let case = format!("mode {mode:04o}, foreign {foreign}");
        // Refused with no opt-in, and with each incomplete set of the needed ones.
        let partial: Vec<Trust> = std::iter::once(Trust::new())
            .chain(
                needed
                    .iter()
                    .map(|n| follow(&[(n.to_string(), NOBODY.to_string())])),
            )
            .collect();
        for (j, trust) in partial.into_iter().enumerate() {
            if j > 0 && needed.len() == 1 {
                continue; // the one opt-in is the complete set
            }
            let (_, msg) = err(
                Segment::<Owned>::options().trust(trust.clone()).open(&path),
                &path,
            );
            let calls = advised(&msg, "Segment::options()");
            let names: Vec<&str> = calls.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, needed, "{case}, attempt {j}: {msg}");
            if foreign {
                assert_eq!(calls[0].1, NOBODY.to_string(), "{case}: {msg}");
            }
            // The Trust spelling names the same calls.
            assert_eq!(advised(&msg, "Trust::new()"), calls, "{case}: {msg}");
            // Followed literally, the advice opens the file, through every opener.
            let trust = follow(&calls);
            let seg = Segment::<Owned>::options()
                .trust(trust.clone())
                .open(&path)
                .unwrap_or_else(|e| panic!("{case}: following {msg:?} failed: {e}"));
            assert_eq!(seg.hits().load(), i as u64);
            Segment::<Owned>::options()
                .trust(trust.clone())
                .open_readonly(&path)
                .expect("read-only, advice followed");
            RawSegment::open_with(&path, &trust).expect("raw, advice followed");
            // The refusal's kind lists the same set.
            let Err(Error::Segment(e)) = RawSegment::open(&path) else {
                panic!("{case}: opened without opt-in");
            };
            assert_eq!(e.kind.trust_needed().len(), needed.len(), "{case}");
        }
    }
}
