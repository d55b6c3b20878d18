//! The revocation step: does the revocation list the store holds for the
//! signer's key name the certificate?
//!
//! A format says what a list may name a certificate by
//! ([`Document::revocation_keys`]); the store answers per key
//! ([`TrustStore::revocation`]). Verification never fetches a list: it
//! uses what `trust import` (or a sync) stored.

use crate::Error;
use crate::formats::{Document, FormatId, SignedEnvelope};
use crate::model::{Check, CheckKind, Reason};
use crate::trust::{Revocation, SignerKey, TrustStore};

/// The revocation check of a decoded certificate whose signature verified
/// with `signer` (`None`: it did not).
pub(super) fn check(
    format: FormatId,
    env: &SignedEnvelope,
    document: &dyn Document,
    signer: Option<&SignerKey>,
    store: &dyn TrustStore,
) -> Result<Check, Error> {
    let keys = document.revocation_keys(env);
    if keys.is_empty() {
        return Ok(Check::skipped(
            CheckKind::Revocation,
            Reason::NotApplicable,
            format!("this {format} certificate carries nothing a revocation list could name"),
        ));
    }
    let Some(signer) = signer else {
        return Ok(Check::skipped(
            CheckKind::Revocation,
            Reason::DependencyFailed,
            "no trusted signer verified the signature",
        ));
    };
    let mut held = None;
    for key in &keys {
        match store.revocation(signer.list_key(), key)? {
            Revocation::Revoked { ctr } => {
                return Ok(Check::fail(
                    CheckKind::Revocation,
                    Reason::Revoked,
                    format!("revoked by the issuer's revocation list (ctr {ctr}) for key {}", signer.kid_text()),
                ));
            }
            Revocation::NotRevoked { ctr } => held = Some(ctr),
            Revocation::NoList => {}
        }
    }
    Ok(match held {
        Some(ctr) => Check::pass(
            CheckKind::Revocation,
            format!("not on the issuer's revocation list (ctr {ctr}) for key {}", signer.kid_text()),
        ),
        None => Check::skipped(
            CheckKind::Revocation,
            Reason::NotApplicable,
            format!("no revocation list held for this key ({})", signer.kid_text()),
        ),
    })
}
