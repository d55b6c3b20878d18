//! What trust services send, parsed without I/O: a DGCA certificate page and
//! status list, the DGCA rule service's lists. The sync sources
//! (`trust::sync`) fetch the bytes and call these; they live outside the
//! `sync` feature so that the fuzzers reach them without an HTTP stack.
//!
//! Every parser bounds what it accepts: list lengths ([`MAX_ITEMS`]),
//! identifiers that become URL path segments (plain ASCII, ≤ 128 bytes),
//! country codes (two ASCII letters), kids (base64, 1–64 bytes).

use std::fmt;

use base64::Engine as _;
use serde::Deserialize;

use super::kid_of;
use super::update::SignerRecord;

/// Most entries accepted in one list (kids, rules, value sets, countries).
pub const MAX_ITEMS: usize = 100_000;

/// Longest identifier, hash or kid text accepted, in bytes.
pub const MAX_IDENTIFIER_LEN: usize = 128;

/// Why a service's response, or one entry of it, is refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The body is not the JSON list expected; serde's error (the source)
    /// has the line and column.
    NotJsonList(serde_json::Error),
    /// A list longer than [`MAX_ITEMS`].
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// A kid of a status list that cannot be one.
    Kid(KidError),
    /// The `X-KID` header of a certificate page that cannot be a kid.
    DeclaredKid(KidError),
    /// A certificate page whose body is not base64 (or is empty).
    BodyNotBase64,
    /// A value that would become a URL path segment (a hash) and is not a
    /// plain one: empty, longer than [`MAX_IDENTIFIER_LEN`], or with other
    /// characters than ASCII letters, digits, `-` and `_`.
    NotPathSegment,
    /// A country code that is not two ASCII letters.
    NotCountryCode,
    /// A rule identifier or version longer than [`MAX_IDENTIFIER_LEN`].
    RuleIdentifierTooLong,
    /// A value set id longer than [`MAX_IDENTIFIER_LEN`].
    ValueSetIdTooLong,
}

/// Why a kid text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KidError {
    /// Longer than [`MAX_IDENTIFIER_LEN`] characters.
    TooLong,
    /// Not 1 to 64 bytes of base64.
    NotBase64,
}

impl fmt::Display for KidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KidError::TooLong => write!(f, "a kid longer than {MAX_IDENTIFIER_LEN} characters"),
            KidError::NotBase64 => f.write_str("a kid that is not 1 to 64 bytes of base64"),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::NotJsonList(e) => write!(f, "unexpected list: {e}"),
            ProtocolError::TooManyEntries { limit } => write!(f, "more than {limit} entries"),
            ProtocolError::Kid(e) => write!(f, "{e}"),
            ProtocolError::DeclaredKid(e) => write!(f, "X-KID: {e}"),
            ProtocolError::BodyNotBase64 => f.write_str("the body is not base64"),
            ProtocolError::NotPathSegment => f.write_str("an identifier that is not a plain URL segment"),
            ProtocolError::NotCountryCode => f.write_str("a country code that is not two letters"),
            ProtocolError::RuleIdentifierTooLong => {
                write!(f, "a rule identifier or version longer than {MAX_IDENTIFIER_LEN} characters")
            }
            ProtocolError::ValueSetIdTooLong => {
                write!(f, "a value set id longer than {MAX_IDENTIFIER_LEN} characters")
            }
        }
    }
}

/// The source is serde's error of [`ProtocolError::NotJsonList`] (its
/// message is part of `Display` already).
impl std::error::Error for ProtocolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProtocolError::NotJsonList(e) => Some(e),
            _ => None,
        }
    }
}

fn b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s.trim()).ok()
}

fn kid(text: &str) -> Result<Vec<u8>, KidError> {
    if text.len() > MAX_IDENTIFIER_LEN {
        return Err(KidError::TooLong);
    }
    match b64(text) {
        Some(k) if !k.is_empty() && k.len() <= 64 => Ok(k),
        _ => Err(KidError::NotBase64),
    }
}

/// A value that becomes a URL path segment (a country, a hash): refused
/// when it could change the URL's shape.
pub fn path_segment(s: &str) -> Result<&str, ProtocolError> {
    if !s.is_empty()
        && s.len() <= MAX_IDENTIFIER_LEN
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(s)
    } else {
        Err(ProtocolError::NotPathSegment)
    }
}

/// A country code of a rule service: two ASCII letters, upper-cased.
pub fn country_code(s: &str) -> Result<String, ProtocolError> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(s.to_ascii_uppercase())
    } else {
        Err(ProtocolError::NotCountryCode)
    }
}

/// One page of `GET /signercertificateUpdate`: the body is the base64 DER
/// certificate, `X-KID` its base64 kid (computed from the certificate when
/// absent). The certificate itself is checked by the store before it
/// commits (an unusable one is skipped and reported there).
pub fn dgca_page(body: &[u8], declared_kid: Option<&str>) -> Result<SignerRecord, ProtocolError> {
    let der =
        std::str::from_utf8(body).ok().and_then(b64).filter(|d| !d.is_empty()).ok_or(ProtocolError::BodyNotBase64)?;
    let kid = match declared_kid {
        Some(k) => kid(k).map_err(ProtocolError::DeclaredKid)?,
        None => kid_of(&der),
    };
    Ok(SignerRecord::x509(crate::formats::hcert::SCHEME, kid, None, der))
}

fn list<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<Vec<T>, ProtocolError> {
    let items: Vec<T> = serde_json::from_slice(body).map_err(ProtocolError::NotJsonList)?;
    if items.len() > MAX_ITEMS {
        return Err(ProtocolError::TooManyEntries { limit: MAX_ITEMS });
    }
    Ok(items)
}

/// `GET /signercertificateStatus`: the JSON array of the base64 kids that
/// are currently valid.
pub fn dgca_status(body: &[u8]) -> Result<Vec<Vec<u8>>, ProtocolError> {
    list::<String>(body)?.iter().map(|k| kid(k).map_err(ProtocolError::Kid)).collect()
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
pub fn rule_list(body: &[u8]) -> Result<Vec<RuleEntry>, ProtocolError> {
    list::<RawRule>(body)?
        .into_iter()
        .map(|r| {
            if r.identifier.len() > MAX_IDENTIFIER_LEN || r.version.len() > MAX_IDENTIFIER_LEN {
                return Err(ProtocolError::RuleIdentifierTooLong);
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
pub fn value_set_list(body: &[u8]) -> Result<Vec<ValueSetEntry>, ProtocolError> {
    list::<RawValueSet>(body)?
        .into_iter()
        .map(|v| {
            if v.id.len() > MAX_IDENTIFIER_LEN {
                return Err(ProtocolError::ValueSetIdTooLong);
            }
            Ok(ValueSetEntry { hash: path_segment(&v.hash)?.to_owned(), id: v.id })
        })
        .collect()
}

/// `GET /countrylist`: `["DE", …]`, upper-cased.
pub fn country_list(body: &[u8]) -> Result<Vec<String>, ProtocolError> {
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
        assert!(matches!(dgca_page(b"not base64!", None), Err(ProtocolError::BodyNotBase64)));
        assert!(matches!(dgca_page(b"", None), Err(ProtocolError::BodyNotBase64)));
        let e = dgca_page(b"AQID", Some("")).unwrap_err();
        assert!(matches!(e, ProtocolError::DeclaredKid(KidError::NotBase64)), "{e:?}");
        assert_eq!(e.to_string(), "X-KID: a kid that is not 1 to 64 bytes of base64");
        let long = "A".repeat(MAX_IDENTIFIER_LEN + 4);
        assert!(matches!(dgca_page(b"AQID", Some(&long)), Err(ProtocolError::DeclaredKid(KidError::TooLong))));
        assert_eq!(dgca_status(br#"["AAECAwQFBgc="]"#).unwrap(), [vec![0, 1, 2, 3, 4, 5, 6, 7]]);
        assert!(matches!(dgca_status(br#"["", "x"]"#), Err(ProtocolError::Kid(KidError::NotBase64))));
        assert!(matches!(dgca_status(br#"{"kids": []}"#), Err(ProtocolError::NotJsonList(_))));
        let e = dgca_status(br#"["AAECAwQFBgc=", 7]"#).unwrap_err();
        let ProtocolError::NotJsonList(json) = &e else { panic!("{e:?}") };
        assert_eq!((json.line(), json.column()), (1, 18), "at the 7");
        assert!(std::error::Error::source(&e).is_some_and(|s| s.is::<serde_json::Error>()));
        assert!(e.to_string().starts_with("unexpected list: "), "{e}");
    }

    #[test]
    fn rule_service_lists() {
        let rules = rule_list(br#"[{"identifier":"VR-XT-0001","version":"1.0.0","country":"xt","hash":"ab12"}]"#);
        assert_eq!(rules.unwrap()[0].country, "XT");
        let bad_hash = rule_list(br#"[{"identifier":"a","version":"1","country":"XT","hash":"../x"}]"#);
        assert!(matches!(bad_hash, Err(ProtocolError::NotPathSegment)));
        let bad_country = rule_list(br#"[{"identifier":"a","version":"1","country":"XTX","hash":"ab"}]"#);
        assert!(matches!(bad_country, Err(ProtocolError::NotCountryCode)));
        let long = format!(r#"[{{"identifier":"{}","version":"1","country":"XT","hash":"ab"}}]"#, "a".repeat(129));
        assert!(matches!(rule_list(long.as_bytes()), Err(ProtocolError::RuleIdentifierTooLong)));
        assert!(matches!(value_set_list(br#"[{"id":"a","hash":"a/b"}]"#), Err(ProtocolError::NotPathSegment)));
        let long = format!(r#"[{{"id":"{}","hash":"ab"}}]"#, "a".repeat(129));
        assert!(matches!(value_set_list(long.as_bytes()), Err(ProtocolError::ValueSetIdTooLong)));
        assert_eq!(country_list(br#"["de","XT"]"#).unwrap(), ["DE", "XT"]);
        assert!(matches!(country_list(br#"["D1"]"#), Err(ProtocolError::NotCountryCode)));
        let many = format!("[{}\"DE\"]", "\"DE\",".repeat(MAX_ITEMS));
        let e = country_list(many.as_bytes()).unwrap_err();
        assert!(matches!(e, ProtocolError::TooManyEntries { limit: MAX_ITEMS }), "{e:?}");
        assert_eq!(e.to_string(), format!("more than {MAX_ITEMS} entries"));
        assert_eq!(content_hash(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
