//! Helpers shared by the integration test targets that include this file (`layout`,
//! `segment`): compiling C with the system compilers, and naming a test for a worker
//! process that re-runs the test binary.
#![allow(dead_code)]

/// The libtest name of a test function of the calling module, as `--exact` needs it: the
/// module path without the crate's name (`processes::four_processes_exact_totals` in the
/// `segment` target). Naming the function itself makes a renamed test a compile error
/// rather than a worker that silently runs no test.
macro_rules! test_name {
    ($test:ident) => {{
        let _: fn() = $test;
        let path: &'static str = concat!(module_path!(), "::", stringify!($test));
        path.split_once("::").map_or(path, |(_, in_crate)| in_crate)
    }};
}

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use shm_atomics::{FieldType, LayoutDesc};

/// How long a worker process may run before the test gives up on it: far beyond any
/// worker's work, even under qemu-user emulation, so it only ends a hang.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(600);

/// The seconds a C worker waits for its peers at a start barrier before it exits with a
/// message, as the Rust workers do: `PEER_DEADLINE_S` in every program
/// [`build_c_program`] compiles.
pub const C_PEER_DEADLINE_S: u32 = 60;

/// The compiler to run for `compiler` (`gcc` or `g++`): the target's, named by
/// `SHM_ATOMICS_TEST_CC` / `SHM_ATOMICS_TEST_CXX` when the tests run for another
/// architecture (`.ci/run` sets them to the cross compilers), else the host's.
pub fn compiler_for(compiler: &str) -> String {
    let var = match compiler {
        "gcc" => "SHM_ATOMICS_TEST_CC",
        "g++" => "SHM_ATOMICS_TEST_CXX",
        _ => return compiler.to_owned(),
    };
    std::env::var(var).unwrap_or_else(|_| compiler.to_owned())
}

/// Waits for `child` at most [`CHILD_DEADLINE`]; past it, kills and reaps it and panics
/// naming `what`, so a worker whose peer never arrived cannot hang the test.
pub fn wait_or_kill(child: &mut Child, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("poll a worker") {
            return status;
        }
        if start.elapsed() > CHILD_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} (pid {}) still ran after {} s: killed (a peer it waits for never \
                 arrived?)",
                child.id(),
                CHILD_DEADLINE.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A C or C++ compiler run that must fail; returns its diagnostics.
pub fn compile_fails(compiler: &str, args: &[&str], dir: &Path) -> String {
    let compiler = &compiler_for(compiler);
    let out = Command::new(compiler)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler} ({e})"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.status.success(),
        "{compiler} {args:?} succeeded:\n{text}"
    );
    text
}

/// A C or C++ compiler run that must succeed; the panic message carries its output.
pub fn compile(compiler: &str, args: &[&str], dir: &Path) -> PathBuf {
    let compiler = &compiler_for(compiler);
    let out = Command::new(compiler)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {compiler} ({e}): the C interop tests need gcc and g++ on PATH")
        });
    assert!(
        out.status.success(),
        "{compiler} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    dir.to_path_buf()
}

/// Writes the `headers` (file name, text) and the C11 program `source` into `dir` and
/// compiles it strictly (`gcc -std=c11 -O2 -Wall -Wextra -Werror`, with `PEER_DEADLINE_S`
/// defined as [`C_PEER_DEADLINE_S`]); returns the executable, named `name`.
pub fn build_c_program(
    dir: &Path,
    headers: &[(&str, String)],
    name: &str,
    source: &str,
) -> PathBuf {
    for (file, text) in headers {
        std::fs::write(dir.join(file), text).expect("write header");
    }
    let c_file = format!("{name}.c");
    std::fs::write(dir.join(&c_file), source).expect("write C program");
    let deadline = format!("-DPEER_DEADLINE_S={C_PEER_DEADLINE_S}");
    compile(
        "gcc",
        &[
            "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", &deadline, &c_file, "-o", name,
        ],
        dir,
    );
    dir.join(name)
}

/// Every (C member designator, offset) of a layout: nested fields as `a.b`, array
/// elements as `a[i]` (first and last), nested arrays as `a[i].b`.
pub fn member_offsets(desc: &LayoutDesc) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    walk(desc, "", 0, &mut out);
    out
}

fn walk(desc: &LayoutDesc, prefix: &str, base: usize, out: &mut Vec<(String, usize)>) {
    for f in desc.fields {
        let name = format!("{prefix}{}", f.name);
        let off = base + f.offset;
        out.push((name.clone(), off));
        let elems: Vec<(String, usize)> = match f.array_len {
            Some(n) => {
                let mut v = vec![(format!("{name}[0]"), off)];
                if n > 1 {
                    v.push((format!("{name}[{}]", n - 1), off + (n - 1) * f.width()));
                }
                v
            }
            None => vec![(name.clone(), off)],
        };
        for (ename, eoff) in elems {
            if f.array_len.is_some() {
                out.push((ename.clone(), eoff));
            }
            if let FieldType::Layout(nested) = f.ty {
                walk(nested, &format!("{ename}."), eoff, out);
            }
        }
    }
}

/// How many cases a property test runs: `n`, or fewer when the `PROPTEST_CASES`
/// environment variable asks for fewer (scripts/test-emulated.sh does, under qemu-user).
pub fn proptest_cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(n, |m| m.clamp(1, n))
}

/// Whether a segment of layout `L` can be made on this CPU. It cannot where `L` holds
/// 16-byte values and the CPU has no lock-free 16-byte atomic (a 32-bit target such as
/// armv7): there this asserts that creating one is refused for exactly that reason
/// (`UnsupportedWidth { width: 16, reason: NotLockFree }`), leaving no file behind, and
/// returns `false`. A test that cannot apply on such a target returns on `false`, having
/// checked what happens there instead.
#[cfg(feature = "shm")]
pub fn layout_fits_here<L: shm_atomics::Layout>() -> bool {
    use shm_atomics::{Error, Segment, UnsupportedWidth, Width, WidthReason};
    if !L::DESC.has_16_byte_fields() || Width::W16.is_lock_free() {
        return true;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sixteen");
    match Segment::<L>::create(&path) {
        Err(
            ref e @ Error::UnsupportedWidth(UnsupportedWidth {
                width: 16,
                reason: WidthReason::NotLockFree,
            }),
        ) => assert!(e.to_string().contains("not lock-free"), "{e}"),
        Err(e) => panic!(
            "{}: a layout with 16-byte values was refused for {e:?}",
            L::NAME
        ),
        Ok(_) => panic!(
            "{}: a segment with 16-byte values was made on a CPU without lock-free 16-byte \
             atomics",
            L::NAME
        ),
    }
    assert!(!path.exists(), "a refused create left {}", path.display());
    false
}
