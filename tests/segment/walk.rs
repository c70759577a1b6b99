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
    // SAFETY: the closure runs in the forked child before exec and only calls
    // setrlimit, which is async-signal-safe; it allocates nothing.
    unsafe {
        c.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
}
