//! Compile-fail cases: a view cannot outlive the memory it points into; a read-only
//! segment cannot be stored through.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/region/*.rs");
    t.compile_fail("tests/ui/segment/*.rs");
}
