//! The signature and issuer steps: find the trusted signers the envelope's
//! key reference names, try each within a budget, report the most specific
//! failure (after webpki's `MaximumSignatureChecksExceeded` and error
//! ranking), and check the signer that verified against the clock.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::Error;
use crate::crypto::{self, SignatureError};
use crate::formats::{DeclaredAlgorithm, Document, SignedEnvelope};
use crate::limits::Limits;
use crate::model::{Check, CheckKind, Outcome, Reason};
use crate::time_parse::format_utc;
use crate::trust::{KeyRef, KeyStatus, SignerKey, TrustStore, chain};

/// What the signature step found.
pub(super) struct SignatureStep {
    /// The signature check.
    pub signature: Check,
    /// The issuer check: the signer's validity at the verification time, or
    /// why no signer could be looked at.
    pub issuer: Check,
    /// The signer whose key verified the signature.
    pub signer: Option<Arc<SignerKey>>,
}

fn failed(signature: Check, issuer: Check) -> SignatureStep {
    SignatureStep { signature, issuer, signer: None }
}

fn unverified(detail: impl Into<String>) -> Check {
    Check::skipped(CheckKind::Issuer, Reason::DependencyFailed, detail)
}

/// hcert spec §3.3.3: "a verifier MUST check all DSCs with that kid" (and
/// so for every format whose key references can be shared).
///
/// When several candidates verify (the same key listed under several
/// certificates), the one valid at `now` and allowed by the document's
/// key-usage rule is preferred.
pub(super) fn check(
    env: &SignedEnvelope,
    document: &dyn Document,
    store: &dyn TrustStore,
    limits: &Limits,
    now: OffsetDateTime,
) -> Result<SignatureStep, Error> {
    if let KeyRef::Missing { .. } = env.key {
        return Ok(failed(
            Check::fail(CheckKind::Signature, Reason::KidMissing, env.key_origin),
            unverified("the certificate names no key to look the issuer up by"),
        ));
    }
    let key = env.key.describe();
    let mut candidates = store.signers(&env.key)?;

    let alg = match &env.algorithm {
        DeclaredAlgorithm::Supported(a) => *a,
        DeclaredAlgorithm::Missing => {
            return Ok(failed(
                Check::fail(CheckKind::Signature, Reason::AlgorithmMissing, "the envelope names no algorithm"),
                unverified("the signature could not be checked"),
            ));
        }
        DeclaredAlgorithm::Unsupported(name) => {
            return Ok(failed(
                Check::fail(
                    CheckKind::Signature,
                    Reason::AlgorithmUnsupported,
                    format!("algorithm {name} is not accepted (ES256, ES384, ES512, PS256 are)"),
                ),
                unverified("the signature could not be checked"),
            ));
        }
    };

    // An embedded signer certificate the store does not hold itself is
    // trusted only when it chains to a held CA.
    let mut chained_to = None;
    if let KeyRef::Embedded { scheme, certificate, anchors: Some(anchors) } = &env.key
        && candidates.is_empty()
    {
        match chain::chain(store, *scheme, *anchors, certificate, now, limits.max_signature_checks)? {
            Ok(chained) => {
                chained_to = Some(chained.country);
                candidates.push(Arc::new(chained.signer));
            }
            Err(f) => {
                return Ok(failed(
                    Check::skipped(
                        CheckKind::Signature,
                        Reason::NoTrustedKey,
                        "the embedded signer certificate is not trusted; signature not checked",
                    ),
                    Check::fail(CheckKind::Issuer, f.reason, f.detail),
                ));
            }
        }
    }

    if candidates.is_empty() {
        return Ok(failed(
            Check::skipped(CheckKind::Signature, Reason::NoTrustedKey, format!("no trusted key has {key}")),
            Check::fail(
                CheckKind::Issuer,
                Reason::IssuerUnknown,
                format!("{key} (from the {}) is not in the trust store", env.key_origin),
            ),
        ));
    }

    let tried = candidates.len().min(limits.max_signature_checks.max(1));
    let mut verified: Vec<Arc<SignerKey>> = Vec::new();
    let mut worst: Option<SignatureError> = None;
    for c in &candidates[..tried] {
        match crypto::verify(alg, &c.public_key, &env.signed_bytes, &env.signature) {
            Ok(()) => verified.push(Arc::clone(c)),
            Err(e) => worst = Some(worst.map_or(e, |w| w.max(e))),
        }
    }

    if verified.is_empty() {
        let issuer = unverified(format!("no trusted signer with {key} verified the signature"));
        if candidates.len() > tried {
            return Ok(failed(
                Check::fail(
                    CheckKind::Signature,
                    Reason::TooManyCandidateKeys,
                    format!("{} trusted keys share {key}; tried {tried} without success", candidates.len()),
                ),
                issuer,
            ));
        }
        let (reason, what) = match worst {
            Some(SignatureError::KeyAlgorithmMismatch) | None => (
                Reason::KeyAlgorithmMismatch,
                format!(
                    "the key for {key} is a {} key, which cannot verify {alg}",
                    candidates[0].public_key.describe()
                ),
            ),
            Some(SignatureError::Malformed) => (
                Reason::SignatureMalformed,
                format!("the {}-byte signature is malformed for {alg}", env.signature.len()),
            ),
            Some(SignatureError::Invalid) => (
                Reason::SignatureInvalid,
                format!("the {alg} signature does not verify with the trusted key for {key}"),
            ),
        };
        return Ok(failed(Check::fail(CheckKind::Signature, reason, what), issuer));
    }

    let rank = |s: &SignerKey| (in_window(s, now), document.key_usage_check(s).outcome == Outcome::Pass);
    // The first of the best-ranked candidates, in trust-store order
    // (`verified` is not empty here).
    let mut signer = &verified[0];
    for s in &verified[1..] {
        if rank(s) > rank(signer) {
            signer = s;
        }
    }
    let signer = Arc::clone(signer);
    let mut issuer = issuer_check(&signer, now);
    if let (Some(country), Outcome::Pass) = (chained_to, issuer.outcome) {
        issuer.detail.push_str(&format!("; it chains to a trusted CA of {country}, valid at the verification time"));
    }
    Ok(SignatureStep {
        signature: Check::pass(
            CheckKind::Signature,
            format!("{alg} signature verified with the {} key of {key}", signer.public_key.describe()),
        ),
        issuer,
        signer: Some(signer),
    })
}

fn in_window(s: &SignerKey, now: OffsetDateTime) -> bool {
    s.not_before.is_none_or(|nb| now >= nb) && s.not_after.is_none_or(|na| now <= na)
}

/// The signer must be valid at the verification time.
///
/// hcert spec §5 and the DGCA trust framework: a DSC is trusted only within
/// its validity period.
fn issuer_check(s: &SignerKey, now: OffsetDateTime) -> Check {
    // The country comes from the trust list; named only when it is a
    // country code, so that a detail carries no free text.
    let country =
        s.country.as_deref().filter(|c| (2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_uppercase()));
    let who = format!("signer {} ({})", s.kid_text(), country.unwrap_or("country unknown"));
    let listed = |reason, what: &str| {
        Check::fail(CheckKind::Issuer, reason, format!("{who}: the trust registry lists the key as {what}"))
    };
    match s.status {
        KeyStatus::Current => {}
        KeyStatus::Terminated => return listed(Reason::SignerTerminated, "terminated (withdrawn by its owner)"),
        KeyStatus::Revoked => return listed(Reason::SignerRevoked, "revoked"),
        KeyStatus::Expired => return listed(Reason::SignerExpired, "expired"),
    }
    if let Some(nb) = s.not_before.filter(|nb| now < *nb) {
        return Check::fail(
            CheckKind::Issuer,
            Reason::SignerNotYetValid,
            format!("{who} is valid only from {}", format_utc(nb)),
        );
    }
    if let Some(na) = s.not_after.filter(|na| now > *na) {
        return Check::fail(CheckKind::Issuer, Reason::SignerExpired, format!("{who} expired at {}", format_utc(na)));
    }
    Check::pass(CheckKind::Issuer, format!("{who} is trusted and valid at the verification time"))
}
