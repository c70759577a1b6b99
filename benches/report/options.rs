//! The command line: `--quick`, `--rounds`, `--csv`, `--json`, `--max-threads`.

use std::path::PathBuf;

use crate::support::MAX_THREADS;

pub const USAGE: &str = "\
report: key benchmark pairs measured in one run, interleaved over rounds

USAGE:
    cargo bench --bench report -- [--quick] [--rounds N] [--csv PATH] [--json PATH|-]
                                  [--max-threads N]

OPTIONS:
    --quick          short batches and fewer rounds (well under a minute)
    --rounds N       rounds of every pair (default 7; 5 with --quick)
    --csv PATH       write the contention-scaling measurements as CSV
    --json PATH      the same as JSON (`-` for standard output)
    --max-threads N  contention scaling up to N threads (default: 2 x cores, 4..=16;
                     4 with --quick)
    -h, --help       this text";

pub struct Options {
    pub quick: bool,
    pub rounds: usize,
    pub csv: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub max_threads: usize,
}

pub fn parse(args: &[String]) -> Result<Options, String> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let quick = args.iter().any(|a| a == "--quick");
    let mut o = Options {
        quick,
        rounds: if quick { 5 } else { 7 },
        csv: None,
        json: None,
        max_threads: if quick {
            4
        } else {
            (2 * cores).clamp(4, MAX_THREADS)
        },
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            // `--bench` is what `cargo bench` passes to every bench target.
            "--quick" | "--bench" => {}
            "--rounds" => {
                o.rounds = value("--rounds")?
                    .parse()
                    .map_err(|_| "--rounds takes a number")?
            }
            "--csv" => o.csv = Some(value("--csv")?.into()),
            "--json" => o.json = Some(value("--json")?.into()),
            "--max-threads" => {
                o.max_threads = value("--max-threads")?
                    .parse()
                    .map_err(|_| "--max-threads takes a number")?
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    if !(1..=MAX_THREADS).contains(&o.max_threads) {
        return Err(format!("--max-threads must be 1..={MAX_THREADS}"));
    }
    Ok(o)
}
