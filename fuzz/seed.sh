#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/<target>/ (gitignored) from the
# in-process builders, the committed fixtures/ and, when present, the EU
# dgc-testdata checkout and the SMART Health Cards spec examples (read only;
# set DGC_TESTDATA or SHC_EXAMPLES to point elsewhere).
# Existing corpus files (inputs the fuzzer found) are kept.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dgc="${DGC_TESTDATA:-$root/../shared/testdata/eu-digital-green-certificates+dgc-testdata}"
shc="${SHC_EXAMPLES:-$root/../shared/testdata/smart-on-fhir+health-cards/gh-pages/examples}"
args=("$here/corpus" "$root")
if [ -d "$shc" ]; then
  export SHC_EXAMPLES="$shc"
else
  unset SHC_EXAMPLES
  echo "seed.sh: no SMART Health Cards examples at $shc" >&2
fi
if [ -d "$dgc" ]; then
  args+=("$dgc")
else
  echo "seed.sh: no dgc-testdata at $dgc; seeding from builders and fixtures only" >&2
fi
cargo run --quiet --release --manifest-path "$here/Cargo.toml" --example seed -- "${args[@]}"
