//! Multi-format trust registries in the PathCheck layout
//! (`Path-Check/trust-registry`: `registry.json`, `test_registry.json`):
//! one JSON object per governance framework, each mapping a key identifier
//! to an entry with a `status`, a validity start and a `didDocument` (a PEM
//! certificate or public key, or a JWK).
//!
//! Read here:
//! - `EUDCC`: EU DCC (and WHO DDCC) document signers under their base64 kid;
//!   a PEM certificate, or a bare PEM public key;
//! - `SmartHealthCards`: SMART Health Card issuer keys under `iss#kid`, each a
//!   JWK whose kid is its RFC 7638 thumbprint;
//! - `ICAO`: country signing CAs (CSCAs) of the ICAO health PKI, PEM
//!   certificates under `country#key id`, held as ICAO VDS-NC trust anchors
//!   ([`trust::chain`](super::chain)) under their subject's country and
//!   subject key identifier. An entry that is not a CA (a barcode signer
//!   listed by itself) is skipped: a signer is trusted only through its
//!   CSCA. So is a CSCA whose EC key has explicit curve parameters.
//! - `DIVOC` (with the `jsonld` feature): DIVOC issuer keys, PEM public
//!   keys (RSA or Ed25519) under the `verificationMethod` their proofs name
//!   (`did:india`).
//!
//! Every entry is loaded with its `status` ([`KeyStatus`]): only a `current`
//! key is trusted; a `terminated`, `revoked` or `expired` one is kept so
//! that the `issuer` check of a certificate it signed fails with the
//! status's own reason (`SIGNER_TERMINATED`, `SIGNER_REVOKED`,
//! `SIGNER_EXPIRED`) instead of reading as an unknown issuer. An entry of
//! another status is skipped and reported. A key without a certificate (a
//! bare public key, a JWK) takes the entry's `validFromDT`/`validUntilDT`
//! as its validity. Frameworks this version does not read (CRED, and DIVOC
//! without the `jsonld` feature) are reported with their entry counts.

use serde_json::Value;

use super::file::{LoadReport, SkippedEntry};
use super::{KeyMaterial, KeyStatus, SignerKey};
use crate::crypto::{pem_certificates, spki_der_from_pem};
use crate::formats::codec::base64;

/// The frameworks of the layout, by the names it uses.
const FRAMEWORKS: [&str; 5] = ["EUDCC", "SmartHealthCards", "ICAO", "DIVOC", "CRED"];

/// Whether `json` is a registry in this layout: an object whose keys
/// include a framework name and whose values are objects.
pub fn is_registry(json: &Value) -> bool {
    json.as_object().is_some_and(|o| {
        FRAMEWORKS.iter().any(|f| o.get(*f).is_some_and(Value::is_object)) && !o.contains_key("certificates")
    })
}

/// The signer keys of a registry; entries that cannot be used, are not
/// current, or belong to a framework not read here are reported.
pub fn signers(origin: &str, json: &Value, report: &mut LoadReport) -> Vec<SignerKey> {
    let mut out = Vec::new();
    let Some(frameworks) = json.as_object() else { return out };
    for (framework, entries) in frameworks {
        let Some(entries) = entries.as_object() else { continue };
        let read: fn(&str, &Value) -> Result<SignerKey, String> = match framework.as_str() {
            "EUDCC" => eu_dcc,
            "SmartHealthCards" => smart_health_card,
            "ICAO" => icao_csca,
            #[cfg(feature = "jsonld")]
            "DIVOC" => divoc,
            _ => {
                if !entries.is_empty() {
                    report.skipped.push(SkippedEntry {
                        position: format!("{origin} {framework}"),
                        reason: format!("{} entries of a framework this version does not read", entries.len()),
                    });
                }
                continue;
            }
        };
        for (i, (id, entry)) in entries.iter().enumerate() {
            // The id names a key, not a person; still, positions count.
            let position = format!("{origin} {framework} entry {i}");
            let Some(status) = entry.get("status").and_then(Value::as_str).and_then(KeyStatus::from_name) else {
                report.skipped.push(SkippedEntry { position, reason: "no known status: not trusted".to_owned() });
                continue;
            };
            match read(id, entry) {
                Ok(mut key) => {
                    key.status = status;
                    if !matches!(key.material, Some(KeyMaterial::X509(_))) {
                        let at = |k: &str| entry.get(k).and_then(Value::as_str).and_then(crate::time_parse::lenient);
                        key.not_before = key.not_before.or(at("validFromDT"));
                        key.not_after = key.not_after.or(at("validUntilDT"));
                    }
                    out.push(key);
                    report.loaded += 1;
                }
                Err(reason) => report.skipped.push(SkippedEntry { position, reason }),
            }
        }
    }
    out
}

fn did_document(entry: &Value) -> Result<&Value, String> {
    entry.get("didDocument").ok_or_else(|| "the entry has no didDocument".to_owned())
}

/// An EU DCC signer: the id is the base64 kid; the document a PEM
/// certificate or a PEM public key.
fn eu_dcc(id: &str, entry: &Value) -> Result<SignerKey, String> {
    let kid = base64::decode_lenient(id).filter(|k| !k.is_empty()).ok_or("the key id is not base64")?;
    let pem = did_document(entry)?.as_str().ok_or("the didDocument is not PEM text")?;
    let scheme = crate::formats::hcert::SCHEME;
    if pem.contains("-----BEGIN CERTIFICATE-----") {
        let der = pem_certificates(pem).into_iter().next().ok_or("no certificate in the PEM text")??;
        SignerKey::from_der(scheme, &der, Some(kid), None).map_err(|e| e.0)
    } else {
        let der = spki_der_from_pem(pem).map_err(|e| e.0)?;
        SignerKey::from_material(scheme, &KeyMaterial::Spki(der), None, &kid, None).map_err(|e| e.0)
    }
}

/// A DIVOC issuer key: the id is the `verificationMethod` its proofs name
/// (`did:india`), the document a PEM public key (RSA or Ed25519).
#[cfg(feature = "jsonld")]
fn divoc(id: &str, entry: &Value) -> Result<SignerKey, String> {
    if id.is_empty() {
        return Err("the key id is empty".to_owned());
    }
    let pem = did_document(entry)?.as_str().ok_or("the didDocument is not PEM text")?;
    let der = spki_der_from_pem(pem).map_err(|e| e.0)?;
    let scheme = crate::formats::divoc::SCHEME;
    SignerKey::from_material(scheme, &KeyMaterial::Spki(der), None, id.as_bytes(), None).map_err(|e| e.0)
}

/// An ICAO health CSCA: the document a PEM certificate (the id, `country#
/// key id`, is not needed: the certificate names both).
fn icao_csca(_id: &str, entry: &Value) -> Result<SignerKey, String> {
    let pem = did_document(entry)?.as_str().ok_or("the didDocument is not PEM text")?;
    let der = pem_certificates(pem).into_iter().next().ok_or("no certificate in the PEM text")??;
    super::chain::ca_signer(crate::formats::icao::CSCA_SCHEME, &der)
}

/// A SMART Health Card issuer key: the id is `iss#kid`, the document the
/// JWK (whose kid must be its thumbprint and equal the id's).
fn smart_health_card(id: &str, entry: &Value) -> Result<SignerKey, String> {
    let (issuer, kid) = id.rsplit_once('#').ok_or("the key id is not issuer#kid")?;
    let jwk = did_document(entry)?;
    let jwk = match jwk {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let key = SignerKey::from_jwk(crate::formats::shc::SCHEME, issuer, &jwk).map_err(|e| e.0)?;
    if key.kid != kid.as_bytes() {
        return Err("the JWK's kid differs from the one it is listed under".to_owned());
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const P256_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFDMpzOeGjkFpJ1mc9lo0884v/aVafspp7YkZo5TULw9g9/GngNing7+3ot1rJ5boEo27zvnT0WjblSmXGjbnuQ==\n-----END PUBLIC KEY-----";

    #[test]
    fn entries_load_with_their_status_and_the_unusable_are_reported() {
        let registry = json!({
            "EUDCC": {
                "MTE=": {"status": "current", "didDocument": P256_SPKI},
                "MjI=": {"status": "revoked", "didDocument": P256_SPKI, "validFromDT": "2022-06-14T14:14:08.000Z"},
                "NDQ=": {"status": "withdrawn", "didDocument": P256_SPKI},
                "!!": {"status": "current", "didDocument": P256_SPKI},
                "MzM=": {"status": "current", "didDocument": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}
            },
            "CRED": {"x": {}, "y": {}},
            "ICAO": {}
        });
        assert!(is_registry(&registry));
        assert!(!is_registry(&json!({"certificates": []})));
        let mut report = LoadReport::default();
        let keys = signers("reg.json", &registry, &mut report);
        assert_eq!(keys.len(), 2);
        let current = keys.iter().find(|k| k.kid == b"11").unwrap();
        assert_eq!((current.scheme, current.status), (crate::formats::hcert::SCHEME, KeyStatus::Current));
        assert_eq!(current.kid_text(), "MTE=");
        assert!(matches!(current.material, Some(KeyMaterial::Spki(_))));
        let revoked = keys.iter().find(|k| k.kid == b"22").unwrap();
        assert_eq!(revoked.status, KeyStatus::Revoked);
        assert_eq!(revoked.not_before.map(|t| t.unix_timestamp()), Some(1_655_216_048), "a bare key takes validFromDT");
        let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons.contains(&"no known status: not trusted"));
        assert!(reasons.contains(&"the key id is not base64"));
        assert!(reasons.contains(&"2 entries of a framework this version does not read"));
        assert_eq!(report.loaded, 2);
    }

    #[cfg(feature = "jsonld")]
    #[test]
    fn divoc_keys_are_held_under_their_verification_method() {
        // Jamaica's Ed25519 key as the PathCheck registry lists it.
        let ed25519 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAVI1WDvgs5Vb6uCnHhmgImG1D0RTGZHCPeymfqhiVe2c=\n-----END PUBLIC KEY-----";
        let registry = json!({"DIVOC": {
            "did:jamaica": {"status": "current", "didDocument": ed25519, "validFromDT": "2021-12-15T01:00:00.000Z"},
            "did:other": {"status": "terminated", "didDocument": P256_SPKI},
            "": {"status": "current", "didDocument": ed25519}
        }});
        let mut report = LoadReport::default();
        let keys = signers("reg.json", &registry, &mut report);
        assert_eq!(keys.len(), 2, "{:?}", report.skipped);
        let jamaica = keys.iter().find(|k| k.kid == b"did:jamaica").unwrap();
        assert_eq!(jamaica.scheme, crate::formats::divoc::SCHEME);
        assert_eq!(jamaica.public_key.describe(), "Ed25519");
        assert!(jamaica.not_before.is_some());
        assert_eq!(keys.iter().find(|k| k.kid == b"did:other").unwrap().status, KeyStatus::Terminated);
        assert_eq!(report.skipped.len(), 1);
    }
}
