//! The CLI side of issue 11 (items 2 and 3, and the small items on argument errors and
//! shell advice): a module of the `cli` target, sharing its helpers.

use std::process::Command;

use serde_json::Value as Json;
use shm_atomics::Segment;

use super::{Net, fixture, ok, p, refused, run};

/// Runs a command that must be refused as an argument error: exit code 2, nothing on
/// stdout, one `shma: ...` line and at most one usage line after it.
fn usage_refused(args: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
    assert_eq!(out.status.code(), Some(2), "shma {args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "shma {args:?} wrote to stdout");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("usage: shma")),
        "{args:?}: not one line and a usage hint: {stderr}"
    );
    assert!(lines[0].starts_with("shma: "), "{args:?}: {stderr}");
    stderr
}

/// Every clap argument error is one `shma:` line (plus a usage hint) and exit code 2;
/// `--help` and `--version` still print and succeed. On the old code clap printed
/// several lines without the prefix.
#[test]
fn argument_errors_are_one_prefixed_line_and_exit_code_2() {
    let e = usage_refused(&["get"]);
    assert!(e.contains("<PATH>") && e.contains("<FIELD>"), "{e}");
    usage_refused(&[]);
    usage_refused(&["nope"]);
    usage_refused(&["inspect", "--bogus", "x"]);
    usage_refused(&["watch", "x", "--interval", "abc"]);
    usage_refused(&["rm"]);
    assert!(ok(&["--version"]).starts_with("shma "));
    assert!(ok(&["--help"]).contains("--allow-owner"));
}

/// Errors give shell advice, chosen by error kind: no `Segment::` calls in what the
/// CLI prints. On the old code a missing file said "create it first (Segment::create
/// or open_or_create)".
#[test]
fn errors_speak_shell_not_rust() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let e = refused(&["get", p(&missing), "rx"]);
    assert!(!e.contains("Segment::") && e.contains("shma list"), "{e}");
    let f = fixture();
    std::fs::set_permissions(&f.path, std::os::unix::fs::PermissionsExt::from_mode(0o660)).unwrap();
    let e = refused(&["get", p(&f.path), "hits"]);
    assert!(
        !e.contains("Segment::") && e.contains("--allow-group-write"),
        "{e}"
    );
    assert_eq!(
        ok(&["--allow-group-write", "get", p(&f.path), "hits"]),
        "0\n"
    );
}

/// A segment owned by another user is refused with its owner, mode and the flag that
/// accepts it (item 2, through the CLI).
#[test]
fn another_users_segment_needs_allow_owner() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: cannot chown to another user; skipped");
        return;
    }
    let f = fixture();
    f.seg.hits().store(5);
    std::os::unix::fs::chown(&f.path, Some(65534), Some(65534)).unwrap();
    let e = refused(&["get", p(&f.path), "hits"]);
    for part in ["uid 65534 (nobody)", "mode 0600", "--allow-owner 65534"] {
        assert!(e.contains(part), "lacks {part:?}: {e}");
    }
    assert!(!e.contains("Segment::"), "{e}");
    assert_eq!(
        ok(&["get", "--allow-owner", "65534", p(&f.path), "hits"]),
        "5\n"
    );
}

/// A pid no process has (a reaped child).
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

/// `shma rm` removes segments and says so, and refuses (removing nothing) when any
/// argument is not a segment.
#[test]
fn rm_removes_segments_only() {
    let f = fixture();
    let other = f.dir.path().join("other");
    Segment::<Net>::create(&other).unwrap();
    let text = f.dir.path().join("notes");
    std::fs::write(&text, "not a segment").unwrap();
    let e = refused(&["rm", p(&other), p(&text)]);
    assert!(e.contains("nothing was removed"), "{e}");
    assert!(other.exists() && text.exists());
    let out = ok(&["rm", p(&f.path), p(&other)]);
    assert_eq!(
        out,
        format!(
            "removed {} (layout Board)\nremoved {} (layout Net)\n",
            f.path.display(),
            other.display()
        )
    );
    assert!(!f.path.exists() && !other.exists() && text.exists());
    refused(&["rm", p(&f.path)]);
}

/// `shma list` marks leftovers of dead creators, `shma gc` removes them (and with
/// `--dead-creators` the segments whose creator is gone), saying what it removed.
#[test]
fn list_shows_leftovers_and_gc_removes_them() {
    let f = fixture();
    let dead = dead_pid();
    // A segment whose creator is gone: the header's creator pid (offset 48, LE u32).
    let orphan = f.dir.path().join("orphan");
    Segment::<Net>::create(&orphan).unwrap();
    let mut seg_bytes = std::fs::read(&orphan).unwrap();
    seg_bytes[48..52].copy_from_slice(&dead.to_le_bytes());
    std::fs::write(&orphan, &seg_bytes).unwrap();
    // Planted after the last creation, which would have swept it.
    let leftover = f.dir.path().join(format!(".shm-atomics.{dead}.42.tmp"));
    let mut bytes = shm_atomics::MAGIC.to_vec();
    bytes.resize(100, 0);
    std::fs::write(&leftover, &bytes).unwrap();

    let listed = ok(&["list", p(f.dir.path())]);
    let line = listed
        .lines()
        .find(|l| l.contains(".shm-atomics."))
        .unwrap_or_else(|| panic!("no leftover in:\n{listed}"));
    assert!(
        line.contains("leftover") && line.contains(&format!("{dead} (gone)")),
        "{line}"
    );
    let json: Json = serde_json::from_str(&ok(&["list", "--json", p(f.dir.path())])).unwrap();
    let items = json.as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|o| o["temporary"] == true && o["leftover"] == true)
    );
    assert_eq!(items.iter().filter(|o| o["temporary"] == false).count(), 2);

    let out = ok(&["gc", p(f.dir.path())]);
    assert_eq!(
        out,
        format!(
            "removed {} (leftover temporary file of pid {dead}, 100 bytes)\n",
            leftover.display()
        )
    );
    assert!(!leftover.exists() && orphan.exists() && f.path.exists());
    let out = ok(&["gc", "--dead-creators", p(f.dir.path())]);
    assert_eq!(
        out,
        format!(
            "removed {} (layout Net, creator pid {dead} gone)\n",
            orphan.display()
        )
    );
    assert!(
        !orphan.exists() && f.path.exists(),
        "our live segment stays"
    );
    assert!(ok(&["gc", p(f.dir.path())]).starts_with("nothing to remove"));
}

/// The flags a trust refusal names, parsed out of the message as a shell user would
/// copy them: every `--allow-...` word, with the uid after `--allow-owner`.
fn advised_flags(msg: &str) -> Vec<String> {
    let words: Vec<&str> = msg
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let mut flags = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if w.starts_with("--allow-") {
            flags.push(w.to_string());
            if *w == "--allow-owner" {
                flags.push(
                    words
                        .get(i + 1)
                        .expect("a uid after --allow-owner")
                        .to_string(),
                );
            }
        }
    }
    flags
}

/// Issue 20, item 4, through the CLI: for modes 0620, 0602, 0660 and 0666 (and, as root,
/// another user's files), `shma get` is refused with every flag that admits the file;
/// running again with exactly the flags parsed out of the message succeeds, starting
/// from no flag and from each incomplete one. On the old code a 0666 file advised
/// `--allow-other-write` only, and with it was refused again with the same advice.
#[test]
fn trust_refusals_name_every_flag_needed_and_following_them_works() {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cases: Vec<(u32, bool, Vec<&str>)> = vec![
        (0o620, false, vec!["--allow-group-write"]),
        (0o602, false, vec!["--allow-other-write"]),
        (0o660, false, vec!["--allow-group-write"]),
        (
            0o666,
            false,
            vec!["--allow-group-write", "--allow-other-write"],
        ),
    ];
    if root {
        cases.extend([
            (0o600, true, vec!["--allow-owner", "65534"]),
            (
                0o666,
                true,
                vec![
                    "--allow-owner",
                    "65534",
                    "--allow-group-write",
                    "--allow-other-write",
                ],
            ),
        ]);
    } else {
        eprintln!("not root: cannot chown to another user; the foreign-owner cases are not run");
    }
    for (mode, foreign, needed) in cases {
        let f = fixture();
        f.seg.hits().store(u64::from(mode));
        if foreign {
            std::os::unix::fs::chown(&f.path, Some(65534), Some(65534)).unwrap();
        }
        std::fs::set_permissions(&f.path, std::os::unix::fs::PermissionsExt::from_mode(mode))
            .unwrap();
        // Starting points: no flag, and each single flag of an incomplete set.
        let mut starts: Vec<Vec<&str>> = vec![vec![]];
        if needed.iter().filter(|w| w.starts_with("--")).count() > 1 {
            for flag in ["--allow-group-write", "--allow-other-write"] {
                if needed.contains(&flag) {
                    starts.push(vec![flag]);
                }
            }
            if foreign {
                starts.push(vec!["--allow-owner", "65534"]);
            }
        }
        for start in starts {
            let mut args = start.clone();
            args.extend(["get", p(&f.path), "hits"]);
            let e = refused(&args);
            let flags = advised_flags(&e);
            assert_eq!(flags, needed, "mode {mode:04o}, from {start:?}: {e}");
            assert!(!e.contains("Segment::"), "{e}");
            let mut again: Vec<&str> = flags.iter().map(String::as_str).collect();
            again.extend(["get", p(&f.path), "hits"]);
            assert_eq!(
                ok(&again),
                format!("{mode}\n"),
                "mode {mode:04o}: {again:?}"
            );
        }
    }
}
