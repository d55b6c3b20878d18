//! Several trusted keys sharing one kid (hcert spec §3.3.3: "a verifier MUST
//! check all DSCs with that kid"): each is tried within a budget, and the
//! verdict reports the most specific failure.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use healthcert_core::crypto::PublicKey;
use healthcert_core::model::{CheckKind, Reason, Status};
use healthcert_core::trust::{KeyUsage, MemoryStore, SignerKey};
use healthcert_core::{FixedClock, Limits, Verifier, VerifyOptions};
use healthcert_test_support::hc1::*;
use p256::ecdsa::SigningKey;

fn signer_with(key: PublicKey, usage: &[&str]) -> SignerKey {
    signer(key, KeyUsage { oids: usage.iter().map(|s| s.to_string()).collect() })
}

fn p256(seed: u8) -> PublicKey {
    let sk = SigningKey::from_slice(&[seed; 32]).unwrap();
    PublicKey::p256_from_sec1(sk.verifying_key().to_encoded_point(false).as_bytes()).unwrap()
}

fn right_key() -> PublicKey {
    public_key()
}

fn verdict(signers: Vec<SignerKey>, max_checks: usize) -> healthcert_core::Verdict {
    let store = MemoryStore::from_signers("test", signers);
    let options =
        VerifyOptions { limits: Limits { max_signature_checks: max_checks, ..Limits::DEFAULT }, ..Default::default() };
    let payload = hc1(&cose(cbor(&valid_claims())));
    Verifier::with_options(store, options).verify(&payload, &FixedClock::from_unix(NOW).unwrap()).unwrap()
}

#[test]
fn the_key_that_verifies_is_found_among_several() {
    let v = verdict(vec![signer_with(p256(1), &[]), signer_with(p256(2), &[]), signer_with(right_key(), &[])], 4);
    assert_eq!(v.status, Status::Valid, "{:?}", v.checks);
}

#[test]
fn the_budget_bounds_the_work() {
    let mut signers: Vec<SignerKey> = (1..=6).map(|s| signer_with(p256(s), &[])).collect();
    signers.push(signer_with(right_key(), &[]));
    let v = verdict(signers, 4);
    assert_eq!(v.check(CheckKind::Signature).unwrap().reason, Reason::TooManyCandidateKeys);
    assert_eq!(v.status, Status::Unknown, "too many candidates is inconclusive, not a forgery");
}

#[test]
fn most_specific_failure_wins() {
    // An RSA-shaped key cannot verify ES256 (least specific); a wrong P-256
    // key is a real signature failure (most specific).
    let rsa = PublicKey::rsa_from_pkcs1(&rsa_2048_der()).unwrap();
    let v = verdict(vec![signer_with(rsa.clone(), &[])], 4);
    assert_eq!(v.check(CheckKind::Signature).unwrap().reason, Reason::KeyAlgorithmMismatch);
    let v = verdict(vec![signer_with(rsa, &[]), signer_with(p256(9), &[])], 4);
    assert_eq!(v.check(CheckKind::Signature).unwrap().reason, Reason::SignatureInvalid);
    assert_eq!(v.status, Status::Invalid);
}

#[test]
fn among_verifying_candidates_the_one_allowed_to_sign_is_chosen() {
    // The same key listed twice: once restricted to tests, once to vaccinations.
    let tests_only = signer_with(right_key(), &["1.3.6.1.4.1.1847.2021.1.1"]);
    let vaccinations = signer_with(right_key(), &["1.3.6.1.4.1.1847.2021.1.2"]);
    let v = verdict(vec![tests_only, vaccinations], 4);
    assert_eq!(v.status, Status::Valid, "{:?}", v.checks);
}

/// A syntactically valid PKCS#1 RSAPublicKey with a 2048-bit modulus.
fn rsa_2048_der() -> Vec<u8> {
    let mut n = vec![0x00, 0xc0];
    n.extend(std::iter::repeat_n(0x5a, 255));
    let mut seq = vec![0x02, 0x82, 0x01, 0x01];
    seq.extend(&n);
    seq.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
    let mut der = vec![0x30, 0x82, (seq.len() >> 8) as u8, seq.len() as u8];
    der.extend(seq);
    der
}
