//! What trust services send, parsed without I/O: a DGCA certificate page and
//! status list, the DGCA rule service's lists. The sync sources
//! (`trust::sync`) fetch the bytes and call these; they live outside the
//! `sync` feature so that the fuzzers reach them without an HTTP stack.
//!
//! Every parser bounds what it accepts: list lengths ([`MAX_ITEMS`]),
//! identifiers that become URL path segments (plain ASCII, ≤ 128 bytes),
//! country codes (two ASCII letters), kids (base64, 1–64 bytes).

use base64::Engine as _;
use serde::Deserialize;

use super::kid_of;
use super::update::SignerRecord;

/// Most entries accepted in one list (kids, rules, value sets, countries).
pub const MAX_ITEMS: usize = 100_000;

/// Longest identifier, hash or kid text accepted, in bytes.
pub const MAX_IDENTIFIER_LEN: usize = 128;

fn b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s.trim()).ok()
}

fn kid(text: &str) -> Result<Vec<u8>, String> {
    if text.len() > MAX_IDENTIFIER_LEN {
        return Err("a kid longer than 128 characters".into());
    }
    match b64(text) {
        Some(k) if !k.is_empty() && k.len() <= 64 => Ok(k),
        _ => Err("a kid that is not 1 to 64 bytes of base64".into()),
    }
}

/// A value that becomes a URL path segment (a country, a hash): refused
/// when it could change the URL's shape.
pub fn path_segment(s: &str) -> Result<&str, String> {
    if !s.is_empty()
        && s.len() <= MAX_IDENTIFIER_LEN
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(s)
    } else {
        Err("an identifier that is not a plain URL segment".into())
    }
}

/// A country code of a rule service: two ASCII letters, upper-cased.
pub fn country_code(s: &str) -> Result<String, String> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(s.to_ascii_uppercase())
    } else {
        Err("a country code that is not two letters".into())
    }
}

/// One page of `GET /signercertificateUpdate`: the body is the base64 DER
/// certificate, `X-KID` its base64 kid (computed from the certificate when
/// absent). The certificate itself is checked by the store before it
/// commits (an unusable one is skipped and reported there).
pub fn dgca_page(body: &[u8], declared_kid: Option<&str>) -> Result<SignerRecord, String> {
    let der = std::str::from_utf8(body)
        .ok()
        .and_then(b64)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| "the body is not base64".to_owned())?;
    let kid = match declared_kid {
        Some(k) => kid(k).map_err(|e| format!("X-KID: {e}"))?,
        None => kid_of(&der),
    };
    Ok(SignerRecord::x509(crate::formats::hcert::SCHEME, kid, None, der))
}

fn list<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<Vec<T>, String> {
    let items: Vec<T> = serde_json::from_slice(body).map_err(|e| format!("unexpected list: {e}"))?;
    if items.len() > MAX_ITEMS {
        return Err(format!("more than {MAX_ITEMS} entries"));
    }
    Ok(items)
}

/// `GET /signercertificateStatus`: the JSON array of the base64 kids that
/// are currently valid.
pub fn dgca_status(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    list::<String>(body)?.iter().map(|k| kid(k)).collect()
}

/// An entry of `GET /rules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEntry {
    /// `VR-DE-0001`.
    pub identifier: String,
    /// `1.0.0`.
    pub version: String,
    /// Country of arrival, two upper-case letters.
    pub country: String,
    /// The service's hash of the rule (a plain path segment).
    pub hash: String,
}

#[derive(Deserialize)]
struct RawRule {
    identifier: String,
    version: String,
    country: String,
    hash: String,
}

/// `GET /rules`: `[{identifier, version, country, hash}]`.
pub fn rule_list(body: &[u8]) -> Result<Vec<RuleEntry>, String> {
    list::<RawRule>(body)?
        .into_iter()
        .map(|r| {
            if r.identifier.len() > MAX_IDENTIFIER_LEN || r.version.len() > MAX_IDENTIFIER_LEN {
                return Err("a rule identifier or version longer than 128 characters".to_owned());
            }
            Ok(RuleEntry {
                country: country_code(&r.country)?,
                hash: path_segment(&r.hash)?.to_owned(),
                identifier: r.identifier,
                version: r.version,
            })
        })
        .collect()
}

/// An entry of `GET /valuesets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSetEntry {
    /// `disease-agent-targeted`.
    pub id: String,
    /// The service's hash of the value set (a plain path segment).
    pub hash: String,
}

#[derive(Deserialize)]
struct RawValueSet {
    id: String,
    hash: String,
}

/// `GET /valuesets`: `[{id, hash}]`.
pub fn value_set_list(body: &[u8]) -> Result<Vec<ValueSetEntry>, String> {
    list::<RawValueSet>(body)?
        .into_iter()
        .map(|v| {
            if v.id.len() > MAX_IDENTIFIER_LEN {
                return Err("a value set id longer than 128 characters".to_owned());
            }
            Ok(ValueSetEntry { hash: path_segment(&v.hash)?.to_owned(), id: v.id })
        })
        .collect()
}

/// `GET /countrylist`: `["DE", …]`, upper-cased.
pub fn country_list(body: &[u8]) -> Result<Vec<String>, String> {
    list::<String>(body)?.iter().map(|c| country_code(c)).collect()
}

/// The rule service's content hash: lowercase hex SHA-256 of the bytes. Its
/// `X-SIGNATURE` signs this text, not the body.
pub fn content_hash(body: &[u8]) -> String {
    use std::fmt::Write as _;
    crate::crypto::sha256(body).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_status() {
        assert!(dgca_page(b"AQID", Some("AAECAwQFBgc=")).is_ok());
        assert_eq!(dgca_page(b"AQID", None).unwrap().kid, kid_of(&[1, 2, 3]));
        assert!(dgca_page(b"not base64!", None).is_err());
        assert!(dgca_page(b"", None).is_err());
        assert!(dgca_page(b"AQID", Some("")).is_err());
        assert_eq!(dgca_status(br#"["AAECAwQFBgc="]"#).unwrap(), [vec![0, 1, 2, 3, 4, 5, 6, 7]]);
        assert!(dgca_status(br#"["", "x"]"#).is_err());
        assert!(dgca_status(br#"{"kids": []}"#).is_err());
    }

    #[test]
    fn rule_service_lists() {
        let rules = rule_list(br#"[{"identifier":"VR-XT-0001","version":"1.0.0","country":"xt","hash":"ab12"}]"#);
        assert_eq!(rules.unwrap()[0].country, "XT");
        assert!(rule_list(br#"[{"identifier":"a","version":"1","country":"XT","hash":"../x"}]"#).is_err());
        assert!(rule_list(br#"[{"identifier":"a","version":"1","country":"XTX","hash":"ab"}]"#).is_err());
        assert!(value_set_list(br#"[{"id":"a","hash":"a/b"}]"#).is_err());
        assert_eq!(country_list(br#"["de","XT"]"#).unwrap(), ["DE", "XT"]);
        assert!(country_list(br#"["D1"]"#).is_err());
        assert_eq!(content_hash(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
