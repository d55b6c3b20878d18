//! A verification loop for profilers (perf, callgrind), healthcert or dgc:
//!
//! ```sh
//! cargo build --release -p healthcert-bench --example profile
//! valgrind --tool=callgrind target/release/examples/profile healthcert 300
//! valgrind --tool=callgrind target/release/examples/profile dgc 300
//! ```

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use base64::Engine as _;
use healthcert_core::model::Status;
use healthcert_core::trust::file;
use healthcert_core::{FixedClock, Verifier, time_parse};

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");
    let payload = std::fs::read_to_string(format!("{root}/hcert/valid-vaccination.txt")).unwrap();
    let payload = payload.trim();
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "healthcert".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let started = std::time::Instant::now();
    match which.as_str() {
        "healthcert" => {
            let (store, _) = file::load(std::path::Path::new(&format!("{root}/trust/trustlist.json"))).unwrap();
            let clock = FixedClock(time_parse::rfc3339("2026-09-01T12:00:00Z").unwrap());
            let v = Verifier::new(store);
            for _ in 0..n {
                let verdict = v.verify(std::hint::black_box(payload), &clock).unwrap();
                assert_eq!(verdict.status, Status::Valid);
            }
        }
        "dgc" => {
            let (store, _) =
                file::load(std::path::Path::new(&format!("{root}/trust/dsc/dsc-ec-vaccination.pem"))).unwrap();
            let der = store.all_signers().next().unwrap().certificate().unwrap().to_vec();
            let mut trustlist = dgc::TrustList::default();
            trustlist.add_key_from_certificate(&base64::engine::general_purpose::STANDARD.encode(der)).unwrap();
            for _ in 0..n {
                let (_, validity) = dgc::validate(std::hint::black_box(payload), &trustlist).unwrap();
                assert!(validity.is_valid());
            }
        }
        other => panic!("unknown verifier {other}: healthcert or dgc"),
    }
    eprintln!("{which}: {:.2} us per verification", started.elapsed().as_secs_f64() * 1e6 / n as f64);
}
