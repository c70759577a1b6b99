//! `shma export [PATH|DIR ...] --format prometheus|openmetrics [--output FILE]`: every
//! numeric value of every segment as Prometheus or OpenMetrics text (docs/EXPORT.md).

pub mod collect;
pub mod encode;
pub mod naming;

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use shm_atomics::RawSegment;

pub use collect::Metrics;
pub use encode::Format;

use crate::Result;
use crate::advice;
use crate::list::dir_or_default;

/// The long help of `export`.
pub const LONG_ABOUT: &str = "Write every numeric value of every segment as Prometheus \
    text format 0.0.4 or OpenMetrics 1.0 (for node_exporter's textfile collector, or a \
    push gateway). Each PATH is a segment, or a directory whose segments are all exported \
    (files that do not open as segments are skipped with one line on stderr; hidden files, \
    such as those of segments being created, silently); without PATH, the default segment \
    directory. Segments are opened read-only.\n\n\
    Naming rule (no metadata is stored in segments): the metric of field `slots[3].rx_bytes` \
    of layout `NetStats` is `shma_net_stats_slots_rx_bytes` with the labels \
    segment=\"<file name>\", path=\"slots[3].rx_bytes\" and index=\"3\" (index_2, index_3... \
    for deeper arrays). Unsigned striped counters and unsigned fields whose name ends in \
    `_total` are counters (the sample named `..._total`); everything else is a gauge. A name \
    ending in `_seconds`, `_bytes`, `_ratio`, `_meters`, `_volts`, `_amperes`, `_joules`, \
    `_grams`, `_celsius` or `_kelvin` gives OpenMetrics' # UNIT.\n\n\
    A striped counter is exported as the sum of its cells, the values of a Seq record from \
    one consistent read of the record, bools as 0 or 1. Bytes fields and Event words are \
    left out. A 16-byte integer is written exactly in decimal; Prometheus holds every \
    sample as a 64-bit float, so it keeps the 53 most significant bits.\n\n\
    With --output, the text goes to a temporary file in FILE's directory that is then \
    renamed to FILE, so a reader never sees half a file.";

/// Opened segments with their labels (file names).
pub type Labelled = Vec<(String, RawSegment)>;

/// The segments to export: each path that is a directory stands for the segments in
/// it; any other path must open as a segment. Returns the opened segments with their
/// labels (file names) and the lines to log about files skipped in directories.
pub fn open_all(paths: &[PathBuf]) -> Result<(Labelled, Vec<String>)> {
    let trust = advice::trust();
    let mut segments = Vec::new();
    let mut notes = Vec::new();
    let default;
    let paths = if paths.is_empty() {
        default = [dir_or_default(None)?];
        &default[..]
    } else {
        paths
    };
    for path in paths {
        if path.is_dir() {
            let (found, skipped) = open_dir(path);
            segments.extend(found);
            notes.extend(skipped);
        } else {
            let seg =
                RawSegment::open_readonly_with(path, &trust).map_err(|e| advice::message(&e))?;
            segments.push((label(path), seg));
        }
    }
    Ok((segments, notes))
}

/// The label of a segment: its file name.
fn label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The segments in `dir`, sorted by path, and one line for each regular file that is
/// not hidden and does not open as a segment.
pub fn open_dir(dir: &Path) -> (Labelled, Vec<String>) {
    let trust = advice::trust();
    let mut notes = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            notes.push(format!("cannot list directory {}: {e}", dir.display()));
            return (Vec::new(), notes);
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            // `DirEntry::file_type` does not follow symlinks: only real regular files.
            let regular = entry.file_type().ok()?.is_file();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            (regular && !hidden).then(|| entry.path())
        })
        .collect();
    paths.sort();
    let mut segments = Vec::with_capacity(paths.len());
    for path in paths {
        match RawSegment::open_readonly_with(&path, &trust) {
            Ok(seg) => segments.push((label(&path), seg)),
            Err(e) => notes.push(format!("skipped: {}", advice::message(&e))),
        }
    }
    (segments, notes)
}

/// Gathers the metrics of `segments`, logging (through `log`) what is left out.
pub fn gather(
    segments: &[(String, RawSegment)],
    prefix: &str,
    log: &mut dyn FnMut(String),
) -> Metrics {
    let mut m = Metrics::new(prefix);
    for (label, seg) in segments {
        match m.add(label, seg) {
            Ok(notes) => notes.into_iter().for_each(&mut *log),
            Err(line) => log(line),
        }
    }
    m
}

/// The exposition text of `m` in `format`.
pub fn render(m: &Metrics, format: Format) -> Vec<u8> {
    let len: usize = m
        .families()
        .iter()
        .map(|f| f.samples.len() + f.help.len() + 2 * f.name.len() + 40)
        .sum();
    let mut out = Vec::with_capacity(len + 8);
    // Writing into a Vec cannot fail.
    let _ = encode::write(&mut out, m.families(), format);
    out
}

/// `shma export`.
pub fn run(paths: &[PathBuf], format: Format, output: Option<&Path>, prefix: &str) -> Result<()> {
    let (segments, notes) = open_all(paths)?;
    let mut stderr = io::stderr().lock();
    let mut log = |line: String| {
        let _ = writeln!(stderr, "shma: {}", line.replace(['\n', '\r'], " "));
    };
    notes.into_iter().for_each(&mut log);
    let m = gather(&segments, prefix, &mut log);
    match output {
        Some(path) => write_atomically(path, |f| encode::write(f, m.families(), format)),
        None => {
            let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
            encode::write(&mut stdout, m.families(), format)
                .and_then(|()| stdout.flush())
                .map_err(crate::out::stdout_error)
        }
    }
}

/// Writes through `fill` to a temporary file beside `path` (same directory, so the same
/// file system) and renames it to `path`: a reader sees the old file or the new one,
/// never a part. The temporary file is removed on failure.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(name) = path.file_name() else {
        return Err(format!(
            "--output {}: not a file name (give a path ending in a file name, e.g. \
             /var/lib/node_exporter/shma.prom)",
            path.display()
        ));
    };
    // Hidden and not ending in `.prom`, so the textfile collector ignores it.
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = io::BufWriter::with_capacity(1 << 16, fs::File::create(&tmp)?);
        fill(&mut f)?;
        f.flush()?;
        // No fsync: the rename alone makes readers see a whole file; after a crash
        // the next export writes it again (fsync would cost more than the export).
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!(
            "cannot write {} (through {}): {e}; check that the directory exists and is \
             writable",
            path.display(),
            tmp.display()
        )
    })
}
