//! SMART Health Card fixtures: a test issuer (P-256, its key derived from a
//! fixed label like every other test key), its JWKS and the revocation list
//! of its key, cards (valid, expired, revoked, tampered, and the valid one
//! chunked over three `shc:/i/3/` codes) as `shc:/` text and QR images, and
//! a VCI-style directory snapshot listing the issuer, signed (ECDSA P-521,
//! SHA-512, DER; the nonce from ChaCha20 seeded with the message's hash, so
//! deterministic) with a test anchor key whose
//! certificate, issued by the test CSCA, is committed beside it.
//!
//! The issuer's `iss` is [`ISSUER`]; `healthcert trust serve fixtures/trust`
//! serves its key set and list under `/shc-issuers/<host>/<path>/` (the
//! mirror layout of the `shc-issuers` sync source).

use anyhow::{Context as _, Result};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use p256::ecdsa::signature::Signer as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256, Sha512};
use x509_cert::builder::{Builder as _, CertificateBuilder, Profile};
use x509_cert::der::asn1::{BitString, ObjectIdentifier};
use x509_cert::der::pem::LineEnding;
use x509_cert::der::{Any, EncodePem as _};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::dates::{at, rfc3339};
use crate::pki::{self, Key, Pki};

/// The test issuer's `iss`.
pub const ISSUER: &str = "https://shc.healthcert.test/issuer";
/// Where the issuer's files lie in the served tree (mirror layout).
const ISSUER_DIR: &str = "trust/shc-issuers/shc.healthcert.test/issuer";
/// The revoked card's `vc.rid`.
const REVOKED_RID: &str = "revokedRid01";

fn jwk(key: &p256::ecdsa::SigningKey) -> Value {
    let point = key.verifying_key().to_encoded_point(false);
    let (x, y) = (B64URL.encode(point.x().expect("uncompressed")), B64URL.encode(point.y().expect("uncompressed")));
    // RFC 7638: the required members in lexicographic order, no spaces.
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    let kid = B64URL.encode(Sha256::digest(canonical.as_bytes()));
    json!({"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256", "x": x, "y": y, "crlVersion": 1})
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

fn claims(nbf: i64, exp: Option<i64>, rid: &str) -> String {
    let mut c = json!({"iss": ISSUER, "nbf": nbf, "vc": {
    "type": ["https://smarthealth.cards#health-card", "https://smarthealth.cards#immunization"],
    "rid": rid,
    "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": {"resourceType": "Bundle", "type": "collection",
        "entry": [
            {"fullUrl": "resource:0", "resource": {"resourceType": "Patient",
                "name": [{"family": "Testperson", "given": ["Shc"]}], "birthDate": "1970-01-01"}},
            {"fullUrl": "resource:1", "resource": {"resourceType": "Immunization", "status": "completed",
                "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "207"}]},
                "patient": {"reference": "resource:0"}, "occurrenceDateTime": "2026-05-01",
                "performer": [{"actor": {"display": "healthcert test clinic"}}], "lotNumber": "TEST-LOT-1"}}
        ]}}}});
    if let Some(exp) = exp {
        c["exp"] = exp.into();
    }
    c.to_string()
}

fn jws(key: &p256::ecdsa::SigningKey, kid: &str, claims: &str) -> String {
    let header = json!({"zip": "DEF", "alg": "ES256", "kid": kid}).to_string();
    let input = format!("{}.{}", B64URL.encode(header), B64URL.encode(deflate(claims.as_bytes())));
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", B64URL.encode(signature.to_bytes()))
}

/// `shc:/` numeric form: each character as two digits of its code minus 45.
fn numeric(text: &str) -> String {
    text.bytes().map(|b| format!("{:02}", b - 45)).collect()
}

/// One card: its name and the `shc:/` codes it takes (one, or chunks).
pub struct Card {
    /// The file stem under `shc/`.
    pub name: &'static str,
    /// Every QR code's text.
    pub codes: Vec<String>,
}

/// The issuer key, its cards, and every file of the SHC fixtures.
pub fn files(pki: &Pki) -> Result<Vec<(String, Vec<u8>)>> {
    let issuer_key = Key::p256("shc-issuer")?;
    let Key::P256(signer) = &issuer_key else { unreachable!("Key::p256 makes a P-256 key") };
    let jwk = jwk(signer);
    let kid = jwk["kid"].as_str().context("kid")?.to_owned();
    let (issued, exp_past) = (at(2026, 6, 1).unix_timestamp(), at(2026, 3, 1).unix_timestamp());
    let valid = jws(signer, &kid, &claims(issued, None, "validRid0001"));
    let expired = jws(signer, &kid, &claims(at(2025, 6, 1).unix_timestamp(), Some(exp_past), "expiredRid01"));
    let revoked = jws(signer, &kid, &claims(issued, None, REVOKED_RID));
    // The valid card's signature over claims that differ in one byte (the
    // rid's last letter): a forgery of one signed byte.
    let tampered = {
        let signed = jws(signer, &kid, &claims(issued, None, "tamperRid001"));
        let other = jws(signer, &kid, &claims(issued, None, "tamperRid002"));
        let (s, o): (Vec<&str>, Vec<&str>) = (signed.split('.').collect(), other.split('.').collect());
        format!("{}.{}.{}", s[0], o[1], s[2])
    };
    let chunked = {
        let parts = 3;
        let len = valid.len().div_ceil(parts);
        let bytes = valid.as_bytes();
        (0..parts)
            .map(|i| {
                let part = std::str::from_utf8(&bytes[i * len..((i + 1) * len).min(bytes.len())]).expect("ASCII");
                format!("shc:/{}/{parts}/{}", i + 1, numeric(part))
            })
            .collect::<Vec<_>>()
    };
    let cards = [
        Card { name: "valid", codes: vec![format!("shc:/{}", numeric(&valid))] },
        Card { name: "invalid-expired", codes: vec![format!("shc:/{}", numeric(&expired))] },
        Card { name: "invalid-revoked", codes: vec![format!("shc:/{}", numeric(&revoked))] },
        Card { name: "invalid-tampered", codes: vec![format!("shc:/{}", numeric(&tampered))] },
        Card { name: "valid-chunked", codes: chunked },
    ];
    let mut out = Vec::new();
    for card in &cards {
        for (i, code) in card.codes.iter().enumerate() {
            let stem = if card.codes.len() == 1 { card.name.to_owned() } else { format!("{}-{}", card.name, i + 1) };
            out.push((format!("shc/{stem}.txt"), format!("{code}\n").into_bytes()));
            let png = crate::qr::png(code)?.with_context(|| format!("QR code of {stem}"))?;
            out.push((format!("shc/{stem}.png"), png));
        }
    }
    let jwks = json!({"keys": [jwk]});
    let crl = json!({"kid": kid, "method": "rid", "ctr": 1, "rids": [REVOKED_RID]});
    out.push((format!("{ISSUER_DIR}/.well-known/jwks.json"), pretty(&jwks)?));
    out.push((format!("{ISSUER_DIR}/.well-known/crl/{kid}.json"), pretty(&crl)?));
    out.push(("shc/jwks.json".into(), pretty(&jwks)?));
    out.push(("shc/crl.json".into(), pretty(&crl)?));
    out.push(("keys/shc-issuer.pk8.pem".into(), issuer_key.pkcs8_pem()?.into_bytes()));

    // The VCI-style snapshot, as the directory writes it (ctr a string).
    let mut snapshot_crl = crl.clone();
    snapshot_crl["ctr"] = "1".into();
    let snapshot = json!({
        "directory": "https://shc.healthcert.test/vci-issuers.json",
        "time": rfc3339(at(2026, 8, 1)),
        "issuerInfo": [{
            "issuer": {"iss": ISSUER, "name": "healthcert test SHC issuer", "website": "https://shc.healthcert.test/"},
            "keys": [jwk],
            "crls": [snapshot_crl],
            "lastRetrieved": rfc3339(at(2026, 8, 1)),
        }],
    });
    let snapshot = pretty(&snapshot)?;
    // The scalar: SHA-512 of the label, below the group order (66 bytes).
    let scalar: Vec<u8> = [0, 0].into_iter().chain(Sha512::digest(b"healthcert fixtures: vci-anchor")).collect();
    let anchor = p521::ecdsa::SigningKey::from_slice(&scalar).context("P-521 scalar")?;
    // p521 signs with a random nonce: drawn from ChaCha20 seeded with the
    // message's hash, so the signature is the same on every run.
    let mut rng = <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::from_seed(Sha256::digest(&snapshot).into());
    let signature: p521::ecdsa::Signature =
        p521::ecdsa::signature::RandomizedSigner::sign_with_rng(&anchor, &mut rng, &snapshot);
    out.push(("trust/vci/vci_snapshot.sig".into(), signature.to_der().to_bytes().to_vec()));
    out.push(("trust/vci/vci_snapshot.json".into(), snapshot));
    out.push(("trust/vci/anchor.crt".into(), anchor_certificate(pki, &anchor)?.into_bytes()));
    Ok(out)
}

fn pretty(v: &Value) -> Result<Vec<u8>> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// A certificate for the P-521 anchor key, issued by the test CSCA (the
/// verifier reads only its key).
fn anchor_certificate(pki: &Pki, anchor: &p521::ecdsa::SigningKey) -> Result<String> {
    let point = p521::ecdsa::VerifyingKey::from(anchor).to_encoded_point(false);
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new("1.2.840.10045.2.1")?,
            parameters: Some(Any::from(&ObjectIdentifier::new("1.3.132.0.35")?)),
        },
        subject_public_key: BitString::from_bytes(point.as_bytes())?,
    };
    let Key::P256(csca_signer) = &pki.csca_key else { anyhow::bail!("the CSCA key is P-256") };
    let (_, _, csca_name) = pki::csca()?;
    let profile = Profile::Leaf { issuer: csca_name, enable_key_agreement: false, enable_key_encipherment: false };
    let builder = CertificateBuilder::new(
        profile,
        SerialNumber::new(&[0x30, 0x01])?,
        pki::validity(at(2026, 1, 1), at(2036, 1, 1))?,
        pki::name("VCI anchor healthcert test")?,
        spki,
        csca_signer,
    )?;
    Ok(builder.build::<p256::ecdsa::DerSignature>()?.to_pem(LineEnding::LF)?)
}
