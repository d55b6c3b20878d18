//! The VCI directory snapshot: the keys and revocation lists of the SMART
//! Health Card issuers of the VCI directory, in one file signed by the
//! directory (`the-commons-project/vci-directory`, `logs/vci_snapshot.json`
//! and its detached signature `logs/vci_snapshot.sig`).
//!
//! ```json
//! {"directory": "…/vci-issuers.json", "time": "2026-08-22T04:43:50Z",
//!  "issuerInfo": [{"issuer": {"iss": "…", "name": "…", "website": "…"},
//!                  "keys": [JWK, …], "crls": [CRL, …], "lastRetrieved": "…"}]}
//! ```
//!
//! The signature is ECDSA P-521 with SHA-512 over the file's exact bytes
//! (`openssl dgst -sha512 -sign`: DER; the fixed `r || s` form is read
//! too), made with the key of the directory's anchor certificate
//! (`vci_snapshot.crt`), which the caller supplies. It is checked **before**
//! anything of the file is parsed: a bad or missing signature refuses the
//! whole file ([`VciError::BadSignature`]), and nothing is stored.
//!
//! Then each issuer's keys become SMART Health Card signers under
//! `(iss, kid)` (only ES256 signing keys on P-256 whose kid is their RFC
//! 7638 thumbprint, as for a JWKS: [`file::parse_jwks`]); the others are
//! skipped and reported, and so is an issuer whose `iss` cannot be one, or
//! that lists more than [`MAX_KEYS_PER_ISSUER`] keys or
//! [`MAX_CRLS_PER_ISSUER`] lists. Each revocation list is read as a CRL
//! fetched from the issuer ([`crl`](super::crl); `ctr` as a number or a
//! numeric string), and a list with a defect is skipped alone. The
//! snapshot's `time` is kept as the list's issue time: an older snapshot
//! than the one held is refused as a rollback, and the data's age counts
//! from it.
//!
//! [`file::parse_jwks`]: super::file::parse_jwks

use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;

use super::file::{self, LoadReport, SkippedEntry};
use super::update::{IssuerCrl, SignerChange, SignerRecord, SourceId, SourceMeta, Update};
use super::{Crl, SignerKey};
use crate::crypto::{PublicKey, SignatureError, verify_p521_sha512};
use crate::formats::codec::json::{self, JsonError};

/// Largest snapshot read, in bytes (the directory's is about 0.7 MB).
pub const MAX_SNAPSHOT_LEN: usize = 32 * 1024 * 1024;
/// Largest detached signature read, in bytes (a DER P-521 signature is at
/// most 139).
pub const MAX_SIGNATURE_LEN: usize = 1024;
/// Most issuers a snapshot may list.
pub const MAX_ISSUERS: usize = 20_000;
/// Most keys one issuer may list; an issuer with more is skipped.
pub const MAX_KEYS_PER_ISSUER: usize = 100;
/// Most revocation lists one issuer may list; an issuer with more is skipped.
pub const MAX_CRLS_PER_ISSUER: usize = 100;
/// Deepest nesting read: `issuerInfo[i].crls[j].rids[k]` is 5.
const MAX_DEPTH: usize = 8;

/// Why a snapshot is refused as a whole.
#[derive(Debug)]
#[non_exhaustive]
pub enum VciError {
    /// The anchor key is not a P-521 key.
    AnchorNotP521,
    /// The detached signature does not verify with the anchor key over the
    /// file's bytes (or is not an ECDSA signature at all).
    BadSignature,
    /// The snapshot or its signature is larger than its limit.
    TooLarge {
        /// What: `snapshot` or `signature`.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// Signed, but not JSON, or too deep.
    Json(JsonError),
    /// Signed JSON of another shape.
    Shape(&'static str),
    /// More issuers than [`MAX_ISSUERS`].
    TooManyIssuers {
        /// How many it lists.
        len: usize,
    },
}

impl fmt::Display for VciError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VciError::AnchorNotP521 => {
                f.write_str("the anchor key is not a P-521 key (the VCI directory signs with one)")
            }
            VciError::BadSignature => {
                f.write_str("the detached signature does not verify with the anchor key; nothing was stored")
            }
            VciError::TooLarge { what, limit } => write!(f, "the {what} is larger than the {limit}-byte limit"),
            VciError::Json(e) => write!(f, "not a VCI snapshot: {e}"),
            VciError::Shape(what) => write!(f, "not a VCI snapshot ({{directory, time, issuerInfo}}): {what}"),
            VciError::TooManyIssuers { len } => write!(f, "{len} issuers is more than the limit of {MAX_ISSUERS}"),
        }
    }
}

impl std::error::Error for VciError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VciError::Json(e) => Some(e),
            _ => None,
        }
    }
}

/// A verified snapshot, read.
#[derive(Debug, Clone)]
pub struct VciSnapshot {
    /// When the directory made it (`time`).
    pub time: OffsetDateTime,
    /// The directory it snapshots (`directory`), when given.
    pub directory: Option<String>,
    /// Issuers listed.
    pub issuers: usize,
    /// The usable issuer keys.
    pub signers: Vec<SignerKey>,
    /// The usable revocation lists, with their issuers.
    pub crls: Vec<IssuerCrl>,
    /// Keys, lists and issuers not used, each with its position and reason.
    pub skipped: Vec<SkippedEntry>,
}

/// Verifies `signature` over `bytes` with `anchor`, then reads the snapshot
/// (see the module documentation). `origin` names it in reports.
pub fn parse(origin: &str, bytes: &[u8], signature: &[u8], anchor: &PublicKey) -> Result<VciSnapshot, VciError> {
    if bytes.len() > MAX_SNAPSHOT_LEN {
        return Err(VciError::TooLarge { what: "snapshot", limit: MAX_SNAPSHOT_LEN });
    }
    if signature.len() > MAX_SIGNATURE_LEN {
        return Err(VciError::TooLarge { what: "signature", limit: MAX_SIGNATURE_LEN });
    }
    match verify_p521_sha512(anchor, bytes, signature) {
        Ok(()) => {}
        Err(SignatureError::KeyAlgorithmMismatch) => return Err(VciError::AnchorNotP521),
        Err(SignatureError::Malformed | SignatureError::Invalid) => return Err(VciError::BadSignature),
    }
    // Only signed bytes from here on.
    let value: Value = json::parse(bytes.trim_ascii_start(), MAX_SNAPSHOT_LEN, MAX_DEPTH).map_err(VciError::Json)?;
    let Value::Object(top) = value else { return Err(VciError::Shape("not a JSON object")) };
    let time = match top.get("time") {
        Some(Value::String(t)) => {
            crate::time_parse::rfc3339(t).ok_or(VciError::Shape("time is not an RFC 3339 time"))?
        }
        Some(_) => return Err(VciError::Shape("time is not text")),
        None => return Err(VciError::Shape("no time")),
    };
    let directory =
        top.get("directory").and_then(Value::as_str).map(|d| crate::text::display_bounded(d, 500).into_owned());
    let infos = match top.get("issuerInfo") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(VciError::Shape("issuerInfo is not an array")),
        None => return Err(VciError::Shape("no issuerInfo")),
    };
    if infos.len() > MAX_ISSUERS {
        return Err(VciError::TooManyIssuers { len: infos.len() });
    }
    let mut report = LoadReport::default();
    let mut signers = Vec::new();
    let mut crls = Vec::new();
    for (i, info) in infos.iter().enumerate() {
        let position = format!("{origin} issuer {i}");
        match issuer(&position, info, &mut report) {
            Ok((keys, lists)) => {
                signers.extend(keys);
                crls.extend(lists);
            }
            Err(reason) => report.skipped.push(SkippedEntry { position, reason }),
        }
    }
    Ok(VciSnapshot { time, directory, issuers: infos.len(), signers, crls, skipped: report.skipped })
}

/// One `issuerInfo` entry: its usable keys and lists, or why it is skipped
/// whole.
fn issuer(position: &str, info: &Value, report: &mut LoadReport) -> Result<(Vec<SignerKey>, Vec<IssuerCrl>), String> {
    let iss =
        info.get("issuer").and_then(|i| i.get("iss")).and_then(Value::as_str).ok_or("the entry has no issuer.iss")?;
    if !file::issuer_valid(iss) || iss.len() > 2048 {
        return Err("its iss cannot be the iss of a card (empty, a trailing /, white space, too long)".into());
    }
    let keys = match info.get("keys") {
        Some(Value::Array(k)) => k.as_slice(),
        None => &[],
        Some(_) => return Err("its keys are not an array".into()),
    };
    if keys.len() > MAX_KEYS_PER_ISSUER {
        return Err(format!("{} keys is more than the limit of {MAX_KEYS_PER_ISSUER}", keys.len()));
    }
    let lists = match info.get("crls") {
        Some(Value::Array(c)) => c.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("its crls are not an array".into()),
    };
    if lists.len() > MAX_CRLS_PER_ISSUER {
        return Err(format!("{} revocation lists is more than the limit of {MAX_CRLS_PER_ISSUER}", lists.len()));
    }
    let signers = file::issuer_keys(position, keys, iss, report);
    let mut crls = Vec::with_capacity(lists.len());
    for (j, list) in lists.iter().enumerate() {
        // Re-serialised: the CRL reader works on bytes, with its own caps.
        let parsed: Result<Crl, String> = serde_json::to_vec(list)
            .map_err(|e| e.to_string())
            .and_then(|b| super::crl::parse(&b).map_err(|e| e.to_string()));
        match parsed {
            Ok(crl) => crls.push(IssuerCrl { scheme: crate::formats::shc::SCHEME, issuer: iss.to_owned(), crl }),
            Err(reason) => {
                report.skipped.push(SkippedEntry { position: format!("{position} crl {j}"), reason });
            }
        }
    }
    Ok((signers, crls))
}

impl VciSnapshot {
    /// The snapshot as the complete signer set and the revocation lists of
    /// `source`, issued at its `time`.
    pub fn into_update(self, source: SourceId) -> Update {
        Update {
            signers: SignerChange::Replace(self.signers.iter().filter_map(SignerRecord::of).collect()),
            skipped: self.skipped,
            crls: self.crls,
            revocation: None,
            ..Update::unchanged(source, SourceMeta { list_issued_at: Some(self.time), ..SourceMeta::default() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_p521_anchor_is_accepted() {
        let p256 = PublicKey::p256_from_sec1(&[4; 65]).unwrap();
        assert!(matches!(parse("x", b"{}", &[0x30, 0], &p256), Err(VciError::AnchorNotP521)));
    }

    #[test]
    fn caps_come_before_the_signature() {
        let p256 = PublicKey::p256_from_sec1(&[4; 65]).unwrap();
        let big = vec![b' '; MAX_SNAPSHOT_LEN + 1];
        assert!(matches!(parse("x", &big, &[], &p256), Err(VciError::TooLarge { what: "snapshot", .. })));
        assert!(matches!(
            parse("x", b"{}", &[0; MAX_SIGNATURE_LEN + 1], &p256),
            Err(VciError::TooLarge { what: "signature", .. })
        ));
    }
}
