#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/<target>/ (gitignored) from the
# in-process builders, the committed fixtures/ and, when present, the EU
# dgc-testdata checkout (read only; set DGC_TESTDATA to point elsewhere).
# Existing corpus files (inputs the fuzzer found) are kept.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dgc="${DGC_TESTDATA:-$root/../shared/testdata/eu-digital-green-certificates+dgc-testdata}"
args=("$here/corpus" "$root")
if [ -d "$dgc" ]; then
  args+=("$dgc")
else
  echo "seed.sh: no dgc-testdata at $dgc; seeding from builders and fixtures only" >&2
fi
cargo run --quiet --release --manifest-path "$here/Cargo.toml" --example seed -- "${args[@]}"
