//! Payload string → verdict, with 1, 1 000 and 10 000 keys in the trust
//! store, side by side with the `dgc` crate (0.0.7) on the same certificate
//! and the same number of keys.
//!
//! `dgc::validate` decodes and checks the ES256 signature only; healthcert
//! also checks the signer's validity window and key usage, the certificate's
//! validity period and its schema, and builds the normalized certificate.
//!
//! Run: `cargo bench -p healthcert-bench --bench verify`

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::path::Path;

use base64::Engine as _;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use healthcert_core::crypto::PublicKey;
use healthcert_core::model::Status;
use healthcert_core::trust::{KeyUsage, MemoryStore, SignerKey, file};
use healthcert_core::{FixedClock, Verifier, time_parse};
use p256::elliptic_curve::sec1::ToEncodedPoint as _;

const SIZES: [usize; 3] = [1, 1_000, 10_000];

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

/// Filler keys: distinct P-256 points under distinct kids.
fn filler(n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let mut seed = [0x11u8; 32];
            seed[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            let secret = p256::SecretKey::from_slice(&seed).unwrap();
            let point = secret.public_key().to_encoded_point(false).as_bytes().to_vec();
            let kid = [b"fill".as_slice(), &(i as u32).to_be_bytes()].concat();
            (kid, point)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let payload = std::fs::read_to_string(fixtures().join("hcert/valid-vaccination.txt")).unwrap();
    let payload = payload.trim().to_owned();
    let (dsc_store, _) = file::load(&fixtures().join("trust/dsc/dsc-ec-vaccination.pem")).unwrap();
    let dsc = dsc_store.all_signers().next().unwrap().as_ref().clone();
    let dsc_der = dsc.certificate().unwrap().to_vec();
    let clock = FixedClock(time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap());
    let fill = filler(SIZES[SIZES.len() - 1]);

    let mut group = c.benchmark_group("payload_to_verdict");
    for &n in &SIZES {
        let mut store = MemoryStore::new("bench");
        store.insert(dsc.clone());
        for (kid, point) in &fill[..n - 1] {
            store.insert(SignerKey {
                scheme: healthcert_core::formats::hcert::SCHEME,
                issuer: None,
                kid: kid.clone(),
                country: Some("XT".into()),
                public_key: PublicKey::p256_from_sec1(point).unwrap(),
                not_before: None,
                not_after: None,
                key_usage: KeyUsage::default(),
                material: None,
                status: healthcert_core::trust::KeyStatus::Current,
            });
        }
        let verifier = Verifier::new(store);
        assert_eq!(verifier.verify(&payload, &clock).unwrap().status, Status::Valid);
        group.bench_with_input(BenchmarkId::new("healthcert", n), &n, |b, _| {
            b.iter(|| verifier.verify(std::hint::black_box(&payload), &clock).unwrap())
        });

        let mut trustlist = dgc::TrustList::default();
        trustlist.add_key_from_certificate(&base64::engine::general_purpose::STANDARD.encode(&dsc_der)).unwrap();
        for (kid, point) in &fill[..n - 1] {
            trustlist.add(kid, point.clone());
        }
        let (_, validity) = dgc::validate(&payload, &trustlist).unwrap();
        assert!(validity.is_valid(), "dgc must verify the same certificate");
        group.bench_with_input(BenchmarkId::new("dgc-0.0.7", n), &n, |b, _| {
            b.iter(|| dgc::validate(std::hint::black_box(&payload), &trustlist).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("decode_only");
    let limits = healthcert_core::Limits::DEFAULT;
    let policy = healthcert_core::formats::PrefixPolicy::Required;
    group.bench_function("healthcert", |b| {
        b.iter(|| healthcert_core::formats::hcert::decode(std::hint::black_box(&payload), policy, &limits).unwrap())
    });
    group.bench_function("dgc-0.0.7", |b| b.iter(|| dgc::decode(std::hint::black_box(&payload)).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
