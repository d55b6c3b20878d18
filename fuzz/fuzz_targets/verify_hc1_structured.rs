//! `verify_hc1_structured`: see `healthcert_fuzz::structured` and docs/fuzzing.md.

#![no_main]

use healthcert_fuzz::structured::{Hc1Input, verify_hc1_structured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Hc1Input| verify_hc1_structured(&input));
