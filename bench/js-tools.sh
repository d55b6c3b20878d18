# Shared by the side-by-side benchmark scripts (sourced, not run): the
# test-data folder, and an npm package installed at a pinned version into
# $CARGO_TARGET_DIR/tools/<dir> (never committed).
#
#   source bench/js-tools.sh
#   npm_tool DIR PACKAGE VERSION   # installs unless that version is there
#   side_by_side NAME PACKAGE VERSION TESTDATA_DIR DEFAULT_ITER
#   run_both                       # after "$bin" prepare ... "$input"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
testdata="${HEALTHCERT_TESTDATA:-$root/../shared/testdata}"
target="${CARGO_TARGET_DIR:-$root/target}"

npm_tool() {
  local tools="$target/tools/$1" package="$2" version="$3"
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"private": true}' > "$tools/package.json"
  if [ "$(node -p "try{require('$tools/node_modules/$package/package.json').version}catch(e){''}")" != "$version" ]; then
    npm install --silent --no-audit --no-fund --prefix "$tools" "$package@$version" >/dev/null
  fi
}

# The common start of a side-by-side run of bench/NAME.sh: ITER passes per
# round (default DEFAULT_ITER) and ROUNDS rounds (default 15); exits 0 with
# SKIPPED when TESTDATA_DIR is absent; installs PACKAGE@VERSION into
# tools/NAME-js and builds the release example NAME_timing. Sets iter,
# rounds, tools, bin and input (the prepared input file).
side_by_side() {
  name="$1"
  iter="${ITER:-$5}"
  rounds="${ROUNDS:-15}"
  tools="$target/tools/$name-js"
  cd "$root"
  [ -d "$testdata/$4" ] || { echo "SKIPPED: $4 absent under $testdata" >&2; exit 0; }
  npm_tool "$name-js" "$2" "$3"
  cargo build --quiet --release -p healthcert-bench --example "${name}_timing"
  bin="$target/release/examples/${name}_timing"
  input="$tools/$name-bench-input.json"
}

# Times both sides on the prepared input, one after the other: sets rs
# (healthcert's JSON lines) and js (bench/NAME-js.mjs's).
run_both() {
  rs="$("$bin" run "$input" "$iter" "$rounds")"
  js="$(node "$root/bench/$name-js.mjs" "$tools" "$input" "$iter" "$rounds")"
}
