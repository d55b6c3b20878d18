//! The validity step: the certificate's own time claims against the clock,
//! as its format's [`ValidityPolicy`] asks, and against its signer's
//! validity.

use time::{Duration, OffsetDateTime};

use crate::formats::{SignedEnvelope, TimeClaim, ValidityPolicy};
use crate::model::{Check, CheckKind, Reason};
use crate::time_parse::format_utc;
use crate::trust::SignerKey;

/// A claim's instant; `Err` with the failing check when the claim is
/// invalid, or absent while required.
fn claim(claim: TimeClaim, required: bool, what: &str, missing: Reason) -> Result<Option<OffsetDateTime>, Check> {
    match claim {
        TimeClaim::At(t) => Ok(Some(t)),
        TimeClaim::Absent if required => {
            Err(Check::fail(CheckKind::Validity, missing, format!("the certificate has no {what}")))
        }
        TimeClaim::Absent => Ok(None),
        TimeClaim::Invalid => {
            Err(Check::fail(CheckKind::Validity, Reason::TimeClaimInvalid, format!("the {what} is not a valid time")))
        }
    }
}

/// hcert spec §3.3.5 (exp: "after which a Verifier MUST reject the Payload
/// as expired"; it "MUST not exceed the validity period of the DSC") and
/// §3.3.6 (iat: "MUST not predate the validity period of the DSC"); RFC
/// 7519 §4.1.5 (nbf: "MUST NOT be accepted for processing" before it).
pub(super) fn check(
    env: &SignedEnvelope,
    policy: ValidityPolicy,
    signer: Option<&SignerKey>,
    now: OffsetDateTime,
    skew: Duration,
) -> Check {
    let times = &env.times;
    let exp = match claim(times.expires_at, policy.expiry_required, "expiry (exp)", Reason::ExpiryMissing) {
        Ok(t) => t,
        Err(check) => return check,
    };
    let iat = match claim(times.issued_at, policy.issued_at_required, "issue time (iat)", Reason::IssuedAtMissing) {
        Ok(t) => t,
        Err(check) => return check,
    };
    let nbf = match claim(times.not_before, false, "start of validity (nbf)", Reason::TimeClaimInvalid) {
        Ok(t) => t,
        Err(check) => return check,
    };
    let fail = |reason, detail: String| Check::fail(CheckKind::Validity, reason, detail);
    if let Some(exp) = exp.filter(|exp| now > *exp) {
        return fail(Reason::Expired, format!("expired at {}", format_utc(exp)));
    }
    // Saturating: a clock at the end of time plus a skew is still "now".
    let ahead = |t: OffsetDateTime| now.checked_add(skew).is_some_and(|limit| t > limit);
    if let Some(iat) = iat.filter(|t| ahead(*t)) {
        return fail(Reason::NotYetValid, format!("issued at {}, after the verification time", format_utc(iat)));
    }
    if let Some(nbf) = nbf.filter(|t| ahead(*t)) {
        return fail(Reason::NotYetValid, format!("valid only from {}", format_utc(nbf)));
    }
    if let Some(s) = signer.filter(|_| policy.within_signer_validity) {
        if let (Some(exp), Some(na)) = (exp, s.not_after.filter(|na| exp.is_some_and(|e| e > *na))) {
            return fail(
                Reason::ExpiresAfterSigner,
                format!("expires at {}, after its signer certificate ({})", format_utc(exp), format_utc(na)),
            );
        }
        if let (Some(iat), Some(nb)) = (iat, s.not_before.filter(|nb| iat.is_some_and(|i| i < *nb))) {
            return fail(
                Reason::IssuedBeforeSigner,
                format!("issued at {}, before its signer certificate was valid ({})", format_utc(iat), format_utc(nb)),
            );
        }
    }
    let issued = iat.map_or_else(|| "no issue time".to_owned(), |t| format!("issued {}", format_utc(t)));
    let until = exp.map_or_else(|| "no expiry".to_owned(), |t| format!("valid until {}", format_utc(t)));
    Check::pass(CheckKind::Validity, format!("{issued}, {until}"))
}
