//! The fuzzing signer, verifier and clock, and the in-process seed builders.
//!
//! Everything here is deterministic: the same seeds come out on every run,
//! so the stable smoke test (`rust-core/tests/fuzz_smoke.rs`) and the seed
//! corpora written by `fuzz/seed.sh` start from the same inputs.
//!
//! The fuzzing signer is the test signer of [`crate::hc1`] (re-exported
//! here with its builders): the same key, [`KID`] and [`NOW`] as the core's
//! integration tests.

use std::sync::LazyLock;

use base64::Engine as _;
use ciborium::Value;
use healthcert_core::crypto::PublicKey;
use healthcert_core::trust::MemoryStore;
use healthcert_core::{FixedClock, Verifier};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};

pub use crate::hc1::{
    KID, NOW, cbor, claims, cose, hc1, json_to_cbor, sign, signing_key, store, untagged, valid_claims_of, zlib,
    zlib_level,
};

/// A self-signed P-256 certificate for the fuzzing signer's key (C=XT,
/// valid 2025-01-01..2035-01-01, extended key usage: vaccination and test).
pub const EC_CERT_B64: &str = concat!(
    "MIIBfDCCASKgAwIBAgIBATAKBggqhkjOPQQDAjAzMQswCQYDVQQGEwJYVDEkMCIGA1UEAwwbaGVhbHRoY2VydCBmdXp6IHRl",
    "c3Qgc2lnbmVyMB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFowMzELMAkGA1UEBhMCWFQxJDAiBgNVBAMMG2hlYWx0",
    "aGNlcnQgZnV6eiB0ZXN0IHNpZ25lcjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABB4YUy/UdUwC8wQdnHXOszuD/9gax85P",
    "6ILMscmLxYlupGwxHE4v9A3ZajZT5uRURdMt/khuztdcepDGoYiBwKOjJzAlMCMGA1UdJQQcMBoGCysGAQQBjjePZQECBgsr",
    "BgEEAY43j2UBATAKBggqhkjOPQQDAgNIADBFAiAtyytS/puw0/Oq8ARx595mECXji5m1/3acEiH1wnxE3AIhAP570bJNCifa",
    "ZKDSvvUU5bCU8lMTZB9eXCjX817jv2N2",
);

/// A self-signed RSA-2048 certificate (C=XT, no extended key usage).
pub const RSA_CERT_B64: &str = concat!(
    "MIICzzCCAbegAwIBAgIBATANBgkqhkiG9w0BAQsFADArMQswCQYDVQQGEwJYVDEcMBoGA1UEAwwTaGVhbHRoY2VydCBmdXp6",
    "IHJzYTAeFw0yNTAxMDEwMDAwMDBaFw0zNTAxMDEwMDAwMDBaMCsxCzAJBgNVBAYTAlhUMRwwGgYDVQQDDBNoZWFsdGhjZXJ0",
    "IGZ1enogcnNhMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsU0ngQ3nBCpBLzDVaHu1bb1Bjy1PdvNHnrFjfTPV",
    "GNiRC9BfkRIxTW6GnfsOxeBD9TeWp2Io26TJrwOo9r9Ku4UyJalSRSbYMx3Qg73CgpHky3TOWId2n05CGmtguPpwSJB75DSw",
    "xUAyFYmTWON1Jav0PPKVMjQgO91FIwh7GSB2xXTv0cugIZPg4cZZTlLvADvo6B/OrBoeC/BC6d3kCNSVsSBwp7wxfG81Q+i4",
    "BqofnfBIjuXVjFszzSvOZhDLENpBYZ46bDEqf8GFIXr84YDrmXqiN08czRdC3Yt3K5xvqB2ghT4FwmB33XTvC9T3rBDwP2PK",
    "Z/JRm0EpwVrZGQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQA3KmgwyGlqHLg6d/uzOJSyV1eL938FT4yRju7B4B8d0aDPsTJC",
    "K4vrebmJS/K/nMp8Oh7EK1R1iWt069tjP0/trepxLnsxtnPrpgcS/zt26vaaJhby3mgAQ6Z6+6yqxXV4d6/JO7aeuw28L8ae",
    "ejAMqJw5VKR3JnIZKtXQjkh9mb9uNEIDzV9lR9FQWk88/LrAfBgWshsDUcpdRXM7hwdAIvSrqN7ATkst5PS1idOSQFInuNzK",
    "JO8Zpc4X6p9L5KfjwDCiOwn8gLHKGcifHScLB9sd7G+4zcahzSxMcAq0jUi1LTm2ZG4BSvCoV/TB9mhHWQI+mz08ir3pn9CT",
    "6bYi",
);

/// The verifier every target uses: default options, [`store`] and the
/// SMART Health Card test issuer ([`crate::shc`]).
pub fn verifier() -> &'static Verifier<MemoryStore> {
    static VERIFIER: LazyLock<Verifier<MemoryStore>> = LazyLock::new(|| {
        let mut store = store();
        for key in crate::shc::store().all_signers() {
            store.insert((**key).clone());
        }
        Verifier::new(store)
    });
    &VERIFIER
}

/// The fixed clock every target uses.
pub fn clock() -> FixedClock {
    FixedClock::from_unix(NOW).expect("NOW is representable")
}

/// A valid DCC of each group (the fields the 1.3.x schema requires).
pub fn dccs() -> [serde_json::Value; 3] {
    let nam = serde_json::json!({"fn": "Testperson", "fnt": "TESTPERSON", "gn": "Erika", "gnt": "ERIKA"});
    [
        serde_json::json!({"ver": "1.3.0", "nam": nam, "dob": "1964-08-12",
            "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                   "dn": 2, "sd": 2, "dt": "2026-05-01", "co": "XT", "is": "healthcert test issuer",
                   "ci": "URN:UVCI:01:XT:FUZZ#1"}]}),
        serde_json::json!({"ver": "1.3.3", "nam": nam, "dob": "1964",
            "t": [{"tg": "840539006", "tt": "LP6464-4", "nm": "Roche LightCycler qPCR",
                   "sc": "2026-08-31T10:27:15Z", "tr": "260415000", "tc": "Test centre",
                   "co": "XT", "is": "healthcert test issuer", "ci": "URN:UVCI:01:XT:FUZZ#2"}]}),
        serde_json::json!({"ver": "1.0.0", "nam": nam, "dob": "1964-08-12",
            "r": [{"tg": "840539006", "fr": "2026-06-01", "co": "XT", "is": "healthcert test issuer",
                   "df": "2026-06-12", "du": "2026-12-01", "ci": "URN:UVCI:01:XT:FUZZ#3"}]}),
    ]
}

/// The DER of an embedded certificate.
pub fn der(b64: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(b64).expect("embedded base64")
}

/// COSE_Sign1 messages: valid and broken in each way the decoder reports.
pub fn cose_seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for dcc in dccs() {
        out.push(cose(cbor(&valid_claims_of(&dcc))));
    }
    let good = out[0].clone();
    out.push(untagged(&good));
    let inner: Value = ciborium::de::from_reader(&good[..]).expect("own COSE parses");
    out.push(cbor(&Value::Tag(61, Box::new(inner))));
    let dcc = json_to_cbor(&dccs()[0]);
    // Claims the validity step reports on: expired, float times, tag 1, missing.
    out.push(cose(cbor(&claims(dcc.clone(), Value::Integer((NOW - 10).into()), Value::Integer((NOW - 1).into())))));
    out.push(cose(cbor(&claims(
        dcc.clone(),
        Value::Tag(1, Box::new(Value::Float((NOW - 10) as f64 + 0.5))),
        Value::Float((NOW + 10) as f64),
    ))));
    out.push(cose(cbor(&Value::Map(vec![(
        Value::Integer((-260).into()),
        Value::Map(vec![(Value::Integer(1.into()), dcc)]),
    )]))));
    let mut bad_sig = good.clone();
    if let Some(last) = bad_sig.last_mut() {
        *last ^= 1;
    }
    out.push(bad_sig);
    out.push(vec![0x84, 0x40, 0xa0, 0xf6, 0x40]);
    out
}

/// HC1 payloads (text): the COSE seeds wrapped, plus transport breakage.
pub fn payload_seeds() -> Vec<Vec<u8>> {
    let coses = cose_seeds();
    let mut out: Vec<Vec<u8>> = coses.iter().map(|c| hc1(c).into_bytes()).collect();
    let good = hc1(&coses[0]);
    out.push(good.trim_start_matches("HC1:").as_bytes().to_vec());
    out.push(format!("HC2:{}", &good[4..]).into_bytes());
    out.push(format!("HC1:{}", base45::encode(&coses[0])).into_bytes());
    out.push(good.as_bytes()[..good.len() / 2].to_vec());
    out.push(b"HC1:".to_vec());
    out.push(b"shc:/56762909524320603460292437404460".to_vec());
    out
}

/// Trust lists: DGCA JSON (bare and wrapped), PEM, DER.
/// The key that signs fuzzed signer lists (public test material).
pub fn list_signing_key() -> &'static SigningKey {
    static KEY: LazyLock<SigningKey> = LazyLock::new(|| SigningKey::from_slice(&[9u8; 32]).expect("valid scalar"));
    &KEY
}

/// The pinned list key, as the verifier holds it.
pub fn list_key() -> PublicKey {
    PublicKey::p256_from_sec1(list_signing_key().verifying_key().to_encoded_point(false).as_bytes())
        .expect("a valid point")
}

/// The pinned key of the `gdhcn_did` target: the TEST GDHCN signing key of
/// the fixtures (`fixtures/trust/gdhcn/signer/key.pem`, built in), so that
/// the fixtures' documents are seeds that verify.
pub fn gdhcn_anchor() -> &'static healthcert_core::trust::gdhcn::Anchor {
    static ANCHOR: LazyLock<healthcert_core::trust::gdhcn::Anchor> = LazyLock::new(|| {
        let pem = include_str!("../../../fixtures/trust/gdhcn/signer/key.pem");
        let key = healthcert_core::crypto::public_key_from_pem(pem).expect("the fixtures' GDHCN key");
        healthcert_core::trust::gdhcn::Anchor::key(key)
    });
    &ANCHOR
}

/// JSON-LD documents for the `jsonld` and `gdhcn_did` targets: a DID
/// document with a key and a reference, blank nodes, typed literals, a
/// list, language tags, an unknown context, an unknown term, and
/// non-JSON-LD JSON.
pub fn jsonld_seeds() -> Vec<Vec<u8>> {
    let did = "did:web:fuzz.test:v2:trustlist:DCC:XXT:DSC";
    let docs = [
        serde_json::json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
            "id": did, "controller": did,
            "verificationMethod": [
                {"id": format!("{did}#k1"), "type": "JsonWebKey2020", "controller": did,
                 "publicKeyJwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "x5c": ["AAEC"]}},
                "did:web:fuzz.test:v2:trustlist-ref:DCC"
            ],
            "proof": {"type": "JsonWebSignature2020", "created": "2026-08-01T00:00:00Z", "nonce": "n",
                      "proofPurpose": "assertionMethod", "verificationMethod": "did:web:fuzz.test:signing",
                      "jws": "eyJiNjQiOmZhbHNlLCJjcml0IjpbImI2NCJdLCJhbGciOiJFUzI1NiJ9..MEQCIA"}
        }),
        serde_json::json!({"@context": {"ex": "http://example.org/", "ex:n": {"@type": "http://www.w3.org/2001/XMLSchema#integer"}},
            "@graph": [{"ex:p": {"ex:q": "v"}}, {"@id": "_:b0", "ex:p": {"@id": "_:b1"}}, {"@id": "_:b1", "ex:p": {"@id": "_:b0"}}],
            "ex:n": 5, "ex:l": {"@list": [1, 2.5, true, "x"]}, "ex:s": {"@value": "y", "@language": "en"}}),
        serde_json::json!({"@context": "https://unknown.example/ctx", "a": 1}),
        serde_json::json!({"@context": ["https://www.w3.org/ns/did/v1"], "unknownTerm": "x", "id": "did:x:y"}),
        serde_json::json!([1, {"a": [null]}]),
    ];
    docs.iter().map(|d| serde_json::to_vec(d).expect("JSON")).collect()
}

/// `body` as a signed list: base64 DER signature line, then the body.
pub fn sign_list(body: &[u8]) -> Vec<u8> {
    let signature: Signature = list_signing_key().sign(body);
    let line = base64::engine::general_purpose::STANDARD.encode(signature.to_der().as_bytes());
    [line.as_bytes(), b"\n", body].concat()
}

/// Signed lists and list bodies: the trust-list seeds signed, and bare.
pub fn signed_list_seeds() -> Vec<Vec<u8>> {
    let bodies = trust_seeds();
    let mut out: Vec<Vec<u8>> = bodies.iter().map(|b| sign_list(b)).collect();
    out.extend(bodies);
    out.push(sign_list(br#"{"timestamp":"2026-09-01T10:00:00Z","certificates":[]}"#));
    out
}

pub fn trust_seeds() -> Vec<Vec<u8>> {
    let kid = base64::engine::general_purpose::STANDARD.encode(KID);
    let bare = serde_json::json!([
        {"kid": kid, "country": "XT", "certificateType": "DSC", "rawData": EC_CERT_B64},
        {"kid": "AAAAAAAAAAA=", "country": "XT", "rawData": RSA_CERT_B64},
        {"certificateType": "CSCA", "rawData": RSA_CERT_B64},
        {"kid": "not base64!", "rawData": EC_CERT_B64},
        {"rawData": "AAEC"}
    ]);
    let wrapped = serde_json::json!({"certificates": [{"kid": kid, "country": "XT", "rawData": EC_CERT_B64}]});
    let mut wrong_use = crate::shc::jwk();
    wrong_use["use"] = "enc".into();
    let jwks = serde_json::json!({"keys": [crate::shc::jwk(), wrong_use, {"kty": "EC", "crv": "P-384"}, 7]});
    let pem = |b64: &str| {
        let body: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
        format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", body.join("\n"))
    };
    vec![
        serde_json::to_vec(&bare).expect("JSON"),
        serde_json::to_vec(&wrapped).expect("JSON"),
        format!("{}{}", pem(EC_CERT_B64), pem(RSA_CERT_B64)).into_bytes(),
        der(EC_CERT_B64),
        der(RSA_CERT_B64),
        serde_json::to_vec(&jwks).expect("JSON"),
    ]
}

/// SMART Health Cards: `shc:/` codes and bare compact JWS signed by the
/// test issuer (valid, expired, not yet valid, a lab card, headers each
/// decoder reports on), one chunk, and broken numeric codes.
pub fn shc_seeds() -> Vec<Vec<u8>> {
    use crate::shc::{claims, immunization_bundle, kid, numeric, sign, sign_with_header};
    use serde_json::json;
    const DAY: i64 = 86_400;
    let valid = claims(NOW - DAY, immunization_bundle());
    let mut expired = valid.clone();
    expired["exp"] = (NOW - 1).into();
    let mut fractional = claims(NOW + DAY, immunization_bundle());
    fractional["nbf"] = json!((NOW + DAY) as f64 + 0.656);
    let lab = claims(NOW - DAY, fhir_seed_values().swap_remove(1));
    let mut jws: Vec<String> = [&valid, &expired, &fractional, &lab].iter().map(|c| sign(c)).collect();
    for header in [
        json!({"zip": "DEF", "alg": "ES256"}),
        json!({"zip": "DEF", "alg": "ES384", "kid": kid()}),
        json!({"alg": "ES256", "kid": kid()}),
        json!({"zip": "DEF", "alg": "ES256", "kid": kid(), "crit": ["x"]}),
    ] {
        jws.push(sign_with_header(&header, &valid));
    }
    let mut out: Vec<Vec<u8>> = jws.iter().map(|j| numeric(j).into_bytes()).collect();
    out.extend(jws.iter().take(2).map(|j| j.clone().into_bytes()));
    let whole = numeric(&jws[0]);
    out.push(format!("shc:/1/2/{}", &whole[5..5 + (whole.len() - 5) / 4 * 2]).into_bytes());
    out.push(format!("{}7", &whole[..whole.len() - 1]).into_bytes());
    out.push(b"shc:/5676290952432060346029243740446031222959532654603460292540772804336028702864716745".to_vec());
    out.push(b"shc:/99".to_vec());
    out
}

/// FHIR bundles of SMART Health Cards: an immunization card, a lab card,
/// and bundles broken the ways the structure check reports.
fn fhir_seed_values() -> Vec<serde_json::Value> {
    use serde_json::json;
    let lab = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "resource:0", "resource": {"resourceType": "Patient", "name": [{"text": "Erika Testperson"}]}},
        {"fullUrl": "resource:1", "resource": {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "94558-4"}]},
            "effectiveDateTime": "2026-08-31T10:00:00Z",
            "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "260415000"}]},
            "performer": [{"display": "Test Lab"}]}},
        {"fullUrl": "resource:2", "resource": {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"code": "718-7"}]}, "valueQuantity": {"value": 176, "unit": "g/L"}}}
    ]});
    let mut not_done = crate::shc::immunization_bundle();
    not_done["entry"][1]["resource"]["status"] = "not-done".into();
    not_done["entry"][2]["resource"]["protocolApplied"] = json!([{"doseNumberPositiveInt": 1, "seriesDosesPositiveInt": 2, "targetDisease": [{"coding": [{"code": "x"}]}]}]);
    vec![
        crate::shc::immunization_bundle(),
        lab,
        not_done,
        json!({"resourceType": "Bundle", "entry": []}),
        json!({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}, {"resource": {"resourceType": "Patient"}}, {"resource": 1}]}),
    ]
}

/// The `shc_fhir` seeds: the FHIR bundles as JSON.
pub fn shc_fhir_seeds() -> Vec<Vec<u8>> {
    fhir_seed_values().iter().map(|b| serde_json::to_vec(b).expect("JSON")).collect()
}

/// Seeds of the `text` target: a limit byte, then names and keys as a forger
/// writes them (escape sequences, bidi overrides, line breaks, long text).
pub fn text_seeds() -> Vec<Vec<u8>> {
    [
        "Erika Mustermann",
        "Erika\u{1b}[2J\u{1b}[HVALID\r\nMusterfrau",
        "\u{202e}gnirts\u{202c} \u{2066}x\u{2069}",
        "\u{9b}31m\u{0}\u{7}\u{8}\u{7f}\u{2028}",
        "\u{1b}]0;title\u{7}",
        "Ελληνικά 日本語 😀 \u{200d}\u{feff}\u{e0041}",
    ]
    .iter()
    .flat_map(|t| [0u8, 5, 160, 255].map(|max| [&[max][..], t.as_bytes()].concat()))
    .chain([[&[160u8][..], "x".repeat(2000).as_bytes()].concat()])
    .collect()
}

/// Date and date-time strings, valid and almost valid.
pub fn time_seeds() -> Vec<Vec<u8>> {
    [
        "2021-05-03T10:27:15Z",
        "2021-05-03t10:27:15.123456789+02:00",
        "2021-06-08T20:17:27.9906293Z",
        "2021-06-08T22:17:27+0200",
        "2021-06-08T22:17:27+02",
        "2021-06-08 22:17:27",
        "2021-06-08",
        "2016-12-31T23:59:60Z",
        "0000-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59-23:59",
        "2021-02-29",
        " 2021-06-08T20:17:27Z\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// DCC JSON documents.
pub fn schema_seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = dccs().iter().map(|d| serde_json::to_vec(d).expect("JSON")).collect();
    out.push(
        br#"{"ver":"1.2.1","nam":{"fn":"x","gnt":"x y"},"dob":"1899-01-01","v":[{"dn":10,"sd":0.5}],"t":[{}]}"#
            .to_vec(),
    );
    out.push(br#"{"ver":"1.0.0","nam":{"fnt":null},"dob":{},"t":[{"dr":{},"sc":1}]}"#.to_vec());
    out
}

/// A QR code of `payload` as a luma plane (dark 0, light 255), `scale`
/// pixels per module, a 4-module quiet zone; returns the plane and its side.
pub fn qr_plane(payload: &[u8], scale: usize) -> Option<(Vec<u8>, usize)> {
    let code = qrcode::QrCode::new(payload).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * scale;
    let mut plane = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % n + 4, i / n + 4);
            for row in y * scale..(y + 1) * scale {
                plane[row * side + x * scale..row * side + (x + 1) * scale].fill(0);
            }
        }
    }
    Some((plane, side))
}

/// `qr_segments` inputs: a version byte, then data bit streams of every mode
/// (numeric, alphanumeric, byte with and without ECI, Kanji, Hanzi,
/// structured append, FNC1), terminated and padded.
pub fn qr_segments_seeds() -> Vec<Vec<u8>> {
    fn pack(version: u8, fields: &[(u32, usize)]) -> Vec<u8> {
        let mut out = vec![version - 1];
        let mut n = 0usize;
        // The terminator, then the padding codewords.
        for &(v, w) in fields.iter().chain(&[(0, 4)]) {
            for i in (0..w).rev() {
                if n.is_multiple_of(8) {
                    out.push(0);
                }
                if (v >> i) & 1 == 1
                    && let Some(last) = out.last_mut()
                {
                    *last |= 0x80 >> (n % 8);
                }
                n += 1;
            }
        }
        out.extend([0xec, 0x11, 0xec, 0x11]);
        out
    }
    vec![
        pack(1, &[(0b0001, 4), (8, 10), (12, 10), (345, 10), (67, 7), (0, 4)]),
        pack(1, &[(0b0010, 4), (5, 9), (462, 11), (1849, 11), (2, 6), (0, 4)]),
        pack(1, &[(0b0100, 4), (3, 8), (0x41, 8), (0xe9, 8), (0x80, 8), (0, 4)]),
        pack(1, &[(0b0111, 4), (20, 8), (0b0100, 4), (2, 8), (0x93, 8), (0xfa, 8), (0b0111, 4), (26, 8)]),
        pack(10, &[(0b1000, 4), (2, 10), (0x12 * 0xc0 + 0x1f, 13), (0x23 * 0xc0 + 0x6a, 13), (0, 4)]),
        pack(27, &[(0b1101, 4), (1, 4), (2, 12), (0x30 * 0x60 + 0x2f, 13), (0x0a * 0x60, 13)]),
        pack(3, &[(0b0011, 4), (0, 4), (1, 4), (0x33, 8), (0b0101, 4), (0b0010, 4), (3, 9), (1, 11), (38, 6)]),
        pack(2, &[(0b1001, 4), (165, 8), (0b0111, 4), (0b10_000011, 8), (0x83, 8), (0b0100, 4), (1, 8), (0, 8)]),
    ]
}

/// A `scan` input: width and height (u16, little-endian), extra stride
/// bytes, then the plane (rows `width + extra` bytes apart).
pub fn scan_input(plane: &[u8], width: usize, height: usize, extra: u8) -> Vec<u8> {
    let stride = width + usize::from(extra);
    let mut out = Vec::with_capacity(5 + stride * height);
    out.extend_from_slice(&u16::try_from(width).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&u16::try_from(height).unwrap_or(u16::MAX).to_le_bytes());
    out.push(extra);
    for row in plane.chunks(width.max(1)).take(height) {
        out.extend_from_slice(row);
        out.extend(std::iter::repeat_n(0x80, usize::from(extra)));
    }
    out
}

/// Camera frames: QR codes of short texts, of an HC1 payload and of bytes,
/// at one and two pixels per module, with and without row padding; a blank
/// frame and a noisy one.
pub fn scan_seeds() -> Vec<Vec<u8>> {
    let hc1_text = payload_seeds().into_iter().next().unwrap_or_default();
    let mut out = Vec::new();
    for (payload, scales) in [
        (b"HC1:6BFOXN%TS3DH".to_vec(), &[1usize, 2][..]),
        (b"healthcert".to_vec(), &[2][..]),
        (vec![0x00, 0xff, 0xd2, 0x84, 0x80], &[2][..]),
        (hc1_text, &[1][..]),
    ] {
        for &scale in scales {
            if let Some((plane, side)) = qr_plane(&payload, scale) {
                out.push(scan_input(&plane, side, side, 0));
                if scale == 2 {
                    out.push(scan_input(&plane, side, side, 3));
                }
            }
        }
    }
    out.push(scan_input(&[255; 64 * 64], 64, 64, 0));
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..48 * 48)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x & 1 == 0 { 0 } else { 255 }
        })
        .collect();
    out.push(scan_input(&noise, 48, 48, 0));
    out
}

/// The payload of every QR code among [`PICTURE_FILES`].
pub const PICTURE_PAYLOAD: &str = "HC1:6BFOXN%TS3DH";

/// The committed seed pictures (`fuzz/seeds/picture/`, written by its
/// `make.py`): one small QR code in each PNG, JPEG, GIF and WebP layout the
/// decoder handles (grey, RGB with a colour profile, transparent RGBA,
/// palette, 16-bit; baseline 4:2:0, progressive, grey, CMYK, 4:4:4 with
/// Exif; GIF, animated GIF; lossless and lossy WebP), and the 335-byte JPEG
/// declaring 20 000 × 20 000 pixels.
pub const PICTURE_FILES: [(&str, &[u8]); 15] = [
    ("huge-20000.jpg", include_bytes!("../../../fuzz/seeds/picture/huge-20000.jpg")),
    ("qr-444-exif.jpg", include_bytes!("../../../fuzz/seeds/picture/qr-444-exif.jpg")),
    ("qr-baseline-420.jpg", include_bytes!("../../../fuzz/seeds/picture/qr-baseline-420.jpg")),
    ("qr-cmyk.jpg", include_bytes!("../../../fuzz/seeds/picture/qr-cmyk.jpg")),
    ("qr-grey-16bit.png", include_bytes!("../../../fuzz/seeds/picture/qr-grey-16bit.png")),
    ("qr-grey.jpg", include_bytes!("../../../fuzz/seeds/picture/qr-grey.jpg")),
    ("qr-grey.png", include_bytes!("../../../fuzz/seeds/picture/qr-grey.png")),
    ("qr-palette.png", include_bytes!("../../../fuzz/seeds/picture/qr-palette.png")),
    ("qr-progressive.jpg", include_bytes!("../../../fuzz/seeds/picture/qr-progressive.jpg")),
    ("qr-rgb-icc.png", include_bytes!("../../../fuzz/seeds/picture/qr-rgb-icc.png")),
    ("qr-rgba-transparent.png", include_bytes!("../../../fuzz/seeds/picture/qr-rgba-transparent.png")),
    ("qr.gif", include_bytes!("../../../fuzz/seeds/picture/qr.gif")),
    ("qr-animated.gif", include_bytes!("../../../fuzz/seeds/picture/qr-animated.gif")),
    ("qr-lossless.webp", include_bytes!("../../../fuzz/seeds/picture/qr-lossless.webp")),
    ("qr-lossy.webp", include_bytes!("../../../fuzz/seeds/picture/qr-lossy.webp")),
];

/// Seeds of the `picture` target.
pub fn picture_seeds() -> Vec<Vec<u8>> {
    PICTURE_FILES.iter().map(|(_, bytes)| bytes.to_vec()).collect()
}

/// Bytes from which the structured target builds its first inputs.
pub fn structured_seeds() -> Vec<Vec<u8>> {
    (0u8..16)
        .map(|i| {
            let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(i);
            (0..512)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect()
        })
        .collect()
}

/// Seeds of `trust_protocol`: each served fixture file of the rule service
/// and the DGCA status list, behind the selector byte of its parser.
pub fn trust_protocol_seeds(fixtures: &std::path::Path) -> Vec<Vec<u8>> {
    let with = |which: u8, bytes: &[u8]| [&[which][..], bytes].concat();
    let mut out = vec![
        with(0, b"AQID\nAAECAwQFBgc="),
        with(0, b"AQID"),
        with(1, br#"["AAECAwQFBgc=","+qpAHNwsg30="]"#),
        with(2, br#"[{"identifier":"VR-XT-0001","version":"1.0.0","country":"XT","hash":"ab"}]"#),
        with(3, br#"[{"id":"disease-agent-targeted","hash":"db7c"}]"#),
        with(4, br#"["DE","XT"]"#),
        with(5, b"{}"),
    ];
    for (which, file) in [(2, "rules.json"), (3, "valuesets.json"), (4, "countrylist.json")] {
        if let Ok(bytes) = std::fs::read(fixtures.join("trust/rules").join(file)) {
            out.push(with(which, &bytes));
        }
    }
    out
}

/// CertLogic seeds: `[expression, data]` pairs shaped like the EU rules.
pub fn certlogic_seeds() -> Vec<Vec<u8>> {
    use serde_json::json;
    let dcc = dccs()[0].clone();
    let data = json!({"payload": dcc, "external": {"validationClock": "2026-09-01T12:00:00Z",
        "valueSets": {"vaccines-covid-19-names": ["EU/1/20/1528"]}}});
    let exprs = [
        json!({"if": [{"var": "payload.v.0"}, {">=": [{"var": "payload.v.0.dn"}, {"var": "payload.v.0.sd"}]}, true]}),
        json!({"if": [{"var": "payload.v.0"}, {"in": [{"var": "payload.v.0.mp"}, {"var": "external.valueSets.vaccines-covid-19-names"}]}, true]}),
        json!({"if": [{"var": "payload.v.0"}, {"not-after": [{"plusTime": [{"var": "payload.v.0.dt"}, 14, "day"]}, {"plusTime": [{"var": "external.validationClock"}, 0, "day"]}, {"plusTime": [{"var": "payload.v.0.dt"}, 365, "day"]}]}, true]}),
        json!({"===": [{"reduce": [[{"var": "payload.r"}, {"var": "payload.t"}, {"var": "payload.v"}], {"+": [{"var": "accumulator"}, {"if": [{"var": "current.0"}, 1, 0]}]}, 0]}, 1]}),
        json!({"and": [{"var": "payload.dob"}, {"after": [{"dccDateOfBirth": [{"var": "payload.dob"}]}, {"plusTime": [{"var": "external.validationClock"}, -18, "year"]}]}]}),
        json!({"!": [{"===": [{"extractFromUVCI": [{"var": "payload.v.0.ci"}, 1]}, "XT"]}]}),
        json!({"if": [{"var": "x"}, {"frobnicate": [1]}, [1.5, null]]}),
    ];
    exprs.iter().map(|e| serde_json::to_vec(&json!([e, data])).expect("JSON")).collect()
}

/// ICAO VDS-NC seeds: a vaccination and a test seal signed by the test key
/// (with a certificate that chains to nothing), and a few broken ones.
pub fn icao_seeds() -> Vec<Vec<u8>> {
    let vacc = serde_json::json!({"hdr": {"t": "icao.vacc", "v": 1, "is": "UTO"}, "msg": {
        "uvci": "U32870", "pid": {"n": "Smith Bill", "dob": "1990-01-02", "sex": "M", "i": "A1234567Z"},
        "ve": [{"des": "XM68M6", "nam": "Comirnaty", "dis": "RA01.0", "vd": [
            {"dvc": "2021-03-03", "seq": 1, "ctr": "UTO", "adm": "RIVM / GGD", "lot": "VC35679", "dvn": "2021-04-03"}]}]}});
    let test = serde_json::json!({"hdr": {"t": "icao.test", "v": 1, "is": "UTO"}, "msg": {
        "utci": "U01932", "pid": {"n": "Smith Bill", "dob": "1990-01-02", "dt": "P", "dn": "A1234567Z"},
        "sp": {"spn": "General Hospital", "ctr": "UTO", "cd": {"p": "+1 555 0100", "e": "lab@example.org"}},
        "dat": {"sc": "2021-03-03T10:00:00Z", "ri": "2021-03-04T10:00:00Z"},
        "tr": {"tc": "molecular(PCR)", "r": "negative", "m": "nasopharyngeal"}, "opt": "é😀 a/b"}});
    let cer = crate::fixtures::dsc("dsc-ec-all");
    let mut out = Vec::new();
    for data in [vacc, test] {
        let canonical = healthcert_core::formats::icao::jcs::canonical(&data).expect("canonical");
        let seal = serde_json::json!({"data": data, "sig": {"alg": "ES256",
            "cer": healthcert_core::formats::codec::base64::encode_url(&cer),
            "sigvl": healthcert_core::formats::codec::base64::encode_url(&crate::hc1::sign(&canonical))}});
        out.push(seal.to_string().into_bytes());
    }
    out.push(br#"{"data":{"hdr":{},"msg":{}},"sig":{"alg":"ES512","cer":"MA==","sigvl":"AA"}}"#.to_vec());
    out.push(br#"{"data":{"hdr":{"v":1e400},"msg":[]},"sig":{}}"#.to_vec());
    out.push(br#"{"data":{"a":"\ud800"},"sig":{"alg":"ES256","cer":"MA","sigvl":"AA"}}"#.to_vec());
    out
}

/// A DIVOC-style credential: contexts credentials v1 and DIVOC's v1, a
/// subject, one vaccination and an `Ed25519Signature2018` proof whose
/// signature is not a real one (the fuzzer explores the reading, not the
/// key).
pub fn divoc_credential(subject_id: &str) -> serde_json::Value {
    serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://cowin.gov.in/credentials/vaccination/v1"],
        "type": ["VerifiableCredential", "ProofOfVaccinationCredential"],
        "credentialSubject": {"type": "Person", "id": subject_id, "refId": "12345", "name": "Testperson Fuzz",
            "gender": "Female", "age": "40", "nationality": "Utopian",
            "address": {"streetAddress": "", "district": "D", "addressRegion": "R", "addressCountry": "XT", "postalCode": 12345}},
        "issuer": "https://divoc.example/",
        "issuanceDate": "2026-06-01T10:00:00.000Z",
        "evidence": [{"id": "https://divoc.example/vaccine/1", "certificateId": "1", "type": ["Vaccination"],
            "batch": "B1", "vaccine": "VACCINE", "manufacturer": "Maker", "date": "2026-05-30T10:00:00.000Z",
            "effectiveStart": "2026-05-30", "effectiveUntil": "2027-05-30", "dose": 1, "totalDoses": 2,
            "verifier": {"name": "V"}, "facility": {"name": "F", "address": {"addressCountry": "XT"}}}],
        "nonTransferable": "true",
        "proof": {"type": "Ed25519Signature2018", "created": "2026-06-01T10:00:00Z", "verificationMethod": "did:fuzz",
            "proofPurpose": "assertionMethod",
            "jws": format!("eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..{}", "A".repeat(86))}
    })
}

/// A ZIP archive of `entries` (deflated).
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

/// DIVOC seeds: a credential zipped, as `B64:` text, as the archive's
/// bytes, and as those bytes read as ISO-8859-1 and UTF-8 encoded (as
/// Jamaica's codes hold them); a subject whose `id` drops it from what is
/// signed; an unknown context; an archive without `certificate.json`; a
/// compression bomb.
pub fn divoc_seeds() -> Vec<Vec<u8>> {
    use healthcert_core::formats::codec::base64;
    let good = serde_json::to_vec(&divoc_credential("did:example:holder")).expect("JSON");
    let unsigned_subject = serde_json::to_vec(&divoc_credential("")).expect("JSON");
    let mut unknown = divoc_credential("did:example:holder");
    unknown["@context"][1] = serde_json::Value::String("https://divoc.example/unknown/v1".into());
    let unknown = serde_json::to_vec(&unknown).expect("JSON");
    let zip = zip_of(&[("certificate.json", &good)]);
    let latin1_utf8: String = zip.iter().map(|&b| char::from(b)).collect();
    vec![
        format!("B64:{}", base64::encode(&zip)).into_bytes(),
        zip.clone(),
        latin1_utf8.into_bytes(),
        format!("B64:{}", base64::encode(&zip_of(&[("certificate.json", &unsigned_subject)]))).into_bytes(),
        format!("B64:{}", base64::encode(&zip_of(&[("certificate.json", &unknown)]))).into_bytes(),
        zip_of(&[("other.json", b"{}")]),
        zip_of(&[("certificate.json", &vec![b' '; 100_000])]),
    ]
}

/// Revocation slices: bloom filters and hash lists of a few hashes (the
/// latter also as the Java writer corrupts them), and a slice archive.
pub fn revocation_slice_seeds() -> Vec<Vec<u8>> {
    use healthcert_core::trust::revocation::{BloomFilter, HashList, archive};
    let hashes: Vec<[u8; 16]> = (0u8..5).map(|i| [i.wrapping_mul(61) ^ 0xf0; 16]).collect();
    let refs = || hashes.iter().map(|h| h.as_slice());
    let mut out = Vec::new();
    for p in [1e-2f32, 1e-12] {
        if let Ok(b) = BloomFilter::build(hashes.len(), p, refs()) {
            out.push(b.to_bytes());
        }
    }
    for (size, bug) in [(4u8, false), (4, true), (16, false)] {
        if let Ok(l) = HashList::write(refs(), size, 0.01, bug) {
            out.push(l);
        }
    }
    let entries: Vec<(String, Vec<u8>)> =
        out.iter().enumerate().map(|(i, b)| (format!("a2lk/null/{i:x}/{}", "ab".repeat(32)), b.clone())).collect();
    if let Ok(gz) = archive::write(entries.iter().map(|(n, b)| (n.as_str(), b.as_slice()))) {
        out.push(gz);
    }
    out
}
