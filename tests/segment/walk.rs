//! Walking descriptors (issue 11, item 4): a field is found by walking the descriptor,
//! never by listing its leaves, so a sparse 1 GiB file whose descriptor declares
//! `a: [bool; 1 << 30]` costs its reader a few pages, not ~80 bytes per element.

use std::path::Path;
use std::process::Command;

use shm_atomics::{Kind, Layout, LayoutDescBuf, RawSegment, Segment, atomic_layout};

use crate::sparse::{HUGE_LEN, Tiny, huge_desc, huge_segment, run_measured};

/// The worker of `field_lookup_on_a_sparse_gigabyte_stays_small` reads this file.
const WORKER_ENV: &str = "SHM_ATOMICS_TEST_WALK_WORKER";

#[atomic_layout]
pub struct Net {
    pub rx: u64,
    pub tx: u32,
}

#[atomic_layout]
pub struct Board {
    pub hits: u32,
    pub hist: [u16; 3],
    pub net: Net,
    pub slots: [Net; 12],
    pub big: [u8; 16],
}

/// Lookup by path agrees with the walk on every leaf, and refuses every path the walk
/// never writes.
#[test]
fn lookup_agrees_with_the_walk() {
    let d = LayoutDescBuf::from_desc(&Board::DESC);
    let leaves: Vec<_> = d.leaves().collect();
    assert_eq!(leaves.len(), 1 + 3 + 2 + 12 * 2 + 1);
    for leaf in &leaves {
        assert_eq!(d.leaf(&leaf.path).as_ref(), Some(leaf));
    }
    assert_eq!(leaves[29].path, "slots[11].tx");
    for bad in [
        "",
        "hist",
        "hist[3]",
        "hist[01]",
        "hist[+1]",
        "hist[-1]",
        "hist[]",
        "hist[1",
        "hits[0]",
        "net",
        "net.",
        "net.rx.x",
        "net[0].rx",
        "slots[1]",
        "slots[1].",
        "slots.rx",
        "slots[1]rx",
        "slots[12].rx",
        "nope",
        "hits.",
        ".hits",
        "hist[18446744073709551616]",
    ] {
        assert_eq!(d.leaf(bad), None, "{bad:?}");
    }
}

/// On a descriptor of 2^30 + 1 leaves, lookup, the lazy walk and a pruned walk answer at
/// once: the old `leaves()` built a `Vec` of every leaf (tens of GiB) first.
#[test]
fn a_billion_leaves_are_walked_lazily() {
    let d = huge_desc();
    let last = d.leaf("a[1073741823]").expect("the last element");
    assert_eq!(
        (last.offset, last.kind, last.width),
        (HUGE_LEN - 1, Kind::Bool, 1)
    );
    assert_eq!(d.leaf("a[1073741824]"), None);
    assert_eq!(d.leaf("tail").map(|l| l.offset), Some(HUGE_LEN));
    let first: Vec<String> = d.leaves().take(3).map(|l| l.path).collect();
    assert_eq!(first, ["a[0]", "a[1]", "a[2]"]);
    // Skipping the array visits none of its elements.
    let mut asked = Vec::new();
    let rest: Vec<String> = d
        .leaves_where(|p| {
            asked.push(p.to_string());
            !p.starts_with("a[")
        })
        .map(|l| l.path)
        .collect();
    assert_eq!(rest, ["tail"]);
    assert_eq!(asked, ["a[", "tail"]);
}

/// `RawSegment::field` on the sparse 1 GiB file, in a child process whose peak RSS is
/// compared with the same child on a one-field segment: the difference must stay
/// under 10 MiB (measured: about 0.1 MiB; the old code aborted after trying to allocate
/// some 80 GiB, so a hard address-space limit keeps it from exhausting the machine).
#[test]
fn field_lookup_on_a_sparse_gigabyte_stays_small() {
    if let Ok(spec) = std::env::var(WORKER_ENV) {
        let (path, field) = spec.split_once('\n').expect("PATH\\nFIELD");
        let seg = RawSegment::open_readonly(path).expect("open");
        let v = seg.field(field).expect("lookup").load().expect("load");
        println!("value={v}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = huge_segment(dir.path());
    let tiny = dir.path().join("tiny");
    Segment::<Tiny>::create(&tiny).expect("create").x().store(5);

    let measure = |path: &Path, field: &str| {
        let mut c = Command::new(std::env::current_exe().expect("test binary"));
        c.args([
            test_name!(field_lookup_on_a_sparse_gigabyte_stays_small),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(WORKER_ENV, format!("{}\n{field}", path.display()));
        limit_address_space(&mut c, 3 << 30);
        let (status, out, err, rss) = run_measured(&mut c, dir.path());
        assert!(
            status.success(),
            "worker on {field}: {status}\n{out}\n{err}"
        );
        (out, rss)
    };
    let (out, base) = measure(&tiny, "x");
    assert!(out.contains("value=5"), "{out}");
    for (field, want) in [
        ("a[123456789]", "false"),
        ("a[1073741823]", "true"),
        ("tail", "77"),
    ] {
        let (out, rss) = measure(&huge, field);
        assert!(out.contains(&format!("value={want}")), "{field}: {out}");
        eprintln!("field {field}: maxrss {rss} KiB (one-field segment: {base} KiB)");
        assert!(
            rss - base < 10 * 1024,
            "{field}: peak RSS {rss} KiB vs {base} KiB for a one-field segment"
        );
    }
}

/// Caps the child's address space (`RLIMIT_AS`), so a regression fails with an
/// allocation error instead of exhausting the machine.
fn limit_address_space(c: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt as _;
    let limit = move || {
        // `rlim_t` is 32 bits on 32-bit targets: a larger cap saturates to unlimited.
        #[allow(clippy::unnecessary_fallible_conversions)]
        let bytes = libc::rlim_t::try_from(bytes).unwrap_or(libc::RLIM_INFINITY);
        let lim = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: bytes,
        };
        // SAFETY: setrlimit reads one valid rlimit; it is async-signal-safe.
        if unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) } == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    };
    // SAFETY: the closure runs in the forked child before exec and only calls
    // setrlimit (and reads errno), which allocate nothing and take no locks.
    unsafe {
        c.pre_exec(limit);
    }
}

/// The `shma` tool on the same sparse 1 GiB file (issue 11, items 4 and 5): `get` and
/// `watch` of one element, and `watch` of a glob that no element of the array can
/// match, stay small and fast; `watch` of every field is refused (too many to show);
/// `inspect` streams (its first lines arrive at once and a
/// closed pipe ends it), where the old tool built every leaf first and aborted.
#[cfg(feature = "cli")]
#[test]
fn shma_on_a_sparse_gigabyte_stays_small() {
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = huge_segment(dir.path());
    let tiny = dir.path().join("tiny");
    drop(Segment::<Tiny>::create(&tiny).expect("create"));
    let shma = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shma"));
        c.args(args);
        limit_address_space(&mut c, 3 << 30);
        c
    };
    let (status, _, err, base) = run_measured(&mut shma(&["get", p(&tiny), "x"]), dir.path());
    assert!(status.success(), "{err}");
    let runs: [(&[&str], &str); 5] = [
        (&["get", p(&huge), "a[123456789]"], "false\n"),
        (&["get", p(&huge), "a[1073741823]"], "true\n"),
        (&["get", p(&huge), "tail"], "77\n"),
        (
            &[
                "watch",
                p(&huge),
                "--count",
                "1",
                "--fields",
                "a[1073741823]",
            ],
            " true",
        ),
        (
            &["watch", p(&huge), "--count", "1", "--fields", "t*"],
            " 77",
        ),
    ];
    for (args, want) in runs {
        let start = std::time::Instant::now();
        let (status, out, err, rss) = run_measured(&mut shma(args), dir.path());
        assert!(status.success(), "shma {args:?}: {status}: {err}");
        assert!(out.contains(want), "shma {args:?}: {out}");
        eprintln!(
            "shma {args:?}: maxrss {rss} KiB (one-field get: {base} KiB), {:?}",
            start.elapsed()
        );
        assert!(
            rss - base < 10 * 1024,
            "shma {args:?}: {rss} KiB vs {base} KiB"
        );
    }

    // Watching everything would hold a billion previous values: refused, at once.
    let watch_all = ["watch", p(&huge), "--count", "1"];
    let (status, out, err, rss) = run_measured(&mut shma(&watch_all), dir.path());
    assert_eq!(status.code(), Some(2), "{out}{err}");
    assert!(err.starts_with("shma: more than 65536 fields"), "{err}");
    assert!(
        rss - base < 10 * 1024,
        "watch (all): {rss} KiB vs {base} KiB"
    );

    // `inspect` writes as it walks: read its first rows, then close the pipe.
    use std::io::{BufRead as _, BufReader};
    let mut child = shma(&["inspect", p(&huge)])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn inspect");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut got = Vec::new();
    for line in lines.by_ref().take(14) {
        got.push(line.expect("a line"));
    }
    assert!(
        got.iter()
            .any(|l| l.starts_with("fields") && l.ends_with("1073741825")),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|l| l.split_whitespace().next() == Some("a[2]")),
        "{got:?}"
    );
    drop(lines);
    let (status, rss) = crate::sparse::wait_rusage(child);
    assert!(
        status.success(),
        "a closed pipe ends inspect quietly: {status}"
    );
    eprintln!("shma inspect | head: maxrss {rss} KiB");
    assert!(rss - base < 10 * 1024, "inspect: {rss} KiB vs {base} KiB");
}

#[cfg(feature = "cli")]
fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

#[atomic_layout]
pub struct Wide {
    pub v: [u64; 131072],
}

/// `shma inspect` of a 1 MiB `[u64; 131072]` layout, text and JSON (issue 11, item 5):
/// linear in the leaves. The old tool looked every leaf up by listing all leaves again
/// (quadratic: 16,384 leaves took 20 s, so this would take hours); the bound here is a
/// generous 60 s per run for debug builds on a loaded machine (measured: well under 2 s
/// in release, a few seconds in debug).
#[cfg(feature = "cli")]
#[test]
fn inspect_of_131072_leaves_is_linear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("wide");
    let seg = Segment::<Wide>::create(&path).expect("create");
    seg.v()[131071].store(9);
    for json in [false, true] {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shma"));
        c.arg("inspect").args(json.then_some("--json")).arg(&path);
        let start = std::time::Instant::now();
        let out_path = dir.path().join("inspect.out");
        let mut child = c
            .stdout(std::fs::File::create(&out_path).expect("out file"))
            .spawn()
            .expect("spawn inspect");
        let status = loop {
            if let Some(s) = child.try_wait().expect("try_wait") {
                break s;
            }
            // A hang guard, not a timing assertion: a walk that expanded arrays
            // quadratically would take hours; a debug build under qemu-user on a loaded
            // machine takes about a minute.
            if start.elapsed() > crate::common::CHILD_DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "inspect (json: {json}) of 131072 leaves took over {:?}",
                    crate::common::CHILD_DEADLINE
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        eprintln!(
            "shma inspect (json: {json}) of 131072 leaves: {:?}",
            start.elapsed()
        );
        assert!(status.success(), "{status}");
        let out = std::fs::read_to_string(&out_path).expect("output");
        if json {
            let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            let fields = doc["fields"].as_array().expect("fields");
            assert_eq!(fields.len(), 131072);
            assert_eq!(fields[131071]["path"], "v[131071]");
            assert_eq!(fields[131071]["offset"], 131071 * 8);
            assert_eq!(fields[131071]["value"], 9);
        } else {
            assert_eq!(out.lines().count(), 9 + 2 + 131072);
            let last: Vec<&str> = out.lines().last().unwrap().split_whitespace().collect();
            assert_eq!(last, ["v[131071]", "uint", "u64", "8", "1048568", "9"]);
        }
    }
}
