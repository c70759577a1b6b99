//! The `shma` command-line tool, run as a real process on segments made here.
#![cfg(feature = "cli")]
#![allow(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::Value as Json;
use shm_atomics::{Layout, Segment, atomic_layout};

#[atomic_layout]
pub struct Net {
    pub rx: u64,
    pub tx: u64,
}

#[atomic_layout]
pub struct Board {
    pub hits: u64,
    pub delta: i32,
    pub small: u8,
    pub up: bool,
    pub temp: f32,
    pub ratio: f64,
    pub tag: [u8; 8],
    pub big: u128,
    pub latency_us: [u32; 4],
    pub net: Net,
    pub slots: [Net; 2],
}

/// A temporary directory holding a fresh `Board` segment named `board`.
struct Fixture {
    dir: tempfile::TempDir,
    path: PathBuf,
    seg: Segment<Board>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("board");
    let seg = Segment::<Board>::create(&path).expect("create segment");
    Fixture { dir, path, seg }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(args)
        .output()
        .expect("run the shma binary")
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// Runs a command that must succeed with nothing on stderr; returns stdout.
fn ok(args: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "shma {args:?} failed ({:?}): {stderr}",
        out.status
    );
    assert!(stderr.is_empty(), "shma {args:?} wrote to stderr: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Runs a command that must be refused: exit code 2, nothing on stdout, one line
/// `shma: ...` on stderr, no panic. Returns that line.
fn refused(args: &[&str]) -> String {
    let out = run(args);
    let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
    assert_eq!(
        out.status.code(),
        Some(2),
        "shma {args:?}: expected exit code 2, stderr: {stderr}"
    );
    assert!(out.stdout.is_empty(), "shma {args:?} wrote to stdout");
    assert!(stderr.starts_with("shma: "), "{args:?}: {stderr}");
    assert!(stderr.ends_with('\n'), "{args:?}: {stderr:?}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?}: not one line: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{args:?}: {stderr}");
    stderr
}

/// Whether 16-byte fields load through a read-only mapping here (write-free 16-byte
/// loads exist only on some CPUs, e.g. x86_64 with AVX); the tool's read-only commands
/// report such fields as unloadable elsewhere.
fn wide_readonly_loads(path: &Path) -> bool {
    let seg = shm_atomics::RawSegment::open_readonly(path).expect("open read-only");
    seg.field("big").and_then(|f| f.load()).is_ok()
}

fn fill(seg: &Segment<Board>) {
    seg.hits().store(42);
    seg.delta().store(-7);
    seg.small().store(200);
    seg.up().store(true);
    seg.temp().store(0.5);
    seg.ratio().store(-1.25);
    seg.tag().store(*b"ab\0\0\0\0\0\x01");
    seg.big().store((1u128 << 100) + 3);
    seg.latency_us()[3].store(33);
    seg.net().rx().store(1500);
    seg.slots()[1].tx().store(7);
}

#[test]
fn inspect_text_shows_header_and_every_leaf() {
    let f = fixture();
    fill(&f.seg);
    let out = ok(&["inspect", p(&f.path)]);
    let line = |start: &str| -> String {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(start))
            .unwrap_or_else(|| panic!("no line for {start} in:\n{out}"))
            .to_string()
    };
    assert!(line("layout").ends_with("Board"), "{out}");
    assert!(
        line("fingerprint").ends_with(&format!("{:#018x}", Board::FINGERPRINT)),
        "{out}"
    );
    assert!(line("format").ends_with(" 1"), "{out}");
    assert!(
        line("creator").contains(&format!("{} (alive)", std::process::id())),
        "{out}"
    );
    assert!(
        line("payload").contains(&format!("{} bytes", Board::SIZE)),
        "{out}"
    );
    let cols = |path: &str| -> Vec<String> {
        line(path)
            .split_whitespace()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    // FIELD KIND TYPE WIDTH OFFSET VALUE
    assert_eq!(cols("hits"), ["hits", "uint", "u64", "8", "0", "42"]);
    assert_eq!(cols("delta")[5], "-7");
    assert_eq!(cols("up")[..2], ["up", "bool"]);
    assert_eq!(cols("up")[5], "true");
    assert_eq!(cols("temp")[5], "0.5");
    assert_eq!(cols("ratio")[5], "-1.25");
    assert_eq!(cols("tag")[1], "bytes");
    assert_eq!(
        cols("tag").last().map(String::as_str),
        Some("0x6162000000000001")
    );
    let wide = wide_readonly_loads(&f.path);
    if wide {
        assert_eq!(
            cols("big").last().unwrap(),
            &((1u128 << 100) + 3).to_string()
        );
    } else {
        assert!(line("big").contains("<cannot load: "), "{out}");
    }
    let lat3 = cols("latency_us[3]");
    assert_eq!(lat3[1..3], ["uint", "u32"]);
    assert_eq!(lat3.last().unwrap(), "33");
    assert_eq!(cols("net.rx").last().unwrap(), "1500");
    assert_eq!(cols("slots[1].tx").last().unwrap(), "7");
    // Every leaf is listed.
    let leaves: Vec<_> = shm_atomics::LayoutDescBuf::from_desc(&Board::DESC)
        .leaves()
        .collect();
    assert_eq!(leaves.len(), 8 + 4 + 2 + 2 * 2); // scalars, array, nested, slots
    for leaf in leaves.iter().filter(|l| wide || l.width < 16) {
        // Values are one word; the type may be two (`[u8; 8]`): count from the end.
        let c = cols(&leaf.path);
        let n = c.len();
        assert_eq!(c[n - 2], leaf.offset.to_string(), "{}", leaf.path);
        assert_eq!(c[n - 3], leaf.width.to_string(), "{}", leaf.path);
        assert_eq!(c[1], leaf.kind.name(), "{}", leaf.path);
    }
}

#[test]
fn inspect_json_has_stable_keys_and_typed_values() {
    let f = fixture();
    fill(&f.seg);
    f.seg.hits().store(u64::MAX);
    let out = ok(&["inspect", "--json", p(&f.path)]);
    assert_eq!(out.lines().count(), 1, "one JSON document on one line");
    let doc: Json = serde_json::from_str(&out).expect("valid JSON");
    let obj = doc.as_object().expect("an object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut want = [
        "path",
        "format_version",
        "layout",
        "fingerprint",
        "header_len",
        "payload_offset",
        "payload_size",
        "creator_pid",
        "creator_alive",
        "created_unix_ns",
        "created",
        "fields",
    ];
    want.sort_unstable();
    let mut got = keys.clone();
    got.sort_unstable();
    assert_eq!(got, want);
    let info = f.seg.info();
    assert_eq!(doc["path"], p(&f.path));
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["layout"], "Board");
    assert_eq!(doc["fingerprint"], format!("{:#018x}", Board::FINGERPRINT));
    assert_eq!(doc["header_len"], info.header_len);
    assert_eq!(doc["payload_offset"], info.payload_offset);
    assert_eq!(doc["payload_size"], Board::SIZE as u64);
    assert_eq!(doc["creator_pid"], std::process::id());
    assert_eq!(doc["creator_alive"], true);
    let ns = info
        .created
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    // Above 2^53, where a JSON number loses digits (jq rounds it): a decimal string.
    assert!(ns > 1 << 53);
    assert_eq!(doc["created_unix_ns"], ns.to_string());
    assert!(doc["created"].as_str().unwrap().ends_with('Z'));

    let fields = doc["fields"].as_array().expect("fields array");
    let leaves: Vec<_> = shm_atomics::LayoutDescBuf::from_desc(&Board::DESC)
        .leaves()
        .collect();
    assert_eq!(fields.len(), leaves.len());
    for (field, leaf) in fields.iter().zip(&leaves) {
        let mut k: Vec<&str> = field
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        k.sort_unstable();
        if field.get("error").is_some() {
            // Only a 16-byte field on a CPU without write-free 16-byte loads.
            assert!(leaf.width == 16 && !wide_readonly_loads(&f.path));
            assert_eq!(field["value"], Json::Null);
            assert_eq!(
                k,
                ["error", "kind", "offset", "path", "type", "value", "width"]
            );
        } else {
            assert_eq!(k, ["kind", "offset", "path", "type", "value", "width"]);
        }
        assert_eq!(field["path"], leaf.path.as_str());
        assert_eq!(field["kind"], leaf.kind.name());
        assert_eq!(field["width"], leaf.width);
        assert_eq!(field["offset"], leaf.offset);
    }
    let value = |path: &str| -> &Json {
        &fields
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("no field {path}"))["value"]
    };
    // u64::MAX is beyond 2^53: a decimal string; small integers are numbers.
    assert_eq!(value("hits"), &Json::from(u64::MAX.to_string()));
    assert_eq!(value("delta"), &Json::from(-7));
    assert_eq!(value("small"), &Json::from(200));
    assert_eq!(value("up"), &Json::from(true));
    assert_eq!(value("temp"), &Json::from(0.5));
    assert_eq!(value("ratio"), &Json::from(-1.25));
    assert_eq!(value("tag"), &Json::from("0x6162000000000001"));
    if wide_readonly_loads(&f.path) {
        assert_eq!(value("big"), &Json::from(((1u128 << 100) + 3).to_string()));
    }
    assert_eq!(value("latency_us[3]"), &Json::from(33));
    assert_eq!(value("net.rx"), &Json::from(1500));
    assert_eq!(value("slots[1].tx"), &Json::from(7));
    assert_eq!(fields[0]["type"], "u64");
    assert_eq!(
        fields.iter().find(|f| f["path"] == "tag").unwrap()["type"],
        "[u8; 8]"
    );

    // Non-finite floats are strings, since JSON has no such numbers.
    f.seg.ratio().store(f64::NAN);
    f.seg.temp().store(f32::NEG_INFINITY);
    let doc: Json = serde_json::from_str(&ok(&["inspect", "--json", p(&f.path)])).unwrap();
    let fields = doc["fields"].as_array().unwrap();
    let value = |path: &str| fields.iter().find(|f| f["path"] == path).unwrap()["value"].clone();
    assert_eq!(value("ratio"), "NaN");
    assert_eq!(value("temp"), "-inf");
}

#[test]
fn watch_refreshes_count_times_with_rates() {
    let f = fixture();
    f.seg.net().rx().store(5);
    let stop = Arc::new(AtomicBool::new(false));
    let seg = Segment::<Board>::open(&f.path).unwrap();
    let bumper = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                seg.hits().inc();
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let out = ok(&[
        "watch",
        p(&f.path),
        "--interval",
        "100",
        "--count",
        "2",
        "--fields",
        "hits",
        "--fields",
        "net.*",
    ]);
    stop.store(true, Ordering::Relaxed);
    bumper.join().unwrap();

    assert!(
        !out.contains('\x1b'),
        "no ANSI codes when stdout is not a terminal"
    );
    let blocks: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(blocks.len(), 2, "two refreshes:\n{out}");
    assert!(blocks[0].contains("refresh 1") && blocks[1].contains("refresh 2"));
    for block in &blocks {
        assert!(block.contains("Board"), "{block}");
        let paths: Vec<&str> = block
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(paths, ["hits", "net.rx", "net.tx"], "only matching fields");
    }
    let rate = |block: &str, path: &str| -> String {
        block
            .lines()
            .find(|l| l.starts_with(path))
            .and_then(|l| l.split_whitespace().last())
            .unwrap()
            .to_string()
    };
    // No rate on the first refresh; a rate per second on the second.
    assert_eq!(rate(blocks[0], "hits"), "-");
    let hits_rate = rate(blocks[1], "hits");
    let per_sec: f64 = hits_rate
        .strip_suffix("/s")
        .unwrap_or_else(|| panic!("rate {hits_rate}"))
        .parse()
        .unwrap();
    assert!(per_sec > 0.0, "hits grow: {hits_rate}");
    assert_eq!(rate(blocks[1], "net.rx"), "+0.0/s");
    assert!(
        blocks[1].lines().any(|l| l.contains(" 5 ")),
        "{}",
        blocks[1]
    );

    refused(&["watch", p(&f.path), "--count", "1", "--fields", "nothing*"]);
}

/// Rates are modular (issue 11): a u64 counter that wraps past its maximum between two
/// refreshes, and a u8 one, show their small forward step per second, not about
/// -6e19/s (or -246/s); bool, bytes and 16-byte fields show no rate.
#[test]
fn watch_rates_are_modular_across_a_wrap() {
    use std::io::{BufRead as _, BufReader};
    let f = fixture();
    f.seg.hits().store(u64::MAX - 2);
    f.seg.small().store(250);
    let mut child = Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(["watch", p(&f.path), "--interval", "1000", "--count", "2"])
        .args(["--fields", "hits", "--fields", "small", "--fields", "up"])
        .args(["--fields", "tag", "--fields", "big"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn watch");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = Vec::new();
    // The first refresh is complete once its last field (`big`) is printed.
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("big");
        out.push(line);
        if done {
            break;
        }
    }
    f.seg.hits().add(6); // wraps to 3
    f.seg.small().add(10); // wraps to 4
    out.extend(lines.map(Result::unwrap));
    assert!(child.wait().unwrap().success());
    let second = out.iter().skip_while(|l| !l.contains("refresh 2"));
    let rate = |path: &str| -> String {
        let line = second.clone().find(|l| l.starts_with(path)).unwrap();
        line.split_whitespace().last().unwrap().to_string()
    };
    for path in ["hits", "small"] {
        let r = rate(path);
        let per_sec: f64 = r.strip_suffix("/s").unwrap().parse().unwrap();
        // +6 (+10) over about one second.
        assert!(per_sec > 0.0 && per_sec < 100.0, "{path}: {r}\n{out:#?}");
    }
    for path in ["up", "tag", "big"] {
        assert_eq!(rate(path), "-", "{path}: no rate\n{out:#?}");
    }
}

#[test]
fn header_is_byte_identical_to_the_layouts() {
    let f = fixture();
    assert_eq!(ok(&["header", p(&f.path)]), Board::c_header());
}

#[test]
fn get_set_add_round_trip_every_kind() {
    let f = fixture();
    let path = p(&f.path);
    let get = |field: &str| ok(&["get", path, field]).trim_end().to_string();
    let set = |field: &str, v: &str| assert_eq!(ok(&["set", path, field, v]), "");
    let add = |field: &str, n: &str| ok(&["add", path, field, n]).trim_end().to_string();

    // uint
    set("hits", "0xff");
    assert_eq!(get("hits"), "255");
    assert_eq!(add("hits", "5"), "260");
    assert_eq!(f.seg.hits().load(), 260);
    assert_eq!(add("hits", "-10"), "250");
    assert_eq!(f.seg.hits().load(), 250);
    set("small", "255");
    assert_eq!(add("small", "1"), "0", "wraps at the width");
    assert_eq!(f.seg.small().load(), 0);
    set("big", &u128::MAX.to_string());
    assert_eq!(f.seg.big().load(), u128::MAX);
    if wide_readonly_loads(&f.path) {
        assert_eq!(get("big"), u128::MAX.to_string());
    }
    assert_eq!(add("big", "1"), "0");
    assert_eq!(f.seg.big().load(), 0);

    // int
    set("delta", "-7");
    assert_eq!(get("delta"), "-7");
    assert_eq!(f.seg.delta().load(), -7);
    assert_eq!(add("delta", "-3"), "-10");
    assert_eq!(add("delta", "0x10"), "6");
    set("delta", &i32::MAX.to_string());
    assert_eq!(add("delta", "1"), i32::MIN.to_string());
    assert_eq!(f.seg.delta().load(), i32::MIN);

    // bool
    set("up", "true");
    assert_eq!(get("up"), "true");
    assert!(f.seg.up().load());
    set("up", "0");
    assert_eq!(get("up"), "false");
    set("up", "1");
    assert!(f.seg.up().load());
    set("up", "false");
    assert!(!f.seg.up().load());

    // float
    set("temp", "0.1");
    assert_eq!(get("temp"), "0.1");
    assert_eq!(f.seg.temp().load(), 0.1f32);
    assert_eq!(add("temp", "1"), format!("{:?}", 0.1f32 + 1.0));
    assert_eq!(f.seg.temp().load(), 0.1f32 + 1.0);
    set("ratio", "-2.5");
    assert_eq!(add("ratio", "0.25"), "-2.25");
    assert_eq!(f.seg.ratio().load(), -2.25);
    set("ratio", "inf");
    assert_eq!(get("ratio"), "inf");
    set("ratio", "1e300");
    assert_eq!(f.seg.ratio().load(), 1e300);

    // bytes: text padded with zeros, or exact hex; get prints hex that set takes back
    set("tag", "hi");
    assert_eq!(get("tag"), "0x6869000000000000");
    assert_eq!(f.seg.tag().load(), *b"hi\0\0\0\0\0\0");
    set("tag", "0x0102030405060708");
    assert_eq!(f.seg.tag().load(), [1, 2, 3, 4, 5, 6, 7, 8]);
    let hex = get("tag");
    set("tag", "zzzzzzzz");
    set("tag", &hex);
    assert_eq!(f.seg.tag().load(), [1, 2, 3, 4, 5, 6, 7, 8]);

    // array elements and nested paths
    set("latency_us[3]", "9");
    assert_eq!(get("latency_us[3]"), "9");
    assert_eq!(f.seg.latency_us()[3].load(), 9);
    assert_eq!(f.seg.latency_us()[2].load(), 0);
    assert_eq!(add("net.tx", "1500"), "1500");
    assert_eq!(f.seg.net().tx().load(), 1500);
    set("slots[1].rx", "77");
    assert_eq!(get("slots[1].rx"), "77");
    assert_eq!(f.seg.slots()[1].rx().load(), 77);
    assert_eq!(f.seg.slots()[0].rx().load(), 0);
}

#[test]
fn list_shows_segments_and_skips_everything_else() {
    let f = fixture();
    let dir = f.dir.path();
    std::fs::write(dir.join("notes.txt"), "not a segment").unwrap();
    std::fs::write(dir.join("zeros"), vec![0u8; 4096]).unwrap();
    std::fs::create_dir(dir.join("subdir")).unwrap();
    std::os::unix::fs::symlink(&f.path, dir.join("link")).unwrap();
    let bytes = std::fs::read(&f.path).unwrap();
    std::fs::write(dir.join("truncated"), &bytes[..bytes.len() - 8]).unwrap();

    let out = ok(&["list", p(dir)]);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "only the segment:\n{out}");
    let cols: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(cols[0], p(&f.path));
    assert_eq!(cols[1], "Board");
    assert_eq!(cols[2], bytes.len().to_string());
    assert_eq!(cols[3], std::process::id().to_string());
    assert_eq!(cols[4], "(alive)");

    let doc: Json = serde_json::from_str(&ok(&["list", "--json", p(dir)])).unwrap();
    let items = doc.as_array().unwrap();
    assert_eq!(items.len(), 1);
    let s = &items[0];
    assert_eq!(s["path"], p(&f.path));
    assert_eq!(s["layout"], "Board");
    assert_eq!(s["fingerprint"], format!("{:#018x}", Board::FINGERPRINT));
    assert_eq!(s["size"], bytes.len());
    assert_eq!(s["payload_size"], Board::SIZE);
    assert_eq!(s["creator_pid"], std::process::id());
    assert_eq!(s["alive"], true);
    assert!(s["age_secs"].as_f64().unwrap() >= 0.0);
    let ns: u64 = s["created_unix_ns"].as_str().unwrap().parse().unwrap();
    assert!(ns > 1 << 53, "a decimal string, exact: {ns}");

    refused(&["list", p(&dir.join("missing-dir"))]);
}

#[test]
fn every_refusal_is_one_line_and_exit_code_2() {
    let f = fixture();
    let dir = f.dir.path();
    let path = p(&f.path);
    let text = dir.join("text");
    std::fs::write(&text, "hello\n").unwrap();
    let zeros = dir.join("zeros");
    std::fs::write(&zeros, vec![0u8; 4096]).unwrap();
    let truncated = dir.join("truncated");
    let bytes = std::fs::read(&f.path).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() - 8]).unwrap();
    let link = dir.join("link");
    std::os::unix::fs::symlink(&f.path, &link).unwrap();
    let missing = dir.join("missing");

    let has = |msg: String, want: &str| assert!(msg.contains(want), "{msg:?} lacks {want:?}");
    for cmd in ["inspect", "header"] {
        has(refused(&[cmd, p(&text)]), "too short");
        has(refused(&[cmd, p(&zeros)]), "not a shm-atomics segment");
        has(refused(&[cmd, p(&truncated)]), "truncated");
        has(refused(&[cmd, p(&missing)]), "does not exist");
    }
    has(
        refused(&["get", p(&zeros), "hits"]),
        "not a shm-atomics segment",
    );
    has(refused(&["set", p(&truncated), "hits", "1"]), "truncated");
    has(
        refused(&["add", p(&missing), "hits", "1"]),
        "does not exist",
    );
    has(
        refused(&["watch", p(&missing), "--count", "1"]),
        "does not exist",
    );
    has(refused(&["get", p(&link), "hits"]), "symbolic link");
    has(refused(&["get", p(dir), "hits"]), "not a regular file");

    // Bad paths, nested and indexed too: the resolver's words (as from Rust and Python).
    for (field, why) in [
        ("nope", "has no field `nope`"),
        ("net.nope", "has no field `nope`"),
        ("latency_us[4]", "out of range"),
        ("latency_us[01]", "is not an index"),
        ("net[0]", "takes no `[i]`"),
        ("hits.x", "has no fields"),
    ] {
        has(refused(&["get", path, field]), why);
        has(refused(&["set", path, field, "1"]), why);
    }
    // A whole layout or array: `get` lists its values, a single-value write is refused.
    for field in ["net", "latency_us"] {
        has(refused(&["set", path, field, "1"]), "not a single value");
    }
    // Values out of range for the width, or not of the kind.
    has(refused(&["set", path, "small", "256"]), "does not fit");
    has(refused(&["set", path, "hits", "-1"]), "does not fit");
    has(
        refused(&["set", path, "delta", "2147483648"]),
        "does not fit",
    );
    has(refused(&["add", path, "small", "300"]), "does not fit");
    has(
        refused(&["set", path, "hits", "abc"]),
        "not an unsigned integer",
    );
    has(refused(&["set", path, "delta", "1.5"]), "not an integer");
    has(refused(&["set", path, "up", "maybe"]), "not a bool");
    has(refused(&["set", path, "temp", "1e40"]), "out of range");
    has(refused(&["set", path, "ratio", "x"]), "not a float");
    has(refused(&["set", path, "tag", "0x0102"]), "exactly 8 bytes");
    has(refused(&["set", path, "tag", "0x01zz"]), "not hex");
    has(
        refused(&["set", path, "tag", "far too long"]),
        "longer than",
    );
    // Operations the kind does not offer.
    has(
        refused(&["add", path, "tag", "1"]),
        "not supported by kind bytes",
    );
    has(
        refused(&["add", path, "up", "1"]),
        "not supported by kind bool",
    );
    // Nothing changed by the refusals.
    assert_eq!(f.seg.snapshot(), BoardSnapshot::default());
}

#[test]
fn read_only_files_are_read_and_refused_for_writes() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = fixture();
    f.seg.hits().store(3);
    std::fs::set_permissions(&f.path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let path = p(&f.path);
    // Reads open the file read-only, so they work without write permission.
    assert_eq!(ok(&["get", path, "hits"]), "3\n");
    ok(&["inspect", path]);
    ok(&["header", path]);
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        // Root may open a 0444 file for writing: the write is allowed, honestly.
        assert_eq!(ok(&["set", path, "hits", "4"]), "");
        assert_eq!(f.seg.hits().load(), 4);
    } else {
        let msg = refused(&["set", path, "hits", "4"]);
        assert!(msg.contains("permission denied"), "{msg}");
        let msg = refused(&["add", path, "hits", "1"]);
        assert!(msg.contains("permission denied"), "{msg}");
        assert_eq!(f.seg.hits().load(), 3);
    }
}

#[test]
fn bare_names_resolve_in_the_default_directory() {
    let name = format!("shma-cli-test-{}", std::process::id());
    let seg = Segment::<Net>::create(&name).unwrap();
    seg.rx().store(11);
    assert_eq!(ok(&["get", &name, "rx"]), "11\n");
    let listed = ok(&["list"]);
    Segment::<Net>::remove(&name).unwrap();
    assert!(listed.contains(&name), "{listed}");
}

#[test]
fn usage_errors_and_help() {
    let out = run(&["get"]);
    assert_eq!(out.status.code(), Some(2), "clap usage errors exit with 2");
    let help = ok(&["inspect", "--help"]);
    for key in ["format_version", "created_unix_ns", "fields", "2^53"] {
        assert!(help.contains(key), "inspect --help documents {key}");
    }
    assert!(ok(&["set", "--help"]).contains("0x"));
}

#[test]
fn reads_a_segment_made_by_another_program() {
    // The counters example, which `cargo test` builds beside this binary (README's test
    // command). Run alone (`cargo test --test cli`), build it first:
    // `cargo build --example counters`.
    let bin = Path::new(env!("CARGO_BIN_EXE_shma"));
    let counters = bin.with_file_name("examples").join("counters");
    assert!(
        counters.exists(),
        "{} is not built: run `cargo build --example counters` (cargo test builds it)",
        counters.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctr");
    let out = Command::new(&counters)
        .args([
            "--workers",
            "2",
            "--ops",
            "300",
            "--keep",
            "--segment",
            p(&path),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ok(&["get", p(&path), "total"]), "600\n");
    assert_eq!(ok(&["get", p(&path), "workers"]), "2\n");
    assert_eq!(ok(&["get", p(&path), "slots[1].done"]), "true\n");
    let doc: Json = serde_json::from_str(&ok(&["list", "--json", p(dir.path())])).unwrap();
    assert_eq!(doc[0]["layout"], "Counters");
    // Its creator has exited.
    assert_eq!(doc[0]["alive"], false);
    let header = ok(&["header", p(&path)]);
    assert!(header.contains("SHM_ATOMICS_COUNTERS_H"), "{header}");
}

#[path = "common/futex.rs"]
mod futex;
/// Argument errors, shell advice, owners, `rm`, `gc` and leftovers in `list`.
#[path = "cli/hardening.rs"]
mod hardening;
#[path = "cli/wait.rs"]
mod wait;
