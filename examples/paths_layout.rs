//! The layout that the shared table of field paths (`tests/paths.txt`) is checked
//! against, by the Rust API, `shma` and the Python package: one field of every kind a
//! path can reach (values, arrays, nested layouts, `Event`, `Striped`, `Seq` records,
//! and arrays of each).
//!
//! ```text
//! cargo run --example paths_layout -- make PATH    # a zeroed `Paths` segment
//! ```

use std::process::ExitCode;

use shm_atomics::{Event, Segment, Seq, Striped, atomic_layout};

/// A nested layout.
#[atomic_layout]
pub struct Net {
    /// A value.
    pub rx: u64,
    /// A value.
    pub tx: u32,
}

/// A record with a nested layout and an array inside.
#[atomic_layout]
pub struct Pose {
    /// A value.
    pub x: u64,
    /// An array inside a record.
    pub z: [u64; 2],
    /// A nested layout inside a record.
    pub net: Net,
}

/// A small record, in an array.
#[atomic_layout]
pub struct Slot {
    /// A value.
    pub count: u64,
}

/// Every kind of field a path can name.
#[atomic_layout]
pub struct Paths {
    /// A value.
    pub hits: u64,
    /// An array of values.
    pub hist: [u32; 4],
    /// A nested layout.
    pub net: Net,
    /// An array of nested layouts.
    pub links: [Net; 2],
    /// An Event.
    pub ready: Event,
    /// An array of Events.
    pub evs: [Event; 3],
    /// A striped counter of 4 cells.
    pub count: Striped<u64, 4>,
    /// An array of striped counters of 2 cells.
    pub per_core: [Striped<u64, 2>; 3],
    /// A Seq record.
    pub pose: Seq<Pose>,
    /// An array of Seq records.
    pub slots: [Seq<Slot>; 2],
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, path] if cmd == "make" => match Segment::<Paths>::create(path) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("paths_layout: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: paths_layout make PATH");
            ExitCode::FAILURE
        }
    }
}
