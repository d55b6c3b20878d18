//! The signature step: find the trusted signers for the key identifier, try
//! each within a budget, and report the most specific failure (after
//! webpki's `MaximumSignatureChecksExceeded` and error ranking).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::Error;
use crate::crypto::{self, SignatureError};
use crate::formats::{DeclaredAlgorithm, SignedEnvelope, b64};
use crate::limits::Limits;
use crate::model::{CertificateType, Check, CheckKind, Reason};
use crate::trust::{SignerKey, TrustStore};

/// What the signature step found.
pub(super) struct SignatureStep {
    /// The signature check.
    pub check: Check,
    /// The issuer check when no signer verified (otherwise computed from
    /// the signer by the caller).
    pub issuer: Check,
    /// The signer whose key verified the signature.
    pub signer: Option<Arc<SignerKey>>,
}

fn step(check: Check, issuer: Check) -> SignatureStep {
    SignatureStep { check, issuer, signer: None }
}

/// hcert spec §3.3.3: "a verifier MUST check all DSCs with that kid".
///
/// When several candidates verify (the same key listed under several
/// certificates), the one valid at `now` and allowed to sign `kind` is
/// preferred.
pub(super) fn check(
    env: &SignedEnvelope,
    store: &dyn TrustStore,
    limits: &Limits,
    now: OffsetDateTime,
    kind: Option<CertificateType>,
) -> Result<SignatureStep, Error> {
    let Some(kid) = env.key_id.as_deref() else {
        return Ok(step(
            Check::fail(CheckKind::Signature, Reason::KidMissing, "neither COSE header carries a key identifier"),
            Check::skipped(CheckKind::Issuer, Reason::DependencyFailed, "no key identifier to look the issuer up by"),
        ));
    };
    let kid_text = b64(kid);
    let candidates = store.dcc_signers(kid)?;
    let unverified_issuer = |detail: String| Check::skipped(CheckKind::Issuer, Reason::DependencyFailed, detail);

    let alg = match &env.algorithm {
        DeclaredAlgorithm::Supported(a) => *a,
        DeclaredAlgorithm::Missing => {
            return Ok(step(
                Check::fail(CheckKind::Signature, Reason::AlgorithmMissing, "the protected header names no algorithm"),
                unverified_issuer("the signature could not be checked".into()),
            ));
        }
        DeclaredAlgorithm::Unsupported(name) => {
            return Ok(step(
                Check::fail(
                    CheckKind::Signature,
                    Reason::AlgorithmUnsupported,
                    format!("algorithm {name} is not accepted (ES256, ES384, PS256 are)"),
                ),
                unverified_issuer("the signature could not be checked".into()),
            ));
        }
    };

    if candidates.is_empty() {
        return Ok(step(
            Check::skipped(CheckKind::Signature, Reason::NoTrustedKey, format!("no trusted key has kid {kid_text}")),
            Check::fail(
                CheckKind::Issuer,
                Reason::IssuerUnknown,
                format!("kid {kid_text} (from the {}) is not in the trust store", env.key_id_location),
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
        let issuer = unverified_issuer(format!("no trusted signer with kid {kid_text} verified the signature"));
        if candidates.len() > tried {
            return Ok(step(
                Check::fail(
                    CheckKind::Signature,
                    Reason::TooManyCandidateKeys,
                    format!("{} trusted keys share kid {kid_text}; tried {tried} without success", candidates.len()),
                ),
                issuer,
            ));
        }
        let (reason, what) = match worst {
            Some(SignatureError::KeyAlgorithmMismatch) | None => (
                Reason::KeyAlgorithmMismatch,
                format!(
                    "the key for kid {kid_text} is a {} key, which cannot verify {alg}",
                    candidates[0].public_key.describe()
                ),
            ),
            Some(SignatureError::Malformed) => (
                Reason::SignatureMalformed,
                format!("the {}-byte signature is malformed for {alg}", env.signature.len()),
            ),
            Some(SignatureError::Invalid) => (
                Reason::SignatureInvalid,
                format!("the {alg} signature does not verify with the trusted key for kid {kid_text}"),
            ),
        };
        return Ok(step(Check::fail(CheckKind::Signature, reason, what), issuer));
    }

    let rank = |s: &SignerKey| {
        let in_window = s.not_before.is_none_or(|nb| now >= nb) && s.not_after.is_none_or(|na| now <= na);
        let allowed = kind.is_none_or(|k| s.key_usage.allows(k));
        (in_window, allowed)
    };
    // The first of the best-ranked candidates, in trust-store order.
    let best = verified.iter().map(|s| rank(s)).max();
    let signer = verified.iter().find(|s| Some(rank(s)) == best).cloned();
    let detail = match &signer {
        Some(s) => format!("{alg} signature verified with the {} key of kid {kid_text}", s.public_key.describe()),
        None => String::new(),
    };
    Ok(SignatureStep {
        check: Check::pass(CheckKind::Signature, detail),
        issuer: Check::skipped(CheckKind::Issuer, Reason::DependencyFailed, ""),
        signer,
    })
}
