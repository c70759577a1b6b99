//! Compile-fail cases: a view cannot outlive the memory it points into.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/region/*.rs");
}
