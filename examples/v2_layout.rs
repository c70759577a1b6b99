//! Rust's side of the Python package's tests of segment format version 2 fields
//! (python/tests/test_v2_fields.py): a layout with a `Seq` record, a `Striped` counter, an
//! `Event`, 32-bit words and an array of nested layouts, made and driven from Rust while
//! Python processes use it; also the segment of the field-path table (tests/paths.txt).
//!
//! ```text
//! cargo run --example v2_layout -- make PATH          # a zeroed `Board` segment
//! cargo run --example v2_layout -- notify PATH N      # N x (tokens += 1; ready.notify_one())
//! cargo run --example v2_layout -- wake PATH          # word = 1; word.notify_all()
//! cargo run --example v2_layout -- write PATH N       # N records with every field = i
//! cargo run --example v2_layout -- check PATH         # prints what Rust reads
//! ```

use std::process::ExitCode;

use shm_atomics::{Event, Segment, Seq, Striped, atomic_layout};

/// A record whose fields a writer always sets to one value.
#[atomic_layout]
pub struct Pose {
    /// Equal to `y` and `z` in every whole record.
    pub x: u64,
    /// Equal to `x`.
    pub y: u64,
    /// Equal to `x`.
    pub z: [u64; 2],
    /// The low 32 bits of `x`.
    pub tag: u32,
}

/// One link's counters: a nested layout in an array (for the field-path table,
/// tests/paths.txt).
#[atomic_layout]
pub struct Link {
    /// Bytes received.
    pub rx: u64,
    /// A small histogram.
    pub hist: [u16; 4],
}

/// One field of each version 2 type, 32-bit words to wait on, and an array of nested
/// layouts.
#[atomic_layout]
pub struct Board {
    /// A striped counter.
    pub hits: Striped<u64, 8>,
    /// Notified once per token.
    pub ready: Event,
    /// Work tokens that waiters take one at a time.
    pub tokens: u32,
    /// A word to wait on.
    pub word: u32,
    /// A seqlock record.
    pub pose: Seq<Pose>,
    /// A plain counter.
    pub total: u64,
    /// Nested layouts in an array.
    pub links: [Link; 2],
}

fn pose(i: u64) -> PoseSnapshot {
    PoseSnapshot {
        x: i,
        y: i,
        z: [i; 2],
        tag: i as u32,
        ..Default::default()
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let usage =
        "usage: v2_layout make PATH | notify PATH N | wake PATH | write PATH N | check PATH";
    let num = |s: &String| s.parse::<u64>().map_err(|e| format!("{s}: {e}"));
    let open = |p: &String| Segment::<Board>::open(p).map_err(|e| e.to_string());
    match args {
        [cmd, path] if cmd == "make" => {
            Segment::<Board>::create(path).map_err(|e| e.to_string())?;
        }
        [cmd, path, n] if cmd == "notify" => {
            let s = open(path)?;
            for _ in 0..num(n)? {
                s.tokens().fetch_add(1);
                s.ready().notify_one();
            }
        }
        [cmd, path] if cmd == "wake" => {
            let s = open(path)?;
            s.word().store(1);
            s.word().notify_all();
        }
        [cmd, path, n] if cmd == "write" => {
            let s = open(path)?;
            for i in 1..=num(n)? {
                s.pose().write(&pose(i));
            }
        }
        [cmd, path] if cmd == "check" => {
            let s = open(path)?;
            let p = s.pose().read().map_err(|e| e.to_string())?;
            println!(
                "hits={} ready={} tokens={} word={} pose.x={} total={}",
                s.hits().load(),
                s.ready().generation(),
                s.tokens().load(),
                s.word().load(),
                p.x,
                s.total().load()
            );
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("v2_layout: {e}");
            ExitCode::FAILURE
        }
    }
}
