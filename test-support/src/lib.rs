//! Test support for healthcert: one home for what the integration tests,
//! the fuzz targets and their stable smoke test share.
//!
//! - [`hc1`]: the HC1 builder (test signer and store, CWT claims,
//!   COSE_Sign1, zlib, base45, `HC1:`);
//! - [`fixtures`]: the committed fixtures (`fixtures/`) and trust-store
//!   material built from them;
//! - [`shc`]: the SMART Health Card builder (test issuer and its JWK,
//!   claims, compact JWS, `shc:/`);
//! - [`testdata`]: where the external test data lies, and saying so when
//!   it does not;
//! - `database` (feature `sqlite`): a trust database dumped as text, to
//!   prove a failed sync left it as it was;
//! - [`fuzz`]: the fuzz harness (invariants, the structured-input model,
//!   the seed builders);
//! - [`rules`]: business-rule inputs (a country's rules in the external
//!   test data, a vaccination rule context);
//! - `sync` (feature `sync`): trust sync against the CLI's loopback trust
//!   server, and the check that a failed sync changed nothing.
//!
//! A dev-dependency of healthcert-core (cargo allows the cycle for
//! dev-dependencies) and a dependency of the fuzz crate; never published.
//! It depends on healthcert-core without default features (plus `picture`),
//! as the fuzz crate does: no SQLite, no TLS under the sanitizers.

// Test support: a failed setup (a fixture missing, an encoder failing) and
// a broken invariant must fail the test or fuzz run loudly, so panicking is
// this crate's job, as in the tests that use it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(feature = "sqlite")]
pub mod database;
pub mod fixtures;
pub mod fuzz;
pub mod hc1;
pub mod rules;
pub mod shc;
#[cfg(feature = "sync")]
pub mod sync;
pub mod testdata;
