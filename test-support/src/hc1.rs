//! The HC1 builder: a throwaway P-256 signer, the store that trusts it, and
//! the layers of a certificate (DCC JSON → CBOR, CWT claims, COSE_Sign1,
//! zlib, base45, `HC1:`).
//!
//! The one implementation behind the core's integration tests and the fuzz
//! harness ([`crate::fuzz`]). The fixtures generator (`xtask/src/hcert.rs`)
//! keeps its own: it writes the committed fixtures with the DSC keys of its
//! test PKI and must not depend on the verifier it produces fixtures for.
//!
//! The signing key is PUBLIC TEST MATERIAL (32 bytes of 7).

use std::io::Write as _;
use std::sync::LazyLock;

use ciborium::Value;
use coset::{CborSerializable as _, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _, iana};
use healthcert_core::crypto::PublicKey;
use healthcert_core::trust::{KeyUsage, MemoryStore, SignerKey};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};

/// The key identifier of the test signer.
pub const KID: [u8; 8] = *b"testkid1";
/// The fixed verification instant: 2026-09-01T12:00:00Z.
pub const NOW: i64 = 1_788_264_000;

/// The test signer's private key.
pub fn signing_key() -> &'static SigningKey {
    static KEY: LazyLock<SigningKey> = LazyLock::new(|| SigningKey::from_slice(&[7u8; 32]).expect("valid scalar"));
    &KEY
}

/// The test signer's public key, as a trust store holds it.
pub fn public_key() -> PublicKey {
    let point = signing_key().verifying_key().to_encoded_point(false);
    PublicKey::p256_from_sec1(point.as_bytes()).expect("a valid P-256 point")
}

/// A signer entry for `public_key` under [`KID`], country XT, no validity
/// window, the given key usage.
pub fn signer(public_key: PublicKey, key_usage: KeyUsage) -> SignerKey {
    SignerKey {
        scheme: healthcert_core::formats::hcert::SCHEME,
        issuer: None,
        kid: KID.to_vec(),
        country: Some("XT".into()),
        public_key,
        not_before: None,
        not_after: None,
        key_usage,
        material: None,
        status: healthcert_core::trust::KeyStatus::Current,
    }
}

/// A store holding the test signer under [`KID`] (no validity window, no
/// key usage restriction).
pub fn store() -> MemoryStore {
    MemoryStore::from_signers("test", [signer(public_key(), KeyUsage::default())])
}

/// A valid vaccination DCC (schema 1.3.0) whose certificate identifier
/// carries `SECRETID`.
pub fn dcc() -> serde_json::Value {
    serde_json::json!({
        "ver": "1.3.0",
        "nam": {"fn": "Testperson", "fnt": "TESTPERSON", "gn": "Erika", "gnt": "ERIKA"},
        "dob": "1964-08-12",
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 2, "sd": 2, "dt": "2026-05-01", "co": "XT", "is": "healthcert test issuer",
               "ci": "URN:UVCI:01:XT:SECRETID#1"}]
    })
}

/// JSON → CBOR, numbers as integers when they are.
pub fn json_to_cbor(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Integer(i.into()),
            (None, Some(u)) => Value::Integer(u.into()),
            _ => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(json_to_cbor).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.iter().map(|(k, v)| (Value::Text(k.clone()), json_to_cbor(v))).collect())
        }
    }
}

/// A CWT claims set with `iss` = XT around `dcc`.
pub fn claims(dcc: Value, iat: Value, exp: Value) -> Value {
    Value::Map(vec![
        (Value::Integer(1.into()), Value::Text("XT".into())),
        (Value::Integer(6.into()), iat),
        (Value::Integer(4.into()), exp),
        (Value::Integer((-260).into()), Value::Map(vec![(Value::Integer(1.into()), dcc)])),
    ])
}

/// Claims valid at [`NOW`] (issued a day before, expiring a day after)
/// around `dcc`.
pub fn valid_claims_of(dcc: &serde_json::Value) -> Value {
    claims(json_to_cbor(dcc), Value::Integer((NOW - 86_400).into()), Value::Integer((NOW + 86_400).into()))
}

/// Claims valid at [`NOW`] around [`dcc`].
pub fn valid_claims() -> Value {
    valid_claims_of(&dcc())
}

/// CBOR encoding.
pub fn cbor(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).expect("CBOR encoding into a Vec cannot fail");
    out
}

/// ES256 (raw r‖s) with the test key.
pub fn sign(tbs: &[u8]) -> Vec<u8> {
    let sig: Signature = signing_key().sign(tbs);
    sig.to_bytes().to_vec()
}

/// A tagged COSE_Sign1 over `payload`, signed ES256 with [`KID`] in the
/// protected header.
pub fn cose(payload: Vec<u8>) -> Vec<u8> {
    cose_signed_by(payload, &KID, sign)
}

/// A tagged COSE_Sign1 over `payload`, ES256 with `kid` in the protected
/// header, signed by `sign` (raw r‖s over the Sig_structure).
pub fn cose_signed_by(payload: Vec<u8>, kid: &[u8], sign: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let protected = HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(kid.to_vec()).build();
    CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(&[], sign)
        .build()
        .to_tagged_vec()
        .expect("COSE encoding cannot fail")
}

/// The same message without tag 18.
pub fn untagged(tagged: &[u8]) -> Vec<u8> {
    coset::CoseSign1::from_tagged_slice(tagged).expect("a tagged COSE_Sign1").to_vec().expect("encodes")
}

/// An untagged COSE_Sign1 over `payload`, as [`cose`] signs it.
pub fn untagged_cose(payload: Vec<u8>) -> Vec<u8> {
    untagged(&cose(payload))
}

/// zlib at the given level (0–9).
pub fn zlib_level(data: &[u8], level: u32) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level.min(9)));
    e.write_all(data).expect("writing into a Vec cannot fail");
    e.finish().expect("writing into a Vec cannot fail")
}

/// zlib at the best level, as issuers do.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    zlib_level(data, 9)
}

/// `HC1:` + base45(zlib(cose)).
pub fn hc1(cose: &[u8]) -> String {
    format!("HC1:{}", base45::encode(zlib(cose)))
}
