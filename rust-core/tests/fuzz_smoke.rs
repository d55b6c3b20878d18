//! The fuzz targets on stable Rust, in the normal test suite.
//!
//! Each test runs the body of one cargo-fuzz target (the harness in
//! `healthcert_test_support::fuzz`, which the fuzz crate re-exports, so the
//! invariants are the very same code) over seeds built in
//! process (and the committed fixtures, when present), then over a bounded
//! number of mutants from a deterministic mutation loop: a xorshift PRNG
//! with a fixed seed; bit flips, byte writes, inserts, deletes, truncation,
//! splices of two seeds, chunk duplication. No wall clock, no randomness
//! from the environment: every run checks exactly the same inputs.
//!
//! A failing input is printed in hex before the panic propagates; a
//! reproducer belongs in `tests/fuzz_regressions.rs`. The real fuzzing is
//! `cargo +nightly fuzz run <target>` (docs/fuzzing.md).

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use healthcert_test_support::fixtures::{files_with_extension as fixture_files, fixtures};
use healthcert_test_support::fuzz::{invariants, seeds, structured};

/// xorshift64*: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in `0..n` (`n` > 0), near enough.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn byte(&mut self) -> u8 {
        (self.next() >> 32) as u8
    }
    /// `count` random byte strings, each `min` bytes long and up to
    /// `spread - 1` more.
    fn byte_strings(&mut self, count: usize, min: usize, spread: usize) -> Vec<Vec<u8>> {
        (0..count)
            .map(|_| {
                let n = min + self.below(spread);
                (0..n).map(|_| self.byte()).collect()
            })
            .collect()
    }
}

/// Bytes that tend to matter to the parsers: CBOR headers (arrays, maps,
/// tags, indefinite lengths, huge lengths), zlib, base45 and date characters.
const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x7f, 0x80, 0xff, 0x18, 0x19, 0x1a, 0x1b, 0x40, 0x5b, 0x5f, 0x60, 0x7b, 0x7f, 0x80, 0x9b, 0x9f, 0xa0,
    0xbb, 0xbf, 0xc1, 0xd2, 0xd8, 0xf6, 0xf9, 0xfa, 0xfb, 0x78, 0xda, b'-', b':', b'T', b'Z', b'+', b'.', b'9', b'%',
];

/// One mutant of a random seed.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], max_len: usize) -> Vec<u8> {
    let mut d = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        let len = d.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                d[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                d[i] = if rng.below(2) == 0 { rng.byte() } else { INTERESTING[rng.below(INTERESTING.len())] };
            }
            2 => {
                let i = rng.below(len + 1);
                let b = if rng.below(2) == 0 { rng.byte() } else { INTERESTING[rng.below(INTERESTING.len())] };
                d.insert(i, b);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                d.drain(i..i + n);
            }
            4 => d.truncate(rng.below(len + 1)),
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let a = rng.below(len + 1);
                let b = rng.below(other.len() + 1);
                d.truncate(a);
                d.extend_from_slice(&other[b..]);
            }
            6 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let chunk = d[i..i + n].to_vec();
                let at = rng.below(len + 1);
                d.splice(at..at, chunk);
            }
            _ => {
                let i = rng.below(len + 1);
                d.insert(i, rng.byte());
            }
        }
    }
    d.truncate(max_len);
    d
}

/// Runs `body` on every seed, then on `iterations` mutants; reports the
/// input that failed.
fn run(name: &str, seed: u64, seeds: &[Vec<u8>], iterations: usize, body: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let check = |input: &[u8], what: &str| {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| body(input))) {
            let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
            eprintln!("{name}: {what} failed; input ({} bytes, hex):\n{hex}", input.len());
            resume_unwind(panic);
        }
    };
    for s in seeds {
        check(s, "seed");
    }
    let mut rng = Rng::new(seed);
    for i in 0..iterations {
        let input = mutate(&mut rng, seeds, 20_000);
        check(&input, &format!("mutant {i}"));
    }
}

fn payload_seeds() -> Vec<Vec<u8>> {
    let mut s = seeds::payload_seeds();
    s.extend(fixture_files(&fixtures().join("hcert"), "txt").into_iter().map(|t| t.trim_ascii().to_vec()));
    s
}

#[test]
fn verify_payload() {
    run("verify_payload", 1, &payload_seeds(), 4_000, invariants::verify_payload);
}

/// The payload target again, mutating below the transport layers: the
/// mutated COSE bytes are wrapped properly, so the mutants get past zlib.
#[test]
fn verify_payload_rewrapped() {
    run("verify_payload_rewrapped", 2, &seeds::cose_seeds(), 4_000, |cose| {
        invariants::verify_payload(seeds::hc1(cose).as_bytes());
    });
}

#[test]
fn verify_hc1_structured() {
    // Random byte strings of assorted lengths, then mutants of them.
    let inputs = [seeds::structured_seeds(), Rng::new(3).byte_strings(32, 16, 1024)].concat();
    run("verify_hc1_structured", 4, &inputs, 3_000, structured::verify_hc1_structured_bytes);
}

#[test]
fn cose() {
    let mut s = seeds::cose_seeds();
    for text in fixture_files(&fixtures().join("hcert"), "txt") {
        let text = String::from_utf8_lossy(&text);
        let cose = healthcert_core::formats::hcert::transport::strip_prefix(text.trim(), Default::default())
            .and_then(|(body, _)| healthcert_core::formats::hcert::transport::base45(body))
            .and_then(|z| healthcert_core::formats::hcert::transport::inflate(&z, 64 * 1024));
        s.extend(cose.ok());
    }
    run("cose", 5, &s, 5_000, invariants::cose);
}

#[test]
fn transport() {
    let mut s: Vec<Vec<u8>> = Vec::new();
    for p in payload_seeds() {
        s.push([&[0xff, 0x0f][..], &p].concat());
    }
    for c in seeds::cose_seeds() {
        // Caps around the inflated size, and below 64.
        for cap in [c.len() as u16, 63, 8] {
            s.push([&cap.to_le_bytes()[..], &seeds::zlib(&c)].concat());
        }
    }
    run("transport", 6, &s, 8_000, invariants::transport);
}

#[test]
fn trust_list() {
    let mut s = seeds::trust_seeds();
    s.extend(fixture_files(&fixtures().join("trust"), "json"));
    s.extend(fixture_files(&fixtures().join("trust"), "pem"));
    run("trust_list", 7, &s, 5_000, invariants::trust_list);
}

#[test]
fn signed_list() {
    let mut s = seeds::signed_list_seeds();
    for f in fixture_files(&fixtures().join("trust"), "json") {
        s.push(seeds::sign_list(&f));
    }
    run("signed_list", 11, &s, 3_000, invariants::signed_list);
}

#[test]
fn revocation_slice() {
    let s = seeds::revocation_slice_seeds();
    run("revocation_slice", 13, &s, 3_000, invariants::revocation_slice);
}

/// The GDHCN fixtures: an embedded and a reference document (signed with
/// the key the `gdhcn_did` target pins), the signer's DID document.
fn gdhcn_fixtures() -> Vec<Vec<u8>> {
    let dir = fixtures().join("trust/gdhcn");
    ["v2/trustlist/DCC/XXT/DSC/did.json", "v2/trustlist-ref/DCC/XXT/did.json", "signer/did.json"]
        .iter()
        .filter_map(|f| std::fs::read(dir.join(f)).ok())
        .collect()
}

#[test]
fn gdhcn_did() {
    let fixtures = gdhcn_fixtures();
    // The fixtures' documents verify with the pinned key: the target
    // reaches the keys, not only the refusals.
    if let Some(document) = fixtures.first() {
        let read = healthcert_core::trust::gdhcn::parse("fuzz", document, seeds::gdhcn_anchor());
        assert!(read.is_ok_and(|l| l.signers.len() == 9), "the fixtures' DSC document verifies");
    }
    let mut s = seeds::jsonld_seeds();
    s.extend(fixtures);
    run("gdhcn_did", 17, &s, 400, invariants::gdhcn_did);
}

#[test]
fn jsonld() {
    let mut s = seeds::jsonld_seeds();
    s.extend(gdhcn_fixtures());
    run("jsonld", 18, &s, 400, invariants::jsonld);
}

#[test]
fn trust_protocol() {
    let s = seeds::trust_protocol_seeds(&fixtures());
    run("trust_protocol", 12, &s, 20_000, invariants::trust_protocol);
}

#[cfg(feature = "jsonld")]
#[test]
fn divoc() {
    let seeds = seeds::divoc_seeds();
    // The first seeds reach the proof: the fuzzer starts past the archive.
    for s in &seeds[..3] {
        let text = healthcert_core::formats::binary_as_text(s).unwrap_or_else(|| String::from_utf8(s.clone()).unwrap());
        let decoded = healthcert_core::formats::divoc::decode(&text, &healthcert_core::Limits::DEFAULT);
        assert!(decoded.is_ok(), "{:?}", decoded.err());
    }
    run("divoc", 16, &seeds, 1_500, invariants::divoc);
}

#[test]
fn icao() {
    let seeds = seeds::icao_seeds();
    run("icao", 15, &seeds, 4_000, invariants::icao);
}

#[test]
fn shc() {
    let seeds = seeds::shc_seeds();
    // The harness's verifier trusts the test issuer: the first seed is valid.
    let first = healthcert_test_support::fuzz::seeds::verifier()
        .verify(std::str::from_utf8(&seeds[0]).unwrap(), &healthcert_test_support::fuzz::seeds::clock())
        .unwrap();
    assert_eq!(first.status, healthcert_core::Status::Valid, "{:#?}", first.checks);
    run("shc", 13, &seeds, 4_000, invariants::shc);
}

/// The SMART Health Card target again, mutating the claims: the mutants
/// are deflated, signed and encoded properly, so they reach the claims,
/// the FHIR bundle and the signature check.
#[test]
fn shc_resigned() {
    let claims: Vec<Vec<u8>> = seeds::shc_fhir_seeds()
        .iter()
        .map(|b| {
            let bundle = serde_json::from_slice(b).unwrap();
            healthcert_test_support::shc::claims(seeds::NOW - 60, bundle).to_string().into_bytes()
        })
        .collect();
    run("shc_resigned", 14, &claims, 1_500, |c| {
        let header = serde_json::json!({"zip": "DEF", "alg": "ES256", "kid": healthcert_test_support::shc::kid()});
        let jws = healthcert_test_support::shc::sign_raw(&header, c);
        invariants::shc(healthcert_test_support::shc::numeric(&jws).as_bytes());
    });
}

#[test]
fn shc_fhir() {
    run("shc_fhir", 15, &seeds::shc_fhir_seeds(), 5_000, invariants::shc_fhir);
}

#[test]
fn shc_validate() {
    let mut seeds = seeds::shc_fhir_seeds();
    seeds.extend(seeds::shc_fhir_seeds().iter().map(|b| {
        let bundle: serde_json::Value = serde_json::from_slice(b).unwrap();
        healthcert_test_support::shc::claims(seeds::NOW - 60, bundle).to_string().into_bytes()
    }));
    run("shc_validate", 16, &seeds, 1_500, invariants::shc_validate);
}

#[test]
fn text() {
    run("text", 11, &seeds::text_seeds(), 20_000, invariants::text);
}

#[test]
fn time_parse() {
    run("time_parse", 8, &seeds::time_seeds(), 50_000, invariants::time_parse);
}

#[test]
fn schema_bytes() {
    let mut s = seeds::schema_seeds();
    s.extend(fixture_files(&fixtures().join("hcert"), "json"));
    run("schema", 9, &s, 10_000, invariants::schema);
}

#[test]
fn scan() {
    let seeds = seeds::scan_seeds();
    // The seeds hold codes that decode (the harness is not scanning blanks).
    let found = seeds
        .iter()
        .filter(|s| {
            let (w, h) = (usize::from(u16::from_le_bytes([s[0], s[1]])), usize::from(u16::from_le_bytes([s[2], s[3]])));
            let frame =
                healthcert_core::scan::LumaFrame { data: &s[5..], width: w, height: h, stride: w + usize::from(s[4]) };
            healthcert_core::scan::scan(&frame).is_ok_and(|c| !c.is_empty())
        })
        .count();
    assert!(found >= 4, "only {found} seed frames hold a readable code");
    run("scan", 11, &seeds, 300, invariants::scan);
}

#[test]
fn qr_segments() {
    let seeds = seeds::qr_segments_seeds();
    // The seeds parse (the harness is not only rejecting).
    let parsed =
        seeds.iter().filter(|s| healthcert_core::scan::segments::parse(s[0] % 40 + 1, &s[1..]).is_ok()).count();
    assert_eq!(parsed, seeds.len(), "a seed stream does not parse");
    run("qr_segments", 12, &seeds, 20_000, invariants::qr_segments);
}

#[test]
fn picture() {
    use healthcert_core::picture::{self, PictureError};
    // Every committed seed picture reads to its code, in every PNG,
    // JPEG, GIF and WebP layout; the hostile one is refused from its header.
    for (name, bytes) in seeds::PICTURE_FILES {
        match picture::decode(bytes, &invariants::PICTURE_LIMITS) {
            Ok(p) => {
                let codes = healthcert_core::scan::scan(&p.frame()).expect("a valid frame");
                let texts: Vec<_> = codes.iter().filter_map(|c| c.text.as_deref()).collect();
                assert_eq!(texts, [seeds::PICTURE_PAYLOAD], "{name}");
            }
            Err(PictureError::TooLarge { width: 20_000, height: 20_000, .. }) => {
                assert!(name.starts_with("huge"), "{name}")
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    run("picture", 12, &seeds::picture_seeds(), 400, invariants::picture);
}

/// Values that the schema rules care about.
fn interesting_value(rng: &mut Rng) -> serde_json::Value {
    use serde_json::json;
    let pool = [
        json!(null),
        json!(true),
        json!(0),
        json!(1),
        json!(-1),
        json!(9),
        json!(10),
        json!(1.5),
        json!(2.0),
        json!(1e300),
        json!(u64::MAX),
        json!(""),
        json!("1.3.0"),
        json!("1.0.0"),
        json!("2.0.0"),
        json!("1a2b3"),
        json!("1964"),
        json!("1964-08"),
        json!("1964-02-30"),
        json!("2021-05-30T10:12:22Z"),
        json!("2021-05-30T10:12:22+0200"),
        json!("2021-13-01"),
        json!("XT"),
        json!("xt"),
        json!("ERIKA<MARIA"),
        json!("Č".repeat(81)),
        json!("A".repeat(51)),
        json!("Ä#canary@"),
        json!([]),
        json!([{}]),
        json!({}),
    ];
    pool[rng.below(pool.len())].clone()
}

const KEYS: [&str; 30] = [
    "ver", "nam", "dob", "v", "t", "r", "fn", "fnt", "gn", "gnt", "tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is",
    "ci", "tt", "nm", "sc", "dr", "tr", "tc", "fr", "df", "du", "x",
];

/// Mutates one random node of a JSON tree.
fn mutate_json(rng: &mut Rng, v: &mut serde_json::Value, depth: usize) {
    use serde_json::Value;
    let descend = rng.below(3) != 0 && depth < 6;
    match v {
        Value::Object(o) if descend && !o.is_empty() => {
            let key = o.keys().nth(rng.below(o.len())).cloned().unwrap_or_default();
            if let Some(child) = o.get_mut(&key) {
                mutate_json(rng, child, depth + 1);
            }
        }
        Value::Array(a) if descend && !a.is_empty() => {
            let i = rng.below(a.len());
            mutate_json(rng, &mut a[i], depth + 1);
        }
        Value::Object(o) => match rng.below(3) {
            0 if !o.is_empty() => {
                let key = o.keys().nth(rng.below(o.len())).cloned().unwrap_or_default();
                o.remove(&key);
            }
            _ => {
                o.insert(KEYS[rng.below(KEYS.len())].to_owned(), interesting_value(rng));
            }
        },
        Value::Array(a) if rng.below(2) == 0 && !a.is_empty() => {
            let i = rng.below(a.len());
            let copy = a[i].clone();
            a.push(copy);
        }
        _ => *v = interesting_value(rng),
    }
}

#[test]
fn schema_tree() {
    let mut bases: Vec<serde_json::Value> = seeds::dccs().to_vec();
    for f in fixture_files(&fixtures().join("hcert"), "json") {
        bases.extend(serde_json::from_slice(&f).ok());
    }
    let mut rng = Rng::new(10);
    for i in 0..10_000 {
        let mut v = bases[rng.below(bases.len())].clone();
        for _ in 0..=rng.below(3) {
            mutate_json(&mut rng, &mut v, 0);
        }
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| invariants::schema_value(&v))) {
            eprintln!("schema_tree: mutant {i} failed: {v}");
            resume_unwind(panic);
        }
    }
}

#[test]
fn certlogic() {
    // `[expression, data]` pairs, then random bytes as generator choices.
    let inputs = [seeds::certlogic_seeds(), Rng::new(13).byte_strings(64, 8, 512)].concat();
    run("certlogic", 14, &inputs, 3_000, invariants::certlogic);
}

#[test]
fn mutation_loop_is_deterministic() {
    let seeds = seeds::time_seeds();
    let a: Vec<Vec<u8>> = {
        let mut rng = Rng::new(42);
        (0..100).map(|_| mutate(&mut rng, &seeds, 100)).collect()
    };
    let mut rng = Rng::new(42);
    let b: Vec<Vec<u8>> = (0..100).map(|_| mutate(&mut rng, &seeds, 100)).collect();
    assert_eq!(a, b);
    assert!(a.iter().any(|m| !seeds.contains(m)), "the mutator changes inputs");
}
