//! The validity step: the certificate's own time claims against the clock,
//! and against its signer's validity.

use time::{Duration, OffsetDateTime};

use crate::formats::{SignedEnvelope, TimeClaim};
use crate::model::{Check, CheckKind, Reason};
use crate::time_parse::format_utc;
use crate::trust::SignerKey;

/// hcert spec §3.3.5 (exp: "after which a Verifier MUST reject the Payload
/// as expired"; it "MUST not exceed the validity period of the DSC") and
/// §3.3.6 (iat: "MUST not predate the validity period of the DSC").
pub(super) fn check(env: &SignedEnvelope, signer: Option<&SignerKey>, now: OffsetDateTime, skew: Duration) -> Check {
    let fail = |reason, detail: String| Check::fail(CheckKind::Validity, reason, detail);
    let exp = match env.expires_at {
        TimeClaim::At(t) => t,
        TimeClaim::Absent => return fail(Reason::ExpiryMissing, "the certificate has no expiry (exp)".into()),
        TimeClaim::Invalid => return fail(Reason::TimeClaimInvalid, "the expiry (exp) is not a valid time".into()),
    };
    let iat = match env.issued_at {
        TimeClaim::At(t) => t,
        TimeClaim::Absent => return fail(Reason::IssuedAtMissing, "the certificate has no issue time (iat)".into()),
        TimeClaim::Invalid => return fail(Reason::TimeClaimInvalid, "the issue time (iat) is not a valid time".into()),
    };
    if now > exp {
        return fail(Reason::Expired, format!("expired at {}", format_utc(exp)));
    }
    // Saturating: a clock at the end of time plus a skew is still "now".
    if now.checked_add(skew).is_some_and(|limit| iat > limit) {
        return fail(Reason::NotYetValid, format!("issued at {}, after the verification time", format_utc(iat)));
    }
    if let Some(s) = signer {
        if let Some(na) = s.not_after.filter(|na| exp > *na) {
            return fail(
                Reason::ExpiresAfterSigner,
                format!("expires at {}, after its signer certificate ({})", format_utc(exp), format_utc(na)),
            );
        }
        if let Some(nb) = s.not_before.filter(|nb| iat < *nb) {
            return fail(
                Reason::IssuedBeforeSigner,
                format!("issued at {}, before its signer certificate was valid ({})", format_utc(iat), format_utc(nb)),
            );
        }
    }
    Check::pass(CheckKind::Validity, format!("issued {}, valid until {}", format_utc(iat), format_utc(exp)))
}
