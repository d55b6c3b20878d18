//! The external test data (`../shared/testdata` beside the checkout, or
//! `$HEALTHCERT_TESTDATA`): public suites written by others, read where
//! they lie and never copied into the repository. A test that needs them
//! says plainly when they are absent and passes without checking.

use std::path::PathBuf;

/// The test-data folder, when present.
pub fn dir() -> Option<PathBuf> {
    let dir = crate::fixtures::testdata_root();
    dir.is_dir().then_some(dir)
}

/// `relative` inside the test data, when present; otherwise `None`, after
/// printing `SKIPPED` and what is missing (see
/// [`external`](crate::fixtures::external)).
pub fn require(relative: &str) -> Option<PathBuf> {
    crate::fixtures::external(relative)
}

/// The SMART Health Cards spec's published examples
/// (`smart-on-fhir+health-cards/gh-pages/examples`), when present.
pub fn shc_examples() -> Option<PathBuf> {
    require("smart-on-fhir+health-cards/gh-pages/examples")
}

/// The issuer of the SMART Health Cards spec examples.
pub const SHC_EXAMPLE_ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";

/// 2023-07-01T00:00:00Z: a week after the spec examples were issued (their
/// `nbf` is 2023-06-22T16:19:24Z), before example 03 expires (its `exp` is
/// 2024-06-21T16:19:24Z).
pub const SHC_EXAMPLES_NOW: i64 = 1_688_169_600;
