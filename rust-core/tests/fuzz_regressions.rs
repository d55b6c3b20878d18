//! Reproducers of what fuzzing found (docs/fuzzing.md, "Findings"), as
//! regular tests. Each names the target that found it and its minimised
//! input.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::formats::hcert::transport;
use healthcert_core::model::{CheckKind, Reason};
use healthcert_core::time_parse::{self, format_utc, lenient, rfc3339};
use healthcert_core::{FixedClock, Limits, Verifier, VerifyOptions};
use healthcert_test_support::hc1::*;

/// `transport`, minimised input `00 00 78 01`: an inflate cap below 63
/// panicked (`usize::clamp(64, cap + 1)` with min > max) before reading the
/// stream. `Limits::max_inflated_len` is public, so any caller choosing a
/// small cap hit it on every payload.
#[test]
fn inflate_with_a_cap_below_64() {
    assert_eq!(transport::inflate(&[0x78, 0x01], 0).unwrap_err().reason, Reason::ZlibInvalid);
    let hello = zlib(b"hello world");
    for cap in 0..11 {
        assert_eq!(transport::inflate(&hello, cap).unwrap_err().reason, Reason::InflatedTooLarge, "cap {cap}");
    }
    assert_eq!(transport::inflate(&hello, 11).unwrap(), b"hello world");
    assert_eq!(transport::inflate(&zlib(b""), 0).unwrap(), b"");

    // Through the verifier, with the limit set by a caller.
    let options = VerifyOptions { limits: Limits { max_inflated_len: 8, ..Limits::DEFAULT }, ..Default::default() };
    let verifier = Verifier::with_options(store(), options);
    let v = verifier.verify(&hc1(&cose(cbor(&valid_claims()))), &FixedClock::from_unix(NOW).unwrap()).unwrap();
    assert_eq!(v.check(CheckKind::Decode).unwrap().reason, Reason::InflatedTooLarge);
}

/// `time_parse`, minimised inputs `9999-12-31T23:59:59-00:01` and
/// `0000-01-01T00:00:00+00:01`: both are RFC 3339, but their UTC instant
/// lies in year 10000 or -1. `format_utc` panicked on the first (`time`'s
/// `to_offset` out of range) and wrote `-001-12-31T23:59:00Z`, which is not
/// RFC 3339, for the second. A `--at` argument or a conformance case's
/// `VALIDATIONCLOCK` reaches it through `lenient` and the verdict's clock.
#[test]
fn formatting_instants_at_the_ends_of_the_year_range() {
    for (text, formatted) in [
        ("9999-12-31T23:59:59-00:01", "9999-12-31T23:59:59-00:01"),
        ("9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59-23:59"),
        ("0000-01-01T00:00:00+00:01", "0000-01-01T00:00:00+00:01"),
        ("0000-01-01T00:00:00+23:59", "0000-01-01T00:00:00+23:59"),
        ("9999-12-31T23:59:59+00:01", "9999-12-31T23:58:59Z"),
        ("2021-06-08T22:17:27+02:00", "2021-06-08T20:17:27Z"),
    ] {
        let t = rfc3339(text).unwrap();
        assert_eq!(format_utc(t), formatted);
        assert_eq!(rfc3339(&format_utc(t)), Some(t), "{text} round-trips");
        assert_eq!(lenient(text), Some(t));
    }

    // The verdict records (and serialises) such a clock without panicking.
    let clock = FixedClock(time_parse::lenient("9999-12-31T23:59:59-00:01").unwrap());
    let v = Verifier::new(store()).verify(&hc1(&cose(cbor(&valid_claims()))), &clock).unwrap();
    assert_eq!(v.check(CheckKind::Validity).unwrap().reason, Reason::Expired);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["clock"], "9999-12-31T23:59:59-00:01");
}

/// `transport` (stable smoke loop, mutant of an HC1 seed), minimised input
/// `"LJ"`: base45 text whose final character pair is worth more than 255
/// (L=21, J=19: 21 + 19 × 45 = 876) decoded to 876 mod 256 = 0x6c, the same
/// byte as the canonical `"I2"`. RFC 9285 has a pair encode one byte; the
/// `base45` crate (3.2.0) truncates instead of refusing, which let two
/// different QR texts carry one certificate. Now refused, like `"GGW"`.
#[test]
fn base45_final_pair_over_255() {
    assert_eq!(transport::base45("I2").unwrap(), [0x6c]);
    assert_eq!(transport::base45("LJ").unwrap_err().reason, Reason::Base45Invalid);
    assert_eq!(transport::base45("::").unwrap_err().reason, Reason::Base45Invalid);
    assert_eq!(transport::base45("U5").unwrap(), [0xff], "255 itself is a byte");
    assert_eq!(transport::base45("V5").unwrap_err().reason, Reason::Base45Invalid, "256 is not");

    // A real payload (one whose compressed length is odd, so that its base45
    // ends in a pair) with its final pair swapped for a non-canonical one.
    let text = (0..64)
        .map(|d| {
            let c = claims(
                json_to_cbor(&dcc()),
                ciborium::Value::Integer((NOW - d).into()),
                ciborium::Value::Integer((NOW + 86_400).into()),
            );
            hc1(&cose(cbor(&c)))
        })
        .find(|t| t.len() % 3 == (4 + 2) % 3)
        .expect("some compressed length is odd");
    let body = &text[4..];
    let canonical = transport::base45(body).unwrap();
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    // The same byte value plus 256: c + 45·d = last + 256.
    let v = u32::from(*canonical.last().unwrap()) + 256;
    let pair = [alphabet[(v % 45) as usize], alphabet[(v / 45) as usize]];
    let forged = format!("HC1:{}{}", &body[..body.len() - 2], std::str::from_utf8(&pair).unwrap());
    let clock = FixedClock::from_unix(NOW).unwrap();
    assert_eq!(Verifier::new(store()).verify(&text, &clock).unwrap().status, healthcert_core::Status::Valid);
    let v = Verifier::new(store()).verify(&forged, &clock).unwrap();
    assert_eq!(v.check(CheckKind::Decode).unwrap().reason, Reason::Base45Invalid);
}

/// Found while sizing the `cose` and `verify_payload` corpora, not by an
/// assertion: the CWT duplicate-claim check compared every key with every
/// earlier one. A claims set of 16 000 distinct integer keys (64 KiB, the
/// inflate cap) took ~1 s to decode in a release build, ~70 ms for the 4 000
/// keys that fit a 16 KiB HC1 payload. Duplicates are now found by sorting
/// the keys' encodings; this test runs in milliseconds instead of many
/// seconds (debug build) and checks that duplicates are still refused
/// wherever they are.
#[test]
fn many_distinct_claims_decode_in_linear_time() {
    use ciborium::Value;
    let hcert = Value::Map(vec![(Value::Integer(1.into()), json_to_cbor(&dcc()))]);
    let many = |extra: Option<Value>| {
        let mut entries: Vec<(Value, Value)> =
            (0..16_000i64).map(|i| (Value::Integer((i + 10).into()), Value::Null)).collect();
        entries.push((Value::Integer((-260).into()), hcert.clone()));
        entries.extend(extra.map(|k| (k, Value::Null)));
        cbor(&Value::Map(entries))
    };
    let limits = Limits { max_inflated_len: usize::MAX, ..Limits::DEFAULT };
    let decode =
        |cwt: Vec<u8>| healthcert_core::formats::hcert::cwt::parse(&cwt, &limits).map(|_| ()).map_err(|f| f.reason);
    assert_eq!(decode(many(None)), Ok(()));
    assert_eq!(decode(many(Some(Value::Integer(15_999.into())))), Err(Reason::CwtMalformed));
    assert_eq!(decode(many(Some(Value::Integer((-260).into())))), Err(Reason::CwtMalformed));
    assert_eq!(decode(many(Some(Value::Text("x".into())))), Ok(()));
    let texts = |n: usize, dup: bool| {
        let mut entries: Vec<(Value, Value)> = (0..n).map(|i| (Value::Text(format!("k{i}")), Value::Null)).collect();
        entries.push((Value::Integer((-260).into()), hcert.clone()));
        if dup {
            entries.insert(0, (Value::Text(format!("k{}", n - 1)), Value::Bool(true)));
        }
        cbor(&Value::Map(entries))
    };
    assert_eq!(decode(texts(8_000, false)), Ok(()));
    assert_eq!(decode(texts(8_000, true)), Err(Reason::CwtMalformed));
}
