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
use std::process::Command;

use shm_atomics::{FieldType, LayoutDesc};

/// A C or C++ compiler run that must succeed; the panic message carries its output.
pub fn compile(compiler: &str, args: &[&str], dir: &Path) -> PathBuf {
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
/// compiles it strictly (`gcc -std=c11 -O2 -Wall -Wextra -Werror`); returns the
/// executable, named `name`.
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
    compile(
        "gcc",
        &[
            "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", &c_file, "-o", name,
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
