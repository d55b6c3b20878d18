//! Shared harness of the healthcert fuzz targets.
//!
//! - [`invariants`]: the body of each target and what it asserts;
//! - [`structured`]: the `arbitrary` model behind `verify_hc1_structured`;
//! - [`seeds`]: the fuzzing signer, the verifier and clock every target uses,
//!   and the in-process seed builders.
//!
//! `rust-core/tests/fuzz_smoke.rs` includes these three files with `#[path]`
//! and runs the same bodies on stable Rust under a deterministic mutation
//! loop, so the invariants are checked on every `cargo test`. The files
//! therefore refer to each other as `super::…` and use only crates that
//! healthcert-core's tests also have.

pub mod invariants;
pub mod seeds;
pub mod structured;
