//! The real-world samples of WHO's DDCC validator
//! (`WorldHealthOrganization+ddcc-validator/test-resources`) against the
//! PathCheck multi-format registries (`Path-Check+trust-registry`, a test
//! oracle read where it lies) and the VCI directory snapshot (its signature
//! checked with the directory's anchor): each passes `signature` and `issuer`, its
//! normalized model agrees with the FHIR bundle beside it on the fields in
//! common, and a copy with one signed byte changed fails the signature.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::sync::OnceLock;

use healthcert_core::formats::hcert;
use healthcert_core::model::{Certificate, CheckKind, Code, Event, Outcome, Reason, Verdict};
use healthcert_core::trust::{MemoryStore, file, vci};
use healthcert_core::{FixedClock, Verifier};
use healthcert_test_support::fixtures::external;
use serde_json::Value;
use time::macros::datetime;

const RESOURCES: &str = "WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources";

/// Both registries and the VCI snapshot in one store, loaded once.
fn store() -> Option<&'static MemoryStore> {
    static STORE: OnceLock<Option<MemoryStore>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let mut store = MemoryStore::new("pathcheck registries and the VCI snapshot");
            for name in ["registry.json", "test_registry.json"] {
                let path = external(&format!("Path-Check+trust-registry/{name}"))?;
                let (signers, report) = file::load_signers(&path).unwrap();
                assert!(report.loaded > 0, "{name}: {:?}", report.skipped.first());
                for s in signers {
                    store.insert(s);
                }
            }
            let vci = |name: &str| std::fs::read(external(&format!("the-commons-project+vci-directory/{name}"))?).ok();
            let anchor = String::from_utf8(vci("vci_snapshot.crt")?).unwrap();
            let anchor = healthcert_core::crypto::public_key_from_pem(&anchor).unwrap();
            let snapshot = vci::parse("vci", &vci("logs/vci_snapshot.json")?, &vci("logs/vci_snapshot.sig")?, &anchor)
                .expect("the snapshot's signature verifies");
            assert!(snapshot.signers.len() > 900);
            for s in snapshot.signers {
                store.insert(s);
            }
            Some(store)
        })
        .as_ref()
}

fn read(name: &str) -> Option<String> {
    Some(std::fs::read_to_string(external(&format!("{RESOURCES}/{name}"))?).unwrap().trim().to_owned())
}

fn reason(v: &Verdict, kind: CheckKind) -> (Outcome, Reason) {
    let c = v.checks.iter().find(|c| c.check == kind).unwrap();
    (c.outcome, c.reason)
}

/// What a FHIR bundle and a normalized certificate both say: names, birth
/// date, and per immunization the vaccine code, date, lot, dose and series.
#[derive(Debug, PartialEq)]
struct Facts {
    birth_date: Option<String>,
    immunizations: Vec<Immunization>,
}

/// Vaccine (code, system), date, lot, dose number, doses in the series.
type Immunization = (Option<(String, Option<String>)>, Option<String>, Option<String>, Option<u64>, Option<u64>);

fn fhir_facts(bundle: &Value) -> (Vec<String>, Facts) {
    let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let patient = resources.iter().find(|r| r["resourceType"] == "Patient").unwrap();
    let names = patient["name"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| match n["text"].as_str() {
            Some(t) => t.to_owned(),
            None => {
                let given: Vec<&str> = n["given"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
                format!("{} {}", given.join(" "), n["family"].as_str().unwrap_or(""))
            }
        })
        .collect();
    let immunizations = resources
        .iter()
        .filter(|r| r["resourceType"] == "Immunization")
        .map(|r| {
            let coding = &r["vaccineCode"]["coding"][0];
            let protocol = &r["protocolApplied"][0];
            (
                coding["code"].as_str().map(|c| (c.to_owned(), coding["system"].as_str().map(str::to_owned))),
                r["occurrenceDateTime"].as_str().map(str::to_owned),
                r["lotNumber"].as_str().map(str::to_owned),
                protocol["doseNumberPositiveInt"].as_u64(),
                protocol["seriesDosesPositiveInt"].as_u64(),
            )
        })
        .collect();
    (names, Facts { birth_date: patient["birthDate"].as_str().map(str::to_owned), immunizations })
}

/// The certificate's facts, keeping only what the bundle states (`None`
/// where the bundle has `None`): the fields in common.
fn certificate_facts(c: &Certificate, like: &Facts) -> Facts {
    let code = |c: &Option<Code>| c.as_ref().map(|c| (c.code.clone(), c.system.clone()));
    let immunizations = c
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Vaccination(v) => Some(v),
            _ => None,
        })
        .zip(&like.immunizations)
        .map(|(v, want)| {
            let keep = |got: Option<String>, want: &Option<String>| want.as_ref().and(got);
            let keep_n = |got: Option<u64>, want: &Option<u64>| want.and(got);
            (
                want.0.as_ref().and(code(&v.vaccine)),
                keep(v.date.clone(), &want.1),
                keep(v.lot.clone(), &want.2),
                keep_n(v.dose_number, &want.3),
                keep_n(v.total_doses, &want.4),
            )
        })
        .collect();
    Facts { birth_date: c.holder.date_of_birth.clone(), immunizations }
}

/// Verifies sample `name` at `at`: signature and issuer pass, the model
/// matches the bundle, and one changed signed byte fails the signature.
fn check_sample(name: &str, at: time::OffsetDateTime, format: &str, tamper: impl Fn(&str) -> String) {
    let (Some(store), Some(qr), Some(bundle)) =
        (store(), read(&format!("{name}Contents.txt")), read(&format!("{name}FHIRBundle.json")))
    else {
        return;
    };
    let verifier = Verifier::new(store.clone());
    let clock = FixedClock(at);
    let v = verifier.verify(&qr, &clock).unwrap();
    assert_eq!(v.format.name(), format, "{name}");
    assert_eq!(reason(&v, CheckKind::Signature), (Outcome::Pass, Reason::Ok), "{name}: {:?}", v.checks);
    assert_eq!(reason(&v, CheckKind::Issuer), (Outcome::Pass, Reason::Ok), "{name}: {:?}", v.checks);

    let (names, expected) = fhir_facts(&serde_json::from_str(&bundle).unwrap());
    let c = v.certificate.as_ref().unwrap();
    assert!(names.contains(&c.holder.name), "{name}: the holder's name is one of the bundle's");
    assert_eq!(expected.immunizations.len(), c.events.len(), "{name}: one event per immunization");
    assert_eq!(certificate_facts(c, &expected), expected, "{name}");

    let tampered = verifier.verify(&tamper(&qr), &clock).unwrap();
    assert_eq!(reason(&tampered, CheckKind::Signature), (Outcome::Fail, Reason::SignatureInvalid), "{name} tampered");
}

/// Changes the first byte of `needle` in an HC1 payload's COSE message.
fn tamper_hc1(qr: &str, needle: &[u8]) -> String {
    let compressed = hcert::transport::base45(qr.strip_prefix("HC1:").unwrap()).unwrap();
    let mut cose = hcert::transport::inflate(&compressed, 1 << 20).unwrap();
    let at = cose.windows(needle.len()).position(|w| w == needle).unwrap();
    cose[at] ^= 0x01;
    healthcert_test_support::hc1::hc1(&cose)
}

#[test]
fn whoqr1_who_ddcc() {
    check_sample("WHOQR1", datetime!(2021-09-01 12:00 UTC), "who-ddcc", |qr| tamper_hc1(qr, b"PT123F"));
}

#[test]
fn euqr1_eu_dcc() {
    check_sample("EUQR1", datetime!(2021-09-01 12:00 UTC), "hcert", |qr| tamper_hc1(qr, b"1984-02-24"));
}

/// Changes one character inside a SMART Health Card's signature (a digit
/// pair ten characters before the end of its numeric code; the last one
/// also carries padding bits) to another base64url letter.
fn tamper_shc(qr: &str) -> String {
    let at = qr.len() - 20;
    let pair: u8 = qr[at..at + 2].parse().unwrap();
    // 'A' (20) .. 'Z' (45) and 'a' (52) .. 'z' (77): step within a letter run.
    let other = if pair == 20 || pair == 52 || !(20..=77).contains(&pair) { pair + 1 } else { pair - 1 };
    format!("{}{other:02}{}", &qr[..at], &qr[at + 2..])
}

#[test]
fn shcqr1_smart_health_card() {
    // Issued 2021-06-01 (nbf 1622576398.924), no expiry.
    check_sample("SHCQR1", datetime!(2021-09-01 12:00 UTC), "shc", tamper_shc);
}

/// Changes the first byte of `needle` in a DIVOC credential and packs it
/// again, as `B64:` text.
#[cfg(feature = "jsonld")]
fn tamper_divoc(qr: &str, needle: &str) -> String {
    use healthcert_core::formats::codec::base64;
    use std::io::{Read as _, Write as _};
    let zip = base64::decode_lenient(qr.strip_prefix("B64:").unwrap()).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut json = String::new();
    archive.by_name("certificate.json").unwrap().read_to_string(&mut json).unwrap();
    let at = json.find(needle).unwrap();
    let changed = format!("{}{}{}", &json[..at], (needle.as_bytes()[0] ^ 0x01) as char, &json[at + 1..]);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("certificate.json", zip::write::SimpleFileOptions::default()).unwrap();
    w.write_all(changed.as_bytes()).unwrap();
    format!("B64:{}", base64::encode(&w.finish().unwrap().into_inner()))
}

#[cfg(feature = "jsonld")]
#[test]
fn divocqr1_divoc() {
    // India (CoWIN), RsaSignature2018 (PS256), issued 2021-03-03; the
    // registry's key is valid from 2021-05-29.
    check_sample("DIVOCQR1", datetime!(2021-09-01 12:00 UTC), "divoc", |qr| tamper_divoc(qr, "Dummy-TGN"));
}
