#![cfg(feature = "full")]
//! Misuses of every macro must fail to compile with a message that says what to write
//! instead. The expected messages are the `.stderr` files beside each case in `tests/ui/`;
//! after changing a message, regenerate them with `TRYBUILD=overwrite` and review the diff.

#[test]
#[cfg_attr(miri, ignore)]
fn macro_misuse_is_a_helpful_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
