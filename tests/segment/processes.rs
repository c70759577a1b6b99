//! Real processes sharing one segment: exact totals under contention, a worker killed
//! with SIGKILL mid-run, and many processes racing `open_or_create` on one new path.
//!
//! Every worker is this test binary re-run with one test selected (`--exact`) and an
//! environment variable that tells that test to act as a worker.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use shm_atomics::{Layout, Segment, atomic_layout};

/// Starts this test binary as a worker running only `test` (its libtest name, from
/// `test_name!`), with `env = spec`.
fn worker(test: &str, env: &str, spec: String) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test binary path"));
    c.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(env, spec);
    c
}

fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// splitmix64: a bijection on u64 with well-mixed output.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

// ---------------------------------------------------------------------------------------
// 1. Exact totals: 4 processes x 250k updates of several fields.
// ---------------------------------------------------------------------------------------

#[atomic_layout]
pub struct Mixed {
    /// 8-byte fetch_add of 1 per operation.
    pub count: u64,
    /// 16-byte CAS loops adding `u64::MAX + w` (so every step carries into the high half).
    pub wide: u128,
    /// 16-byte exchange of the writer's operation id.
    pub last_id: [u8; 16],
    /// XOR of every (new ^ old) pair the exchanges saw, folded in once per worker.
    pub xor_acc: u128,
    /// Workers that finished.
    pub finished: u32,
    /// Workers that opened the segment: a start barrier, so all run at the same time.
    pub started: u32,
}

const OPS: u64 = 250_000;
const MIXED_WORKERS: u64 = 4;
const MIXED_ENV: &str = "SHM_ATOMICS_SEG_MIXED_WORKER";

/// The unique id of worker `w`'s `i`-th exchange: worker tag in the high half, a
/// bijective hash of `i` in the low half (so no two ids are equal and XORs of distinct
/// ids do not cancel by accident).
fn op_id(w: u64, i: u64) -> u128 {
    (u128::from(w + 1) << 64) | u128::from(mix(i))
}

fn wide_step(w: u64) -> u128 {
    u128::from(u64::MAX) + u128::from(w)
}

fn mixed_worker(path: &Path, w: u64) {
    let seg = Segment::<Mixed>::open(path).expect("worker opens the segment");
    let step = wide_step(w);
    let mut xor_local = 0u128;
    // Start together: process start-up is slow next to the work, and without a barrier
    // the workers could run one after another without ever contending.
    seg.started().fetch_add(1);
    let start = Instant::now();
    while seg.started().load() < MIXED_WORKERS as u32 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the others never came"
        );
        std::thread::yield_now();
    }
    for i in 0..OPS {
        seg.count().fetch_add(1);
        // Three flavours of the 16-byte read-modify-write, by worker.
        match w % 3 {
            0 => {
                let mut cur = seg.wide().load();
                loop {
                    let r = seg.wide().cmpxchg_weak(cur, cur.wrapping_add(step));
                    if r.success {
                        break;
                    }
                    cur = r.expected;
                }
            }
            1 => {
                let mut cur = seg.wide().load();
                loop {
                    let r = seg.wide().cmpxchg_strong(cur, cur.wrapping_add(step));
                    if r.success {
                        break;
                    }
                    assert_ne!(r.expected, cur, "a strong CAS failed spuriously");
                    cur = r.expected;
                }
            }
            _ => {
                seg.wide().update_fetch(|v| v.wrapping_add(step));
            }
        }
        let new = op_id(w, i);
        let old = seg.last_id().exchange(new.to_le_bytes());
        xor_local ^= new ^ u128::from_le_bytes(old);
    }
    seg.xor_acc().bin_xor(xor_local);
    seg.finished().fetch_add(1);
}

/// Four processes, 250k operations each, on one segment. Per operation: an 8-byte
/// fetch_add, a 16-byte CAS loop (weak, strong, or `update_fetch(f)` by worker), a 16-byte
/// exchange. Every total must be exact.
///
/// The exchange check: the exchanges form one total order, each returning the value the
/// previous one wrote. So the values returned are the initial zero and every written id
/// except the last one standing; XOR-ing `new ^ old` over all exchanges leaves exactly
/// `final ^ 0`. A lost or duplicated exchange leaves some id unpaired and the XOR wrong.
///
/// Debug-build run time: well under a second on 2 cores (250k per process is cheap).
#[test]
fn four_processes_exact_totals() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Mixed>() {
        return;
    }
    if let Ok(spec) = std::env::var(MIXED_ENV) {
        let (path, w) = spec.rsplit_once(':').expect("PATH:ID");
        mixed_worker(Path::new(path), w.parse().expect("numeric id"));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mixed");
    let seg = Segment::<Mixed>::create(&path).expect("create");
    let children: Vec<Child> = (0..MIXED_WORKERS)
        .map(|w| {
            worker(
                test_name!(four_processes_exact_totals),
                MIXED_ENV,
                format!("{}:{w}", path.display()),
            )
            .spawn()
            .expect("spawn worker")
        })
        .collect();
    for (w, mut c) in children.into_iter().enumerate() {
        let status = crate::common::wait_or_kill(&mut c, "a worker");
        assert!(status.success(), "worker {w} failed: {status}");
    }

    let s = seg.snapshot();
    assert_eq!(s.finished, MIXED_WORKERS as u32);
    assert_eq!(s.count, MIXED_WORKERS * OPS);
    let want_wide: u128 = (0..MIXED_WORKERS)
        .map(|w| u128::from(OPS) * wide_step(w))
        .sum();
    assert_eq!(s.wide, want_wide);
    assert!(
        s.wide > u128::from(u64::MAX),
        "the carries reached the high half"
    );
    let last = u128::from_le_bytes(s.last_id);
    assert!(
        (0..MIXED_WORKERS).any(|w| last == op_id(w, OPS - 1)),
        "the final id {last:#x} is not any worker's last id"
    );
    assert_eq!(
        s.xor_acc, last,
        "XOR of all (new ^ old) must equal the final id: an exchange was lost or duplicated"
    );
}

// ---------------------------------------------------------------------------------------
// 2. SIGKILL mid-run.
// ---------------------------------------------------------------------------------------

/// One worker's record on its own cache line.
#[atomic_layout]
pub struct KillSlot {
    /// Low 64 bits: operations done; high 64 bits: sum of their values.
    #[atomic(align = 64)]
    pub progress: u128,
    /// Set by the worker after it left its loop normally.
    pub done: bool,
}

#[atomic_layout]
pub struct KillLedger {
    /// Low 64 bits: everyone's operations; high 64 bits: sum of everyone's values.
    pub ledger: u128,
    /// Set by the parent to stop the workers.
    pub stop: bool,
    pub slots: [KillSlot; 4],
}

const KILL_ENV: &str = "SHM_ATOMICS_SEG_KILL_WORKER";
const KILL_WORKERS: usize = 4;
const VICTIM: usize = 2;

/// The value of worker `w`'s `i`-th operation.
fn kill_value(w: u64, i: u64) -> u64 {
    (w + 1) * 1_000 + i % 997
}

/// The 16-byte step of worker `w`'s `i`-th operation: one op, its value in the high half.
fn kill_step(w: u64, i: u64) -> u128 {
    1 | (u128::from(kill_value(w, i)) << 64)
}

/// Closed form of `kill_value(w, 0) + ... + kill_value(w, n - 1)`.
fn kill_sum(w: u64, n: u64) -> u128 {
    let per_cycle: u128 = (0..997u128).sum();
    let rest = u128::from(n % 997);
    u128::from(n) * u128::from((w + 1) * 1_000)
        + u128::from(n / 997) * per_cycle
        + rest * (rest.max(1) - 1) / 2
}

fn kill_worker(path: &Path, w: usize) {
    let seg = Segment::<KillLedger>::open(path).expect("worker opens the segment");
    let slot = &seg.slots()[w];
    let mut i = 0u64;
    let start = Instant::now();
    while !seg.stop().load() {
        assert!(
            start.elapsed() < crate::common::CHILD_DEADLINE,
            "worker {w}: the parent never said stop"
        );
        let step = kill_step(w as u64, i);
        // (a) own slot, one 16-byte atomic step; (b) shared ledger, one 16-byte step.
        slot.progress().fetch_add(step);
        seg.ledger().fetch_add(step);
        i += 1;
    }
    slot.done().store(true);
}

/// Four workers update their own slot and then the shared ledger, each a single 16-byte
/// fetch_add, until told to stop; one is killed with SIGKILL after it made progress.
///
/// Why the accounting stays exact: a process killed by SIGKILL stops between
/// instructions, and each update is one atomic instruction, so no slot and no ledger is
/// ever torn. The victim's slot therefore holds exactly `ops` steps (count in the low
/// half, value sum in the high half, always consistent). Per operation the order is slot
/// first, ledger second, so the victim died either after both updates of its last
/// operation (ledger == sum of slots) or between them (ledger == sum of slots minus
/// exactly the victim's step for operation `ops - 1`). Nothing else is possible; the
/// two cases exclude each other since a step is never zero. The survivors left their
/// loops normally, so their slots are complete (`done`) and fully in the ledger.
#[test]
fn sigkill_mid_run_leaves_exact_accounting() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<KillLedger>() {
        return;
    }
    if let Ok(spec) = std::env::var(KILL_ENV) {
        let (path, w) = spec.rsplit_once(':').expect("PATH:ID");
        kill_worker(Path::new(path), w.parse().expect("numeric id"));
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("killable");
    let seg = Segment::<KillLedger>::create(&path).expect("create");
    let mut children: Vec<Child> = (0..KILL_WORKERS)
        .map(|w| {
            worker(
                test_name!(sigkill_mid_run_leaves_exact_accounting),
                KILL_ENV,
                format!("{}:{w}", path.display()),
            )
            .spawn()
            .expect("spawn worker")
        })
        .collect();
    let ops = |w: usize| seg.slots()[w].progress().load() as u64;
    let timeout = Duration::from_secs(60);
    wait_until("every worker to make progress", timeout, || {
        (0..KILL_WORKERS).all(|w| ops(w) >= 20_000)
    });

    children[VICTIM].kill().expect("SIGKILL the victim");
    let status = crate::common::wait_or_kill(&mut children[VICTIM], "wait for the victim");
    assert_eq!(status.signal(), Some(libc::SIGKILL), "victim: {status}");
    let victim_ops = ops(VICTIM);
    assert!(victim_ops >= 20_000);

    // The others keep working on the segment after the kill.
    let at_kill: Vec<u64> = (0..KILL_WORKERS).map(ops).collect();
    wait_until("the survivors to go on", timeout, || {
        (0..KILL_WORKERS)
            .filter(|&w| w != VICTIM)
            .all(|w| ops(w) >= at_kill[w] + 20_000)
    });
    seg.stop().store(true);
    for (w, c) in children.iter_mut().enumerate() {
        if w != VICTIM {
            let status = crate::common::wait_or_kill(c, "a worker");
            assert!(status.success(), "survivor {w} failed: {status}");
        }
    }

    let s = seg.snapshot();
    let mut slot_sum = 0u128;
    for (w, slot) in s.slots.iter().enumerate() {
        let (n, sum) = (slot.progress as u64, slot.progress >> 64);
        assert_eq!(
            sum,
            kill_sum(w as u64, n),
            "slot {w}: value sum of {n} ops is not exact (torn or lost update)"
        );
        assert_eq!(slot.done, w != VICTIM, "slot {w}: done flag");
        slot_sum += slot.progress;
    }
    assert_eq!(
        s.slots[VICTIM].progress as u64, victim_ops,
        "the dead do not write"
    );
    let missing = kill_step(VICTIM as u64, victim_ops - 1);
    let complete = s.ledger == slot_sum;
    let died_between = s.ledger == slot_sum - missing;
    assert!(
        complete ^ died_between,
        "ledger {:#x} must be the sum of slots {slot_sum:#x}, or that minus the victim's \
         next step {missing:#x}",
        s.ledger
    );
    drop(seg);

    // The segment stays usable: open it again and update it.
    let again = Segment::<KillLedger>::open(&path).expect("reopen after the kill");
    let before = again.ledger().load();
    let step = kill_step(VICTIM as u64, victim_ops);
    again.slots()[VICTIM].progress().fetch_add(step);
    again.ledger().fetch_add(step);
    assert_eq!(again.ledger().load(), before + step);
    let s = again.snapshot();
    assert_eq!(
        s.slots[VICTIM].progress >> 64,
        kill_sum(VICTIM as u64, victim_ops + 1)
    );
}

// ---------------------------------------------------------------------------------------
// 3. Eight processes racing open_or_create.
// ---------------------------------------------------------------------------------------

#[atomic_layout]
pub struct Raced {
    pub marker: u64,
    pub wide: u128,
    pub name: [u8; 16],
    /// Processes that opened the segment and found it initialized.
    pub opened: u32,
}

const RACE_ENV: &str = "SHM_ATOMICS_SEG_RACE_WORKER";
const RACERS: usize = 8;
const ROUNDS: usize = 4;
const MARKER: u64 = 0x5eed_0000_cafe_f00d;
const WIDE: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;

fn race_initial() -> RacedSnapshot {
    RacedSnapshot {
        marker: MARKER,
        wide: WIDE,
        name: *b"initialized-ok!!",
        ..Default::default()
    }
}

/// Worker: announce readiness, wait for the go file, race `open_or_create`, check the
/// payload, print what it saw.
fn race_worker(seg_path: &Path, sync: &Path, id: usize) {
    std::fs::write(sync.join(format!("ready-{id}")), b"").expect("ready file");
    let go = sync.join("go");
    let start = Instant::now();
    while !go.exists() {
        assert!(start.elapsed() < Duration::from_secs(60), "no go signal");
        std::thread::yield_now();
    }
    let init = race_initial();
    let seg = Segment::<Raced>::options()
        .initial(&init)
        .open_or_create(seg_path)
        .expect("open_or_create in the race");
    let s = seg.snapshot();
    assert_eq!(s.marker, MARKER, "payload not initialized");
    assert_eq!(s.wide, WIDE, "payload not initialized");
    assert_eq!(&s.name, b"initialized-ok!!", "payload not initialized");
    seg.opened().fetch_add(1);
    let info = seg.info();
    assert_eq!(info.layout_name(), Raced::NAME);
    println!(
        "RACE pid={} creator={} fp={:x} created={}",
        std::process::id(),
        info.creator_pid,
        info.fingerprint,
        info.created
            .duration_since(UNIX_EPOCH)
            .expect("after the epoch")
            .as_nanos()
    );
}

/// Eight processes, released together, race `open_or_create` on one new path, over
/// several rounds on fresh paths: exactly one creates (its pid is the creator pid every
/// process reports), all see the same header and an initialized payload (so no one saw a
/// half-written segment), and no temporary file is left in the directory.
#[test]
fn eight_processes_race_open_or_create() {
    // 16-byte values: refused where they are not lock-free (asserted there).
    if !crate::common::layout_fits_here::<Raced>() {
        return;
    }
    if let Ok(spec) = std::env::var(RACE_ENV) {
        let mut parts = spec.split('\n');
        let (seg, sync, id) = (
            parts.next().expect("segment path"),
            parts.next().expect("sync dir"),
            parts.next().expect("id"),
        );
        race_worker(Path::new(seg), Path::new(sync), id.parse().expect("id"));
        return;
    }
    for round in 0..ROUNDS {
        let dir = tempfile::tempdir().expect("segment dir");
        let sync = tempfile::tempdir().expect("sync dir");
        let seg_path = dir.path().join(format!("raced-{round}"));
        let children: Vec<Child> = (0..RACERS)
            .map(|id| {
                worker(
                    test_name!(eight_processes_race_open_or_create),
                    RACE_ENV,
                    format!("{}\n{}\n{id}", seg_path.display(), sync.path().display()),
                )
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn racer")
            })
            .collect();
        wait_until("every racer to be ready", Duration::from_secs(60), || {
            (0..RACERS).all(|id| sync.path().join(format!("ready-{id}")).exists())
        });
        std::fs::write(sync.path().join("go"), b"").expect("go file");

        let mut reports = Vec::new();
        for (id, c) in children.into_iter().enumerate() {
            let out = c.wait_with_output().expect("wait");
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(out.status.success(), "racer {id}: {}\n{stdout}", out.status);
            // libtest prints `test NAME ... ` without a newline before the test's output.
            let line = stdout
                .lines()
                .find_map(|l| l.find("RACE ").map(|at| &l[at..]))
                .unwrap_or_else(|| panic!("racer {id} reported nothing:\n{stdout}"));
            let field = |k: &str| -> String {
                line.split(' ')
                    .find_map(|kv| kv.strip_prefix(k))
                    .unwrap_or_else(|| panic!("no {k} in {line}"))
                    .to_string()
            };
            reports.push((
                field("pid=").parse::<u32>().expect("pid"),
                field("creator=").parse::<u32>().expect("creator"),
                field("fp="),
                field("created="),
            ));
        }
        let creators: BTreeSet<u32> = reports.iter().map(|r| r.1).collect();
        assert_eq!(creators.len(), 1, "round {round}: creators {creators:?}");
        let creator = *creators.iter().next().expect("one creator");
        let matching = reports.iter().filter(|r| r.0 == creator).count();
        assert_eq!(
            matching, 1,
            "round {round}: exactly one racer must be the creator {creator}: {reports:?}"
        );
        let headers: BTreeSet<(&str, &str)> = reports.iter().map(|r| (&*r.2, &*r.3)).collect();
        assert_eq!(
            headers.len(),
            1,
            "round {round}: headers differ: {headers:?}"
        );
        assert_eq!(reports[0].2, format!("{:x}", Raced::FINGERPRINT));

        let seg = Segment::<Raced>::open(&seg_path).expect("open after the race");
        assert_eq!(seg.opened().load(), RACERS as u32);
        assert_eq!(seg.info().creator_pid, creator);
        let names: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").path())
            .collect();
        assert_eq!(
            names,
            vec![seg_path.clone()],
            "round {round}: only the segment may remain (no .tmp files)"
        );
        let created = seg.info().created;
        let age = SystemTime::now()
            .duration_since(created)
            .expect("created in the past");
        assert!(age < Duration::from_secs(120));
    }
}
