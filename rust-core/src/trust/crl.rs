//! SMART Health Card revocation lists (CRLs), one per issuer key.
//!
//! SMART Health Cards Framework, "Revocation": an issuer publishes, for a
//! key `kid`, `{iss}/.well-known/crl/{kid}.json`:
//!
//! ```json
//! {"kid": "…", "method": "rid", "ctr": 1, "rids": ["<rid>", "<rid>.<unix seconds>"]}
//! ```
//!
//! `ctr` starts at 1 and grows with every update (a number, or, as the VCI
//! directory writes it, a numeric string); a bare `rid` revokes every card
//! with that `vc.rid`, `rid.T` only the cards issued before `T` (`nbf < T`).
//! The list does not name its issuer: the caller does, as for a JWKS.
//!
//! A list is read whole or refused ([`CrlError`]), as the dev tools'
//! `badcrl` cases expect: a method other than `rid` (`hash-fhir`, for
//! legacy cards without `rid`, is not read), a rid that is not 1 to 24
//! base64url characters, a timestamp that is not Unix seconds, a rid listed
//! twice, more than [`MAX_CRL_ENTRIES`] entries or [`MAX_CRL_LEN`] bytes.
//! Errors name entries by position, never by rid (a rid singles out a card).

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;
use time::OffsetDateTime;

use crate::formats::codec::json;
use crate::formats::{RevocationHashKind, RevocationKey};
use crate::trust::KeyScheme;
use crate::trust::revocation::{Mode, SliceType};

/// Largest CRL document read, in bytes.
pub const MAX_CRL_LEN: usize = 8 * 1024 * 1024;
/// Most entries a CRL may list.
pub const MAX_CRL_ENTRIES: usize = 200_000;
/// Longest `vc.rid` (SMART Health Cards Framework: at most 24 characters).
pub const MAX_RID_LEN: usize = 24;
/// Longest key identifier accepted in a CRL (an RFC 7638 thumbprint is 43).
const MAX_KID_LEN: usize = 256;
/// Most digits of a timestamp (Unix seconds up to year 33658).
const MAX_TIMESTAMP_DIGITS: usize = 12;

/// Why a CRL is refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CrlError {
    /// Not JSON, too large or too deep (the JSON reader's message: a
    /// position or a limit, never content).
    Json(String),
    /// Not an object with `kid`, `method`, `ctr` and a `rids` array.
    Shape(&'static str),
    /// A method other than `rid`.
    MethodUnsupported,
    /// `ctr` is not a non-negative integer (or a string of digits).
    CtrInvalid,
    /// More entries than [`MAX_CRL_ENTRIES`].
    TooManyEntries {
        /// How many the list has.
        len: usize,
    },
    /// An entry that is not `rid` or `rid.<unix seconds>` with a rid of 1
    /// to 24 base64url characters.
    EntryInvalid {
        /// Its position in `rids`.
        index: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A rid listed twice (with or without timestamps).
    DuplicateRid {
        /// The position of the second listing.
        index: usize,
    },
}

impl fmt::Display for CrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrlError::Json(e) => write!(f, "not a revocation list: {e}"),
            CrlError::Shape(what) => write!(f, "not a revocation list ({{kid, method, ctr, rids}}): {what}"),
            CrlError::MethodUnsupported => f.write_str("its method is not rid (the only method this verifier reads)"),
            CrlError::CtrInvalid => f.write_str("its ctr is not a non-negative integer"),
            CrlError::TooManyEntries { len } => {
                write!(f, "{len} entries is more than the limit of {MAX_CRL_ENTRIES}")
            }
            CrlError::EntryInvalid { index, why } => write!(f, "rids entry {index} {why}"),
            CrlError::DuplicateRid { index } => write!(f, "rids entry {index} lists a rid listed before"),
        }
    }
}

impl std::error::Error for CrlError {}

/// A revocation list for one issuer key.
#[derive(Clone, PartialEq, Eq)]
pub struct Crl {
    /// The key it is for (the JWK `kid`).
    pub kid: String,
    /// Its version: a list with a lower `ctr` than the one held is refused.
    pub ctr: u64,
    /// Revoked rids, each with the instant (Unix seconds) before which
    /// issued cards are revoked; `None`: every card with that rid.
    entries: HashMap<String, Option<i64>>,
}

impl fmt::Debug for Crl {
    /// Rids single out cards: only their count is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crl").field("kid", &self.kid).field("ctr", &self.ctr).field("entries", &self.len()).finish()
    }
}

fn is_base64url(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `bytes` look like a CRL (a JSON object with a `rids` member), to
/// tell one from a JWKS given the same way. [`parse`] decides.
pub fn is_crl(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii_start();
    trimmed.starts_with(b"{") && json::parse::<Value>(trimmed, MAX_CRL_LEN, 4).is_ok_and(|v| v.get("rids").is_some())
}

/// Reads one `rids` entry: the rid and, when timestamped, the instant.
fn entry(index: usize, v: &Value) -> Result<(&str, Option<i64>), CrlError> {
    let invalid = |why| CrlError::EntryInvalid { index, why };
    let text = v.as_str().ok_or(invalid("is not text"))?;
    let (rid, stamp) = match text.split_once('.') {
        Some((rid, stamp)) => (rid, Some(stamp)),
        None => (text, None),
    };
    if rid.is_empty() {
        return Err(invalid("has an empty rid"));
    }
    if rid.len() > MAX_RID_LEN {
        return Err(invalid("has a rid longer than 24 characters"));
    }
    if !is_base64url(rid) {
        return Err(invalid("has a rid that is not base64url"));
    }
    let stamp = match stamp {
        None => None,
        Some(s) if (1..=MAX_TIMESTAMP_DIGITS).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.parse::<i64>().map_err(|_| invalid("has a timestamp out of range"))?)
        }
        Some(_) => return Err(invalid("has a timestamp that is not Unix seconds")),
    };
    Ok((rid, stamp))
}

/// Parses a CRL (see the module documentation); refused whole on any defect.
pub fn parse(bytes: &[u8]) -> Result<Crl, CrlError> {
    let value: Value =
        json::parse(bytes.trim_ascii_start(), MAX_CRL_LEN, 4).map_err(|e| CrlError::Json(e.to_string()))?;
    let Value::Object(obj) = value else { return Err(CrlError::Shape("not a JSON object")) };
    let kid = match obj.get("kid") {
        Some(Value::String(k)) if !k.is_empty() && k.len() <= MAX_KID_LEN && is_base64url(k) => k.clone(),
        Some(_) => return Err(CrlError::Shape("kid is not a key identifier (base64url text)")),
        None => return Err(CrlError::Shape("no kid")),
    };
    match obj.get("method") {
        Some(Value::String(m)) if m == "rid" => {}
        Some(_) => return Err(CrlError::MethodUnsupported),
        None => return Err(CrlError::Shape("no method")),
    }
    let ctr = match obj.get("ctr") {
        Some(Value::Number(n)) => n.as_u64().ok_or(CrlError::CtrInvalid)?,
        Some(Value::String(s)) if (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().map_err(|_| CrlError::CtrInvalid)?
        }
        Some(_) => return Err(CrlError::CtrInvalid),
        None => return Err(CrlError::Shape("no ctr")),
    };
    // Stored as SQLite's signed 64-bit integer.
    if i64::try_from(ctr).is_err() {
        return Err(CrlError::CtrInvalid);
    }
    let rids = match obj.get("rids") {
        Some(Value::Array(r)) => r,
        Some(_) => return Err(CrlError::Shape("rids is not an array")),
        None => return Err(CrlError::Shape("no rids")),
    };
    if rids.len() > MAX_CRL_ENTRIES {
        return Err(CrlError::TooManyEntries { len: rids.len() });
    }
    let mut entries = HashMap::with_capacity(rids.len());
    for (index, v) in rids.iter().enumerate() {
        let (rid, stamp) = entry(index, v)?;
        if entries.insert(rid.to_owned(), stamp).is_some() {
            return Err(CrlError::DuplicateRid { index });
        }
    }
    Ok(Crl { kid, ctr, entries })
}

impl Crl {
    /// A list built from its parts (tests, the SQLite store). Entries are
    /// `(rid, revoked before)`; a later duplicate replaces an earlier one.
    pub fn from_entries(kid: String, ctr: u64, entries: impl IntoIterator<Item = (String, Option<i64>)>) -> Self {
        Crl { kid, ctr, entries: entries.into_iter().collect() }
    }

    /// How many rids it lists.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it lists none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry: the rid and the instant before which issued cards are
    /// revoked (`None`: all).
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<i64>)> {
        self.entries.iter().map(|(rid, t)| (rid.as_str(), *t))
    }

    /// Whether the list revokes the certificate `key` names. Only rids are
    /// listed: a hash key is never revoked by a CRL.
    pub fn revokes(&self, key: &RevocationKey) -> bool {
        match key {
            RevocationKey::Rid { rid, issued_at } => {
                self.entries.get(rid).is_some_and(|stamp| entry_revokes(*stamp, *issued_at))
            }
            _ => false,
        }
    }
}

/// Whether an entry for a card's rid, timestamped `revoked_before` (Unix
/// seconds; `None`: a bare rid) revokes a card issued at `issued_at`.
///
/// `rid.T` revokes a card whose `nbf < T`. The card's issue time is held in
/// whole seconds, rounded down (`formats::shc` floors a fractional `nbf`);
/// as `T` is a whole number, `floor(nbf) < T` exactly when `nbf < T`: the
/// spec's example 03 (`nbf` 1687450764.657, `T` 1687450765) is revoked. A
/// card whose issue time is unknown is revoked: nothing shows it was issued
/// after `T` (its validity check fails anyway).
pub fn entry_revokes(revoked_before: Option<i64>, issued_at: Option<OffsetDateTime>) -> bool {
    match (revoked_before, issued_at) {
        (None, _) | (Some(_), None) => true,
        (Some(t), Some(nbf)) => nbf.unix_timestamp() < t,
    }
}

/// The signer key a revocation list is held for: the key that verified
/// the certificate's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListKey<'a> {
    /// The scheme.
    pub scheme: KeyScheme,
    /// The issuer, for schemes whose keys belong to an issuer's key set.
    pub issuer: Option<&'a str>,
    /// The key identifier.
    pub kid: &'a [u8],
}

/// What a store's revocation data says about a certificate
/// ([`TrustStore::revocation`](super::TrustStore::revocation)): a SMART
/// Health Card revocation list (`NotRevoked`, `Revoked`), or the EU DCC
/// revocation service's data (`Dcc…`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Revocation {
    /// The store holds no revocation list for the signer's key (and, for a
    /// hash key, no revocation service was ever synced).
    NoList,
    /// The list held (version `ctr`) does not name the certificate.
    NotRevoked {
        /// The list's version.
        ctr: u64,
    },
    /// The list held (version `ctr`) revokes the certificate.
    Revoked {
        /// The list's version.
        ctr: u64,
    },
    /// The revocation service, synced at `synced_at`, lists no revocations
    /// for the signer's key.
    DccKidNotListed {
        /// The last successful sync of the service.
        synced_at: OffsetDateTime,
    },
    /// The service lists the key; no live slice of the hash's cell names
    /// it (or the key does not list this hash type).
    DccNotListed {
        /// The key's mode.
        mode: Mode,
        /// The last successful sync of the service.
        synced_at: OffsetDateTime,
    },
    /// A live slice names the hash.
    DccListed {
        /// The hash type.
        kind: RevocationHashKind,
        /// The key's mode.
        mode: Mode,
        /// The slice's type: a bloom filter answers "probably".
        slice: SliceType,
        /// The false-positive rate the slice declares.
        prob_rate: f32,
    },
    /// The key's partition announces live slices for the hash's cell that
    /// the store does not hold.
    DccDataMissing {
        /// The key's mode.
        mode: Mode,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rid(rid: &str, nbf: Option<i64>) -> RevocationKey {
        RevocationKey::Rid { rid: rid.into(), issued_at: nbf.map(|t| OffsetDateTime::from_unix_timestamp(t).unwrap()) }
    }

    #[test]
    fn a_list_is_read_with_numeric_or_text_ctr() {
        let crl = parse(br#"{"kid":"k-1","method":"rid","ctr":"7","rids":["abc","def.100"]}"#).unwrap();
        assert_eq!((crl.kid.as_str(), crl.ctr, crl.len()), ("k-1", 7, 2));
        assert_eq!(parse(br#"{"kid":"k","method":"rid","ctr":3,"rids":[]}"#).unwrap().ctr, 3);
        assert!(format!("{crl:?}").contains("entries: 2") && !format!("{crl:?}").contains("abc"));
        assert!(is_crl(br#" {"kid":"k","rids":[]}"#) && !is_crl(br#"{"keys":[]}"#) && !is_crl(b"[1]"));
    }

    #[test]
    fn defects_refuse_the_whole_list() {
        let refused = |rids: &str| parse(format!(r#"{{"kid":"k","method":"rid","ctr":1,"rids":{rids}}}"#).as_bytes());
        assert_eq!(refused(r#"["a","b.1","a.2"]"#), Err(CrlError::DuplicateRid { index: 2 }));
        assert!(matches!(refused(r#"["base64=="]"#), Err(CrlError::EntryInvalid { index: 0, .. })));
        assert!(matches!(refused(r#"["ok","$wrong!"]"#), Err(CrlError::EntryInvalid { index: 1, .. })));
        assert!(matches!(refused(&format!(r#"["{}"]"#, "a".repeat(25))), Err(CrlError::EntryInvalid { .. })));
        assert!(refused(&format!(r#"["{}"]"#, "a".repeat(24))).is_ok());
        for bad in [r#"["a.1.5"]"#, r#"["a.-1"]"#, r#"["a."]"#, r#"[".1"]"#, r#"[7]"#, r#"["a.1234567890123"]"#] {
            assert!(matches!(refused(bad), Err(CrlError::EntryInvalid { .. })), "{bad}");
        }
        assert!(matches!(refused("{}"), Err(CrlError::Shape(_))));
        let with = |body: &str| parse(body.as_bytes()).err();
        assert_eq!(with(r#"{"kid":"k","method":"hash-fhir","ctr":1,"rids":[]}"#), Some(CrlError::MethodUnsupported));
        for ctr in ["-1", "1.5", "\"\"", "\"1a\"", "null", "\"99999999999999999999\"", "9223372036854775808"] {
            let body = format!(r#"{{"kid":"k","method":"rid","ctr":{ctr},"rids":[]}}"#);
            assert_eq!(with(&body), Some(CrlError::CtrInvalid), "{ctr}");
        }
        assert!(matches!(with(r#"{"method":"rid","ctr":1,"rids":[]}"#), Some(CrlError::Shape(_))));
        assert!(matches!(with(r#"{"kid":"a b","method":"rid","ctr":1,"rids":[]}"#), Some(CrlError::Shape(_))));
        assert!(matches!(with("[]"), Some(CrlError::Shape(_))));
        assert!(matches!(with("{"), Some(CrlError::Json(_))));
        let many = format!(r#"["{}"]"#, vec!["a"; MAX_CRL_ENTRIES + 1].join(r#"",""#));
        assert_eq!(refused(&many), Err(CrlError::TooManyEntries { len: MAX_CRL_ENTRIES + 1 }));
        // No message repeats a rid.
        let err = refused(r#"["secretrid","secretrid"]"#).unwrap_err().to_string();
        assert!(!err.contains("secretrid"), "{err}");
    }

    #[test]
    fn a_bare_rid_always_revokes_a_timestamped_one_cards_issued_before() {
        let crl = parse(br#"{"kid":"k","method":"rid","ctr":1,"rids":["bare","stamped.1000"]}"#).unwrap();
        assert!(crl.revokes(&rid("bare", Some(5000))) && crl.revokes(&rid("bare", None)));
        assert!(crl.revokes(&rid("stamped", Some(999))), "issued before T");
        assert!(!crl.revokes(&rid("stamped", Some(1000))), "issued at T");
        assert!(!crl.revokes(&rid("stamped", Some(1001))), "issued after T");
        assert!(crl.revokes(&rid("stamped", None)), "issue time unknown");
        assert!(!crl.revokes(&rid("other", Some(1))));
        let hash = RevocationKey::Hash { kind: crate::formats::RevocationHashKind::Uci, hash: [0; 16] };
        assert!(!crl.revokes(&hash));
    }
}
