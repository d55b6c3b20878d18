//! Builders for hand-made HC1 payloads in tests: a throwaway P-256 signer
//! and helpers to wrap claims in COSE, zlib, base45.

#![allow(dead_code)]

use std::io::Write as _;

use ciborium::Value;
use coset::{CborSerializable as _, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _, iana};
use healthcert_core::crypto::PublicKey;
use healthcert_core::trust::{KeyUsage, MemoryStore, SignerKey};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};

pub const KID: [u8; 8] = *b"testkid1";
/// 2026-09-01T12:00:00Z
pub const NOW: i64 = 1_788_264_000;

pub fn signing_key() -> SigningKey {
    SigningKey::from_slice(&[7u8; 32]).unwrap()
}

pub fn store() -> MemoryStore {
    let key = PublicKey::p256_from_sec1(signing_key().verifying_key().to_encoded_point(false).as_bytes()).unwrap();
    MemoryStore::from_signers(
        "test",
        [SignerKey {
            scheme: healthcert_core::formats::hcert::SCHEME,
            issuer: None,
            kid: KID.to_vec(),
            country: Some("XT".into()),
            public_key: key,
            not_before: None,
            not_after: None,
            key_usage: KeyUsage::default(),
            material: None,
        }],
    )
}

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

pub fn json_to_cbor(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i.into()),
            None => Value::Float(n.as_f64().unwrap()),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(json_to_cbor).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.iter().map(|(k, v)| (Value::Text(k.clone()), json_to_cbor(v))).collect())
        }
    }
}

/// A CWT claims set with the usual claims around `dcc`.
pub fn claims(dcc: Value, iat: Value, exp: Value) -> Value {
    Value::Map(vec![
        (Value::Integer(1.into()), Value::Text("XT".into())),
        (Value::Integer(6.into()), iat),
        (Value::Integer(4.into()), exp),
        (Value::Integer((-260).into()), Value::Map(vec![(Value::Integer(1.into()), dcc)])),
    ])
}

pub fn valid_claims() -> Value {
    claims(json_to_cbor(&dcc()), Value::Integer((NOW - 86_400).into()), Value::Integer((NOW + 86_400).into()))
}

pub fn cbor(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

/// A tagged COSE_Sign1 over `payload`, signed ES256 with `kid`.
pub fn cose(payload: Vec<u8>) -> Vec<u8> {
    let key = signing_key();
    let protected = HeaderBuilder::new().algorithm(iana::Algorithm::ES256).key_id(KID.to_vec()).build();
    CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(&[], |tbs| {
            let sig: Signature = key.sign(tbs);
            sig.to_bytes().to_vec()
        })
        .build()
        .to_tagged_vec()
        .unwrap()
}

pub fn untagged_cose(payload: Vec<u8>) -> Vec<u8> {
    let tagged = cose(payload);
    coset::CoseSign1::from_tagged_slice(&tagged).unwrap().to_vec().unwrap()
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn hc1(cose: &[u8]) -> String {
    format!("HC1:{}", base45::encode(zlib(cose)))
}
