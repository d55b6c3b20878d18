#!/usr/bin/env bash
# The whole test suite: what CI runs (.ci/run) and what README.md tells you to run.
# Needs a Rust toolchain (rustup) on PATH; the JVM tests of the Kotlin
# bindings also need a JDK and npm, and install kotlinc (npm, into
# ${CARGO_TARGET_DIR:-target}/tools)
# and JNA (Debian's libjna-java) themselves when missing; the Swift check
# needs python3 (venv) and gcc, and installs tree-sitter-swift from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust from https://rustup.rs (stable 1.89 or newer)" >&2
  exit 1
fi

testdata="${HEALTHCERT_TESTDATA:-$(cd .. && pwd)/shared/testdata}"
if [ -d "$testdata" ]; then
  echo "== external conformance data: $testdata"
else
  echo "== external conformance data NOT FOUND at $testdata: conformance tests will report SKIPPED" >&2
fi

start=$SECONDS
step() { echo "== $* (at $((SECONDS - start)) s)"; }

step "format"
cargo fmt --all --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The mobile configuration: the library without its built-in HTTP client.
cargo clippy -p healthcert-ffi --no-default-features --locked -- -D warnings

step "docs (rustdoc, warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --locked

# One build for the tests and the bindings steps (scripts/build.sh says why);
# `cargo test` below must select the same packages, or it rebuilds.
step "build"
bash scripts/build.sh

step "tests"
cargo test --workspace --exclude healthcert-bench --locked

step "Kotlin bindings on the JVM"
bash bindings/kotlin/test.sh

step "Android app sources (kotlinc against the Android-flavour bindings and API stubs)"
bash android/compile-check/check.sh

step "Swift bindings and iOS sources (regenerated bindings, tree-sitter parse, C header)"
bash bindings/swift/check.sh

step "all tests passed"
