//! `shma`: inspect, watch and change shared-memory segments from the command line.
//!
//! It knows no Rust layout type: everything comes from the descriptor each segment
//! stores. Bad input (not a segment, a missing or unreadable file, an unknown field, a
//! value that does not fit) prints one line `shma: <message>` on stderr and exits
//! with code 2; `shma wait` exits with 3 when its time-out passes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};
use shm_atomics::Trust;

mod advice;
mod export;
mod fields;
mod gc;
mod glob;
mod inspect;
mod json;
mod list;
mod out;
mod pyblocks;
mod records;
mod rm;
mod serve;
mod values;
mod wait;
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
        in this user's segment directory ($XDG_RUNTIME_DIR/shm-atomics when \
        XDG_RUNTIME_DIR is set, else /dev/shm/shm-atomics-<uid>), which must be owned by \
        this user and writable by nobody else.\n\n\
        Segments owned by another user (root excepted), or writable by group or others, \
        are refused unless --allow-owner, --allow-group-write or --allow-other-write \
        accepts them.\n\n\
        Fields are named by paths: `hits`, nested `net.rx`, array elements \
        `latency_us[3]`, `slots[1].count`.\n\n\
        Errors print one line `shma: <message>` on stderr (argument errors may add a \
        usage line) and exit with code 2."
)]
struct Cli {
    /// Accept segments owned by user UID (repeat for several).
    #[arg(long, global = true, value_name = "UID")]
    allow_owner: Vec<u32>,
    /// Accept segments that their group may write.
    #[arg(long, global = true)]
    allow_group_write: bool,
    /// Accept segments that every user may write.
    #[arg(long, global = true)]
    allow_other_write: bool,
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
        files, directories and symbolic links are skipped silently, but temporary files of \
        segment creation are shown: `(being created)` while their creator runs, \
        `(leftover: shma gc)` once it is gone.\n\n\
        With --json: one JSON array of objects with the keys \"path\" (string), \"layout\" \
        (string), \"fingerprint\" (string, \"0x\" and 16 hex digits), \"size\" (file bytes), \
        \"payload_size\" (bytes), \"creator_pid\" (number), \"alive\" (bool), \
        \"created_unix_ns\" (string of decimal digits: it is above 2^53, which a JSON number \
        cannot hold exactly), \"age_secs\" (number, fractional) and \"temporary\" (false). \
        The sizes are numbers when at most 2^53, else strings of decimal digits. A temporary \
        file is an object with \"path\", \"size\", \"creator_pid\", \"alive\", \
        \"temporary\" (true) and \"leftover\" (bool)."
    )]
    List {
        /// The directory (default: this user's segment directory, where bare names live).
        dir: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove segments (and nothing that is not a segment).
    #[command(
        long_about = "Remove segments. Every PATH must open as a segment (with \
        the usual owner and mode checks) before anything is removed, so a typo or a \
        file that is not a segment removes nothing. Prints one line per removed segment. \
        Processes that have a segment mapped keep their mapping."
    )]
    Rm {
        /// The segment files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Remove what killed creators left behind.
    #[command(long_about = "Remove this user's leftover temporary files of segment \
        creation in DIR (default: this user's segment directory): files named \
        `.shm-atomics.<pid>.<nanos>.tmp` (or the older `.<name>.<pid>.<nanos>.tmp`) whose \
        creating process is gone and whose lock is free; without DIR (or with /dev/shm), \
        also this user's Python shared-memory blocks `/dev/shm/shma_py_<pid>_*` \
        (shm_atomics.atomos.multiprocessing) whose creating process is gone. With \
        --dead-creators, also remove \
        every segment whose creating process is gone (a process id can be reused, and a \
        segment often outlives its creator on purpose: use it when the creators own their \
        segments). Prints one line per removed file.")]
    Gc {
        /// The directory (default: this user's segment directory).
        dir: Option<PathBuf>,
        /// Also remove segments whose creating process is gone.
        #[arg(long)]
        dead_creators: bool,
    },
    /// Show a segment's header and every field with its current value.
    #[command(long_about = inspect::LONG_ABOUT)]
    Inspect {
        /// The segment file.
        path: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Show each cell of a striped counter (default: their sum).
        #[arg(long)]
        cells: bool,
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
        /// Show each cell of a striped counter (default: their sum).
        #[arg(long)]
        cells: bool,
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
        /// The field path (`hits`, `net.rx`, `latency_us[3]`); a record (`pose`)
        /// prints each of its values from one consistent read, a striped counter
        /// (`hits`) its sum.
        field: String,
        /// For a striped counter: print each cell (`hits[0] = ..`) instead of the sum.
        #[arg(long)]
        cells: bool,
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
    /// Block until a field equals a value or changes (exit 3 on --timeout).
    #[command(long_about = wait::LONG_ABOUT)]
    Wait {
        /// The segment file.
        path: PathBuf,
        /// The field path (`ready`, `net.rx`, `latency_us[3]`).
        field: String,
        /// Wait until the field equals VALUE (parsed by the field's kind).
        #[arg(
            long,
            value_name = "VALUE",
            allow_hyphen_values = true,
            conflicts_with = "change",
            required_unless_present = "change"
        )]
        until: Option<String>,
        /// Wait until the field differs from its value at the start.
        #[arg(long)]
        change: bool,
        /// Give up after DURATION (`250ms`, `2s`, `3m`, or seconds) and exit 3.
        #[arg(long, value_name = "DURATION", value_parser = wait::parse_duration)]
        timeout: Option<std::time::Duration>,
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
    /// Write every numeric value as Prometheus or OpenMetrics text.
    #[command(long_about = export::LONG_ABOUT)]
    Export {
        /// Segment files, or directories whose segments are all exported (default: this
        /// user's segment directory).
        paths: Vec<PathBuf>,
        /// The text format.
        #[arg(long, value_enum, default_value_t = export::Format::Prometheus)]
        format: export::Format,
        /// Write to FILE (through a temporary file renamed into place) instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// The first part of every metric name (empty for none).
        #[arg(long, default_value = "shma")]
        prefix: String,
    },
    /// Serve every segment of a directory over HTTP at /metrics.
    #[command(long_about = serve::LONG_ABOUT)]
    Serve {
        /// The directory (default: this user's segment directory).
        dir: Option<PathBuf>,
        /// The address to listen on (`127.0.0.1:9469`; port 0 picks a free one).
        #[arg(long, value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// Accept an address that is not loopback: every host that reaches it can read
        /// every value.
        #[arg(long)]
        allow_remote: bool,
        /// Scrapes answered at once (more wait in a queue; beyond it, 503).
        #[arg(long, default_value_t = 4, value_name = "N")]
        threads: usize,
        /// The first part of every metric name (empty for none).
        #[arg(long, default_value = "shma")]
        prefix: String,
    },
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::List { dir, json } => list::run(dir, json),
        Command::Rm { paths } => rm::run(&paths),
        Command::Gc { dir, dead_creators } => gc::run(dir, dead_creators),
        Command::Inspect { path, json, cells } => inspect::run(&path, json, cells),
        Command::Watch {
            path,
            interval,
            fields,
            count,
            cells,
        } => watch::run(&path, interval, &fields, count, cells),
        Command::Header { path } => fields::header(&path),
        Command::Get { path, field, cells } => fields::get(&path, &field, cells),
        Command::Set { path, field, value } => fields::set(&path, &field, &value),
        Command::Add { path, field, n } => fields::add(&path, &field, &n),
        Command::Export {
            paths,
            format,
            output,
            prefix,
        } => export::run(&paths, format, output.as_deref(), &prefix),
        Command::Serve {
            dir,
            listen,
            allow_remote,
            threads,
            prefix,
        } => serve::run(dir, listen, allow_remote, threads, &prefix),
        Command::Wait { .. } => unreachable!("handled in main: it has its own exit code"),
    }
}

/// `shma wait`: exit 0 when the condition holds, 3 on time-out, 2 on errors.
fn run_wait(cli: Cli) -> Result<ExitCode> {
    let Command::Wait {
        path,
        field,
        until,
        change: _,
        timeout,
    } = cli.command
    else {
        unreachable!("only called for wait");
    };
    let what = until.map_or(wait::Until::Change, wait::Until::Value);
    Ok(if wait::run(&path, &field, &what, timeout)? {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(wait::TIMED_OUT)
    })
}

/// A clap error as one `shma: ...` line, and the usage line if clap has one: `--help`
/// and `--version` print as clap prints them, with success.
fn usage_error(e: clap::Error) -> ExitCode {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let text = e.render().to_string();
    let mut message = Vec::new();
    let mut usage = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(u) = line.strip_prefix("Usage:") {
            usage = Some(u.trim().to_string());
        } else if line.starts_with("For more information") {
        } else if line.starts_with("tip:") {
            message.push(format!("({line})"));
        } else {
            message.push(
                line.strip_prefix("error:")
                    .unwrap_or(line)
                    .trim()
                    .to_string(),
            );
        }
    }
    let mut message = message.join(" ");
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand
    ) {
        message =
            "a command is required (list, rm, gc, inspect, watch, header, get, set, add, wait, export, serve)"
                .to_string();
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "shma: {message}");
    if let Some(u) = usage {
        let _ = writeln!(err, "usage: {u} (see --help)");
    }
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let mut trust = Trust::new();
    for uid in &cli.allow_owner {
        trust = trust.allow_owner(*uid);
    }
    if cli.allow_group_write {
        trust = trust.allow_group_write();
    }
    if cli.allow_other_write {
        trust = trust.allow_other_write();
    }
    advice::set_trust(trust);
    let result = if matches!(cli.command, Command::Wait { .. }) {
        run_wait(cli)
    } else {
        run(cli).map(|()| ExitCode::SUCCESS)
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            // One line, whatever the message holds.
            let line = message.replace(['\n', '\r'], " ");
            let _ = writeln!(std::io::stderr(), "shma: {line}");
            ExitCode::from(2)
        }
    }
}
