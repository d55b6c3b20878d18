//! The WHO GDHCN DEV DID trust list of Chile's DSCs (external test data,
//! `WorldHealthOrganization+tng-cdn-dev`, v2.0.0 `trustlist/DCC/CHL/DSC`):
//! its URDNA2015 N-Quads equal the golden files beside this test (made by
//! jsonld.js over the same bundled contexts: `jsonld/canon.js`); its
//! `JsonWebSignature2020` proof verifies with the pinned WHO DEV signing key
//! (`WorldHealthOrganization+tng-participants-dev`, `WHO/signing/DID`); a
//! copy with one changed key byte, or a changed nonce, is refused and
//! leaves the store as it was; the imported key is the DSC whose kid the
//! list's fragment encodes.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::crypto::PublicKey;
use healthcert_core::formats::hcert;
use healthcert_core::jsonld;
use healthcert_core::trust::gdhcn::{self, Anchor, GdhcnError};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::{KeyRef, SourceId, SourceKind, TrustStore};
use healthcert_test_support::fixtures::external;
use serde_json::Value;
use time::macros::datetime;

const LIST: &str = "WorldHealthOrganization+tng-cdn-dev/v2.0.0/trustlist/DCC/CHL/DSC/did.json";
const SIGNER: &str = "WorldHealthOrganization+tng-participants-dev/WHO/signing/DID/did.json";

/// The list and the WHO DEV signing DID document, when the data is there.
fn data() -> Option<(Vec<u8>, Vec<u8>)> {
    let list = std::fs::read(external(LIST)?).unwrap();
    let signer = std::fs::read(external(SIGNER)?).unwrap();
    Some((list, signer))
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jsonld").join(name)).unwrap()
}

#[test]
fn the_list_canonicalises_as_jsonld_js_does() {
    let Some((list, _)) = data() else { return };
    let doc: Value = serde_json::from_slice(&list).unwrap();
    let context = doc["@context"].clone();
    let (unsigned, options) = jsonld::split_proof(&doc, context).unwrap();
    assert_eq!(jsonld::canonical_nquads(&unsigned).unwrap(), golden("gdhcn-dev-chl-dsc.document.nq"));
    assert_eq!(jsonld::canonical_nquads(&options).unwrap(), golden("gdhcn-dev-chl-dsc.proof.nq"));
}

#[test]
fn the_proof_verifies_with_the_pinned_who_dev_key() {
    let Some((list, signer)) = data() else { return };
    let anchor = Anchor::from_did_document(&signer).unwrap();
    let read = gdhcn::parse("did.json", &list, &anchor).unwrap();
    assert_eq!(read.id, "did:web:worldhealthorganization.github.io:tng-cdn-dev:v2.0.0:trustlist:DCC:CHL:DSC");
    assert_eq!(read.created, datetime!(2024-08-09 12:00:15 UTC));
    assert_eq!((read.methods, read.signers.len(), read.skipped.len()), (1, 1, 0));
    // The fragment YVE3Qk1KQWhzaG89 is base64url("aQ7BMJAhsho="), the DCC
    // kid: the first 8 bytes of the SHA-256 of x5c[0].
    let key = &read.signers[0];
    assert_eq!(key.kid_text(), "aQ7BMJAhsho=");
    assert_eq!(key.scheme, hcert::SCHEME);
    assert_eq!(key.country.as_deref(), Some("CL"));

    // The pinned key alone, as the specs file gives it, verifies too.
    let jwk = serde_json::json!({"kty": "EC", "crv": "P-256",
        "x": "mB9T6oJ57ZKlC1f150-34M3JkxN22Ld1BQVPqJfgH6k", "y": "vW7GmCn5eNzbjdjI8PYWvanovWIIYoqv0ZE_lvuD2d8"});
    let bare = Anchor::key(PublicKey::from_jwk(&jwk).unwrap());
    assert!(gdhcn::parse("did.json", &list, &bare).is_ok());
}

#[test]
fn another_key_does_not_verify() {
    let Some((list, signer)) = data() else { return };
    // Chile's DSC key (from the list itself) is a P-256 key, but not the
    // WHO's.
    let read = gdhcn::parse("did.json", &list, &Anchor::from_did_document(&signer).unwrap()).unwrap();
    let other = Anchor::key(read.signers[0].public_key.clone());
    assert!(matches!(gdhcn::parse("did.json", &list, &other), Err(GdhcnError::BadSignature)));
    // A DID document whose methods are not the proof's is no anchor for it.
    let elsewhere = String::from_utf8(signer).unwrap().replace("WHO:signing:DID", "WHO:signing:OTHER");
    let elsewhere = Anchor::from_did_document(elsewhere.as_bytes()).unwrap();
    assert!(matches!(gdhcn::parse("did.json", &list, &elsewhere), Err(GdhcnError::NoAnchorKey)));
}

fn source() -> SourceId {
    SourceId { kind: SourceKind::Gdhcn, location: "did.json".into() }
}

#[test]
fn a_changed_key_byte_or_nonce_refuses_the_list_and_stores_nothing() {
    let Some((list, signer)) = data() else { return };
    let anchor = Anchor::from_did_document(&signer).unwrap();
    let text = String::from_utf8(list.clone()).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let x5c = doc["verificationMethod"][0]["publicKeyJwk"]["x5c"][0].as_str().unwrap();
    // One base64 character of the certificate's public key (its last
    // quarter is signature; the middle is the key), and one of the nonce.
    let at = x5c.len() / 2;
    let mut cert = x5c.as_bytes().to_vec();
    cert[at] = if cert[at] == b'A' { b'B' } else { b'A' };
    let changed_key = text.replace(x5c, std::str::from_utf8(&cert).unwrap());
    let changed_nonce = text.replace("MSkkefdRWuvUaYIHfBFWbw2mhZGEi9zQ", "MSkkefdRWuvUaYIHfBFWbw2mhZGEi9zR");
    let store = SqliteStore::open_in_memory().unwrap();
    let now = datetime!(2024-09-01 00:00 UTC);
    let before = store.status(now).unwrap();
    for changed in [changed_key, changed_nonce] {
        assert_ne!(changed, text);
        let refused = gdhcn::parse("did.json", changed.as_bytes(), &anchor);
        assert!(matches!(refused, Err(GdhcnError::BadSignature)), "{refused:?}");
    }
    assert_eq!(format!("{:?}", store.status(now).unwrap()), format!("{before:?}"), "nothing stored");

    // The genuine list imports its key, in one transaction, with its
    // creation time kept as the list's issue time.
    let read = gdhcn::parse("did.json", &list, &anchor).unwrap();
    store.apply(&read.into_update(source()), now).unwrap();
    let kid = healthcert_core::formats::codec::base64::decode_lenient("aQ7BMJAhsho=").unwrap();
    let held = store.signers(&KeyRef::Kid { scheme: hcert::SCHEME, kid }).unwrap();
    assert_eq!(held.len(), 1);

    // A list signed before the one held is a rollback: refused.
    let mut older = gdhcn::parse("did.json", &list, &anchor).unwrap();
    older.created -= time::Duration::days(1);
    let refused = store.apply(&older.into_update(source()), now);
    assert!(matches!(refused, Err(healthcert_core::Error::TrustRollback { .. })), "{refused:?}");
}
