//! The oracle: what the model predicts of a verdict, and the checks of the
//! verdict against it (on top of the invariants every verdict satisfies).

use ciborium::Value;
use healthcert_core::formats::PrefixPolicy;
use healthcert_core::formats::hcert;
use healthcert_core::model::{Outcome, Reason};
use healthcert_core::{CheckKind, Limits, Verdict};
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::build::{envelope, transport};
use super::input::{Hc1Input, contains_canary};
use crate::fuzz::invariants::check_verdict;
use crate::fuzz::seeds::{self, NOW};

/// What the model predicts of decoding the claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Expect {
    /// Decodes.
    Pass,
    /// Decodes, or is refused with one of these reasons: for nesting past
    /// the limit in a part a streaming reader may skip without descending,
    /// and for duplicate keys in a nested map, which a reader may ignore
    /// (RFC 8949 §5.6 leaves it to the application) or refuse.
    PassOr(Vec<Reason>),
    /// Refused, with one of these reasons (`None`: any). Several problems
    /// may be present; which one a reader meets first is its own business.
    Fail(Option<Vec<Reason>>),
    /// The model cannot tell.
    Unknown,
}

/// Expected validity reason from `iat`/`exp` at [`NOW`] (the fuzzing signer
/// has no validity window).
fn expected_validity(iat: Option<Value>, exp: Option<Value>) -> Reason {
    enum T {
        Absent,
        Invalid,
        At(i64),
    }
    fn instant(v: &Value) -> T {
        let secs = match v {
            Value::Tag(1, inner) => return instant(inner),
            Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
            Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(f.trunc() as i64),
            _ => None,
        };
        match secs.map(OffsetDateTime::from_unix_timestamp) {
            Some(Ok(t)) => T::At(t.unix_timestamp()),
            _ => T::Invalid,
        }
    }
    let read = |v: Option<Value>| v.as_ref().map_or(T::Absent, instant);
    let exp = match read(exp) {
        T::Absent => return Reason::ExpiryMissing,
        T::Invalid => return Reason::TimeClaimInvalid,
        T::At(t) => t,
    };
    let iat = match read(iat) {
        T::Absent => return Reason::IssuedAtMissing,
        T::Invalid => return Reason::TimeClaimInvalid,
        T::At(t) => t,
    };
    if NOW > exp {
        Reason::Expired
    } else if iat > NOW {
        Reason::NotYetValid
    } else {
        Reason::Ok
    }
}

fn reason_of(v: &Verdict, kind: CheckKind) -> Reason {
    v.check(kind).map_or(Reason::Ok, |c| c.reason)
}

/// Builds, verifies and checks one structured input.
pub fn verify_hc1_structured(input: &Hc1Input) {
    let built = input.claims.build();
    let cwt = seeds::cbor(&built.claims);
    let cose = envelope(cwt.clone(), input.envelope.as_ref());
    let text = transport(&cose, input.transport.as_ref());

    let verdict = seeds::verifier().verify(&text, &seeds::clock()).expect("no operational fault");
    check_verdict(&verdict);

    // Personal data stays out of details and Debug.
    if !built.canary_elsewhere {
        for c in &verdict.checks {
            assert!(!contains_canary(&c.detail), "personal data in the {:?} detail: {}", c.check, c.detail);
        }
        assert!(!contains_canary(&format!("{verdict:?}")), "personal data in the verdict's Debug");
    }

    // The model's predictions hold only for a proper envelope and transport
    // within the size limits.
    let limits = Limits::DEFAULT;
    if input.envelope.is_some() || input.transport.is_some() {
        return;
    }
    if text.len() > limits.max_payload_len {
        assert_eq!(verdict.checks[0].reason, Reason::PayloadTooLarge);
        return;
    }
    if cose.len() > limits.max_inflated_len {
        assert_eq!(verdict.checks[0].reason, Reason::InflatedTooLarge);
        return;
    }
    let decode = &verdict.checks[0];
    let passed = decode.outcome == Outcome::Pass;
    let expected = match &built.decode {
        Expect::Pass => passed,
        Expect::PassOr(reasons) => passed || reasons.contains(&decode.reason),
        Expect::Fail(None) => !passed,
        Expect::Fail(Some(reasons)) => reasons.contains(&decode.reason),
        Expect::Unknown => return,
    };
    assert!(expected, "decode gave {} ({}), the model expects {:?}", decode.reason, decode.detail, built.decode);
    if !passed {
        return;
    }

    // A proper envelope: the fuzzing key signed it.
    assert_eq!(verdict.checks[1].outcome, Outcome::Pass, "{:?}", verdict.checks[1]);
    assert_eq!(verdict.checks[2].outcome, Outcome::Pass, "{:?}", verdict.checks[2]);

    let claim = |k: i64| match &built.claims {
        Value::Map(m) => m.iter().find(|(key, _)| *key == Value::Integer(k.into())).map(|(_, v)| v.clone()),
        _ => None,
    };
    assert_eq!(reason_of(&verdict, CheckKind::Validity), expected_validity(claim(6), claim(4)));

    let Some(json) = built.json else { return };
    let decoded = hcert::decode(&text, PrefixPolicy::Required, &limits).expect("decodes as the verdict said");
    let payload = decoded.document.rules_input().map(|i| i.payload);
    assert_eq!(payload, Some(&json), "the DCC decodes to the JSON the model wrote");

    let groups = ["v", "t", "r"].iter().filter(|k| json.get(**k).is_some_and(|g| !g.is_null())).count();
    let key_usage = if groups == 1 { Reason::Ok } else { Reason::CertificateTypeAmbiguous };
    assert_eq!(reason_of(&verdict, CheckKind::KeyUsage), key_usage);
    let schema = if groups != 1 {
        Reason::GroupCount
    } else {
        // The verifier's default: tolerated deviations pass with a warning.
        match hcert::schema::validate_tolerant(&json) {
            Ok(v) if v.deviations.is_empty() => Reason::Ok,
            Ok(_) => Reason::SchemaDeviation,
            Err(e) => e.reason,
        }
    };
    assert_eq!(reason_of(&verdict, CheckKind::Schema), schema, "{:?}", verdict.check(CheckKind::Schema));
    let cert = verdict.certificate.as_ref().expect("decoded");
    assert_eq!(cert.extra("ver"), json.get("ver").and_then(Json::as_str));
}
