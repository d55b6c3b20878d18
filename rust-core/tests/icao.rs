//! ICAO VDS-NC against real data: the Australian sample of WHO's DDCC
//! validator (`ICAOAUQR1`) verified with the Health CSCAs of the PathCheck
//! registry (a test oracle, read where it lies), its model against the FHIR
//! bundle beside it; a changed signed byte, a swapped signer certificate
//! (same names, another key) and a signer naming no held CSCA.

// Tests: failing loudly is their job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::sync::OnceLock;

use healthcert_core::formats::codec::base64;
use healthcert_core::formats::icao::{self, document::ICD11, jcs, seal};
use healthcert_core::limits::Limits;
use healthcert_core::model::{CheckKind, Event, Outcome, Reason, Status, Verdict};
use healthcert_core::trust::{MemoryStore, file};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::fixtures::external;
use healthcert_test_support::hc1;
use serde_json::Value;
use time::macros::datetime;

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";
/// Inside the barcode signer's validity (2021-08-31 .. 2031-09-30) and its
/// CSCA's (2020-05-05 .. 2032-06-01).
const AT: time::OffsetDateTime = datetime!(2021-09-20 12:00 UTC);

fn store() -> Option<&'static MemoryStore> {
    static STORE: OnceLock<Option<MemoryStore>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let path = external("Path-Check+trust-registry/registry.json")?;
            let (signers, report) = file::load_signers(&path).unwrap();
            // Of the 255 current ICAO entries: 5 are not CAs (barcode
            // signers listed by themselves), 35 have EC keys with explicit
            // parameters of no supported curve; 22 others with explicit
            // parameters are P-256 or P-384 and load.
            let cscas = signers.iter().filter(|s| s.scheme == icao::CSCA_SCHEME).count();
            let skipped = |what: &str| {
                report.skipped.iter().filter(|s| s.position.contains(" ICAO ") && s.reason.contains(what)).count()
            };
            assert_eq!((cscas, skipped("not a CA"), skipped("explicit parameters")), (215, 5, 35));
            Some(MemoryStore::from_signers("pathcheck registry", signers))
        })
        .as_ref()
}

fn sample() -> Option<String> {
    let path = external(&format!("{RESOURCES}/ICAOAUQR1Contents.txt"))?;
    Some(std::fs::read_to_string(path).unwrap().trim().to_owned())
}

fn check(v: &Verdict, kind: CheckKind) -> (Outcome, Reason) {
    let c = v.checks.iter().find(|c| c.check == kind).unwrap();
    (c.outcome, c.reason)
}

fn verify(payload: &str) -> Verdict {
    Verifier::new(store().unwrap().clone()).verify(payload, &FixedClock(AT)).unwrap()
}

#[test]
fn icaoauqr1_verifies_and_maps_to_the_fhir_bundle() {
    let (Some(_), Some(qr), Some(bundle)) =
        (store(), sample(), external(&format!("{RESOURCES}/ICAOAUQR1FHIRBundle.json")))
    else {
        return;
    };
    let v = verify(&qr);
    assert_eq!(v.format, icao::ID);
    for kind in [CheckKind::Decode, CheckKind::Signature, CheckKind::Issuer, CheckKind::KeyUsage, CheckKind::Schema] {
        assert_eq!(check(&v, kind), (Outcome::Pass, Reason::Ok), "{kind:?}: {:?}", v.checks);
    }
    assert!(v.check(CheckKind::Issuer).unwrap().detail.contains("chains to a trusted CA of AU"));

    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(bundle).unwrap()).unwrap();
    let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |t: &str| resources.iter().find(|r| r["resourceType"] == t).copied().unwrap();
    let (patient, immunization) = (of("Patient"), of("Immunization"));
    let c = v.certificate.as_ref().unwrap();
    assert_eq!(c.holder.name, patient["name"][0]["text"].as_str().unwrap());
    assert_eq!(c.holder.date_of_birth.as_deref(), patient["birthDate"].as_str());
    assert_eq!(c.holder.identifier.as_deref(), patient["identifier"][0]["value"].as_str());
    assert_eq!(patient["gender"], "female");
    assert_eq!(c.holder.sex.as_ref().map(|s| s.code.as_str()), Some("F"));
    assert_eq!(c.certificate_id.as_deref(), of("Composition")["identifier"]["value"].as_str());
    assert_eq!(c.issuer_country.as_deref(), Some("AUS"));
    let [Event::Vaccination(vacc)] = c.events.as_slice() else { panic!("one vaccination: {:?}", c.events) };
    // The bundle writes ICD-11 as http://hl7.org/fhir/sid/icd-11; the DDCC
    // core data set as ICD-11 MMS.
    let coding = &immunization["vaccineCode"]["coding"][0];
    assert_eq!(coding["system"], "http://hl7.org/fhir/sid/icd-11");
    let vaccine = vacc.vaccine.as_ref().unwrap();
    assert_eq!((vaccine.code.as_str(), vaccine.system.as_deref()), (coding["code"].as_str().unwrap(), Some(ICD11)));
    let disease = &immunization["protocolApplied"][0]["targetDisease"][0]["coding"][0]["code"];
    assert_eq!(vacc.disease.as_ref().map(|d| d.code.as_str()), disease.as_str());
    assert_eq!(vacc.date.as_deref(), immunization["occurrenceDateTime"].as_str());
    assert_eq!(vacc.lot.as_deref(), immunization["lotNumber"].as_str());
    assert_eq!(vacc.dose_number, immunization["protocolApplied"][0]["doseNumberPositiveInt"].as_u64());
    let extension = |url: &str| {
        immunization["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"].as_str().unwrap().ends_with(url))
            .unwrap()
    };
    assert_eq!(
        vacc.brand.as_ref().map(|b| b.code.as_str()),
        extension("DDCCVaccineBrand")["valueCoding"]["code"].as_str()
    );
    let country = &extension("DDCCCountryOfVaccination")["valueCoding"];
    let ours = vacc.country.as_ref().unwrap();
    assert_eq!(
        (ours.code.as_str(), ours.system.as_deref()),
        (country["code"].as_str().unwrap(), country["system"].as_str())
    );
    assert_eq!(vacc.centre.as_deref(), Some("General Practitioner"));
    assert_eq!(c.extra("hdr.t"), Some("icao.vacc"));
}

#[test]
fn a_changed_signed_byte_fails_the_signature() {
    let (Some(_), Some(qr)) = (store(), sample()) else { return };
    let tampered = qr.replacen("PA0941262", "PA0941263", 1);
    assert_ne!(tampered, qr);
    let v = verify(&tampered);
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Fail, Reason::SignatureInvalid), "{:?}", v.checks);
    assert_eq!(v.status, Status::Invalid);
    // Reordered members and whitespace sign the same canonical bytes.
    let reordered =
        qr.replacen(r#"{"is":"AUS","t":"icao.vacc","v":1}"#, r#"{ "v" : 1, "t":"icao.vacc", "is":"AUS" }"#, 1);
    assert_ne!(reordered, qr);
    assert_eq!(check(&verify(&reordered), CheckKind::Signature), (Outcome::Pass, Reason::Ok));
}

/// The seal with its signer certificate changed by `edit` and `data`
/// re-signed with the test key, whose point replaces the certificate's.
fn resealed(qr: &str, edit: impl Fn(&mut Vec<u8>)) -> String {
    let mut json: Value = serde_json::from_str(qr).unwrap();
    let mut der = base64::decode_lenient(json["sig"]["cer"].as_str().unwrap()).unwrap();
    let cert = <x509_cert::Certificate as x509_cert::der::Decode>::from_der(&der).unwrap();
    let point = cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes().to_vec();
    let at = der.windows(point.len()).position(|w| w == point).unwrap();
    let test_point = hc1::signing_key().verifying_key().to_encoded_point(false);
    der[at..at + point.len()].copy_from_slice(test_point.as_bytes());
    edit(&mut der);
    json["sig"]["cer"] = Value::String(base64::encode_url(&der));
    let data = seal::parse_json(serde_json::to_string(&json["data"]).unwrap().as_bytes(), 1 << 16, 32).unwrap();
    json["sig"]["sigvl"] = Value::String(base64::encode_url(&hc1::sign(&jcs::canonical(&data).unwrap())));
    serde_json::to_string(&json).unwrap()
}

#[test]
fn a_swapped_signer_with_the_same_names_is_rejected() {
    let (Some(_), Some(qr)) = (store(), sample()) else { return };
    // Same subject, issuer and authority key identifier; another key.
    let v = verify(&resealed(&qr, |_| {}));
    assert_eq!(check(&v, CheckKind::Issuer), (Outcome::Fail, Reason::SignerChainInvalid), "{:?}", v.checks);
    assert_eq!(check(&v, CheckKind::Signature), (Outcome::Skipped, Reason::NoTrustedKey));
    assert_eq!(v.status, Status::Invalid);
}

#[test]
fn a_signer_naming_no_held_csca_is_rejected() {
    let (Some(_), Some(qr)) = (store(), sample()) else { return };
    // The authority key identifier (0x3617c1e7…) changed.
    let aki = [0x36, 0x17, 0xc1, 0xe7, 0xf5, 0x67];
    let v = verify(&resealed(&qr, |der| {
        let at = der.windows(aki.len()).position(|w| w == aki).unwrap();
        der[at] ^= 0xff;
    }));
    assert_eq!(check(&v, CheckKind::Issuer), (Outcome::Fail, Reason::SignerNotChained), "{:?}", v.checks);
    assert_eq!(v.status, Status::Invalid);
    // With no CSCAs at all, the seal is no more trusted.
    let empty = Verifier::new(MemoryStore::new("empty")).verify(&qr, &FixedClock(AT)).unwrap();
    assert_eq!(check(&empty, CheckKind::Issuer), (Outcome::Fail, Reason::SignerNotChained));
}

#[test]
fn validity_of_the_signer_and_its_csca() {
    let (Some(_), Some(qr)) = (store(), sample()) else { return };
    let at = |t| Verifier::new(store().unwrap().clone()).verify(&qr, &FixedClock(t)).unwrap();
    // After the BSC (2031-09-30) but within its CSCA (two are held under
    // AU and its key identifier: the same key re-issued, valid until
    // 2032-06-01 and 2036-05-05; both are tried).
    assert_eq!(check(&at(datetime!(2032-01-01 0:00 UTC)), CheckKind::Issuer), (Outcome::Fail, Reason::SignerExpired));
    // After all three.
    let late = at(datetime!(2037-01-01 0:00 UTC));
    assert_eq!(check(&late, CheckKind::Issuer), (Outcome::Fail, Reason::SignerCaNotValid), "{:?}", late.checks);
    assert_eq!(
        check(&at(datetime!(2021-08-01 0:00 UTC)), CheckKind::Issuer),
        (Outcome::Fail, Reason::SignerNotYetValid)
    );
}

#[test]
fn a_csca_given_as_a_pem_file_is_enough() {
    let (Some(registry), Some(qr)) = (external("Path-Check+trust-registry/registry.json"), sample()) else { return };
    let registry: Value = serde_json::from_str(&std::fs::read_to_string(registry).unwrap()).unwrap();
    // The AU CSCA, under its country and subject key identifier.
    let pem = registry["ICAO"]["AUS#NhfB5/VnlXEuN3VwjlWDMYbpOA4="]["didDocument"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("au-csca.pem");
    std::fs::write(&path, pem).unwrap();
    let (signers, report) = file::load_signers(&path).unwrap();
    assert_eq!((report.loaded, report.skipped.len()), (1, 0));
    assert_eq!((signers[0].scheme, signers[0].issuer.as_deref()), (icao::CSCA_SCHEME, Some("AU")));
    let v = Verifier::new(MemoryStore::from_signers("csca", signers)).verify(&qr, &FixedClock(AT)).unwrap();
    assert_eq!(v.status, Status::Valid, "{:?}", v.checks);
    // The seal's own signer certificate, listed by itself, is no anchor.
    let bsc = registry["ICAO"]["AUS#52I6MfYYjTcturE7pW341zxj/Uplqu6lDgF0LzT7RXk="]["didDocument"].as_str().unwrap();
    std::fs::write(&path, bsc).unwrap();
    let (signers, _) = file::load_signers(&path).unwrap();
    assert!(signers.iter().all(|s| s.scheme != icao::CSCA_SCHEME));
    let v = Verifier::new(MemoryStore::from_signers("bsc", signers)).verify(&qr, &FixedClock(AT)).unwrap();
    assert_eq!(check(&v, CheckKind::Issuer), (Outcome::Fail, Reason::SignerNotChained));
    assert!(icao::decode("{\"data\":1,\"sig\":{}}", &Limits::DEFAULT).is_err());
}
