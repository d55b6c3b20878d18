# Shared by the side-by-side benchmark scripts (sourced, not run): the
# test-data folder, and an npm package installed at a pinned version into
# $CARGO_TARGET_DIR/tools/<dir> (never committed).
#
#   source bench/js-tools.sh
#   npm_tool DIR PACKAGE VERSION   # installs unless that version is there
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
