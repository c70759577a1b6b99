//! `shma`: inspect, watch and change shared-memory segments from the command line.
//!
//! It knows no Rust layout type: everything comes from the descriptor each segment
//! stores. Bad input (not a segment, a missing or unreadable file, an unknown field, a
//! value that does not fit) prints one line `shma: <message>` on stderr and exits
//! with code 2.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod fields;
mod glob;
mod inspect;
mod json;
mod list;
mod out;
mod values;
mod watch;

/// The result of a command: `Err` holds the one-line message for stderr.
type Result<T, E = String> = std::result::Result<T, E>;

#[derive(Parser, Debug)]
#[command(
    name = "shma",
    version,
    about = "Inspect, watch and change shm-atomics shared-memory segments",
    long_about = "Inspect, watch and change shm-atomics shared-memory segments.\n\n\
        Everything comes from the layout descriptor each segment stores, so any segment \
        made by any program works. A PATH without a directory (just a name) is looked up \
        in the default segment directory (/dev/shm where it exists, else the temporary \
        directory).\n\n\
        Fields are named by paths: `hits`, nested `net.rx`, array elements \
        `latency_us[3]`, `slots[1].count`.\n\n\
        Errors print one line `shma: <message>` on stderr and exit with code 2."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the segments in a directory.
    #[command(
        long_about = "List the segments in a directory (default: the default segment \
        directory): every regular file that opens as a segment, with its layout, file size, \
        creating process (and whether a process with that id is alive now) and age. Other \
        files, directories and symbolic links are skipped silently.\n\n\
        With --json: one JSON array of objects with the keys \"path\" (string), \"layout\" \
        (string), \"fingerprint\" (string, \"0x\" and 16 hex digits), \"size\" (file bytes), \
        \"payload_size\" (bytes), \"creator_pid\" (number), \"alive\" (bool), \
        \"created_unix_ns\" (string of decimal digits: it is above 2^53, which a JSON number \
        cannot hold exactly) and \"age_secs\" (number, fractional). The sizes are numbers \
        when at most 2^53, else strings of decimal digits."
    )]
    List {
        /// The directory (default: /dev/shm where it exists, else the temporary directory).
        dir: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a segment's header and every field with its current value.
    #[command(long_about = inspect::LONG_ABOUT)]
    Inspect {
        /// The segment file.
        path: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show the fields live, with their rates per second, until Ctrl-C.
    #[command(long_about = watch::LONG_ABOUT)]
    Watch {
        /// The segment file.
        path: PathBuf,
        /// Milliseconds between refreshes.
        #[arg(long, default_value_t = 1000, value_name = "MS")]
        interval: u64,
        /// Show only fields whose path matches GLOB (`*` any characters, `?` one
        /// character, everything else literal, e.g. `net.*`, `latency_us[?]`);
        /// repeat for several.
        #[arg(long = "fields", value_name = "GLOB")]
        fields: Vec<String>,
        /// Stop after N refreshes.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
    },
    /// Print the C header of the segment's layout (as `Layout::c_header()` does).
    Header {
        /// The segment file.
        path: PathBuf,
    },
    /// Print the value of one field.
    #[command(
        long_about = "Print the value of one field (opened read-only): integers in \
        decimal, bool as true/false, floats as Rust prints them (1.5, NaN, inf), bytes as \
        0x and two hex digits per byte, so the output is a valid VALUE for `set`."
    )]
    Get {
        /// The segment file.
        path: PathBuf,
        /// The field path (`hits`, `net.rx`, `latency_us[3]`).
        field: String,
    },
    /// Store a value into one field.
    #[command(long_about = values::SET_ABOUT)]
    Set {
        /// The segment file.
        path: PathBuf,
        /// The field path (`hits`, `net.rx`, `latency_us[3]`).
        field: String,
        /// The value, parsed by the field's kind (see --help).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Add N to a numeric field atomically and print the new value.
    #[command(long_about = "Add N to an int, uint or float field with one atomic \
        fetch_add and print the resulting value. Integers wrap at the field's width, as \
        fetch_add does. N is parsed like a VALUE of `set` for the field's kind; a negative \
        N on a uint field subtracts (fetch_sub). bool and bytes fields refuse.")]
    Add {
        /// The segment file.
        path: PathBuf,
        /// The field path (`hits`, `net.rx`, `latency_us[3]`).
        field: String,
        /// The amount.
        #[arg(allow_hyphen_values = true)]
        n: String,
    },
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::List { dir, json } => list::run(dir, json),
        Command::Inspect { path, json } => inspect::run(&path, json),
        Command::Watch {
            path,
            interval,
            fields,
            count,
        } => watch::run(&path, interval, &fields, count),
        Command::Header { path } => fields::header(&path),
        Command::Get { path, field } => fields::get(&path, &field),
        Command::Set { path, field, value } => fields::set(&path, &field, &value),
        Command::Add { path, field, n } => fields::add(&path, &field, &n),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // One line, whatever the message holds.
            let line = message.replace(['\n', '\r'], " ");
            let _ = writeln!(std::io::stderr(), "shma: {line}");
            ExitCode::from(2)
        }
    }
}
