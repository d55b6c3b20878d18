//! DIVOC credentials from the real world (external test data): India's
//! CoWIN sample (`DIVOCQR1`, RsaSignature2018 signed with RSASSA-PSS) and
//! the QR pictures of WHO's validator docs (India, and Jamaica's
//! Ed25519Signature2018), against the PathCheck registry's DIVOC keys.
//!
//! - Their URDNA2015 N-Quads equal the golden files in `tests/jsonld/`
//!   (made by jsonld.js 9 over the same bundled contexts: `canon.js`).
//! - India verifies, from the text and from the picture.
//! - Jamaica names `did:india` but is signed with Jamaica's key (as WHO's
//!   validator also finds): refused with the registry as it is; with
//!   Jamaica's key under that name its Ed25519 proof verifies, and its
//!   holder is refused, because the proof signs no part of the subject
//!   (its `id` is `""`, not an absolute IRI, so JSON-LD drops the node).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![cfg(feature = "jsonld")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::formats::divoc::{self, DivocCredential};
use healthcert_core::formats::{self, PrefixPolicy};
use healthcert_core::limits::Limits;
use healthcert_core::model::{CheckKind, Outcome, Reason, Verdict};
use healthcert_core::picture::{self, PictureLimits};
use healthcert_core::trust::{MemoryStore, SignerKey, file};
use healthcert_core::{FixedClock, Verifier, jsonld, scan};
use healthcert_test_support::fixtures::external;
use serde_json::Value;
use time::macros::datetime;

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";
const DOCS: &str = "WorldHealthOrganization+ddcc-validator/docs";

fn golden(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jsonld").join(name)).unwrap()
}

/// The DIVOC keys of the PathCheck registry.
fn registry_keys() -> Option<Vec<SignerKey>> {
    let path = external("Path-Check+trust-registry/registry.json")?;
    let (signers, _) = file::load_signers(&path).unwrap();
    let keys: Vec<SignerKey> = signers.into_iter().filter(|s| s.scheme == divoc::SCHEME).collect();
    assert_eq!(keys.len(), 5, "India, Sri Lanka, the Philippines, Jamaica, Indonesia");
    Some(keys)
}

/// The bytes of the only QR code in a picture of the docs.
fn qr_bytes(picture: &str) -> Option<Vec<u8>> {
    let bytes = std::fs::read(external(&format!("{DOCS}/{picture}"))?).unwrap();
    let pic = picture::decode(&bytes, &PictureLimits::DEFAULT).unwrap();
    // No time budget: the whole strategy, however busy the machine.
    let mut scanner = scan::Scanner::new();
    scanner.set_time_budget(None);
    let codes = scanner.scan(&pic.frame()).unwrap();
    assert_eq!(codes.len(), 1, "{picture}");
    Some(codes.into_iter().next().unwrap().bytes)
}

fn check(v: &Verdict, kind: CheckKind) -> (Outcome, Reason) {
    let c = v.checks.iter().find(|c| c.check == kind).unwrap();
    (c.outcome, c.reason)
}

/// The credential a payload carries, decoded.
fn credential(payload: &str) -> (Value, String) {
    let decoded = formats::decode(payload, PrefixPolicy::Required, &Limits::DEFAULT).map_err(|e| e.1).unwrap();
    assert_eq!(decoded.format, divoc::ID);
    let zip = divoc::archive::archive_bytes(payload, &Limits::DEFAULT).unwrap();
    let json = divoc::archive::certificate_json(&zip, &Limits::DEFAULT).unwrap();
    let vc: Value = serde_json::from_slice(&json).unwrap();
    let (doc, _) = jsonld::split_proof(&vc, Value::String(divoc::OPTIONS_CONTEXT.into())).unwrap();
    (vc, jsonld::canonical_nquads(&doc).unwrap())
}

#[test]
fn both_samples_canonicalise_as_jsonld_js_does() {
    let Some(india) = external(&format!("{RESOURCES}/DIVOCQR1Contents.txt")) else { return };
    let india = std::fs::read_to_string(india).unwrap();
    let (vc, nquads) = credential(india.trim());
    assert_eq!(nquads, golden("divoc-india.document.nq"));
    let (_, options) = jsonld::split_proof(&vc, Value::String(divoc::OPTIONS_CONTEXT.into())).unwrap();
    assert_eq!(jsonld::canonical_nquads(&options).unwrap(), golden("divoc-india.proof.nq"));

    let Some(jamaica) = qr_bytes("DEMO-DIVOC-JAMAICA.png") else { return };
    let text = formats::binary_as_text(&jamaica).unwrap();
    let (vc, nquads) = credential(&text);
    assert_eq!(nquads, golden("divoc-jamaica.document.nq"));
    assert!(!nquads.contains("schema.org/name> \"test user\""), "the subject is not signed");
    let (_, options) = jsonld::split_proof(&vc, Value::String(divoc::OPTIONS_CONTEXT.into())).unwrap();
    assert_eq!(jsonld::canonical_nquads(&options).unwrap(), golden("divoc-jamaica.proof.nq"));
}

#[test]
fn india_verifies_from_its_picture() {
    let (Some(keys), Some(bytes)) = (registry_keys(), qr_bytes("PROD-DIVOC-INDIA.png")) else { return };
    let mut store = MemoryStore::new("pathcheck DIVOC keys");
    keys.into_iter().for_each(|k| store.insert(k));
    let verifier = Verifier::new(store);
    let v = verifier.verify_bytes(&bytes, &FixedClock(datetime!(2021-09-01 12:00 UTC))).unwrap();
    assert_eq!(v.format, divoc::ID);
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Pass, Reason::Ok), "{:?}", v.checks);
    assert_eq!(check(&v, CheckKind::Issuer), (Outcome::Pass, Reason::Ok));
    let c = v.certificate.unwrap();
    assert_eq!(c.issuer.as_deref(), Some("https://cowin.gov.in/"));
    assert!(!c.holder.name.is_empty());
}

#[test]
fn jamaica_names_india_signs_with_jamaica_and_leaves_its_holder_unsigned() {
    let (Some(keys), Some(bytes)) = (registry_keys(), qr_bytes("DEMO-DIVOC-JAMAICA.png")) else { return };
    let clock = FixedClock(datetime!(2022-01-10 12:00 UTC));
    let mut registry = MemoryStore::new("pathcheck DIVOC keys");
    keys.iter().cloned().for_each(|k| registry.insert(k));
    let v = Verifier::new(registry).verify_bytes(&bytes, &clock).unwrap();
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Fail, Reason::KeyAlgorithmMismatch), "did:india is RSA");

    // Jamaica's key under the name the proof gives.
    let mut jamaica = keys.into_iter().find(|k| k.kid == b"did:jamaica").unwrap();
    jamaica.kid = b"did:india".to_vec();
    let mut store = MemoryStore::new("Jamaica's key as did:india");
    store.insert(jamaica);
    let verifier = Verifier::new(store);
    let v = verifier.verify_bytes(&bytes, &clock).unwrap();
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Pass, Reason::Ok), "{:?}", v.checks);
    assert!(v.checks.iter().any(|c| c.detail.contains("EdDSA")));
    assert_eq!(check(&v, CheckKind::Schema), (Outcome::Fail, Reason::HolderNotSigned));
    assert_eq!(v.status, healthcert_core::Status::Invalid);
    let c = v.certificate.unwrap();
    assert_eq!((c.holder.name.as_str(), c.holder.date_of_birth.as_deref()), ("", None), "nothing unsigned is shown");

    // The same code as text (each byte one ISO-8859-1 character, as it is
    // in the picture) reads the same.
    let text = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(verifier.verify(text, &clock).unwrap().status, v.status);
    // One signed byte changed: the vaccination date.
    let tampered = bytes_with_changed_date(&bytes);
    let t = verifier.verify(&tampered, &clock).unwrap();
    assert_eq!(check(&t, CheckKind::Signature), (Outcome::Fail, Reason::SignatureInvalid));
}

/// The Jamaica code with `2021-04-15` changed to `2021-04-14`, packed again.
fn bytes_with_changed_date(bytes: &[u8]) -> String {
    use std::io::{Read as _, Write as _};
    let text = formats::binary_as_text(bytes).unwrap();
    let zip = divoc::archive::archive_bytes(&text, &Limits::DEFAULT).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut json = String::new();
    archive.by_name("certificate.json").unwrap().read_to_string(&mut json).unwrap();
    assert!(json.contains("2021-04-15"));
    let json = json.replacen("2021-04-15", "2021-04-14", 1);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("certificate.json", zip::write::SimpleFileOptions::default()).unwrap();
    w.write_all(json.as_bytes()).unwrap();
    format!("B64:{}", healthcert_core::formats::codec::base64::encode(&w.finish().unwrap().into_inner()))
}

#[test]
fn unsigned_members_are_not_shown() {
    let Some(india) = external(&format!("{RESOURCES}/DIVOCQR1Contents.txt")) else { return };
    let india = std::fs::read_to_string(india).unwrap();
    // A member no context defines, added beside the signed data.
    let mut vc = credential(india.trim()).0;
    vc["credentialSubject"]["dob"] = Value::String("1900-01-01".into());
    vc["evidence"][0]["lotNumber"] = Value::String("X".into());
    let (doc, options) = jsonld::split_proof(&vc, Value::String(divoc::OPTIONS_CONTEXT.into())).unwrap();
    let input = jsonld::proof_input("h", &options, &doc).unwrap();
    let credential = DivocCredential::new(vc, input);
    assert_eq!(credential.unsigned_fields(), ["credentialSubject.dob"], "v1 defines no dob");
}
