//! Rust's side of the Python package's segment tests (python/tests/test_segment*.py):
//! typed layouts that the tests declare again in Python, so they can prove that
//! `Segment::<L>::open` accepts a Python-made segment and that Python reads and updates a
//! Rust-made one by field name.
//!
//! ```text
//! cargo run --example open_layout -- desc NAME          # hex descriptor and fingerprint
//! cargo run --example open_layout -- check NAME PATH    # Segment::<NAME>::open(PATH)
//! cargo run --example open_layout -- make PATH          # a Stats segment with known values
//! cargo run --example open_layout -- inc PATH N WORKERS # Mixed: hits += N (after a start barrier)
//! cargo run --example open_layout -- make-v2 PATH       # a segment with an Event field
//! ```
//!
//! Layouts: `Net`, `Stats` (nested, arrays, aligned fields, layout alignment), `Wide`
//! (16-byte fields), `Flags` (bool, float, bytes), `Mixed` (the mixed-process counter).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use shm_atomics::{
    FieldSpec, FieldTypeBuf, Kind, Layout, LayoutDescBuf, RawSegment, Segment, atomic_layout,
};

/// A nested layout.
#[atomic_layout]
pub struct Net {
    /// Bytes received.
    pub rx: u64,
    /// Bytes sent.
    pub tx: u32,
    /// Link up.
    pub up: bool,
}

/// Nested layouts, arrays, aligned fields and a layout alignment.
#[atomic_layout(align = 128)]
pub struct Stats {
    /// A counter.
    pub hits: u64,
    /// A nested layout.
    pub net: Net,
    /// An array of values.
    pub latency_us: [u32; 8],
    /// An aligned field.
    #[atomic(align = 64)]
    pub flag: bool,
    /// An array of nested layouts.
    pub links: [Net; 3],
    /// A signed byte.
    pub small: i8,
}

/// 16-byte fields.
#[atomic_layout]
pub struct Wide {
    /// A byte before, so the next field is padded.
    pub tag: u8,
    /// A 16-byte integer on its own cache line.
    #[atomic(align = 64)]
    pub both: u128,
    /// 16 raw bytes.
    pub id: [u8; 16],
    /// Signed 16-byte integers.
    pub pair: [i128; 2],
}

/// bool, float and bytes fields.
#[atomic_layout]
pub struct Flags {
    /// A bool.
    pub on: bool,
    /// Bools.
    pub bits: [bool; 7],
    /// A 32-bit float.
    pub ratio: f32,
    /// 64-bit floats.
    pub temps: [f64; 2],
    /// Four raw bytes.
    pub tag: [u8; 4],
    /// A signed integer.
    pub delta: i64,
}

/// The counter Python, Rust and C processes increment together.
#[atomic_layout]
pub struct Mixed {
    /// Incremented by everyone.
    pub hits: u64,
    /// Workers that have started (the start barrier).
    pub started: u32,
}

fn desc(name: &str) -> Option<(LayoutDescBuf, u64)> {
    fn of<L: Layout>() -> Option<(LayoutDescBuf, u64)> {
        Some((LayoutDescBuf::from_desc(&L::DESC), L::FINGERPRINT))
    }
    match name {
        "Net" => of::<Net>(),
        "Stats" => of::<Stats>(),
        "Wide" => of::<Wide>(),
        "Flags" => of::<Flags>(),
        "Mixed" => of::<Mixed>(),
        _ => None,
    }
}

fn check(name: &str, path: &str) -> Result<String, String> {
    fn open<L: Layout>(path: &str) -> Result<Segment<L>, String> {
        Segment::<L>::open(path).map_err(|e| e.to_string())
    }
    Ok(match name {
        "Net" => {
            let s = open::<Net>(path)?;
            format!(
                "rx={} tx={} up={}",
                s.rx().load(),
                s.tx().load(),
                s.up().load()
            )
        }
        "Stats" => {
            let s = open::<Stats>(path)?;
            format!(
                "hits={} net.rx={} latency_us[3]={} flag={} links[2].tx={} small={}",
                s.hits().load(),
                s.net().rx().load(),
                s.latency_us()[3].load(),
                s.flag().load(),
                s.links()[2].tx().load(),
                s.small().load()
            )
        }
        "Wide" => {
            let s = open::<Wide>(path)?;
            format!(
                "tag={} both={} id={:?} pair[1]={}",
                s.tag().load(),
                s.both().load(),
                s.id().load(),
                s.pair()[1].load()
            )
        }
        "Flags" => {
            let s = open::<Flags>(path)?;
            format!(
                "on={} bits[6]={} ratio={} temps[1]={} tag={:?} delta={}",
                s.on().load(),
                s.bits()[6].load(),
                s.ratio().load(),
                s.temps()[1].load(),
                s.tag().load(),
                s.delta().load()
            )
        }
        "Mixed" => format!("hits={}", open::<Mixed>(path)?.hits().load()),
        other => return Err(format!("unknown layout {other}")),
    })
}

fn make(path: &str) -> Result<(), String> {
    let s = Segment::<Stats>::create(path).map_err(|e| e.to_string())?;
    s.hits().store(42);
    s.net().rx().store(1500);
    s.net().tx().store(7);
    s.net().up().store(true);
    for (i, l) in s.latency_us().iter().enumerate() {
        l.store(10 * i as u32);
    }
    s.flag().store(true);
    s.links()[2].tx().store(99);
    s.small().store(-5);
    Ok(())
}

/// A built layout with a format-version-2 field (an `Event`), which Python refuses to use.
fn make_v2(path: &str) -> Result<(), String> {
    let desc = LayoutDescBuf::build(
        "Waits",
        vec![
            FieldSpec::value("hits", Kind::Uint, 8),
            FieldSpec::of("ready", FieldTypeBuf::Event),
        ],
        None,
    )
    .map_err(|e| e.to_string())?;
    RawSegment::create(path, &desc).map_err(|e| e.to_string())?;
    Ok(())
}

fn inc(path: &str, n: u64, workers: u32) -> Result<(), String> {
    let s = Segment::<Mixed>::open(path).map_err(|e| e.to_string())?;
    s.started().fetch_add(1);
    let start = Instant::now();
    while s.started().load() < workers {
        if start.elapsed() > Duration::from_secs(60) {
            return Err("the other workers never came".into());
        }
        std::thread::yield_now();
    }
    for _ in 0..n {
        s.hits().inc();
    }
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: open_layout desc NAME | check NAME PATH | make PATH | make-v2 PATH | inc PATH N WORKERS";
    let num = |s: &String| s.parse::<u64>().map_err(|e| format!("{s}: {e}"));
    match args {
        [cmd, name] if cmd == "desc" => {
            let (d, fp) = desc(name).ok_or_else(|| format!("unknown layout {name}"))?;
            let hex: String = d.encode().iter().map(|b| format!("{b:02x}")).collect();
            println!("{hex} {fp:#018x}");
            Ok(())
        }
        [cmd, name, path] if cmd == "check" => {
            println!("{}", check(name, path)?);
            Ok(())
        }
        [cmd, path] if cmd == "make" => make(path),
        [cmd, path] if cmd == "make-v2" => make_v2(path),
        [cmd, path, n, w] if cmd == "inc" => {
            let w = u32::try_from(num(w)?).map_err(|e| e.to_string())?;
            inc(path, num(n)?, w)
        }
        _ => Err(usage.into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("open_layout: {e}");
            ExitCode::FAILURE
        }
    }
}
