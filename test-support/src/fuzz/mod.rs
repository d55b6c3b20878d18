//! The fuzz harness: what each cargo-fuzz target (`fuzz/fuzz_targets/`)
//! runs, shared with the stable smoke test (`rust-core/tests/fuzz_smoke.rs`)
//! so that every `cargo test` checks the very same invariants.
//!
//! - [`invariants`]: the body of each target and what it asserts;
//! - [`structured`]: the `arbitrary` model behind `verify_hc1_structured`;
//! - [`seeds`]: the fuzzing signer, the verifier and clock every target uses,
//!   and the in-process seed builders.
//!
//! The fuzz crate (`fuzz/`, nightly, its own workspace) re-exports these
//! modules as `healthcert_fuzz::{invariants, seeds, structured}`.

pub mod invariants;
pub mod seeds;
pub mod structured;
