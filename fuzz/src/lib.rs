//! Shared harness of the healthcert fuzz targets, re-exported from
//! `healthcert-test-support` (`test-support/src/fuzz/`):
//!
//! - [`invariants`]: the body of each target and what it asserts;
//! - [`structured`]: the `arbitrary` model behind `verify_hc1_structured`
//!   (input model, builder, oracle);
//! - [`seeds`]: the fuzzing signer, the verifier and clock every target uses,
//!   and the in-process seed builders.
//!
//! `rust-core/tests/fuzz_smoke.rs` runs the same bodies on stable Rust under
//! a deterministic mutation loop, so the invariants are checked on every
//! `cargo test`.

pub use healthcert_test_support::fuzz::{invariants, seeds, structured};
