//! `verify_hc1_structured`: an [`Arbitrary`](arbitrary::Arbitrary) model of
//! an HC1 certificate (CWT claims with arbitrary CBOR in `iat`/`exp`/`iss`/
//! `hcert`, DCC fields that are mostly plausible and sometimes anything),
//! wrapped properly (COSE_Sign1 signed with the fuzzing key, zlib, base45,
//! `HC1:`) unless the input asks for a broken envelope or transport. The
//! fuzzer thus spends its time deep in the pipeline: signature, validity,
//! schema, normalisation.
//!
//! Besides the invariants every verdict satisfies, the model predicts the
//! outcome wherever it can and checks the verdict against it:
//! - a well-formed envelope and transport decode, or fail with the reason
//!   the claims call for (duplicate claims, `iss` not text, no `hcert`, a DCC
//!   without JSON form, too deep);
//! - a valid signature by the fuzzing key passes, and so do the issuer and
//!   key-usage checks for a single-group DCC;
//! - the validity check gives the reason `iat`/`exp` call for at the clock;
//! - the decoded DCC is exactly the JSON the model wrote, and the schema
//!   check is what `schema::validate` says of it;
//! - personal data (names, date of birth, certificate id, all carrying a
//!   canary) never reaches a check detail or the verdict's `Debug`.
//!
//! The parts, by role:
//! - [`input`]: the model, [`Hc1Input`] and its parts;
//! - [`build`]: model → HC1 text, with what decoding the claims must give;
//! - [`oracle`]: the predictions checked against the verdict.

use arbitrary::{Arbitrary as _, Unstructured};

pub mod build;
pub mod input;
pub mod oracle;

pub use input::*;
pub use oracle::verify_hc1_structured;

/// The target body: bytes → [`Hc1Input`] → [`verify_hc1_structured`], read
/// as libFuzzer's `fuzz_target!(|input: Hc1Input| …)` reads them.
pub fn verify_hc1_structured_bytes(data: &[u8]) {
    if let Ok(input) = Hc1Input::arbitrary_take_rest(Unstructured::new(data)) {
        verify_hc1_structured(&input);
    }
}
