//! SMART Health Cards against the spec's published examples (external test
//! data, `smart-on-fhir+health-cards/gh-pages/examples`): each of the four
//! verifies with the example issuer's keys (`issuer/.well-known/jwks.json`)
//! at a fixed clock, from its numeric QR codes (example 02's three chunks
//! assembled, also through a camera session) and from its JWS; the
//! normalized certificate matches the example's FHIR bundle; a copy with
//! one signed byte changed fails the signature. The dev tools' broken
//! variants (`smart-on-fhir+health-cards-dev-tools/testdata`) fail with
//! their own reasons.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::{Path, PathBuf};

use healthcert_core::formats::PrefixPolicy;
use healthcert_core::formats::codec::base64;
use healthcert_core::formats::shc::{self, ChunkProgress, ShcChunks, numeric};
use healthcert_core::model::{CertificateType, Event, Outcome};
use healthcert_core::scan::LumaFrame;
use healthcert_core::session::VerifySession;
use healthcert_core::trust::file;
use healthcert_core::trust::{MemoryStore, TrustStore};
use healthcert_core::{CheckKind, FixedClock, Reason, Status, Verdict, Verifier, VerifyOptions};
use healthcert_test_support::shc::deflate;
use healthcert_test_support::testdata::{self, SHC_EXAMPLE_ISSUER, SHC_EXAMPLES_NOW};
use serde_json::Value;

fn clock() -> FixedClock {
    FixedClock::from_unix(SHC_EXAMPLES_NOW).unwrap()
}

/// The example issuer's keys, read as `trust import --issuer` reads them.
fn example_store(examples: &Path) -> MemoryStore {
    let jwks = examples.join("issuer/.well-known/jwks.json");
    let (signers, report) = file::load_jwks(&jwks, SHC_EXAMPLE_ISSUER).unwrap();
    assert_eq!(report.loaded, 2, "both example keys load: {:?}", report.skipped);
    assert!(report.skipped.is_empty());
    MemoryStore::from_signers("example issuer", signers)
}

fn verifier(examples: &Path, prefix: PrefixPolicy) -> Verifier<MemoryStore> {
    Verifier::with_options(example_store(examples), VerifyOptions { prefix, ..VerifyOptions::default() })
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).trim().to_owned()
}

/// The numeric QR contents of example `n`, in chunk order.
fn qr_chunks(examples: &Path, n: u32) -> Vec<String> {
    (0..)
        .map(|i| examples.join(format!("example-0{n}-f-qr-code-numeric-value-{i}.txt")))
        .take_while(|p| p.exists())
        .map(read)
        .collect()
}

fn assert_valid(v: &Verdict, what: &str) {
    let failed: Vec<_> =
        v.checks.iter().filter(|c| c.outcome != Outcome::Pass && c.reason != Reason::NotApplicable).collect();
    assert_eq!(v.status, Status::Valid, "{what}: {failed:#?}");
    assert_eq!(v.format, shc::ID);
    let key_usage = v.check(CheckKind::KeyUsage).unwrap();
    assert_eq!((key_usage.outcome, key_usage.reason), (Outcome::Skipped, Reason::NotApplicable));
    assert!(v.trust.signer.is_some());
}

/// The normalized certificate says what the example's FHIR bundle says.
fn assert_matches_bundle(v: &Verdict, bundle: &Value, what: &str) {
    let cert = v.certificate.as_ref().unwrap();
    let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |t: &str| resources.iter().filter(|r| r["resourceType"] == t).copied().collect::<Vec<_>>();
    match of("Patient").first() {
        Some(p) => {
            let name = &p["name"][0];
            assert_eq!(cert.holder.family_name.as_deref(), name["family"].as_str(), "{what}");
            let given: Vec<&str> = name["given"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
            assert_eq!(cert.holder.given_name.as_deref(), Some(given.join(" ").as_str()), "{what}");
            assert_eq!(cert.holder.date_of_birth.as_deref(), p["birthDate"].as_str(), "{what}");
        }
        None => assert_eq!(cert.holder.name, "", "{what}: no Patient, no holder"),
    }
    let immunizations = of("Immunization");
    let observations = of("Observation");
    assert_eq!(cert.events.len(), immunizations.len() + observations.len(), "{what}");
    let kind = if immunizations.is_empty() { CertificateType::Test } else { CertificateType::Vaccination };
    assert_eq!(cert.kind, Some(kind), "{what}");
    for (event, imm) in cert.events.iter().zip(&immunizations) {
        let Event::Vaccination(e) = event else { panic!("{what}: an immunization maps to a vaccination") };
        let coding = &imm["vaccineCode"]["coding"][0];
        let token = format!("{}|{}", coding["system"].as_str().unwrap(), coding["code"].as_str().unwrap());
        assert_eq!(e.vaccine.as_ref().map(token_of), Some(token), "{what}");
        assert_eq!(e.lot.as_deref(), imm["lotNumber"].as_str(), "{what}");
        assert_eq!(e.date.as_deref(), imm["occurrenceDateTime"].as_str(), "{what}");
        assert_eq!(e.issuer.as_deref(), Some(SHC_EXAMPLE_ISSUER));
    }
    for (event, obs) in cert.events[immunizations.len()..].iter().zip(&observations) {
        let Event::Test(t) = event else { panic!("{what}: an observation maps to a test") };
        let coding = &obs["code"]["coding"][0];
        let token = format!("{}|{}", coding["system"].as_str().unwrap(), coding["code"].as_str().unwrap());
        assert_eq!(t.test_type.as_ref().map(token_of), Some(token), "{what}");
        assert_eq!(t.sample_collected_at.as_deref(), obs["effectiveDateTime"].as_str(), "{what}");
    }
    let nbf = v.certificate.as_ref().unwrap().issued_at.unwrap().unix_timestamp();
    assert!(nbf < SHC_EXAMPLES_NOW, "{what}: issued before the test clock");
}

#[test]
fn the_four_spec_examples_verify_with_the_example_issuer_keys() {
    let Some(examples) = testdata::shc_examples() else { return };
    let scanned = verifier(&examples, PrefixPolicy::Required);
    let files = verifier(&examples, PrefixPolicy::Optional);
    for n in 0..4 {
        let bundle: Value =
            serde_json::from_str(&read(examples.join(format!("example-0{n}-a-fhirBundle.json")))).unwrap();
        let chunks = qr_chunks(&examples, n);
        assert!(!chunks.is_empty(), "example {n} has QR codes");
        let payload = if chunks.len() == 1 {
            chunks[0].clone()
        } else {
            // Assembled in reverse order: the order scanned does not matter.
            let mut assembly = ShcChunks::new();
            let mut last = ChunkProgress::NotAChunk;
            for (i, c) in chunks.iter().rev().enumerate() {
                last = assembly.add(c);
                if i + 1 < chunks.len() {
                    assert_eq!(last, ChunkProgress::Partial { found: i + 1, total: chunks.len() });
                }
            }
            let ChunkProgress::Complete(whole) = last else { panic!("example {n}: chunks did not assemble") };
            whole
        };
        let from_qr = scanned.verify(&payload, &clock()).unwrap();
        assert_valid(&from_qr, &format!("example {n} from its QR codes"));
        assert_matches_bundle(&from_qr, &bundle, &format!("example {n}"));

        let jws = read(examples.join(format!("example-0{n}-d-jws.txt")));
        assert_eq!(numeric::decode(&payload, 1 << 20).unwrap(), jws, "example {n}: the QR codes hold the JWS");
        let from_jws = files.verify(&jws, &clock()).unwrap();
        assert_valid(&from_jws, &format!("example {n} from its JWS"));
        assert_eq!(from_jws.certificate, from_qr.certificate);
        let scanned_jws = scanned.verify(&jws, &clock()).unwrap();
        // A scanned code must carry shc:/; without it the verifier cannot
        // tell what it is.
        assert_eq!(scanned_jws.status, Status::Unknown, "a scanned code must carry shc:/");
        assert_eq!(scanned_jws.checks[0].reason, healthcert_core::Reason::NotAHealthCertificate);
    }
}

#[test]
fn example_03_expires_and_no_example_is_valid_before_it_was_issued() {
    let Some(examples) = testdata::shc_examples() else { return };
    let v = verifier(&examples, PrefixPolicy::Required);
    let card = qr_chunks(&examples, 3).remove(0);
    // exp 1718986764.657 = 2024-06-21T16:19:24Z.
    let expired = v.verify(&card, &FixedClock::from_unix(1_718_986_765).unwrap()).unwrap();
    assert_eq!(expired.check(CheckKind::Validity).unwrap().reason, Reason::Expired);
    assert_eq!(expired.status, Status::Invalid);
    let just_before = v.verify(&card, &FixedClock::from_unix(1_718_986_764).unwrap()).unwrap();
    assert_eq!(just_before.status, Status::Valid);
    // nbf 1687450764.656 = 2023-06-22T16:19:24Z.
    let early = v.verify(&qr_chunks(&examples, 0).remove(0), &FixedClock::from_unix(1_687_450_763).unwrap()).unwrap();
    assert_eq!(early.check(CheckKind::Validity).unwrap().reason, Reason::NotYetValid);
}

/// Replaces the claims of a JWS (deflated again), keeping its header and
/// signature: a card whose signed bytes changed.
fn with_claims(jws: &str, change: impl Fn(&mut Vec<u8>)) -> String {
    let parts: Vec<&str> = jws.split('.').collect();
    let compressed = base64::decode_url(parts[1], 1 << 20).unwrap();
    let mut claims = healthcert_core::formats::shc::jws::inflate(&compressed, 1 << 20).unwrap();
    change(&mut claims);
    format!("{}.{}.{}", parts[0], base64::encode_url(&deflate(&claims)), parts[2])
}

#[test]
fn a_copy_with_one_signed_byte_changed_fails_the_signature() {
    let Some(examples) = testdata::shc_examples() else { return };
    let v = verifier(&examples, PrefixPolicy::Required);
    for n in [0, 2] {
        let jws = read(examples.join(format!("example-0{n}-d-jws.txt")));
        assert_eq!(v.verify(&numeric::encode(&jws).unwrap(), &clock()).unwrap().status, Status::Valid);

        // One byte of the claims: the last digit of the year of the first
        // vaccination or sample.
        let forged = with_claims(&jws, |claims| {
            let text = String::from_utf8(claims.clone()).unwrap();
            let at = text.find("DateTime\":\"").unwrap() + "DateTime\":\"".len() + 3;
            claims[at] = if claims[at] == b'9' { b'8' } else { claims[at] + 1 };
        });
        let verdict = v.verify(&numeric::encode(&forged).unwrap(), &clock()).unwrap();
        assert_eq!(verdict.check(CheckKind::Decode).unwrap().outcome, Outcome::Pass, "example {n}: still decodes");
        assert_eq!(verdict.check(CheckKind::Signature).unwrap().reason, Reason::SignatureInvalid, "example {n}");
        assert_eq!(verdict.status, Status::Invalid);
        assert!(verdict.trust.signer.is_none());

        // One byte of the header: a space added to its JSON, which still
        // reads the same.
        let dot = jws.find('.').unwrap();
        let header = base64::decode_url(&jws[..dot], 1024).unwrap();
        let mut spaced = header.clone();
        spaced.insert(1, b' ');
        let reheadered = format!("{}{}", base64::encode_url(&spaced), &jws[dot..]);
        let verdict = v.verify(&numeric::encode(&reheadered).unwrap(), &clock()).unwrap();
        assert_eq!(verdict.check(CheckKind::Signature).unwrap().reason, Reason::SignatureInvalid, "example {n}");

        // One byte of the signature.
        let mut sig = base64::decode_url(jws.rsplit('.').next().unwrap(), 64).unwrap();
        sig[10] ^= 1;
        let resigned = format!("{}.{}", &jws[..jws.rfind('.').unwrap()], base64::encode_url(&sig));
        let verdict = v.verify(&numeric::encode(&resigned).unwrap(), &clock()).unwrap();
        assert_eq!(verdict.check(CheckKind::Signature).unwrap().reason, Reason::SignatureInvalid, "example {n}");
    }
}

#[test]
fn another_issuer_or_scheme_does_not_find_the_example_keys() {
    let Some(examples) = testdata::shc_examples() else { return };
    let jws = read(examples.join("example-00-d-jws.txt"));
    let (signers, _) =
        file::load_jwks(&examples.join("issuer/.well-known/jwks.json"), "https://other.example/issuer").unwrap();
    let other = Verifier::new(MemoryStore::from_signers("other issuer", signers));
    let verdict = other.verify(&numeric::encode(&jws).unwrap(), &clock()).unwrap();
    assert_eq!(verdict.check(CheckKind::Issuer).unwrap().reason, Reason::IssuerUnknown);
    assert_eq!(verdict.status, Status::Unknown);
    // The iss of the card decides: the same keys imported for the right
    // issuer are found.
    let store = example_store(&examples);
    let decoded = healthcert_core::formats::shc::decode_jws(&jws, &healthcert_core::Limits::DEFAULT).unwrap();
    assert_eq!(store.signers(&decoded.envelope.key).unwrap().len(), 1);
}

/// A frame holding one QR code of `payload`, 3 pixels per module.
fn frame(payload: &str) -> (Vec<u8>, usize) {
    healthcert_test_support::fuzz::seeds::qr_plane(payload.as_bytes(), 3).unwrap()
}

#[test]
fn the_chunked_example_verifies_through_a_camera_session() {
    let Some(examples) = testdata::shc_examples() else { return };
    let v = verifier(&examples, PrefixPolicy::Required);
    let chunks = qr_chunks(&examples, 2);
    assert_eq!(chunks.len(), 3);
    let mut session = VerifySession::new();
    session.scanner_mut().set_time_budget(None);
    let mut verified = None;
    for (i, chunk) in [&chunks[1], &chunks[0], &chunks[2]].into_iter().enumerate() {
        let (px, side) = frame(chunk);
        let out = session.submit(&LumaFrame { data: &px, width: side, height: side, stride: side }, &v, &clock());
        let out = out.unwrap();
        if i < 2 {
            assert!(out.is_none(), "chunk {i} alone is not a card");
            assert_eq!(session.progress(), Some((i + 1, 3)), "{i} of 3");
        } else {
            verified = out;
        }
    }
    let verified = verified.expect("the third chunk completes the card");
    assert_valid(&verified.verdict, "example 02 through the session");
    assert_eq!(session.progress(), None);
    // One chunk verified alone says what is missing.
    let alone = v.verify(&chunks[0], &clock()).unwrap();
    assert_eq!(alone.check(CheckKind::Decode).unwrap().reason, Reason::ShcChunkIncomplete);
}

#[test]
fn the_dev_tools_broken_variants_fail_with_their_reasons() {
    let Some(examples) = testdata::shc_examples() else { return };
    let Some(dir) = testdata::require("smart-on-fhir+health-cards-dev-tools/testdata") else { return };
    let v = verifier(&examples, PrefixPolicy::Optional);
    let cases = [
        ("test-example-00-d-jws-der-signature.txt", CheckKind::Decode, Reason::JwsSignatureDer),
        ("test-example-00-d-jws-der-signature-r-neg.txt", CheckKind::Decode, Reason::JwsSignatureDer),
        ("test-example-00-d-jws-der-signature-s-neg.txt", CheckKind::Decode, Reason::JwsSignatureDer),
        ("test-example-00-d-jws-der-signature-rs-neg.txt", CheckKind::Decode, Reason::JwsSignatureDer),
        ("test-example-00-d-jws-no_jws_header_zip.txt", CheckKind::Decode, Reason::JwsZipMissing),
        ("test-example-00-d-jws-no_jws_header_kid.txt", CheckKind::Signature, Reason::KidMissing),
        ("test-example-00-d-jws-no_jws_header_alg.txt", CheckKind::Signature, Reason::AlgorithmMissing),
        ("test-example-00-d-jws-invalid-signature.txt", CheckKind::Signature, Reason::SignatureInvalid),
        ("test-example-00-d-jws-wrong_jws_header_kid.txt", CheckKind::Issuer, Reason::IssuerUnknown),
        ("test-example-00-f-qr-code-numeric-value-0-odd-count.txt", CheckKind::Decode, Reason::ShcNumericInvalid),
        ("test-example-00-f-qr-code-numeric-value-0-number-too-big.txt", CheckKind::Decode, Reason::ShcNumericInvalid),
    ];
    for (name, kind, reason) in cases {
        let verdict = v.verify(&read(dir.join(name)), &clock()).unwrap();
        let check = verdict.check(kind).unwrap();
        assert_eq!((check.outcome, check.reason), (Outcome::Fail, reason), "{name}: {check:?}");
        assert_ne!(verdict.status, Status::Valid, "{name}");
    }
}

/// A code as a FHIR token, `system|code`.
fn token_of(c: &healthcert_core::model::Code) -> String {
    format!("{}|{}", c.system.as_deref().unwrap_or(""), c.code)
}
