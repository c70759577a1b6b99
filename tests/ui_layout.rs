//! Compile-fail cases for every error `#[atomic_layout]` reports: one case per message
//! in `tests/ui/layout/`, each with the expected compiler output in its `.stderr`.
//!
//! Re-bless after an intended change to a message: `TRYBUILD=overwrite cargo test --test
//! ui_layout`, then read every changed `.stderr`.

#[test]
fn ui_layout() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/layout/*.rs");
}
