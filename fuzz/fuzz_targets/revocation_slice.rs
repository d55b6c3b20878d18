//! `revocation_slice`: see `healthcert_fuzz::invariants::revocation_slice` and docs/fuzzing.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| healthcert_fuzz::invariants::revocation_slice(data));
