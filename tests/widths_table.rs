//! The documented table of which widths are lock-free (README.md, "Which widths are
//! lock-free") is what the runtime answers on the target these tests run on:
//! `Width::is_lock_free` for each width column, `Width::has_write_free_load` for the
//! read-only column. CI runs this target natively (x86_64) and under qemu-user (aarch64,
//! armv7, s390x), so every row of a target that runs is checked where it applies.

use shm_atomics::Width;

/// The document holding the table (one constant, should the table move).
const TABLE_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
/// The header line that starts the table.
const TABLE_HEADER: &str = "| target | 1, 2, 4 bytes | 8 bytes | 16 bytes |";

/// The first cell of the table's row for the target this test was built for.
fn row_name() -> &'static str {
    if cfg!(target_arch = "x86_64") {
        "x86_64"
    } else if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else if cfg!(target_arch = "arm") {
        "armv7"
    } else if cfg!(target_arch = "s390x") {
        "s390x"
    } else {
        panic!("no table row is named for this target: add one to {TABLE_DOC} and here")
    }
}

/// The cells after the first of the row whose first cell starts with `name`.
fn table_row(doc: &str, name: &str) -> Vec<String> {
    let table: Vec<&str> = doc
        .lines()
        .skip_while(|l| !l.starts_with(TABLE_HEADER))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(
        !table.is_empty(),
        "{TABLE_DOC} has no line starting {TABLE_HEADER:?}"
    );
    let row = table
        .iter()
        .find(|l| l.trim_start_matches('|').trim().starts_with(name))
        .unwrap_or_else(|| panic!("{TABLE_DOC}'s lock-free table has no row for {name}"));
    let cells: Vec<String> = row
        .trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect();
    assert_eq!(cells.len(), 5, "the {name} row has 5 cells: {row}");
    cells[1..].to_vec()
}

/// What a cell claims: `yes...` always, `no...`/`refused...` never, `with X...` exactly
/// when the running CPU has feature X (only x86_64 names one).
fn claim(cell: &str) -> bool {
    if cell.starts_with("yes") {
        return true;
    }
    if cell.starts_with("no") || cell.starts_with("refused") {
        return false;
    }
    let feature = cell
        .strip_prefix("with ")
        .and_then(|rest| rest.split([' ', ',', '(']).next())
        .map(|f| f.trim_matches('`'))
        .unwrap_or_else(|| panic!("a cell says yes, no, refused or with FEATURE: {cell:?}"));
    cpu_has(feature)
}

#[cfg(target_arch = "x86_64")]
fn cpu_has(feature: &str) -> bool {
    match feature {
        "cmpxchg16b" => std::is_x86_feature_detected!("cmpxchg16b"),
        "AVX" => std::is_x86_feature_detected!("avx"),
        other => panic!("a feature this test cannot detect: {other}"),
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has(feature: &str) -> bool {
    panic!("this target's row names a CPU feature ({feature}); only x86_64's may")
}

#[test]
fn the_lock_free_table_is_what_the_runtime_reports_here() {
    let doc =
        std::fs::read_to_string(TABLE_DOC).unwrap_or_else(|e| panic!("read {TABLE_DOC}: {e}"));
    let name = row_name();
    let cells = table_row(&doc, name);
    let columns: [(&str, &[Width]); 3] = [
        ("1, 2, 4 bytes", &[Width::W1, Width::W2, Width::W4]),
        ("8 bytes", &[Width::W8]),
        ("16 bytes", &[Width::W16]),
    ];
    for ((column, widths), cell) in columns.iter().zip(&cells) {
        for w in *widths {
            assert_eq!(
                w.is_lock_free(),
                claim(cell),
                "{name}, {column}: the table says {cell:?}, the runtime says lock-free = {}",
                w.is_lock_free()
            );
        }
    }
    // The read-only column (16 bytes), and the 8-byte note of a row whose 8-byte loads
    // are not plain loads.
    let ro = &cells[3];
    assert_eq!(
        Width::W16.has_write_free_load(),
        claim(ro),
        "{name}, 16-byte read-only views: the table says {ro:?}"
    );
    let ro8_refused = cells[1].contains("read-only 8-byte views are refused");
    assert_eq!(
        !Width::W8.has_write_free_load(),
        ro8_refused,
        "{name}, 8 bytes: the table says {:?}; a row must say \"read-only 8-byte views are \
         refused\" exactly where they are",
        cells[1]
    );
    // Up to 4 bytes a load is a plain load everywhere.
    for w in [Width::W1, Width::W2, Width::W4] {
        assert!(w.has_write_free_load(), "{w:?}");
    }
}

#[test]
fn the_table_parser_reads_every_claim() {
    assert!(claim("yes (LDREX/STREX)"));
    assert!(!claim("no"));
    assert!(!claim("refused: without LSE2"));
    let doc = format!("{TABLE_HEADER} ro |\n|---|\n| armv7 | yes | b | no | no |\n\ntail\n");
    assert_eq!(table_row(&doc, "armv7"), ["yes", "b", "no", "no"]);
}
