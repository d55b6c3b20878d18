//! DIVOC fixtures: a test issuer (Ed25519, its key derived from a fixed
//! label like every other test key; Ed25519 signatures are deterministic),
//! listed in a PathCheck-layout registry (`trust/divoc-registry.json`,
//! under the `verificationMethod` [`METHOD`]), and credentials signed with
//! it (`Ed25519Signature2018` over URDNA2015, as DIVOC signs): valid,
//! tampered (a signed value changed after signing), and one whose subject
//! has `"id": ""`, which JSON-LD drops from what is signed (the holder is
//! then not signed), each as `B64:` text and the valid one also as a QR
//! code holding the ZIP archive's bytes in byte mode.

use std::io::Write as _;

use anyhow::{Context as _, Result};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use healthcert_core::formats::divoc::OPTIONS_CONTEXT;
use healthcert_core::jsonld;
use serde_json::{Value, json};

use crate::dates::{at, rfc3339};

/// The `verificationMethod` the test issuer's proofs name.
pub(crate) const METHOD: &str = "did:healthcert-test:divoc";
/// The issuer the credentials name.
pub(crate) const ISSUER: &str = "https://divoc.healthcert.test/";

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
const SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
/// The DER prefix of an Ed25519 PKCS#8 v1 private key (RFC 8410).
const PKCS8_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = B64.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("base64")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

fn credential(subject_id: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://cowin.gov.in/credentials/vaccination/v2"],
        "type": ["VerifiableCredential", "ProofOfVaccinationCredential"],
        "credentialSubject": {"type": "Person", "id": subject_id, "refId": "TEST-0001", "name": "Testperson Divoc",
            "gender": "Female", "dob": "1970-01-01", "nationality": "Utopian",
            "address": {"streetAddress": "1 Test Street", "district": "Test District", "addressRegion": "Test Region",
                "addressCountry": "XT", "postalCode": "00001"}},
        "issuer": ISSUER,
        "issuanceDate": rfc3339(at(2026, 6, 1)),
        "evidence": [{"id": "https://divoc.healthcert.test/vaccine/1001", "certificateId": "1001", "type": ["Vaccination"],
            "batch": "TEST-LOT-DIVOC", "vaccine": "TESTVAX", "manufacturer": "healthcert test maker",
            "date": rfc3339(at(2026, 5, 1)), "effectiveStart": "2026-05-01", "effectiveUntil": "2027-05-01",
            "dose": 1, "totalDoses": 2, "verifier": {"name": "Test Vaccinator"},
            "facility": {"name": "healthcert test clinic", "address": {"addressCountry": "XT"}}}],
        "nonTransferable": "true"
    })
}

/// Signs `vc` with an `Ed25519Signature2018` proof.
fn sign(key: &ring::signature::Ed25519KeyPair, mut vc: Value) -> Result<Value> {
    let header = B64URL.encode(r#"{"alg":"EdDSA","b64":false,"crit":["b64"]}"#);
    vc["proof"] = json!({"type": "Ed25519Signature2018", "created": rfc3339(at(2026, 6, 1)),
        "verificationMethod": METHOD, "proofPurpose": "assertionMethod", "jws": ""});
    let (document, options) =
        jsonld::split_proof(&vc, Value::String(OPTIONS_CONTEXT.into())).context("a credential with a proof")?;
    let input = jsonld::signing_input(&header, &options, &document).map_err(|e| anyhow::anyhow!("URDNA2015: {e}"))?;
    let signature = key.sign(&input);
    vc["proof"]["jws"] = Value::String(format!("{header}..{}", B64URL.encode(signature.as_ref())));
    Ok(vc)
}

fn zip(vc: &Value) -> Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("certificate.json", zip::write::SimpleFileOptions::default())?;
    w.write_all(vc.to_string().as_bytes())?;
    Ok(w.finish()?.into_inner())
}

fn b64_text(zip: &[u8]) -> String {
    format!("B64:{}\n", B64.encode(zip))
}

/// Every DIVOC fixture file, by path.
pub(crate) fn files() -> Result<Vec<(String, Vec<u8>)>> {
    let seed = crate::pki::seed("divoc-test-issuer");
    let key = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
        .map_err(|e| anyhow::anyhow!("Ed25519 seed: {e}"))?;
    use ring::signature::KeyPair as _;
    let public = key.public_key().as_ref();
    let spki = [&SPKI_PREFIX[..], public].concat();
    let pkcs8 = [&PKCS8_PREFIX[..], &seed[..]].concat();
    let registry = json!({"DIVOC": {METHOD: {
        "displayName": {"en": "healthcert test DIVOC issuer"}, "entityType": "issuer", "status": "current",
        "validFromDT": "2026-01-01T00:00:00.000Z", "didDocument": pem("PUBLIC KEY", &spki),
        "credentialType": ["VerifiableCredential", "ProofOfVaccinationCredential"]}}});

    let valid = sign(&key, credential("did:healthcert-test:holder:1"))?;
    let valid_zip = zip(&valid)?;
    let mut tampered = valid.clone();
    tampered["evidence"][0]["batch"] = Value::String("TEST-LOT-DIVOD".into());
    let unsigned_holder = sign(&key, credential(""))?;

    let mut out = vec![
        ("trust/divoc-registry.json".to_owned(), serde_json::to_vec_pretty(&registry)?),
        ("keys/divoc-test-issuer.pk8.pem".to_owned(), pem("PRIVATE KEY", &pkcs8).into_bytes()),
        ("divoc/valid.txt".to_owned(), b64_text(&valid_zip).into_bytes()),
        ("divoc/tampered.txt".to_owned(), b64_text(&zip(&tampered)?).into_bytes()),
        ("divoc/unsigned-holder.txt".to_owned(), b64_text(&zip(&unsigned_holder)?).into_bytes()),
        ("divoc/valid.json".to_owned(), serde_json::to_vec_pretty(&valid)?),
    ];
    let png = crate::qr::png_bytes(&valid_zip)?.context("the archive fits a QR code")?;
    out.push(("divoc/valid.png".to_owned(), png));
    Ok(out)
}
