//! `shc_validate`: see `healthcert_fuzz::invariants::shc_validate` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| healthcert_fuzz::invariants::shc_validate(data));
