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
use crate::trust::revocation::{MAX_DATA_AGE_SECONDS, Mode, SliceType, hash_type_name};
use crate::trust::{Revocation, SignerKey, TrustStore};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The revocation check of a decoded certificate whose signature verified
/// with `signer` (`None`: it did not), at the verification time `at`.
///
/// EU DCC (the DGCA revocation service's data, `trust::revocation`): a
/// hash found fails with `REVOKED`, naming the hash type and the key's
/// mode, and for a bloom filter the false-positive rate the slice declares;
/// a key the service does not list passes; data older than
/// [`MAX_DATA_AGE_SECONDS`] passes with the warning `REVOCATION_DATA_STALE`
/// (a revoked hash still fails); a cell whose announced slices are not held
/// is skipped with `REVOCATION_DATA_MISSING`.
pub(super) fn check(
    format: FormatId,
    env: &SignedEnvelope,
    document: &dyn Document,
    signer: Option<&SignerKey>,
    store: &dyn TrustStore,
    at: OffsetDateTime,
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
    let kid = signer.kid_text();
    let mut held = None;
    let mut dcc: Option<(Option<Mode>, OffsetDateTime)> = None;
    let mut missing = None;
    for key in &keys {
        match store.revocation(signer.list_key(), key, at)? {
            Revocation::Revoked { ctr } => {
                return Ok(Check::fail(
                    CheckKind::Revocation,
                    Reason::Revoked,
                    format!("revoked by the issuer's revocation list (ctr {ctr}) for key {kid}"),
                ));
            }
            Revocation::DccListed { kind, mode, slice, prob_rate } => {
                let kind = hash_type_name(kind);
                let detail = match slice {
                    SliceType::Bloom => format!(
                        "revoked: the {kind} hash matches the revocation service's bloom filter for key {kid} \
                         (mode {mode}); a bloom-filter match, false-positive rate {prob_rate:e} as the slice declares"
                    ),
                    SliceType::HashList => format!(
                        "revoked: the {kind} hash is on the revocation service's hash list for key {kid} (mode {mode})"
                    ),
                };
                return Ok(Check::fail(CheckKind::Revocation, Reason::Revoked, detail));
            }
            Revocation::NotRevoked { ctr } => held = Some(ctr),
            Revocation::DccKidNotListed { synced_at } => dcc = Some((None, synced_at)),
            Revocation::DccNotListed { mode, synced_at } => dcc = Some((Some(mode), synced_at)),
            Revocation::DccDataMissing { mode } => missing = Some(mode),
            _ => {}
        }
    }
    if let Some(mode) = missing {
        return Ok(Check::skipped(
            CheckKind::Revocation,
            Reason::RevocationDataMissing,
            format!(
                "the revocation service announces live slices for this certificate's cell of key {kid} (mode {mode}) \
                 that the store does not hold: sync again"
            ),
        ));
    }
    if let Some((mode, synced_at)) = dcc {
        let synced = synced_at.format(&Rfc3339).unwrap_or_default();
        let detail = match mode {
            None => format!("the revocation service lists no revocations for key {kid} (synced {synced})"),
            Some(mode) => format!("not on the revocation service's lists for key {kid} (mode {mode}, synced {synced})"),
        };
        let age = (at - synced_at).whole_seconds();
        return Ok(if age > MAX_DATA_AGE_SECONDS {
            Check::pass_with(
                CheckKind::Revocation,
                Reason::RevocationDataStale,
                format!(
                    "{detail}; the revocation data is {} h old, more than the {} h allowed",
                    age / 3600,
                    MAX_DATA_AGE_SECONDS / 3600
                ),
            )
        } else {
            Check::pass(CheckKind::Revocation, detail)
        });
    }
    Ok(match held {
        Some(ctr) => {
            Check::pass(CheckKind::Revocation, format!("not on the issuer's revocation list (ctr {ctr}) for key {kid}"))
        }
        None => Check::skipped(
            CheckKind::Revocation,
            Reason::NotApplicable,
            format!("no revocation list held for this key ({kid})"),
        ),
    })
}
