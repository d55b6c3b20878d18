//! Malformed and hostile payloads: each yields a verdict with a clear
//! reason code — never a panic, never an unbounded allocation — and no
//! check detail repeats personal data.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use ciborium::Value;
use healthcert_core::model::{CheckKind, Outcome, Reason, ReasonClass, Status, Verdict};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::hc1::*;

fn verify(payload: &str) -> Verdict {
    let verifier = Verifier::new(store());
    verifier.verify(payload, &FixedClock::from_unix(NOW).unwrap()).expect("no operational fault")
}

fn failing(v: &Verdict) -> Vec<(CheckKind, Reason)> {
    v.failures().map(|c| (c.check, c.reason)).collect()
}

fn assert_decode_fails(payload: &str, reason: Reason) {
    let v = verify(payload);
    // A payload that may be a certificate of an unread format: can't tell.
    let status = if reason.class() == ReasonClass::Inconclusive { Status::Unknown } else { Status::Invalid };
    assert_eq!(v.status, status, "{reason}");
    assert_eq!(failing(&v), vec![(CheckKind::Decode, reason)], "{:?}", v.checks);
    assert_eq!(v.checks.len(), CheckKind::ALL.len(), "every check is listed");
    assert!(v.checks[1..].iter().all(|c| c.outcome == Outcome::Skipped && c.reason == Reason::DependencyFailed));
    assert!(v.certificate.is_none());
}

#[test]
fn hand_made_certificate_is_valid() {
    let v = verify(&hc1(&cose(cbor(&valid_claims()))));
    assert_eq!(v.status, Status::Valid, "{:?}", v.checks);
    let v = verify(&hc1(&untagged_cose(cbor(&valid_claims()))));
    assert_eq!(v.status, Status::Valid, "untagged COSE: {:?}", v.checks);
    let cwt_tagged =
        cbor(&Value::Tag(61, Box::new(ciborium::de::from_reader(&cose(cbor(&valid_claims()))[..]).unwrap())));
    assert_eq!(verify(&hc1(&cwt_tagged)).status, Status::Valid, "CWT tag 61 around tag 18");
}

#[test]
fn transport_layers() {
    let text_cases = [
        ("", Reason::PayloadEmpty),
        ("   \n", Reason::PayloadEmpty),
        ("HC2:6BFOXN%TS3DH", Reason::PrefixUnsupported),
        ("HL0:6BFOXN%TS3DH", Reason::FormatUnknown),
        ("NZCP:/1/2KCEVIQEIVVWK6JNGEASNICZAEP2KALYDZSGSZB2O5SWEOTOPJRXALTDN", Reason::FormatUnsupported),
        ("6BFOXN%TS3DH", Reason::NotAHealthCertificate),
        // SMART Health Cards: digit pairs, then a compact JWS (`eyJhbGciOi`
        // here: one part of three).
        ("shc:/5676290952432060", Reason::JwsMalformed),
        ("shc:/567", Reason::ShcNumericInvalid),
        ("shc:/5678", Reason::ShcNumericInvalid),
        ("shc:/1/2/5676", Reason::ShcChunkIncomplete),
        ("HC1:6BFOXN%TS3DHxyz", Reason::Base45Invalid),
        ("HC1:GGW", Reason::Base45Invalid),
    ];
    for (payload, reason) in text_cases {
        assert_decode_fails(payload, reason);
    }
    assert_decode_fails(&format!("HC1:{}", base45::encode([0x12, 0x34, 0x56])), Reason::NotCompressed);
    let cose = cose(cbor(&valid_claims()));
    assert_decode_fails(&format!("HC1:{}", base45::encode(&cose)), Reason::NotCompressed);
    let mut z = zlib(&cose);
    z.truncate(z.len() / 2);
    assert_decode_fails(&format!("HC1:{}", base45::encode(&z)), Reason::ZlibInvalid);
    // Cut on a base45 group boundary: valid base45 of a truncated stream.
    let full = hc1(&cose);
    let cut = 4 + (full.len() - 4) / 2 / 3 * 3;
    assert_decode_fails(&full[..cut], Reason::ZlibInvalid);
    // Cut anywhere else: the base45 itself is broken.
    assert_decode_fails(&full[..cut + 1], Reason::Base45Invalid);
}

#[test]
fn size_limits() {
    assert_decode_fails(&format!("HC1:{}", "A".repeat(17_000)), Reason::PayloadTooLarge);
    // 1 MiB of zeros compresses to ~1 KiB: a zlib bomb.
    let bomb = zlib(&vec![0u8; 1 << 20]);
    assert_decode_fails(&format!("HC1:{}", base45::encode(&bomb)), Reason::InflatedTooLarge);
    // A 60 KiB string inside the DCC fits the inflate cap and is refused by the schema.
    let mut dcc = dcc();
    dcc["nam"]["fn"] = serde_json::Value::String("X".repeat(60_000));
    let claims = claims(json_to_cbor(&dcc), Value::Integer((NOW - 1).into()), Value::Integer((NOW + 1).into()));
    let v = verify(&hc1(&cose(cbor(&claims))));
    assert_eq!(v.status, Status::Invalid);
    assert!(failing(&v).contains(&(CheckKind::Schema, Reason::SchemaInvalid)), "{:?}", v.checks);
}

#[test]
fn cbor_structure() {
    let mut deep = vec![0x81u8; 10_000];
    deep.push(0x00);
    // Not even the shape of a COSE_Sign1: refused before any nesting is read.
    assert_decode_fails(&hc1(&deep), Reason::CoseMalformed);
    // Nested 10 000 deep inside the unprotected header (label 3).
    let mut header = vec![0xd2, 0x84, 0x40, 0xa1, 0x03];
    header.extend(&deep);
    header.extend([0x41, 0x00, 0x40]);
    assert_decode_fails(&hc1(&header), Reason::CborTooDeep);
    // Nested 10 000 deep inside the DCC, inside a well-formed, signed CWT.
    let mut cwt = vec![0xa1, 0x39, 0x01, 0x03, 0xa1, 0x01, 0xa1, 0x61, b'v'];
    cwt.extend(&deep);
    assert_decode_fails(&hc1(&cose(cwt)), Reason::CborTooDeep);
    let tagged = cose(cbor(&valid_claims()));
    assert_decode_fails(&hc1(&tagged[..tagged.len() - 10]), Reason::CoseMalformed);
    assert_decode_fails(&hc1(&[0x83, 0x01, 0x02, 0x03]), Reason::CoseMalformed);
    assert_decode_fails(&hc1(&cbor(&Value::Tag(98, Box::new(Value::Array(vec![]))))), Reason::CoseMalformed);
    assert_decode_fails(&hc1(&cbor(&Value::Text("hello".into()))), Reason::CoseMalformed);
    let mut trailing = tagged.clone();
    trailing.push(0);
    assert_decode_fails(&hc1(&trailing), Reason::CoseMalformed);
    // A byte string header claiming 2^62 bytes: refused, not allocated.
    assert_decode_fails(&hc1(&[0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]), Reason::CoseMalformed);
}

#[test]
fn cwt_claims() {
    assert_decode_fails(&hc1(&cose(cbor(&Value::Array(vec![])))), Reason::CwtMalformed);
    let no_hcert = Value::Map(vec![(Value::Integer(1.into()), Value::Text("XT".into()))]);
    assert_decode_fails(&hc1(&cose(cbor(&no_hcert))), Reason::HcertMissing);
    let wrong_iss = Value::Map(vec![(Value::Integer(1.into()), Value::Integer(5.into()))]);
    assert_decode_fails(&hc1(&cose(cbor(&wrong_iss))), Reason::CwtMalformed);
    let dup = Value::Map(vec![
        (Value::Integer(1.into()), Value::Text("XT".into())),
        (Value::Integer(1.into()), Value::Text("XT".into())),
    ]);
    assert_decode_fails(&hc1(&cose(cbor(&dup))), Reason::CwtMalformed);
    let bytes_in_dcc = claims(
        Value::Map(vec![(Value::Text("ver".into()), Value::Bytes(vec![1]))]),
        Value::Integer(NOW.into()),
        Value::Integer(NOW.into()),
    );
    assert_decode_fails(&hc1(&cose(cbor(&bytes_in_dcc))), Reason::HcertMalformed);
    let int_keys = claims(
        Value::Map(vec![(Value::Integer(1.into()), Value::Text("x".into()))]),
        Value::Integer(NOW.into()),
        Value::Integer(NOW.into()),
    );
    assert_decode_fails(&hc1(&cose(cbor(&int_keys))), Reason::HcertMalformed);
}

#[test]
fn time_claims() {
    let dcc = json_to_cbor(&dcc());
    let case = |iat: Value, exp: Value| verify(&hc1(&cose(cbor(&claims(dcc.clone(), iat, exp)))));
    let validity = |v: &Verdict| v.check(CheckKind::Validity).map(|c| c.reason);
    let now = |d: i64| Value::Integer((NOW + d).into());
    assert_eq!(validity(&case(Value::Float(f64::NAN), now(10))), Some(Reason::TimeClaimInvalid));
    assert_eq!(validity(&case(now(-10), Value::Float(f64::INFINITY))), Some(Reason::TimeClaimInvalid));
    assert_eq!(validity(&case(now(-10), Value::Text("tomorrow".into()))), Some(Reason::TimeClaimInvalid));
    assert_eq!(validity(&case(now(-10), Value::Integer(u64::MAX.into()))), Some(Reason::TimeClaimInvalid));
    assert_eq!(validity(&case(now(-10), now(-1))), Some(Reason::Expired));
    assert_eq!(validity(&case(now(10), now(100))), Some(Reason::NotYetValid));
    assert_eq!(validity(&case(now(-10), Value::Float((NOW + 10) as f64 + 0.5))), Some(Reason::Ok));
    let no_exp =
        Value::Map(vec![(Value::Integer((-260).into()), Value::Map(vec![(Value::Integer(1.into()), dcc.clone())]))]);
    let v = verify(&hc1(&cose(cbor(&no_exp))));
    assert_eq!(validity(&v), Some(Reason::ExpiryMissing));
    assert_eq!(v.status, Status::Invalid);
}

#[test]
fn wrong_types_in_the_dcc_are_schema_failures() {
    let mut dcc = dcc();
    dcc["v"][0]["dn"] = serde_json::json!("two");
    dcc["dob"] = serde_json::json!(1964);
    let claims = claims(json_to_cbor(&dcc), Value::Integer((NOW - 1).into()), Value::Integer((NOW + 1).into()));
    let v = verify(&hc1(&cose(cbor(&claims))));
    assert_eq!(failing(&v), vec![(CheckKind::Schema, Reason::SchemaInvalid)], "{:?}", v.checks);
}

#[test]
fn signature_failures() {
    let mut tagged = cose(cbor(&valid_claims()));
    let last = tagged.len() - 1;
    tagged[last] ^= 1;
    let v = verify(&hc1(&tagged));
    assert_eq!(failing(&v), vec![(CheckKind::Signature, Reason::SignatureInvalid)]);
    assert_eq!(v.status, Status::Invalid);

    let other = Verifier::new(healthcert_core::trust::MemoryStore::new("empty"));
    let v = other.verify(&hc1(&cose(cbor(&valid_claims()))), &FixedClock::from_unix(NOW).unwrap()).unwrap();
    assert_eq!(v.status, Status::Unknown);
    assert_eq!(failing(&v), vec![(CheckKind::Issuer, Reason::IssuerUnknown)]);
    assert_eq!(v.check(CheckKind::Signature).unwrap().reason, Reason::NoTrustedKey);
}

#[test]
fn details_carry_no_personal_data() {
    let mut dcc = dcc();
    dcc["dob"] = serde_json::json!("1964-13-45");
    dcc["nam"]["fnt"] = serde_json::json!("testperson lowercase");
    dcc["v"][0]["dt"] = serde_json::json!("yesterday");
    let claims = claims(json_to_cbor(&dcc), Value::Integer((NOW - 1).into()), Value::Integer((NOW - 2).into()));
    let v = verify(&hc1(&cose(cbor(&claims))));
    assert_eq!(v.status, Status::Invalid);
    let details: String = v.checks.iter().map(|c| c.detail.clone()).collect::<Vec<_>>().join("\n");
    for secret in ["Testperson", "testperson", "Erika", "1964", "SECRETID", "yesterday"] {
        assert!(!details.contains(secret), "{secret} appears in check details:\n{details}");
    }
    let debug = format!("{v:?}");
    for secret in ["Testperson", "Erika", "1964", "SECRETID"] {
        assert!(!debug.contains(secret), "{secret} appears in Debug output");
    }
}

#[test]
fn a_clock_at_the_end_of_time_with_a_skew_does_not_overflow() {
    let options = healthcert_core::VerifyOptions { clock_skew: time::Duration::hours(1), ..Default::default() };
    let verifier = Verifier::with_options(store(), options);
    let end = FixedClock(time::PrimitiveDateTime::MAX.assume_utc());
    let v = verifier.verify(&hc1(&cose(cbor(&valid_claims()))), &end).unwrap();
    assert_eq!(v.check(CheckKind::Validity).unwrap().reason, Reason::Expired);
}
