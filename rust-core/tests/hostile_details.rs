//! Check details never carry certificate text: hostile map keys, text
//! algorithm labels, made-up context identifiers and trust-list countries
//! are named by position, size or a fixed placeholder, never repeated.
//! (A detail is shown to the inspector and logged; the certificate's text
//! is the forger's and may be personal data or a fake verdict.)

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use ciborium::Value;
use healthcert_core::model::{CheckKind, Reason, Status, Verdict};
use healthcert_core::trust::{KeyUsage, MemoryStore, SignerKey};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::hc1::*;

/// Texts a forger would plant: a fake verdict drawn with escape
/// sequences, a line break, a bidi override, a name and birth date.
const HOSTILE: [&str; 5] =
    ["\u{1b}[2J\u{1b}[HVALID", "Erika\nVALID", "\u{202e}DILAV", "Musterfrau 1964-08-12", "\u{0}\u{7}\u{9b}"];
/// Substrings none of which may appear in any detail.
const SECRETS: [&str; 7] = ["Erika", "Musterfrau", "1964", "VALID", "DILAV", "\u{1b}", "\n"];

fn verify_with(store: MemoryStore, payload: &str) -> Verdict {
    Verifier::new(store).verify(payload, &FixedClock::from_unix(NOW).unwrap()).expect("no operational fault")
}

fn assert_clean(v: &Verdict) {
    for c in &v.checks {
        for s in SECRETS {
            assert!(!c.detail.contains(s), "{:?} detail holds {s:?}: {:?}", c.check, c.detail);
        }
        assert!(!c.detail.chars().any(|ch| ch.is_control()), "{:?}", c.detail);
    }
    let json = serde_json::to_value(v).unwrap();
    for c in json["checks"].as_array().unwrap() {
        let d = c["detail"].as_str().unwrap();
        assert!(!SECRETS.iter().any(|s| d.contains(s)), "{d}");
    }
}

/// The test DCC with `key: value` added to the object at `pointer`.
fn with_entry(pointer: &str, key: &str, value: Value) -> Value {
    let mut dcc = json_to_cbor(&dcc());
    let mut at = &mut dcc;
    for segment in pointer.split('/').filter(|s| !s.is_empty()) {
        at = match at {
            Value::Map(entries) => &mut entries.iter_mut().find(|(k, _)| k.as_text() == Some(segment)).unwrap().1,
            Value::Array(items) => &mut items[segment.parse::<usize>().unwrap()],
            _ => panic!("no {segment}"),
        };
    }
    let Value::Map(entries) = at else { panic!("{pointer} is not a map") };
    entries.push((Value::Text(key.to_owned()), value));
    dcc
}

fn payload(dcc: Value) -> String {
    hc1(&cose(cbor(&claims(dcc, Value::Integer((NOW - 86_400).into()), Value::Integer((NOW + 86_400).into())))))
}

#[test]
fn unknown_map_keys_are_a_placeholder_in_json_pointers() {
    for pointer in ["", "/nam", "/v/0"] {
        for key in HOSTILE {
            // A byte string has no JSON form: the decoder says where it is.
            let v = verify_with(store(), &payload(with_entry(pointer, key, Value::Bytes(vec![1]))));
            assert_eq!(v.status, Status::Invalid);
            let decode = v.check(CheckKind::Decode).unwrap();
            assert_eq!(decode.reason, Reason::HcertMalformed);
            assert!(decode.detail.contains(&format!("{pointer}/<unknown key>")), "{}", decode.detail);
            assert_clean(&v);

            // A duplicate of a hostile key (ciborium writes both).
            let mut dup = with_entry(pointer, key, Value::Integer(1.into()));
            let Value::Map(top) = &mut dup else { unreachable!() };
            if pointer.is_empty() {
                top.push((Value::Text(key.to_owned()), Value::Integer(2.into())));
                let v = verify_with(store(), &payload(dup));
                assert!(v.check(CheckKind::Decode).unwrap().detail.contains("duplicate key"));
                assert_clean(&v);
            }
        }
    }
    // Keys the schema knows are still named.
    let v = verify_with(store(), &payload(with_entry("/nam", "gnt", Value::Bytes(vec![1]))));
    let detail = &v.check(CheckKind::Decode).unwrap().detail;
    assert!(detail.contains("/nam/gnt"), "{detail}");
}

#[test]
fn hostile_values_and_unknown_keys_pass_through_the_schema_check_unnamed() {
    let mut dcc = dcc();
    for (i, h) in HOSTILE.iter().enumerate() {
        dcc[format!("x{i}{h}")] = serde_json::json!(h);
    }
    dcc["nam"]["gnt"] = serde_json::json!(HOSTILE[0]);
    dcc["nam"]["gn"] = serde_json::json!(HOSTILE[1].repeat(20));
    dcc["dob"] = serde_json::json!(HOSTILE[3]);
    dcc["v"][0]["dt"] = serde_json::json!(HOSTILE[2]);
    let v = verify_with(store(), &payload(json_to_cbor(&dcc)));
    assert_eq!(v.check(CheckKind::Schema).unwrap().reason, Reason::SchemaInvalid);
    assert_clean(&v);
}

/// A COSE_Sign1 whose protected header declares `alg` as text.
fn text_alg_cose(alg: &str) -> Vec<u8> {
    let protected = cbor(&Value::Map(vec![
        (Value::Integer(1.into()), Value::Text(alg.to_owned())),
        (Value::Integer(4.into()), Value::Bytes(KID.to_vec())),
    ]));
    let msg = Value::Array(vec![
        Value::Bytes(protected),
        Value::Map(Vec::new()),
        Value::Bytes(cbor(&valid_claims())),
        Value::Bytes(vec![0; 64]),
    ]);
    cbor(&Value::Tag(18, Box::new(msg)))
}

#[test]
fn text_algorithms_context_identifiers_and_countries_are_not_repeated() {
    for h in HOSTILE {
        let v = verify_with(store(), &hc1(&text_alg_cose(h)));
        let sig = v.check(CheckKind::Signature).unwrap();
        assert_eq!(sig.reason, Reason::AlgorithmUnsupported);
        assert!(sig.detail.contains(&format!("text string of {} bytes", h.len())), "{}", sig.detail);
        assert_clean(&v);
    }
    // A made-up context identifier is counted, a known one named.
    let v = verify_with(store(), "ERIKA:1964");
    assert_eq!(v.check(CheckKind::Decode).unwrap().reason, Reason::FormatUnknown);
    assert!(!v.checks[0].detail.contains("ERIKA"), "{}", v.checks[0].detail);
    assert!(verify_with(store(), "NZCP:/1/2KCEVIQ").checks[0].detail.contains("NZCP:/"));

    // A trust list's country that is not a country code is not repeated.
    let hostile_country = MemoryStore::from_signers(
        "test",
        [SignerKey { country: Some(HOSTILE[0].into()), ..signer(public_key(), KeyUsage::default()) }],
    );
    let v = verify_with(hostile_country, &hc1(&cose(cbor(&valid_claims()))));
    assert_eq!(v.status, Status::Valid);
    assert!(v.check(CheckKind::Issuer).unwrap().detail.contains("country unknown"));
    assert_clean(&v);
}

/// SMART Health Cards: a JWS header's `alg` and `zip` are never repeated
/// (a registered JOSE name is); the card's issuer, named with its key when
/// that key is unknown, is escaped.
#[test]
fn shc_header_text_is_not_repeated_and_the_issuer_is_escaped() {
    use healthcert_test_support::shc;
    let claims = shc::claims(NOW - 86_400, shc::immunization_bundle());
    for h in HOSTILE {
        let jws = shc::sign_with_header(&serde_json::json!({"zip": "DEF", "alg": h, "kid": shc::kid()}), &claims);
        let v = verify_with(shc::store(), &shc::numeric(&jws));
        let sig = v.check(CheckKind::Signature).unwrap();
        assert_eq!(sig.reason, Reason::AlgorithmUnsupported);
        assert!(sig.detail.contains(&format!("text of {} bytes", h.len())), "{}", sig.detail);
        assert_clean(&v);

        let jws = shc::sign_with_header(&serde_json::json!({"zip": h, "alg": "ES256", "kid": shc::kid()}), &claims);
        let v = verify_with(shc::store(), &shc::numeric(&jws));
        assert_eq!(v.check(CheckKind::Decode).unwrap().reason, Reason::JwsZipUnsupported);
        assert_clean(&v);

        let mut forged = claims.clone();
        forged["iss"] = (*h).into();
        let v = verify_with(shc::store(), &shc::numeric(&shc::sign(&forged)));
        let issuer = v.check(CheckKind::Issuer).unwrap();
        assert_eq!(issuer.reason, Reason::IssuerUnknown);
        assert!(!issuer.detail.chars().any(|c| c.is_control() || c == '\u{202e}'), "{:?}", issuer.detail);
    }
    let jws = shc::sign_with_header(&serde_json::json!({"zip": "DEF", "alg": "RS256", "kid": shc::kid()}), &claims);
    let v = verify_with(shc::store(), &shc::numeric(&jws));
    assert!(v.check(CheckKind::Signature).unwrap().detail.contains("RS256"), "a JOSE name is named");
}
