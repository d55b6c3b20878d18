//! Cross-crate tests live in `tests/tests/`; this crate has no library code.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]
