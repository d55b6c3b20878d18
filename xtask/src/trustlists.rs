//! Signer lists in the shapes the trust server serves: the DGCA trust-list
//! JSON (`trust/trustlist.json`, paged by `/signercertificateUpdate`) and the
//! German-shaped signed list (`trust/de/trustlist`), with the variants tests
//! swap in to exercise incremental updates, removals, rollback and bad
//! signatures.

use anyhow::Result;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::manifest::pretty;
use crate::pki::{Key, Pki};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One DSC entry of a trust list: the fields the DGCA trust list and the
/// German list share, in their order.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// An explicit resume-token id (an extension of the trust server, see
    /// docs/trust-protocols.md); absent in the usual case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    certificate_type: &'static str,
    country: String,
    kid: String,
    raw_data: String,
    thumbprint: String,
    timestamp: String,
}

impl Entry {
    /// The entry of a DSC: kid = first 8 bytes of SHA-256 of the DER.
    pub fn dsc(der: &[u8], country: &str, timestamp: &str) -> Self {
        let digest = Sha256::digest(der);
        Entry {
            id: None,
            certificate_type: "DSC",
            country: country.to_owned(),
            kid: b64(&digest[..8]),
            raw_data: b64(der),
            thumbprint: digest.iter().map(|b| format!("{b:02x}")).collect(),
            timestamp: timestamp.to_owned(),
        }
    }

    /// An entry whose `rawData` is valid base64 but not a certificate.
    pub fn garbage(country: &str, timestamp: &str) -> Self {
        Entry::dsc(b"healthcert fixtures: not a certificate", country, timestamp)
    }
}

/// When the trusted DSCs were added to the lists.
pub(crate) const DSC_TIMESTAMP: &str = "2026-01-01T00:00:00Z";
/// When `dsc-ec-unknown` is added, in the variants that add it.
pub(crate) const ADDED_TIMESTAMP: &str = "2026-08-10T00:00:00Z";

/// The entries of the trusted DSCs, in PKI order.
pub(crate) fn trusted_entries(pki: &Pki) -> Vec<Entry> {
    pki.dscs.iter().filter(|d| d.trusted).map(|d| Entry::dsc(&d.der, crate::pki::COUNTRY, DSC_TIMESTAMP)).collect()
}

/// The DGCA trust-list JSON: a pretty array of entries.
pub(crate) fn dgca_json(entries: &[Entry]) -> Result<Vec<u8>> {
    pretty(&entries)
}

#[derive(Serialize)]
struct DeList<'a> {
    timestamp: &'a str,
    certificates: &'a [Entry],
}

/// The German-shaped signed list: line 1 is the base64 of the ECDSA P-256
/// SHA-256 signature in its raw form (r || s, 64 bytes, as the German list
/// and its clients use it); the bytes after the first newline are the
/// compact JSON `{"timestamp", "certificates"}` that it signs, with no
/// trailing newline.
pub(crate) fn de_list(entries: &[Entry], issued_at: &str, key: &Key) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(&DeList { timestamp: issued_at, certificates: entries })?;
    let mut out = b64(&key.sign(&json)).into_bytes();
    out.push(b'\n');
    out.extend_from_slice(&json);
    Ok(out)
}

/// When the served German list was issued.
pub(crate) const DE_ISSUED_AT: &str = "2026-08-01T00:00:00Z";

/// `trust/trustlist.json`, `trust/de/*` and `trust/variants/*`.
pub(crate) fn files(pki: &Pki, de_key: &Key) -> Result<Vec<(String, Vec<u8>)>> {
    let trusted = trusted_entries(pki);
    let unknown = Entry::dsc(&pki.dsc("dsc-ec-unknown").der, crate::pki::COUNTRY, ADDED_TIMESTAMP);
    let mut out = vec![
        ("trust/trustlist.json".to_owned(), dgca_json(&trusted)?),
        ("trust/de/trustlist".to_owned(), de_list(&trusted, DE_ISSUED_AT, de_key)?),
        ("trust/de/list-signing-key.pem".to_owned(), de_key.public_pem()?.into_bytes()),
    ];

    // DGCA: one DSC appended (its resume token is 10), and one removed with
    // explicit ids so that the tokens of the others do not move.
    let mut added = trusted.clone();
    added.push(unknown.clone());
    out.push(("trust/variants/trustlist-added.json".to_owned(), dgca_json(&added)?));
    let removed: Vec<Entry> =
        (1u64..).zip(&trusted).skip(1).map(|(id, e)| Entry { id: Some(id), ..e.clone() }).collect();
    out.push(("trust/variants/trustlist-removed.json".to_owned(), dgca_json(&removed)?));

    // German list: newer (adds dsc-ec-unknown), older (rollback), a broken
    // signature, and a validly signed list with an entry that is no
    // certificate.
    out.push(("trust/variants/de-trustlist-newer".to_owned(), de_list(&added, "2026-08-15T00:00:00Z", de_key)?));
    let older = &trusted[..trusted.len() - 1];
    out.push(("trust/variants/de-trustlist-older".to_owned(), de_list(older, "2026-07-01T00:00:00Z", de_key)?));
    let mut bad = de_list(&trusted, DE_ISSUED_AT, de_key)?;
    flip_signature_bit(&mut bad);
    out.push(("trust/variants/de-trustlist-bad-signature".to_owned(), bad));
    let mut garbage = trusted.clone();
    garbage.insert(1, Entry::garbage(crate::pki::COUNTRY, ADDED_TIMESTAMP));
    out.push((
        "trust/variants/de-trustlist-garbage-entry".to_owned(),
        de_list(&garbage, "2026-08-02T00:00:00Z", de_key)?,
    ));
    Ok(out)
}

/// Flips one bit of the signature on line 1 (re-encoded as base64).
fn flip_signature_bit(list: &mut Vec<u8>) {
    let newline = list.iter().position(|&b| b == b'\n').unwrap_or(list.len());
    let e = &base64::engine::general_purpose::STANDARD;
    let mut sig = e.decode(&list[..newline]).unwrap_or_default();
    if let Some(b) = sig.get_mut(10) {
        *b ^= 0x01;
    }
    list.splice(..newline, e.encode(&sig).into_bytes());
}
