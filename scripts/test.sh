#!/usr/bin/env bash
# The whole test suite: what CI runs (.ci/run) and what README.md tells you to run.
# Needs a Rust toolchain (rustup) on PATH; the JVM tests of the Kotlin
# bindings also need a JDK and npm, and install kotlinc (npm, into target/)
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

echo "== format"
cargo fmt --all --check

echo "== lint"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The mobile configuration: the library without its built-in HTTP client.
cargo clippy -p healthcert-ffi --no-default-features --locked -- -D warnings

echo "== tests"
cargo test --workspace --locked --exclude healthcert-bench --exclude uniffi-bindgen

echo "== Kotlin bindings on the JVM"
bash bindings/kotlin/test.sh

echo "== Swift bindings and iOS sources (regenerated bindings, tree-sitter parse, C header)"
bash bindings/swift/check.sh

echo "== all tests passed"
