//! `divoc`: see `healthcert_fuzz::invariants::divoc` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| healthcert_fuzz::invariants::divoc(data));
