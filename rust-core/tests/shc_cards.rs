//! SMART Health Cards made in the test (the test issuer of
//! `healthcert_test_support::shc`), so that every rule is checked without
//! the external test data: a valid card, its time claims, its header, the
//! issuer lookup, chunks, and a JWK signer kept in the SQLite store.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::formats::shc::{self, ChunkProgress, ShcChunks};
use healthcert_core::model::{CertificateType, Event, Outcome};
use healthcert_core::trust::file::{self, LoadReport};
use healthcert_core::trust::store::SqliteStore;
use healthcert_core::trust::update::{SignerChange, SignerRecord};
use healthcert_core::trust::{MemoryStore, SourceKind, TrustStore};
use healthcert_core::{CheckKind, FixedClock, Reason, Status, Verdict, Verifier};
use healthcert_test_support::fixtures::{signers, source};
use healthcert_test_support::shc::{self as card, ISSUER};
use serde_json::{Value, json};

/// 2026-09-01T12:00:00Z.
const NOW: i64 = 1_788_264_000;
const DAY: i64 = 86_400;

fn verify_with<S: TrustStore>(store: S, payload: &str) -> Verdict {
    Verifier::new(store).verify(payload, &FixedClock::from_unix(NOW).unwrap()).unwrap()
}

fn verify(payload: &str) -> Verdict {
    verify_with(card::store(), payload)
}

fn valid_claims() -> Value {
    card::claims(NOW - DAY, card::immunization_bundle())
}

fn reason(v: &Verdict, kind: CheckKind) -> Reason {
    v.check(kind).unwrap().reason
}

#[test]
fn a_card_verifies_and_is_normalized() {
    let v = verify(&card::numeric(&card::sign(&valid_claims())));
    assert_eq!(v.status, Status::Valid, "{:#?}", v.checks);
    assert_eq!(v.format, shc::ID);
    assert_eq!(v.trust.signer.as_ref().unwrap().kid, card::kid());
    let c = v.certificate.as_ref().unwrap();
    assert_eq!(c.kind, Some(CertificateType::Vaccination));
    assert_eq!(c.holder.name, "Erika Testperson");
    assert_eq!(c.holder.date_of_birth.as_deref(), Some("1964-08-12"));
    assert_eq!(c.extra("fhirVersion"), Some("4.0.1"));
    assert_eq!((c.issuer.as_deref(), c.issuer_country.as_deref()), (Some(ISSUER), None));
    assert_eq!(c.issued_at.unwrap().unix_timestamp(), NOW - DAY);
    assert_eq!(c.expires_at, None);
    assert_eq!(c.events.len(), 2);
    let Event::Vaccination(first) = &c.events[0] else { panic!("a vaccination") };
    let vaccine = first.vaccine.as_ref().unwrap();
    assert_eq!((vaccine.code.as_str(), vaccine.system.as_deref()), ("207", Some("http://hl7.org/fhir/sid/cvx")));
    assert_eq!(first.issuer.as_deref(), Some(ISSUER));
    // No personal data in details.
    for check in &v.checks {
        for secret in ["Erika", "Testperson", "1964", "SECRETLOT"] {
            assert!(!check.detail.contains(secret), "{check:?}");
        }
    }
    assert!(!format!("{v:?}").contains("Testperson"));
}

#[test]
fn time_claims() {
    let with = |nbf: Option<i64>, exp: Option<i64>| {
        let mut claims = valid_claims();
        claims.as_object_mut().unwrap().remove("nbf");
        if let Some(n) = nbf {
            claims["nbf"] = n.into();
        }
        if let Some(e) = exp {
            claims["exp"] = e.into();
        }
        verify(&card::numeric(&card::sign(&claims)))
    };
    assert_eq!(with(Some(NOW - DAY), Some(NOW + DAY)).status, Status::Valid);
    assert_eq!(reason(&with(Some(NOW - DAY), Some(NOW - 1)), CheckKind::Validity), Reason::Expired);
    assert_eq!(reason(&with(Some(NOW + DAY), None), CheckKind::Validity), Reason::NotYetValid);
    assert_eq!(reason(&with(None, None), CheckKind::Validity), Reason::IssuedAtMissing);
    let mut text_nbf = valid_claims();
    text_nbf["nbf"] = "yesterday".into();
    assert_eq!(reason(&verify(&card::numeric(&card::sign(&text_nbf))), CheckKind::Validity), Reason::TimeClaimInvalid);
}

#[test]
fn header_and_key_lookup() {
    let claims = valid_claims();
    let header = |h: Value| verify(&card::numeric(&card::sign_with_header(&h, &claims)));
    let no_kid = header(json!({"zip": "DEF", "alg": "ES256"}));
    assert_eq!(reason(&no_kid, CheckKind::Signature), Reason::KidMissing);
    let es384 = header(json!({"zip": "DEF", "alg": "ES384", "kid": card::kid()}));
    assert_eq!(reason(&es384, CheckKind::Signature), Reason::AlgorithmUnsupported);
    let other_kid = header(json!({"zip": "DEF", "alg": "ES256", "kid": "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"}));
    assert_eq!(reason(&other_kid, CheckKind::Issuer), Reason::IssuerUnknown);
    assert_eq!(other_kid.status, Status::Unknown);

    // The card's iss decides which issuer's keys are looked at.
    let mut elsewhere = claims.clone();
    elsewhere["iss"] = "https://issuer.healthcert.test/other".into();
    let v = verify(&card::numeric(&card::sign(&elsewhere)));
    assert_eq!(reason(&v, CheckKind::Issuer), Reason::IssuerUnknown);
    assert!(v.check(CheckKind::Issuer).unwrap().detail.contains("https://issuer.healthcert.test/other"));
    // An empty store cannot tell.
    let v = verify_with(MemoryStore::new("empty"), &card::numeric(&card::sign(&claims)));
    assert_eq!((v.status, reason(&v, CheckKind::Signature)), (Status::Unknown, Reason::NoTrustedKey));

    // A signature of the wrong length is malformed; a bare JWS needs the
    // lenient prefix policy.
    let jws = card::sign(&claims);
    let short = format!("{}AAAA", &jws[..jws.rfind('.').unwrap() + 1]);
    assert_eq!(reason(&verify(&card::numeric(&short)), CheckKind::Signature), Reason::SignatureMalformed);
    assert_eq!(reason(&verify(&jws), CheckKind::Decode), Reason::NotAHealthCertificate);
}

#[test]
fn schema_failures_keep_the_signature_checked() {
    let mut not_done = card::immunization_bundle();
    not_done["entry"][1]["resource"]["status"] = "not-done".into();
    let v = verify(&card::numeric(&card::sign(&card::claims(NOW - DAY, not_done))));
    assert_eq!(v.check(CheckKind::Signature).unwrap().outcome, Outcome::Pass);
    assert_eq!(reason(&v, CheckKind::Schema), Reason::SchemaInvalid);
    assert_eq!(v.status, Status::Invalid);
    assert_eq!(v.certificate.as_ref().unwrap().events.len(), 2, "what can be read is shown");

    let summary = json!({"resourceType": "Bundle", "type": "collection",
                         "entry": [{"resource": {"resourceType": "Condition"}}]});
    let v = verify(&card::numeric(&card::sign(&card::claims(NOW - DAY, summary))));
    assert_eq!(reason(&v, CheckKind::Schema), Reason::CertificateTypeUnsupported);
    assert_eq!(v.certificate.as_ref().unwrap().kind, None);
}

#[test]
fn a_card_in_chunks_assembles_and_verifies() {
    let whole = card::numeric(&card::sign(&valid_claims()));
    let digits = &whole["shc:/".len()..];
    let third = digits.len() / 3 / 2 * 2;
    let parts = [&digits[..third], &digits[third..2 * third], &digits[2 * third..]];
    let mut assembly = ShcChunks::new();
    let mut done = None;
    for i in [3, 1, 2] {
        match assembly.add(&format!("shc:/{i}/3/{}", parts[i - 1])) {
            ChunkProgress::Complete(p) => done = Some(p),
            ChunkProgress::Partial { total: 3, .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(done.as_deref(), Some(whole.as_str()));
    assert_eq!(verify(&whole).status, Status::Valid);
    assert_eq!(reason(&verify(&format!("shc:/2/3/{}", parts[1])), CheckKind::Decode), Reason::ShcChunkIncomplete);
}

#[test]
fn a_jwk_signer_round_trips_through_the_sqlite_store() {
    let mut report = LoadReport::default();
    let keys = file::parse_jwks("jwks.json", card::jwks().as_bytes(), ISSUER, &mut report).unwrap();
    let records: Vec<SignerRecord> = keys.iter().filter_map(SignerRecord::of).collect();
    assert_eq!(records.len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trust.db");
    let now = time::OffsetDateTime::from_unix_timestamp(NOW).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    store.apply(&signers(source(SourceKind::Import, "jwks.json"), SignerChange::Replace(records), now), now).unwrap();
    drop(store);

    let reopened = SqliteStore::open_read_only(&path).unwrap().unwrap();
    let found = reopened.signers(&shc::issuer_kid_ref(ISSUER, &card::kid())).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].material, keys[0].material, "the JWK comes back as stored");
    let v = verify_with(reopened, &card::numeric(&card::sign(&valid_claims())));
    assert_eq!(v.status, Status::Valid, "{:#?}", v.checks);
}
