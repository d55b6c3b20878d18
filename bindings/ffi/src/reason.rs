//! What the apps read off a check's [`Reason`]: the core's stable code and
//! its class. The reason itself crosses as an enum (`Reason.SIGNATURE_INVALID`
//! in Kotlin, `.signatureInvalid` in Swift), which the apps switch over to
//! choose their own wording; the code is what they log and show to support.

use healthcert_core::model::{Reason, ReasonClass};

/// The stable code of `reason` (`SIGNATURE_INVALID`; docs/verdict.md): the
/// same string as the CLI's `--json`, never reused for another meaning.
#[uniffi::export]
pub fn reason_code(reason: Reason) -> String {
    reason.code().to_owned()
}

/// How `reason` weighs on a verdict's status: neutral (not a failure),
/// invalid (definitely not acceptable) or inconclusive (cannot tell).
#[uniffi::export]
pub fn reason_class(reason: Reason) -> ReasonClass {
    reason.class()
}
