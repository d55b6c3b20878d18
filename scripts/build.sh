#!/usr/bin/env bash
# The one cargo build of the test command (scripts/test.sh), shared by its
# steps: every workspace crate but the benchmarks, in the dev profile, with
# the feature set of `cargo test` (dev-dependencies on), so that
#
#   - `cargo test` afterwards compiles nothing but doctests,
#   - bindings/kotlin/test.sh and bindings/swift/check.sh find the native
#     library (target/debug/libhealthcert_ffi.so), uniffi-bindgen and the CLI
#     (the trust server of the JVM tests) already built, from the same
#     artifacts the Rust tests used.
#
# Cargo unifies features per command: building the library or the CLI in a
# command of its own (`cargo build -p healthcert-ffi`) resolves another
# feature set (no dev-dependencies: serde_json without float_roundtrip,
# tokio without io-util, …) and so recompiles the core, the FFI crate and
# every dependency whose features differ, a second copy beside the first.
# Keep the package selection and flags here and in `cargo test` identical.
#
# Extra arguments go to cargo (e.g. --quiet). Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo build --workspace --exclude healthcert-bench --locked --lib --bins --tests "$@"
