//! `shma` on records and striped counters: values of a record from one consistent read
//! (and the dead-writer / torn notes), striped counters as sums or cells.

use std::process::Command;

use shm_atomics::{Segment, Seq};

use crate::processes::{Board, rec};

fn shma(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(args)
        .output()
        .expect("run shma");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `get` of a record prints every value from one read, of a record value one value, of a
/// striped counter its sum (cells with `--cells`); `inspect` shows the sum line; a record
/// whose writer died is shown read alone with a note, never hanging.
#[test]
fn get_and_inspect_records_and_striped_counters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("board");
    let p = path.to_str().expect("utf-8");
    let seg = Segment::<Board>::create(&path).expect("create");
    seg.rec().write(&rec(7));
    seg.hits().add(3);
    seg.hits().cells()[5].value().fetch_add(4);

    let (ok, out, err) = shma(&["get", p, "rec.f[3]"]);
    assert!(ok, "{err}");
    assert_eq!(out, "7\n");
    let (ok, out, err) = shma(&["get", p, "rec"]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 8);
    assert!(out.lines().all(|l| l.ends_with(" = 7")), "{out}");
    let (ok, out, _) = shma(&["get", p, "hits"]);
    assert!(ok);
    assert_eq!(out, "7\n");
    let (ok, out, _) = shma(&["get", p, "hits", "--cells"]);
    assert!(ok);
    assert_eq!(out.lines().count(), 16);
    assert!(out.contains("hits[5] = "), "{out}");

    let (ok, out, err) = shma(&["inspect", p]);
    assert!(ok, "{err}");
    assert!(out.contains("7 (sum of 16 cells)"), "{out}");
    assert!(!out.contains("hits[1]"), "{out}");
    let (ok, out, _) = shma(&["inspect", p, "--cells"]);
    assert!(ok);
    assert!(out.contains("hits[15]"), "{out}");
    let (ok, out, _) = shma(&["inspect", p, "--json"]);
    assert!(ok);
    assert!(out.contains("\"cells\":16"), "{out}");

    // The header from the stored descriptor is the Rust layout's, byte for byte.
    let (ok, out, _) = shma(&["header", p]);
    assert!(ok);
    assert_eq!(out, <Board as shm_atomics::Layout>::c_header());

    let (ok, out, err) = shma(&["watch", p, "--count", "1"]);
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("hits ") && l.contains(" 7 ")),
        "{out}"
    );
    assert!(out.contains("rec.f[7]"), "{out}");

    // A dead writer: the word odd, naming a process that has exited.
    let dead = crate::api::dead_pid();
    // SAFETY: the sequence word is the first 8 bytes of the Seq, an Atomic<u64>.
    let seq = unsafe { &*(seg.rec() as *const Seq<_> as *const shm_atomics::Atomic<u64>) };
    seq.store((u64::from(dead) << 32) | 3);
    let (ok, out, err) = shma(&["get", p, "rec.f[0]"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("writer {dead} died mid-write")),
        "{out}"
    );
    seg.rec().update(|_| ()).expect_err("torn");
    let (ok, out, _) = shma(&["inspect", p]);
    assert!(ok);
    assert!(out.contains(&format!("torn: writer {dead}")), "{out}");
}

/// Proves `set` and `add` of a value inside a `Seq` record write the record whole
/// through its protocol (they used to store the value alone, bypassing the sequence
/// word, so a reader could copy a mixed record as consistent): each is exactly one
/// protocol write (the counter advances by 2), the other values are kept, and a torn
/// record is refused with one line saying why; values outside the record are written
/// as before.
#[test]
fn set_and_add_inside_a_record_write_it_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("board");
    let p = path.to_str().expect("utf-8");
    let seg = Segment::<Board>::create(&path).expect("create");
    seg.rec().write(&rec(7));
    let counter = |w: u64| w & 0x7fff_ffff;
    let before = counter(seg.rec().sequence());

    let (ok, _, err) = shma(&["set", p, "rec.f[3]", "9"]);
    assert!(ok, "{err}");
    let (ok, out, err) = shma(&["add", p, "rec.f[3]", "1"]);
    assert!(ok, "{err}");
    assert_eq!(out, "10\n");
    assert_eq!(
        counter(seg.rec().sequence()),
        before + 4,
        "two whole writes"
    );
    let r = seg.rec().read().expect("whole");
    assert_eq!(r.f, [7, 7, 7, 10, 7, 7, 7, 7]);

    // A torn record (a dead writer's leftovers) is not updated value by value.
    let dead = crate::api::dead_pid();
    // SAFETY: the sequence word is the first 8 bytes of the Seq, an Atomic<u64>.
    let word = unsafe { &*(seg.rec() as *const Seq<_> as *const shm_atomics::Atomic<u64>) };
    word.store((u64::from(dead) << 32) | (1 << 31) | 8);
    let (ok, _, err) = shma(&["set", p, "rec.f[0]", "1"]);
    assert!(!ok, "a torn record was updated");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("in the Seq record rec") && err.contains("torn"),
        "{err}"
    );

    let (ok, _, err) = shma(&["set", p, "plain", "5"]);
    assert!(ok, "{err}");
    let (ok, out, err) = shma(&["add", p, "plain", "2"]);
    assert!(ok, "{err}");
    assert_eq!(out, "7\n");
    assert_eq!(seg.plain().load(), 7);
}
