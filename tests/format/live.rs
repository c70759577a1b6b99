//! The reader on live segments: `tests/format/reader.py --read-record` and `--sum`
//! (written from FORMAT.md sections 13, 14 and 16 alone) against Rust processes that
//! write the segment while it reads: whole records only, a writer killed mid-write
//! reported with its pid (then torn, then whole again), striped sums equal to Rust's; and
//! `--wait-event` (section 15) asleep on the shared futex until Rust notifies.
//!
//! Every process has a deadline: the workers stop by themselves after
//! [`WORKER_DEADLINE`], the reader after its `--deadline`, and the test kills either if
//! it outlives [`CHILD_DEADLINE`].

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use shm_atomics::{Event, Segment, Seq, SeqError, Striped, atomic_layout};

use crate::common::reader_path;

/// A record of values of four widths that every write sets to one number `v` (each
/// truncated to its width): a copy mixing two writes has unequal fields.
#[atomic_layout(align = 8)]
pub struct Rec {
    pub f: [u64; 4],
    pub lo: u32,
    pub tag: u16,
    pub small: u8,
}

#[atomic_layout]
pub struct Live {
    pub rec: Seq<Rec>,
    pub started: u32,
    pub stop: u32,
    pub hits: Striped<u64, 8>,
    pub delta: Striped<i32, 4>,
    pub wrap: Striped<u32, 2>,
    pub ready: Event,
    pub count: u64,
}

fn rec(v: u64) -> RecSnapshot {
    RecSnapshot {
        f: [v; 4],
        lo: v as u32,
        tag: v as u16,
        small: v as u8,
        ..Default::default()
    }
}

/// How long a worker runs at most before it exits by itself.
const WORKER_DEADLINE: Duration = Duration::from_secs(30);
/// How long the test lets any child run before it kills it and fails.
const CHILD_DEADLINE: Duration = Duration::from_secs(40);
const ENV: &str = "SHMA_FORMAT_LIVE";

fn worker(test: &str, path: &Path, role: &str) -> Child {
    Command::new(std::env::current_exe().expect("test binary path"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ENV, format!("{}:{role}", path.display()))
        .spawn()
        .expect("spawn worker")
}

/// Waits for `child`, killing it (and failing) if it runs past [`CHILD_DEADLINE`].
fn wait_with_deadline(child: &mut Child, what: &str) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if start.elapsed() > CHILD_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} ran past its deadline of {CHILD_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs reader.py with `args` on `path` (under [`CHILD_DEADLINE`]): its JSON answer.
pub fn reader(path: &Path, args: &[&str]) -> Value {
    let mut child = Command::new("python3")
        .arg(reader_path())
        .args(args)
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (it is on every CI machine)");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    // Drained on threads, so a large answer never blocks the reader on a full pipe.
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = wait_with_deadline(&mut child, "reader.py");
    let output = Output {
        status,
        stdout: out.join().expect("stdout thread").into_bytes(),
        stderr: err.join().expect("stderr thread").into_bytes(),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "reader.py {args:?} printed no JSON ({e}), {}:\nstdout: {text}\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Waits until `started` reaches `n` (set by the workers), at most [`CHILD_DEADLINE`].
fn wait_started(seg: &Segment<Live>, n: u32) {
    let start = Instant::now();
    while seg.started().load() < n {
        assert!(
            start.elapsed() < CHILD_DEADLINE,
            "the workers never started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn run_worker(spec: &str) {
    let (path, role) = spec.rsplit_once(':').expect("PATH:ROLE");
    let seg = Segment::<Live>::open(Path::new(path)).expect("worker opens the segment");
    let start = Instant::now();
    match role {
        // Publishes whole records 1, 2, 3, ... until told to stop.
        "writer" => {
            seg.started().fetch_add(1);
            let mut v = 0u64;
            while seg.stop().load() == 0 && start.elapsed() < WORKER_DEADLINE {
                v += 1;
                seg.rec().write(&rec(v));
                // A breath between writes, so that the word is odd only a small part of
                // the time (a writer preempted mid-write, on a machine running more
                // processes than it has cores, makes the reader wait for its turn), and
                // so that the writer leaves its core to others that want it.
                std::thread::yield_now();
            }
        }
        // Begins a write (the word odd, naming this process) and never ends it: the test
        // kills it with SIGKILL; past the deadline it exits, still mid-write.
        "dies" => {
            let r = seg.rec().update(|_| {
                seg.started().fetch_add(1);
                while start.elapsed() < WORKER_DEADLINE {
                    std::thread::sleep(Duration::from_millis(10));
                }
                std::process::exit(3);
            });
            panic!("update returned {r:?} without being killed");
        }
        // Adds to the striped counters once every adder has started.
        "adder" => {
            seg.started().fetch_add(1);
            while seg.started().load() < ADDERS && start.elapsed() < WORKER_DEADLINE {
                std::thread::yield_now();
            }
            for _ in 0..ADDS {
                seg.hits().inc();
                seg.delta().add(-3);
            }
            for _ in 0..WRAP_ADDS {
                seg.wrap().add(WRAP_STEP);
            }
        }
        other => panic!("unknown role {other}"),
    }
}

/// The value `v` of a whole record copy, or a panic naming the mix.
fn whole_value(fields: &[Value], values: &[Value]) -> u64 {
    let get = |name: &str| -> u64 {
        let i = fields
            .iter()
            .position(|f| f == name)
            .unwrap_or_else(|| panic!("no field {name} in {fields:?}"));
        values[i]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{name} is not a decimal string: {values:?}"))
    };
    let v = get("f[0]");
    let whole = (1..4).all(|i| get(&format!("f[{i}]")) == v)
        && get("lo") == v as u32 as u64
        && get("tag") == v as u16 as u64
        && get("small") == v as u8 as u64;
    assert!(whole, "a mixed record: {values:?}");
    v
}

fn word(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a sequence word as a decimal string: {v}"))
}

const READS: usize = 20_000;
const MIN_DISTINCT: usize = 50;

/// (a) One Rust process publishes whole records as fast as it can while reader.py copies
/// the record 20,000 times by FORMAT.md section 13.3: every copy is whole (0 mixed), the
/// values never go back, and each copy's sequence word is the one section 13.1 says the
/// Rust writer leaves after its `v`-th write: its pid above, counter `2v`, not torn.
#[test]
fn reader_copies_only_whole_records_from_a_live_writer() {
    if let Ok(spec) = std::env::var(ENV) {
        return run_worker(&spec);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("live");
    let seg = Segment::<Live>::create(&path).expect("create");
    let mut writer = worker(
        test_name!(reader_copies_only_whole_records_from_a_live_writer),
        &path,
        "writer",
    );
    let pid = u64::from(writer.id());
    wait_started(&seg, 1);
    let read = |fence: &str, reads: usize, distinct: usize| {
        let (reads, distinct) = (reads.to_string(), distinct.to_string());
        let args = [
            "--read-record",
            "rec",
            "--reads",
            &reads,
            "--min-distinct",
            &distinct,
            "--deadline",
            "15",
            "--fence",
            fence,
        ];
        let n = |s: &str| s.parse::<usize>().expect("a count");
        (reader(&path, &args), n(&reads), n(&distinct))
    };
    // `auto` is what the reader uses on this machine (on x86 its fences are no-ops);
    // `membarrier` is the real fence it uses elsewhere, run here too (fewer copies: each
    // fence is a system call) so that it is known to work.
    let outs = [
        read("auto", READS, MIN_DISTINCT),
        read("membarrier", READS / 10, MIN_DISTINCT / 10),
    ];
    seg.stop().store(1);
    let status = wait_with_deadline(&mut writer, "the writer");
    assert!(status.success(), "the writer failed: {status}");
    for (out, reads, distinct) in &outs {
        check_copies(out, pid, *reads, *distinct);
    }
}

/// The checks of [`reader_copies_only_whole_records_from_a_live_writer`] on one answer
/// that was asked for `reads` copies of at least `distinct` writes.
fn check_copies(out: &Value, pid: u64, reads: usize, distinct: usize) {
    assert_eq!(out["ok"], Value::Bool(true), "reader.py: {}", out["error"]);
    let fields = out["fields"].as_array().expect("fields");
    assert_eq!(fields.len(), 7, "f[0..4], lo, tag, small: {fields:?}");
    let copies = out["reads"].as_array().expect("reads");
    assert!(copies.len() >= reads, "{} copies", copies.len());
    let mut last = 0;
    let mut mixed = 0;
    for c in copies {
        assert_eq!(c["torn_by"], Value::Null);
        let values = c["values"].as_array().expect("values");
        let v = whole_value(fields, values);
        if v < last {
            mixed += 1;
        }
        last = v;
        let w = word(&c["word"]);
        if v == 0 {
            assert_eq!(w, 0, "never written: the all-zero word");
        } else {
            assert_eq!(w, pid << 32 | (2 * v) & 0x7fff_ffff, "word of write {v}");
        }
    }
    assert_eq!(mixed, 0, "copies went back");
    assert!(out["distinct_words"].as_u64().expect("count") >= distinct as u64);
    eprintln!(
        "reader.py: {} whole copies of {} distinct writes, {} retries, {} waits",
        copies.len(),
        out["distinct_words"],
        out["retries"],
        out["waits"]
    );
}

/// (b) A writer process begins a write and is killed with SIGKILL: while it lives,
/// reader.py waits for it (busy at its deadline, never "dead"); once it is dead reader.py
/// reports a dead writer naming its pid; after a Rust `update` (which refuses a torn
/// record and publishes it unchanged) reader.py reports the record torn by that pid; after
/// a Rust `write` the record is whole again.
#[test]
fn reader_reports_a_killed_writer_then_torn_then_whole() {
    if let Ok(spec) = std::env::var(ENV) {
        return run_worker(&spec);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("killed");
    let seg = Segment::<Live>::create(&path).expect("create");
    seg.rec().write(&rec(7));
    let mut child = worker(
        test_name!(reader_reports_a_killed_writer_then_torn_then_whole),
        &path,
        "dies",
    );
    let pid = child.id();
    wait_started(&seg, 1);

    let out = reader(&path, &["--read-record", "rec", "--deadline", "0.5"]);
    assert_eq!(out["kind"], "Busy", "a live writer is waited for: {out}");
    assert_eq!(out["pid"], pid);

    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let out = reader(&path, &["--read-record", "rec", "--deadline", "10"]);
    assert_eq!(out["ok"], Value::Bool(false), "{out}");
    assert_eq!(out["kind"], "DeadWriter", "{out}");
    assert_eq!(out["pid"], pid, "the dead writer's pid");
    let w = word(&out["word"]);
    assert_eq!(
        (w >> 32, w & 1),
        (u64::from(pid), 1),
        "odd, naming the writer"
    );
    assert_eq!(seg.rec().read(), Err(SeqError::DeadWriter { pid }));

    // The next writer takes over; `update` does not write a torn record, so it stays torn.
    assert_eq!(seg.rec().update(|_| ()), Err(SeqError::Torn { pid }));
    let out = reader(&path, &["--read-record", "rec"]);
    assert_eq!(out["ok"], Value::Bool(true), "{out}");
    let copy = &out["reads"][0];
    assert_eq!(copy["torn_by"], pid, "torn by the dead writer: {out}");
    let w = word(&copy["word"]);
    assert_eq!(
        (w >> 32, w & 1, w & (1 << 31)),
        (u64::from(pid), 0, 1 << 31)
    );

    seg.rec().write(&rec(8));
    let out = reader(&path, &["--read-record", "rec"]);
    let copy = &out["reads"][0];
    assert_eq!(copy["torn_by"], Value::Null, "whole again: {out}");
    let fields = out["fields"].as_array().expect("fields");
    let values = copy["values"].as_array().expect("values");
    assert_eq!(whole_value(fields, values), 8);
    let w = word(&copy["word"]);
    assert_eq!(
        w >> 32,
        u64::from(std::process::id()),
        "names the last writer"
    );
    assert_eq!(w & (1 << 31 | 1), 0, "even, not torn");
}

const ADDERS: u32 = 3;
const ADDS: u64 = 100_000;
const WRAP_ADDS: u64 = 5;
const WRAP_STEP: u32 = 0x9000_0001;

/// (c) Three processes add to three striped counters (u64 increments, i32 negative adds,
/// u32 adds whose cells and sum wrap): reader.py's sum by FORMAT.md section 14 equals
/// Rust's `load()` and the exact total, and its cells are Rust's cells.
#[test]
fn reader_sums_striped_counters_like_rust() {
    if let Ok(spec) = std::env::var(ENV) {
        return run_worker(&spec);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("striped");
    let seg = Segment::<Live>::create(&path).expect("create");
    let mut children: Vec<Child> = (0..ADDERS)
        .map(|_| {
            worker(
                test_name!(reader_sums_striped_counters_like_rust),
                &path,
                "adder",
            )
        })
        .collect();
    for c in &mut children {
        let status = wait_with_deadline(c, "an adder");
        assert!(status.success(), "an adder failed: {status}");
    }
    let n = u64::from(ADDERS);
    let hits = n * ADDS;
    let delta = -3 * (n * ADDS) as i64;
    let wrap = (n * WRAP_ADDS * u64::from(WRAP_STEP)) as u32;
    assert_eq!(seg.hits().load(), hits);
    assert_eq!(i64::from(seg.delta().load()), delta);
    assert_eq!(seg.wrap().load(), wrap);

    let sum = |field: &str| -> Value {
        let out = reader(&path, &["--sum", field]);
        assert_eq!(out["ok"], Value::Bool(true), "{out}");
        out
    };
    let out = sum("hits");
    assert_eq!(out["sum"], hits.to_string());
    let rust_cells: Vec<String> = seg
        .hits()
        .cells()
        .iter()
        .map(|c| c.value().load().to_string())
        .collect();
    assert_eq!(out["cell_values"], serde_json::json!(rust_cells));
    assert_eq!(sum("delta")["sum"], delta.to_string());
    assert_eq!(sum("wrap")["sum"], wrap.to_string());
    // A path to one cell is not a counter; a bad path is refused by the grammar.
    assert_eq!(reader(&path, &["--sum", "hits[1]"])["kind"], "NotStriped");
    let out = reader(&path, &["--sum", "hits[01]"]);
    assert_eq!(
        (&out["kind"], &out["path_kind"]),
        (&"Path".into(), &"BadIndex".into())
    );
}

/// (d) reader.py waits on an event by FORMAT.md section 15 (the shared futex, from
/// another process) until a value reaches 1; Rust stores the value and notifies: the
/// reader wakes and sees the value, after sleeping at least once, without reaching its
/// time-out (a private futex would sleep through the notification).
#[test]
fn reader_waits_on_an_event_until_rust_notifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("event");
    let seg = Segment::<Live>::create(&path).expect("create");
    let mut child = Command::new("python3")
        .arg(reader_path())
        .args([
            "--wait-event",
            "ready",
            "--until",
            "count>=1",
            "--deadline",
            "20",
        ])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    let err = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line == "waiting" {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    if rx.recv_timeout(CHILD_DEADLINE).is_err() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("reader.py never waited: {}", err.join().expect("stderr"));
    }
    // Most likely asleep in the kernel by now; if not, the kernel's comparison of the
    // word with the generation it read returns at once (no notification is lost).
    std::thread::sleep(Duration::from_millis(100));
    seg.count().store(1);
    seg.ready().notify_all();
    let status = wait_with_deadline(&mut child, "reader.py --wait-event");
    let text = out.join().expect("stdout");
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {text}\n{}", err.join().expect("stderr")));
    assert!(status.success(), "{v}");
    assert_eq!(v["ok"], Value::Bool(true), "{v}");
    assert_eq!(v["value"], 1);
    assert_eq!(v["generation"], 1, "the notification's increment");
    assert!(v["sleeps"].as_u64().expect("sleeps") >= 1, "{v}");
    // Woken by the notification (or, had it not been asleep yet, by the word's change),
    // never by its 20-second time-out: the wait queue is shared across processes.
    assert_eq!(v["futex"]["timed_out"], 0, "{v}");
    let by_notify = &v["futex"]["woken"].as_u64().expect("count");
    let by_change = &v["futex"]["changed"].as_u64().expect("count");
    assert!(by_notify + by_change >= 1, "{v}");
    eprintln!("reader.py --wait-event: {}", v["futex"]);
}
