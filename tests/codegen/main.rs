//! Zero cost, shown in the machine code rather than timed: the release build of the
//! probes in `probe.rs` beside this file is disassembled and each probe, an
//! `#[inline(never)]` function around one layout accessor and one operation, must be the
//! single instruction a hand-written atomic compiles to, with no call.
//!
//! `probe.rs` is not a module of this test: it is the `codegen_probe` example target
//! (declared with its path in Cargo.toml), a program of its own so that it can be built
//! in release with its own flags while this test runs in debug.
//!
//! The probe is built with `-C target-feature=+cmpxchg16b` (every x86_64 CPU since about
//! 2008 has the instruction). Without that flag, portable-atomic chooses the 16-byte
//! implementation at run time and every 16-byte operation is one indirect call (still
//! lock-free and address-free where the CPU has `cmpxchg16b`; refused otherwise). See
//! docs/PERFORMANCE.md, "16-byte atomics".
//!
//! Needs `objdump` (binutils): without it the test says so and passes, except in CI
//! (`CI=true`), where `.ci/run` installs it and its absence is a failure.
#![cfg(target_arch = "x86_64")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the probe in release in its own target directory (the running `cargo test`
/// holds the lock of the main one) and returns the path of the binary.
fn build_probe() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen");
    let out = Command::new(env!("CARGO"))
        .current_dir(manifest)
        .args([
            "build",
            "--release",
            "--example",
            "codegen_probe",
            "--target-dir",
        ])
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+cmpxchg16b")
        // These would override RUSTFLAGS.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("run cargo build for the codegen probe");
    assert!(
        out.status.success(),
        "building the codegen probe failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target_dir.join("release/examples/codegen_probe")
}

/// The disassembly of the probe binary, or `None` when objdump is missing outside CI.
fn disassembly() -> Option<&'static str> {
    static DIS: OnceLock<Option<String>> = OnceLock::new();
    DIS.get_or_init(|| {
        if Command::new("objdump").arg("--version").output().is_err() {
            let msg = "objdump not found: install binutils to check the generated code";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
            eprintln!("skipping: {msg}");
            return None;
        }
        let bin = build_probe();
        let out = Command::new("objdump")
            .args(["-d", "--no-show-raw-insn"])
            .arg(&bin)
            .output()
            .expect("run objdump");
        assert!(
            out.status.success(),
            "objdump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).expect("objdump output is text"))
    })
    .as_deref()
}

/// The instructions of function `name`: the lines after `<name>:` up to the blank line.
fn body(dis: &str, name: &str) -> Vec<String> {
    let header = format!("<{name}>:");
    let mut lines = dis.lines().skip_while(|l| !l.ends_with(&header));
    assert!(
        lines.next().is_some(),
        "{name} not found in the disassembly"
    );
    let body: Vec<String> = lines
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            // "  1234:\tlock xadd %rax,(%rdi)" -> "lock xadd %rax,(%rdi)"
            let insn = l.split_once(":\t").map_or(l, |(_, i)| i);
            insn.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    assert!(!body.is_empty(), "{name} has no instructions");
    body
}

/// Asserts that the probe contains `insn` and neither calls nor jumps out of itself.
fn check(name: &str, insn: &str) {
    let Some(dis) = disassembly() else { return };
    let body = body(dis, name);
    let listing = body.join("\n    ");
    assert!(
        body.iter().any(|l| l.starts_with(insn)),
        "{name} should contain `{insn}`:\n    {listing}"
    );
    let own = format!("<{name}");
    for l in &body {
        let op = l.split(' ').next().unwrap_or("");
        assert!(!op.starts_with("call"), "{name} calls:\n    {listing}");
        if op.starts_with('j') {
            // Branches may only stay inside the probe (no tail call, no indirect jump).
            assert!(
                l.contains(&own) && !l.contains('*'),
                "{name} jumps out:\n    {listing}"
            );
        }
    }
}

#[test]
fn fetch_add_u64_is_lock_xadd() {
    check("probe_fetch_add_u64", "lock xadd");
}

#[test]
fn inc_u32_is_one_locked_instruction() {
    // `inc()` discards the result, so the compiler may pick `lock inc` or `lock add`.
    let Some(dis) = disassembly() else { return };
    let body = body(dis, "probe_inc_u32");
    let insn = if body.iter().any(|l| l.starts_with("lock inc")) {
        "lock inc"
    } else {
        "lock add"
    };
    check("probe_inc_u32", insn);
}

#[test]
fn load_u64_is_a_mov() {
    check("probe_load_u64", "mov");
}

#[test]
fn cmpxchg_bytes16_is_lock_cmpxchg16b() {
    check("probe_cmpxchg_bytes16", "lock cmpxchg16b");
}

/// `(address, symbol)` of every function of the probe binary.
type Symbols = Vec<(u64, String)>;
/// `(GOT slot, target address)` of every relocated slot.
type GotSlots = Vec<(u64, u64)>;

/// The symbol each address of the probe binary starts (from the disassembly's
/// `0000000000018a70 <name>:` headers), and the target of each GOT slot the position-
/// independent binary calls through (`objdump -R`: `R_X86_64_RELATIVE *ABS*+0x18a70`).
fn symbols() -> (Symbols, GotSlots) {
    let Some(dis) = disassembly() else {
        return Default::default();
    };
    let starts = dis
        .lines()
        .filter_map(|l| {
            let (addr, rest) = l.split_once(" <")?;
            let name = rest.strip_suffix(">:")?;
            Some((u64::from_str_radix(addr, 16).ok()?, name.to_string()))
        })
        .collect();
    let out = Command::new("objdump")
        .arg("-R")
        .arg(build_probe())
        .output()
        .expect("run objdump -R");
    let slots = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let slot = u64::from_str_radix(f.next()?, 16).ok()?;
            let target = f.nth(1)?.strip_prefix("*ABS*+0x")?;
            Some((slot, u64::from_str_radix(target, 16).ok()?))
        })
        .collect();
    (starts, slots)
}

/// The calls in `body` whose callee (direct, or through a GOT slot) is not one of the
/// cold paths in `cold` (substrings of the callee's symbol); each with its callee.
fn hot_calls(body: &[String], cold: &[&str]) -> Vec<String> {
    let (starts, slots) = symbols();
    let name_at = |addr: u64| {
        starts
            .iter()
            .find(|(a, _)| *a == addr)
            .map_or("?", |(_, n)| n.as_str())
    };
    body.iter()
        .filter(|l| l.starts_with("call"))
        .map(|l| {
            // `call 18090 <sym>` or `call *0x42652(%rip) # 5acd8 <_DYNAMIC+0x328>`.
            let callee = match l.split_once(" # ") {
                Some((_, slot)) => {
                    let slot = slot.split(' ').next().unwrap_or("");
                    let slot = u64::from_str_radix(slot, 16).unwrap_or(0);
                    let target = slots.iter().find(|(s, _)| *s == slot).map(|(_, t)| *t);
                    target.map_or("?", name_at).to_string()
                }
                None => l.clone(),
            };
            format!("{l} -> {callee}")
        })
        .filter(|c| !cold.iter().any(|n| c.contains(n)))
        .collect()
}

// The dynamic API from a dependent crate (this probe is one): before issue 12 each
// operation called an out-of-line `Core::modify` (and `Option::or_else` closures, and a
// `memcpy` for the result's bytes), which cost 3x to 90x the typed operation. These
// prove the operation is folded into the caller; which width runs is still a branch.
#[test]
fn dynamic_fetch_add_is_inlined_lock_xadd() {
    let Some(dis) = disassembly() else { return };
    let body = body(dis, "probe_dyn_fetch_add");
    let listing = body.join("\n    ");
    assert!(
        body.iter().any(|l| l.starts_with("lock xadd")),
        "probe_dyn_fetch_add should contain `lock xadd`:\n    {listing}"
    );
    // The cold paths: an operand that does not fit, an operation the kind lacks, and
    // dropping their error (out of line, or inlined down to freeing its allocation).
    let cold = [
        "encode_other",
        "unsupported",
        "drop_in_place",
        "rust_dealloc",
    ];
    let hot = hot_calls(&body, &cold);
    assert!(
        hot.is_empty(),
        "probe_dyn_fetch_add calls {hot:?}:\n    {listing}"
    );
}

#[test]
fn dynamic_load_is_inlined_without_calls() {
    let Some(dis) = disassembly() else { return };
    let body = body(dis, "probe_dyn_load");
    let listing = body.join("\n    ");
    assert!(
        body.iter().any(|l| l.starts_with("mov")),
        "probe_dyn_load should load with a `mov`:\n    {listing}"
    );
    // The loads wider than the native word are out of line on purpose: it keeps the
    // width switch small enough to be hoisted out of a caller's loop.
    let hot = hot_calls(&body, &["load_wide"]);
    assert!(
        hot.is_empty(),
        "probe_dyn_load calls {hot:?}:\n    {listing}"
    );
}

/// The loops of function `name` with no branch or call inside: for each conditional jump
/// back to an address of the function, the instructions from there to the jump, when
/// none of them jumps or calls.
fn straight_loops(dis: &str, name: &str) -> Vec<Vec<String>> {
    let header = format!("<{name}>:");
    let own = format!("<{name}");
    // (address, instruction) pairs of the function.
    let insns: Vec<(u64, String)> = dis
        .lines()
        .skip_while(|l| !l.ends_with(&header))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let (addr, insn) = l.split_once(":\t")?;
            let addr = u64::from_str_radix(addr.trim(), 16).ok()?;
            Some((addr, insn.split_whitespace().collect::<Vec<_>>().join(" ")))
        })
        .collect();
    let branches = |i: &str| i.starts_with('j') || i.starts_with("call");
    let mut loops = Vec::new();
    for (k, (addr, insn)) in insns.iter().enumerate() {
        let conditional = insn.starts_with('j') && !insn.starts_with("jmp");
        if !conditional || !insn.contains(&own) {
            continue;
        }
        // `jne 19620 <name+0x10>`: the target is the second word.
        let target = insn
            .split(' ')
            .nth(1)
            .and_then(|t| u64::from_str_radix(t, 16).ok());
        let Some(target) = target.filter(|t| t < addr) else {
            continue;
        };
        let body: Vec<String> = insns[..k]
            .iter()
            .filter(|(a, _)| *a >= target)
            .map(|(_, i)| i.clone())
            .collect();
        if !body.iter().any(|i| branches(i)) {
            loops.push(body);
        }
    }
    loops
}

// Issue 12: a summing loop of dynamic loads kept a jump through the width's table per
// load (5.8x the typed loop, which unrolls). The load now switches on the width alone,
// a switch small enough for the optimiser to hoist out of the loop: one of the loops
// it leaves is straight-line loads, as the typed loop is.
#[test]
fn dynamic_load_loop_is_unswitched() {
    let Some(dis) = disassembly() else { return };
    let loops = straight_loops(dis, "probe_dyn_load_loop");
    let listing = body(dis, "probe_dyn_load_loop").join("\n    ");
    assert!(
        loops.iter().any(|l| l.iter().any(|i| i.contains("(%r"))),
        "probe_dyn_load_loop has no loop of loads without a branch inside:\n    {listing}"
    );
}

// Issue 12: `Segment`'s deref went through `region()`, two loads from the handle (the
// mapping's base and the payload offset) and an add before the field's own load. Now the
// payload pointer is kept in the mapping: one load from the handle, then the field.
#[cfg(feature = "shm")]
#[test]
fn segment_field_load_is_two_loads() {
    let Some(dis) = disassembly() else { return };
    let body = body(dis, "probe_segment_load");
    let listing = body.join("\n    ");
    let loads = body
        .iter()
        .filter(|l| l.starts_with("mov") && l.contains("(%"))
        .count();
    assert_eq!(
        loads, 2,
        "probe_segment_load: payload pointer, then the field:\n    {listing}"
    );
    check("probe_segment_load", "mov");
}
