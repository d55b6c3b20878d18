//! Trust lists from files: the DGCA trust-list JSON shape (an array of
//! `{kid, country, rawData}` entries, bare or under `"certificates"`), a
//! multi-format registry ([`registry`](super::registry)), PEM or DER
//! certificates, or a directory of such files; and a SMART Health Card
//! issuer's JSON Web Key Set (`{"keys": [...]}`), which does not name its
//! issuer, so the caller does ([`parse_jwks`]).
//!
//! An entry that cannot be used (garbage base64, not a certificate, an
//! unsupported key) is skipped and reported; the rest of the list loads.

use std::fs;
use std::path::Path;

use crate::crypto::pem_certificates;
use crate::formats::codec::{base64, json};
use serde::Deserialize;

use super::{MemoryStore, SignerKey};
use crate::Error;
use crate::error::TrustFormatReason;

/// Largest trust-list file read, in bytes.
pub const MAX_TRUST_FILE_LEN: u64 = 128 * 1024 * 1024;

/// An entry of a trust list that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(all(feature = "uniffi", not(test)), derive(uniffi::Record))]
pub struct SkippedEntry {
    /// Where in the input: `file.json entry 3`, `dir/bad.pem`.
    pub position: String,
    /// Why it was skipped.
    pub reason: String,
}

/// What loading a trust list did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Signer keys loaded.
    pub loaded: usize,
    /// Entries skipped.
    pub skipped: Vec<SkippedEntry>,
}

/// `{"certificates": [...]}`; a bare list is read as `Vec<Entry>`. (Not an
/// untagged enum: serde's errors would lose their line and column.)
#[derive(Deserialize)]
struct Wrapped {
    certificates: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    kid: Option<String>,
    country: Option<String>,
    raw_data: Option<String>,
    certificate_type: Option<String>,
}

/// Parses a trust list held in memory. `origin` names it in reports. A
/// JSON Web Key Set is refused: it does not name its issuer (see
/// [`parse_jwks`]).
pub fn parse(origin: &str, bytes: &[u8], report: &mut LoadReport) -> Result<Vec<SignerKey>, Error> {
    if is_jwks(bytes.trim_ascii_start()) {
        return Err(Error::TrustFormat { origin: origin.to_owned(), reason: TrustFormatReason::JwksWithoutIssuer });
    }
    parse_entries(origin, bytes, report)
        .map_err(|e| Error::TrustFormat { origin: origin.to_owned(), reason: TrustFormatReason::NotTrustListJson(e) })
}

/// [`parse`], failing only with serde's error for a JSON document that is
/// not a trust list.
pub(crate) fn parse_entries(
    origin: &str,
    bytes: &[u8],
    report: &mut LoadReport,
) -> Result<Vec<SignerKey>, serde_json::Error> {
    let trimmed = bytes.trim_ascii_start();
    let mut signers = Vec::new();
    let add = |signers: &mut Vec<SignerKey>,
               report: &mut LoadReport,
               position: String,
               der: Result<Vec<u8>, String>,
               kid: Option<Vec<u8>>,
               country: Option<String>| match der
        .and_then(|der| SignerKey::from_der(crate::formats::hcert::SCHEME, &der, kid, country).map_err(|e| e.0))
    {
        Ok(s) => {
            signers.push(s);
            report.loaded += 1;
        }
        Err(reason) => report.skipped.push(SkippedEntry { position, reason }),
    };
    if trimmed.starts_with(b"[") || trimmed.starts_with(b"{") {
        let entries: Vec<Entry> = if trimmed.starts_with(b"[") {
            serde_json::from_slice(trimmed)?
        } else {
            let value: serde_json::Value = serde_json::from_slice(trimmed)?;
            if super::registry::is_registry(&value) {
                let keys = super::registry::signers(origin, &value, report);
                signers.extend(keys);
                return Ok(signers);
            }
            drop(value);
            // Read again for serde's line and column in errors.
            serde_json::from_slice::<Wrapped>(trimmed)?.certificates
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let position = format!("{origin} entry {i}");
            if entry.certificate_type.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("DSC")) {
                continue; // CSCA and upload certificates are not signers.
            }
            let der = entry
                .raw_data
                .as_deref()
                .ok_or_else(|| "entry has no rawData".to_owned())
                .and_then(|r| base64::decode_lenient(r).ok_or_else(|| "rawData is not base64".to_owned()));
            let (der, kid) = match entry.kid.as_deref().map(|k| base64::decode_lenient(k).ok_or(())) {
                Some(Err(())) => (Err("kid is not base64".to_owned()), None),
                Some(Ok(k)) => (der, Some(k)),
                None => (der, None),
            };
            add(&mut signers, report, position, der, kid, entry.country);
        }
    } else if let Ok(text) = std::str::from_utf8(trimmed)
        && text.contains("-----BEGIN CERTIFICATE-----")
    {
        for (i, der) in pem_certificates(text).into_iter().enumerate() {
            let position = format!("{origin} certificate {i}");
            match der {
                Ok(der) if super::chain::is_ca_certificate(&der) == Some(true) => {
                    add_ca(&mut signers, report, position, &der);
                }
                der => add(&mut signers, report, position, der, None, None),
            }
        }
    } else if super::chain::is_ca_certificate(bytes) == Some(true) {
        add_ca(&mut signers, report, origin.to_owned(), bytes);
    } else {
        add(&mut signers, report, origin.to_owned(), Ok(bytes.to_vec()), None, None);
    }
    Ok(signers)
}

/// A CA certificate given as a file (PEM or DER): an ICAO country signing
/// CA, the trust anchor of VDS-NC barcode signers (a CA is never a
/// document signer itself).
fn add_ca(signers: &mut Vec<SignerKey>, report: &mut LoadReport, position: String, der: &[u8]) {
    match super::chain::ca_signer(crate::formats::icao::CSCA_SCHEME, der) {
        Ok(s) => {
            signers.push(s);
            report.loaded += 1;
        }
        Err(reason) => report.skipped.push(SkippedEntry { position, reason }),
    }
}

/// Whether `bytes` hold a JSON Web Key Set: a JSON object with a `keys` array.
pub fn is_jwks(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Jwks {
        #[allow(dead_code)]
        keys: Vec<serde::de::IgnoredAny>,
    }
    let trimmed = bytes.trim_ascii_start();
    trimmed.starts_with(b"{") && serde_json::from_slice::<Jwks>(trimmed).is_ok()
}

/// Why a JWK of a SMART Health Card issuer's key set is not a signing key
/// this verifier uses, or `None` when it is one.
///
/// SMART Health Cards Framework, "Determining keys associated with an
/// issuer": a key SHALL have `kty` `EC`, `use` `sig`, `alg` `ES256`, `crv`
/// `P-256` (signing keys are found "by filtering on kty, use, and alg");
/// a `use` or `alg` that is absent is not held against it, as the key can
/// only verify ES256 anyway. Its kid equals its RFC 7638 thumbprint
/// ([`SignerKey::from_jwk`] checks that and refuses private keys).
fn jwk_unusable(jwk: &serde_json::Value) -> Option<String> {
    let member = |name: &str| jwk.get(name).map(|v| v.as_str().unwrap_or("a non-text value"));
    let shown = |v: &str| crate::text::display_bounded(v, 16).into_owned();
    if !jwk.is_object() {
        return Some("the key is not a JSON object".into());
    }
    if let Some(u) = member("use").filter(|u| *u != "sig") {
        return Some(format!("its use is {}, not sig", shown(u)));
    }
    if let Some(a) = member("alg").filter(|a| *a != "ES256") {
        return Some(format!("its algorithm is {}, not ES256", shown(a)));
    }
    match member("kty") {
        Some("EC") => {}
        Some(k) => return Some(format!("its key type is {}, not EC", shown(k))),
        None => return Some("it has no key type (kty)".into()),
    }
    match member("crv") {
        Some("P-256") => None,
        Some(c) => Some(format!("its curve is {}, not P-256", shown(c))),
        None => Some("it has no curve (crv)".into()),
    }
}

/// Parses the JSON Web Key Set (RFC 7517 §5) of the SMART Health Card
/// issuer `issuer` (the `iss` of its cards: a URL without a trailing `/`).
/// Each usable key becomes a signer of scheme
/// [`shc::SCHEME`](crate::formats::shc::SCHEME) under `(issuer, kid)`;
/// each other key is skipped with its reason. `origin` names the set in
/// reports.
pub fn parse_jwks(origin: &str, bytes: &[u8], issuer: &str, report: &mut LoadReport) -> Result<Vec<SignerKey>, Error> {
    let refuse = |reason| Error::TrustFormat { origin: origin.to_owned(), reason };
    if !issuer_valid(issuer) {
        return Err(refuse(TrustFormatReason::IssuerInvalid));
    }
    #[derive(Deserialize)]
    struct Jwks {
        keys: Vec<serde_json::Value>,
    }
    let jwks: Jwks = json::parse(bytes.trim_ascii_start(), MAX_TRUST_FILE_LEN as usize, 8)
        .map_err(|e| refuse(TrustFormatReason::NotJwks(e)))?;
    Ok(issuer_keys(origin, &jwks.keys, issuer, report))
}

/// The usable signing keys among the JWKs `keys` of issuer `issuer`; each
/// other key is reported as skipped at `{origin} key {i}`.
pub(crate) fn issuer_keys(
    origin: &str,
    keys: &[serde_json::Value],
    issuer: &str,
    report: &mut LoadReport,
) -> Vec<SignerKey> {
    let mut signers = Vec::new();
    for (i, jwk) in keys.iter().enumerate() {
        let position = format!("{origin} key {i}");
        let key = match jwk_unusable(jwk) {
            Some(reason) => Err(reason),
            None => SignerKey::from_jwk(crate::formats::shc::SCHEME, issuer, &jwk.to_string()).map_err(|e| e.0),
        };
        match key {
            Ok(k) => {
                signers.push(k);
                report.loaded += 1;
            }
            Err(reason) => report.skipped.push(SkippedEntry { position, reason }),
        }
    }
    signers
}

/// Whether `issuer` can be the `iss` of a SMART Health Card: not empty, no
/// trailing `/`, no white space or control characters.
pub(crate) fn issuer_valid(issuer: &str) -> bool {
    !(issuer.is_empty() || issuer.ends_with('/') || issuer.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// Parses the revocation list (CRL) of a key of the SMART Health Card
/// issuer `issuer` (which the list does not name): see [`crl`](super::crl).
/// A list with any defect is refused whole. `origin` names it in errors.
pub fn parse_crl(origin: &str, bytes: &[u8], issuer: &str) -> Result<super::Crl, Error> {
    let refuse = |reason| Error::TrustFormat { origin: origin.to_owned(), reason };
    if !issuer_valid(issuer) {
        return Err(refuse(TrustFormatReason::IssuerInvalid));
    }
    super::crl::parse(bytes).map_err(|e| refuse(TrustFormatReason::Crl(e)))
}

/// Loads the JSON Web Key Set of SMART Health Card issuer `issuer` from a
/// file (see [`parse_jwks`]).
pub fn load_jwks(path: &Path, issuer: &str) -> Result<(Vec<SignerKey>, LoadReport), Error> {
    let bytes = read_capped(path)?;
    let mut report = LoadReport::default();
    let signers = parse_jwks(&path.display().to_string(), &bytes, issuer, &mut report)?;
    Ok((signers, report))
}

/// Reads a trust file, refusing one larger than [`MAX_TRUST_FILE_LEN`].
pub fn read_capped(path: &Path) -> Result<Vec<u8>, Error> {
    let io = |source| Error::TrustIo { path: path.to_owned(), source };
    let len = fs::metadata(path).map_err(io)?.len();
    if len > MAX_TRUST_FILE_LEN {
        return Err(Error::TrustFormat {
            origin: path.display().to_string(),
            reason: TrustFormatReason::TooLarge { len, limit: MAX_TRUST_FILE_LEN },
        });
    }
    fs::read(path).map_err(io)
}

/// Loads a trust list from a file or a directory of certificate files
/// (`.pem`, `.crt`, `.cer`, `.der`, `.json`).
pub fn load(path: &Path) -> Result<(MemoryStore, LoadReport), Error> {
    let (signers, report) = load_signers(path)?;
    let mut store = MemoryStore::new(path.display().to_string());
    for s in signers {
        store.insert(s);
    }
    Ok((store, report))
}

/// The signer keys of a file or a directory of certificate files, as
/// [`load`] reads them, in file order.
pub fn load_signers(path: &Path) -> Result<(Vec<SignerKey>, LoadReport), Error> {
    let mut report = LoadReport::default();
    let mut signers = Vec::new();
    let meta = fs::metadata(path).map_err(|source| Error::TrustIo { path: path.to_owned(), source })?;
    if meta.is_dir() {
        let mut files: Vec<_> = fs::read_dir(path)
            .map_err(|source| Error::TrustIo { path: path.to_owned(), source })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "pem" | "crt" | "cer" | "der" | "json"))
            })
            .collect();
        files.sort();
        for file in files {
            let bytes = read_capped(&file)?;
            signers.extend(parse(&file.display().to_string(), &bytes, &mut report)?);
        }
    } else {
        let bytes = read_capped(path)?;
        signers.extend(parse(&path.display().to_string(), &bytes, &mut report)?);
    }
    Ok((signers, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthcert_test_support::shc;
    use serde_json::json;

    fn jwks(keys: Vec<serde_json::Value>) -> Vec<u8> {
        json!({ "keys": keys }).to_string().into_bytes()
    }

    #[test]
    fn a_jwks_loads_its_signing_keys_under_the_issuer() {
        let mut report = LoadReport::default();
        let keys = parse_jwks("jwks.json", shc::jwks().as_bytes(), shc::ISSUER, &mut report).unwrap();
        assert_eq!((report.loaded, report.skipped.len()), (1, 0));
        assert_eq!(keys[0].scheme, crate::formats::shc::SCHEME);
        assert_eq!(keys[0].issuer.as_deref(), Some(shc::ISSUER));
        assert_eq!(keys[0].kid, shc::kid().as_bytes());
        assert!(is_jwks(shc::jwks().as_bytes()) && !is_jwks(b"[]") && !is_jwks(br#"{"certificates": []}"#));
    }

    #[test]
    fn other_keys_are_skipped_with_their_reason() {
        let with = |name: &str, value: serde_json::Value| {
            let mut k = shc::jwk();
            k[name] = value;
            k
        };
        let mut unlabelled = shc::jwk();
        unlabelled.as_object_mut().unwrap().remove("use");
        unlabelled.as_object_mut().unwrap().remove("alg");
        let keys = vec![
            shc::jwk(),
            with("use", "enc".into()),
            with("alg", "ES384".into()),
            with("kty", "RSA".into()),
            with("crv", "P-384".into()),
            with("kid", "not-the-thumbprint".into()),
            with("d", "AAAA".into()),
            json!("a string"),
            unlabelled,
        ];
        let mut report = LoadReport::default();
        let loaded = parse_jwks("jwks.json", &jwks(keys), shc::ISSUER, &mut report).unwrap();
        assert_eq!(loaded.len(), 2, "the key, and the same key without use and alg: {:?}", report.skipped);
        let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(report.skipped[0].position, "jwks.json key 1");
        for (reason, expected) in reasons.iter().zip([
            "use is enc",
            "algorithm is ES384",
            "key type is RSA",
            "curve is P-384",
            "thumbprint",
            "private key",
            "not a JSON object",
        ]) {
            assert!(reason.contains(expected), "{reason:?} should say {expected:?}");
        }
        assert_eq!(reasons.len(), 7);
    }

    #[test]
    fn a_jwks_needs_its_issuer() {
        let mut report = LoadReport::default();
        let refused = parse("jwks.json", shc::jwks().as_bytes(), &mut report).unwrap_err();
        assert!(refused.to_string().contains("--issuer"), "{refused}");
        for bad in ["", "https://issuer.example/", "https://issuer.example/\n"] {
            assert!(parse_jwks("jwks.json", shc::jwks().as_bytes(), bad, &mut report).is_err(), "{bad:?}");
        }
        assert!(parse_jwks("x", b"[1]", shc::ISSUER, &mut report).is_err());
        assert!(parse_jwks("x", br#"{"keys": 1}"#, shc::ISSUER, &mut report).is_err());
        assert_eq!(report, LoadReport::default(), "a refused set loads nothing");
    }
}
