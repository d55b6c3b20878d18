//! The WHO DDCC in HC1, on the real-world sample WHOQR1 of WHO's validator
//! (`WorldHealthOrganization+ddcc-validator`), with the WHO test key the
//! PathCheck test registry lists for its kid (a test oracle, never shipped).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::formats::hcert;
use healthcert_core::model::{CertificateType, CheckKind, Event, Outcome, Reason, Status};
use healthcert_core::trust::{KeyUsage, MemoryStore, SignerKey};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::fixtures::external;
use serde_json::Value;
use time::macros::datetime;

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";

fn sample(name: &str) -> Option<String> {
    let path = external(&format!("{RESOURCES}/{name}"))?;
    Some(std::fs::read_to_string(path).unwrap().trim().to_owned())
}

/// The registry's entry for WHOQR1's kid `11` (base64 `MTE=`): a bare
/// public key, valid 2021-01-01 to 2022-12-01.
fn who_test_key() -> Option<SignerKey> {
    let path = external("Path-Check+trust-registry/test_registry.json")?;
    let registry: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let entry = &registry["EUDCC"]["MTE="];
    let pem = entry["didDocument"].as_str().unwrap();
    let at = |k: &str| healthcert_core::time_parse::rfc3339(entry[k].as_str().unwrap());
    Some(SignerKey {
        scheme: hcert::SCHEME,
        kid: b"11".to_vec(),
        issuer: None,
        country: None,
        public_key: healthcert_core::crypto::public_key_from_pem(pem).unwrap(),
        not_before: at("validFromDT"),
        not_after: at("validUntilDT"),
        key_usage: KeyUsage::default(),
        material: None,
        status: healthcert_core::trust::KeyStatus::Current,
    })
}

fn check(v: &healthcert_core::Verdict, kind: CheckKind) -> (Outcome, Reason) {
    let c = v.checks.iter().find(|c| c.check == kind).unwrap();
    (c.outcome, c.reason)
}

#[test]
fn whoqr1_verifies_with_the_who_test_key_and_maps_to_the_core_data_set() {
    let (Some(qr), Some(key), Some(unpacked)) =
        (sample("WHOQR1Contents.txt"), who_test_key(), sample("WHOQR1Unpacked.json"))
    else {
        return;
    };
    let expected: Value = serde_json::from_str(&unpacked).unwrap();
    let verifier = Verifier::new(MemoryStore::from_signers("registry", [key]));
    // Within the data set's validity period (2021-07-08 to 2022-07-08).
    let clock = FixedClock(datetime!(2021-09-01 12:00 UTC));
    let v = verifier.verify(&qr, &clock).unwrap();
    assert_eq!(v.format.name(), "who-ddcc");
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Pass, Reason::Ok), "{:?}", v.checks);
    assert_eq!(check(&v, CheckKind::Issuer), (Outcome::Pass, Reason::Ok));
    assert_eq!(check(&v, CheckKind::Schema), (Outcome::Pass, Reason::Ok), "{:?}", v.checks);
    assert_eq!(check(&v, CheckKind::Validity), (Outcome::Pass, Reason::Ok));
    assert_eq!(check(&v, CheckKind::Rules), (Outcome::Skipped, Reason::NotApplicable));
    assert_eq!(v.status, Status::Valid);

    let c = v.certificate.as_ref().unwrap();
    let s = |k: &str| expected[k].as_str().map(str::to_owned);
    assert_eq!(c.kind, Some(CertificateType::Vaccination));
    assert_eq!(Some(c.holder.name.clone()), s("name"));
    assert_eq!(c.holder.date_of_birth, s("birthDate"));
    assert_eq!(c.holder.identifier, s("identifier"));
    assert_eq!(c.holder.sex.as_ref().map(|x| x.code.clone()), expected["sex"]["code"].as_str().map(str::to_owned));
    assert_eq!((c.certificate_id.clone(), c.issuer.clone()), (s("hcid"), s("pha")));
    assert_eq!((c.valid_from.clone(), c.valid_until.clone()), (s("valid_from"), s("valid_until")));
    let [Event::Vaccination(e)] = c.events.as_slice() else { panic!("one vaccination") };
    let code = |x: &Option<healthcert_core::model::Code>, k: &str| {
        let x = x.as_ref().unwrap();
        assert_eq!(Some(x.code.as_str()), expected[k]["code"].as_str(), "{k}");
        assert_eq!(x.system.as_deref(), expected[k]["system"].as_str(), "{k}");
    };
    code(&e.vaccine, "vaccine");
    code(&e.brand, "brand");
    code(&e.manufacturer, "manufacturer");
    code(&e.market_authorization_holder, "ma_holder");
    code(&e.country, "country");
    code(&e.disease, "disease");
    assert_eq!((e.lot.clone(), e.date.clone(), e.next_dose.clone()), (s("lot"), s("date"), s("due_date")));
    assert_eq!((e.dose_number, e.total_doses), (expected["dose"].as_u64(), expected["total_doses"].as_u64()));
    assert_eq!(e.centre, s("centre"));

    // After valid_until the certificate has expired.
    let late = verifier.verify(&qr, &FixedClock(datetime!(2022-07-09 00:00 UTC))).unwrap();
    assert_eq!(check(&late, CheckKind::Validity), (Outcome::Fail, Reason::Expired));
}

#[test]
fn a_changed_signed_byte_fails_the_signature() {
    let (Some(qr), Some(key)) = (sample("WHOQR1Contents.txt"), who_test_key()) else { return };
    let compressed = hcert::transport::base45(qr.strip_prefix("HC1:").unwrap()).unwrap();
    let cose = hcert::transport::inflate(&compressed, 1 << 20).unwrap();
    // The name "Eddie Murphy" is signed content; change one letter of it.
    let at = cose.windows(5).position(|w| w == b"Eddie").unwrap();
    let mut tampered = cose.clone();
    tampered[at] = b'F';
    let verifier = Verifier::new(MemoryStore::from_signers("registry", [key]));
    let tampered = healthcert_test_support::hc1::hc1(&tampered);
    let v = verifier.verify(&tampered, &FixedClock(datetime!(2021-09-01 12:00 UTC))).unwrap();
    assert_eq!(v.format.name(), "who-ddcc");
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Fail, Reason::SignatureInvalid));
    assert_eq!(v.status, Status::Invalid);
}

/// The WHO SMART Trust form: `hcert` key 3 (DDCC:VS) or 4 (DDCC:TR) in a
/// CWT with `iss`, `iat` and `exp`, signed by a key of the store.
#[test]
fn ddcc_data_sets_in_the_hcert_claim() {
    use ciborium::Value as Cbor;
    use healthcert_test_support::hc1;
    let vs = serde_json::json!({"name": "Test Person", "birthDate": "1980-01-01",
        "vaccine": {"code": "1119349007", "system": "http://snomed.info/sct"},
        "date": "2026-05-01", "dose": 1, "total_doses": 2,
        "country": {"code": "XTA", "system": "urn:iso:std:iso:3166"}, "hcid": "SECRETID"});
    let tr = serde_json::json!({"name": "Test Person", "test": {
        "pathogen": {"code": "840539006", "system": "http://snomed.info/sct"},
        "type": {"code": "LP6464-4", "system": "http://loinc.org"},
        "date": "2026-05-01T10:00:00Z", "result": {"code": "260415000", "system": "http://snomed.info/sct"}}});
    let clock = FixedClock(time::OffsetDateTime::from_unix_timestamp(hc1::NOW).unwrap());
    for (key, data, kind) in [(3, &vs, CertificateType::Vaccination), (4, &tr, CertificateType::Test)] {
        let mut claims = hc1::valid_claims();
        let Cbor::Map(entries) = &mut claims else { unreachable!() };
        entries.last_mut().unwrap().1 = Cbor::Map(vec![(Cbor::Integer(key.into()), hc1::json_to_cbor(data))]);
        let qr = hc1::hc1(&hc1::cose(hc1::cbor(&claims)));
        let v = Verifier::new(hc1::store()).verify(&qr, &clock).unwrap();
        assert_eq!(v.format.name(), "who-ddcc");
        assert_eq!(v.status, Status::Valid, "key {key}: {:?}", v.checks);
        let c = v.certificate.as_ref().unwrap();
        assert_eq!((c.kind, c.issuer_country.as_deref()), (Some(kind), Some("XT")));
        assert!(c.issued_at.is_some() && c.expires_at.is_some(), "the CWT's iat and exp");
    }
    // Key 1 and key 3 together: the EU DCC is read.
    let mut claims = hc1::valid_claims();
    let Cbor::Map(entries) = &mut claims else { unreachable!() };
    let Cbor::Map(hcert) = &mut entries.last_mut().unwrap().1 else { unreachable!() };
    hcert.push((Cbor::Integer(3.into()), hc1::json_to_cbor(&vs)));
    let v = Verifier::new(hc1::store()).verify(&hc1::hc1(&hc1::cose(hc1::cbor(&claims))), &clock).unwrap();
    assert_eq!(v.format, hcert::ID);
}
