//! The verdict: overall status, every check with its outcome and reason, the
//! normalized certificate, and the clock used.

use serde::Serialize;
use time::OffsetDateTime;

use super::reason::{Reason, ReasonClass};
use super::{Certificate, ClockCheck, FormatId, RuleResult};
use crate::clock::ClockSource;
use crate::time_parse::serde_utc;

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every check passed.
    Valid,
    /// At least one check failed definitively.
    Invalid,
    /// Nothing failed definitively, but the verifier cannot tell (for
    /// example, the issuer is not in its trust store).
    Unknown,
}

/// One step of the verification.
///
/// Deliberately exhaustive: a new check (revocation, rules) must be mapped by
/// every consumer in the workspace (the bindings), and the compiler says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The payload decodes into a signed certificate.
    Decode,
    /// The signature verifies with a trusted key.
    Signature,
    /// The signer is in the trust store and valid at the verification time.
    Issuer,
    /// The signer is allowed to sign this type of certificate.
    KeyUsage,
    /// The revocation list held for the signer's key does not revoke the
    /// certificate.
    Revocation,
    /// The certificate is within its validity period.
    Validity,
    /// The payload follows the schema it declares.
    Schema,
    /// The business rules of the country of arrival accept it (and the
    /// issuing country's invalidation rules do not reject it).
    Rules,
}

impl CheckKind {
    /// The order in which checks appear in a verdict.
    pub const ALL: [CheckKind; 8] = [
        CheckKind::Decode,
        CheckKind::Signature,
        CheckKind::Issuer,
        CheckKind::KeyUsage,
        CheckKind::Revocation,
        CheckKind::Validity,
        CheckKind::Schema,
        CheckKind::Rules,
    ];

    /// The name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Decode => "decode",
            CheckKind::Signature => "signature",
            CheckKind::Issuer => "issuer",
            CheckKind::KeyUsage => "key_usage",
            CheckKind::Revocation => "revocation",
            CheckKind::Validity => "validity",
            CheckKind::Schema => "schema",
            CheckKind::Rules => "rules",
        }
    }
}

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed (see the reason).
    Fail,
    /// The check was not run (see the reason).
    Skipped,
}

/// One check with its outcome, stable reason code and a human detail.
///
/// `detail` is written for people and never contains personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Check {
    /// Which check.
    pub check: CheckKind,
    /// How it ended.
    pub outcome: Outcome,
    /// Why, as a stable code.
    pub reason: Reason,
    /// Explanation for people (no personal data).
    pub detail: String,
}

impl Check {
    /// A passing check.
    pub fn pass(check: CheckKind, detail: impl Into<String>) -> Self {
        Self { check, outcome: Outcome::Pass, reason: Reason::Ok, detail: detail.into() }
    }
    /// A passing check with a neutral reason other than `OK`: a warning
    /// ([`Reason::SchemaDeviation`]). The status is unaffected.
    pub fn pass_with(check: CheckKind, reason: Reason, detail: impl Into<String>) -> Self {
        Self { check, outcome: Outcome::Pass, reason, detail: detail.into() }
    }
    /// A failing check.
    pub fn fail(check: CheckKind, reason: Reason, detail: impl Into<String>) -> Self {
        Self { check, outcome: Outcome::Fail, reason, detail: detail.into() }
    }
    /// A check that was not run.
    pub fn skipped(check: CheckKind, reason: Reason, detail: impl Into<String>) -> Self {
        Self { check, outcome: Outcome::Skipped, reason, detail: detail.into() }
    }
}

/// The signer a verification used, as recorded in the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct SignerInfo {
    /// Key identifier, base64.
    pub kid: String,
    /// Country of the signer, when the trust list says.
    pub country: Option<String>,
    /// Signer certificate validity start.
    #[serde(with = "serde_utc::option")]
    pub not_before: Option<OffsetDateTime>,
    /// Signer certificate validity end.
    #[serde(with = "serde_utc::option")]
    pub not_after: Option<OffsetDateTime>,
}

/// The trust data a verification used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct TrustInfo {
    /// Where the trust store's keys came from (a file path, a snapshot name).
    pub source: String,
    /// Number of signer keys in the store.
    pub entries: u64,
    /// The signer that verified the signature, when one did.
    pub signer: Option<SignerInfo>,
    /// When the store's signer data was last updated, when known.
    #[serde(with = "serde_utc::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// Age of the store's signer data at the verification instant, in
    /// seconds, when known.
    pub age_seconds: Option<i64>,
    /// Whether that age exceeds the configured maximum: the verdict rests on
    /// trust data older than its owner wants to rely on.
    pub stale: bool,
}

/// The result of verifying one payload.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
#[non_exhaustive]
pub struct Verdict {
    /// The overall answer, derived from the checks.
    pub status: Status,
    /// The format the payload was read as.
    pub format: FormatId,
    /// Every check, in a fixed order, each with outcome and reason.
    pub checks: Vec<Check>,
    /// The normalized certificate, when the payload decoded.
    pub certificate: Option<Certificate>,
    /// The instant the verification was made at.
    #[serde(with = "serde_utc")]
    pub clock: OffsetDateTime,
    /// Where that instant came from.
    pub clock_source: ClockSource,
    /// Whether that instant can be trusted: the device clock against the
    /// trusted times the store has seen. A suspect clock turns a verdict
    /// that would be valid into `unknown` (docs/verdict.md).
    pub clock_check: ClockCheck,
    /// The trust data used.
    pub trust: TrustInfo,
    /// Each business rule evaluated for the country of arrival (empty when
    /// none was given or none applied), in a fixed order.
    pub rules: Vec<RuleResult>,
}

impl Verdict {
    /// The status that a list of checks amounts to: invalid if any check
    /// failed definitively; unknown if a failure only means "cannot tell" or
    /// a check that applies was not run; valid only when every check passed
    /// or does not apply.
    pub fn status_of(checks: &[Check]) -> Status {
        let mut status = Status::Valid;
        for c in checks {
            match (c.outcome, c.reason.class()) {
                (Outcome::Pass, _) => {}
                (Outcome::Skipped, _) if c.reason == Reason::NotApplicable => {}
                (Outcome::Fail, ReasonClass::Invalid) => return Status::Invalid,
                // Inconclusive failures, skipped checks, and (defensively) a
                // failure carrying a neutral reason: never "valid".
                _ => status = Status::Unknown,
            }
        }
        status
    }

    /// The check of a kind, if the verdict has it.
    pub fn check(&self, kind: CheckKind) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == kind)
    }

    /// The failing checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.outcome == Outcome::Fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules() {
        let pass = Check::pass(CheckKind::Decode, "");
        let unknown = Check::fail(CheckKind::Issuer, Reason::IssuerUnknown, "");
        let invalid = Check::fail(CheckKind::Validity, Reason::Expired, "");
        let skipped = Check::skipped(CheckKind::Signature, Reason::NoTrustedKey, "");
        assert_eq!(Verdict::status_of(std::slice::from_ref(&pass)), Status::Valid);
        assert_eq!(Verdict::status_of(&[pass.clone(), skipped.clone()]), Status::Unknown);
        let na = Check::skipped(CheckKind::KeyUsage, Reason::NotApplicable, "");
        assert_eq!(Verdict::status_of(&[pass.clone(), na]), Status::Valid);
        assert_eq!(Verdict::status_of(&[pass.clone(), unknown.clone()]), Status::Unknown);
        assert_eq!(Verdict::status_of(&[unknown, invalid, pass.clone()]), Status::Invalid);
        let warned = Check::pass_with(CheckKind::Schema, Reason::SchemaDeviation, "");
        assert_eq!(Verdict::status_of(&[pass, warned]), Status::Valid);
    }
}
