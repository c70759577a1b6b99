//! Compile-fail cases, one folder per topic under `tests/ui/`, each case with the
//! expected compiler output in its `.stderr`:
//! - `layout/`: every error `#[atomic_layout]` reports, one case per message;
//! - `region/`: a view cannot outlive the memory it points into;
//! - `segment/`: a read-only segment cannot be stored through.
//!
//! Re-bless after an intended change to a message: `TRYBUILD=overwrite cargo test --test
//! ui`, then read every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/layout/*.rs");
    t.compile_fail("tests/ui/region/*.rs");
    t.compile_fail("tests/ui/segment/*.rs");
}
