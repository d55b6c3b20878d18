#!/usr/bin/env bash
# Linux check of the Swift bindings and the iOS app sources (no Swift compiler
# runs here). From the repo root: `bash bindings/swift/check.sh`.
#
# 1. Builds healthcert-ffi and uniffi-bindgen with the test command's shared
#    build (scripts/build.sh: nothing to do after `cargo test` has run),
#    regenerates the Swift bindings (generate.sh: two namespaces, the FFI
#    crate's and the core's, in one Swift target and one clang module) and
#    fails when the committed ones differ (`--update` rewrites them):
#      Sources/Healthcert/HealthcertFFI.swift, Sources/Healthcert/HealthcertCore.swift
#      headers/healthcertFFI/healthcertFFI.h, headers/healthcertFFI/healthcertCoreFFI.h
#      headers/healthcertFFI/module.modulemap (both headers)
# 2. Parses the generated Swift, Package.swift, ios/**/*.swift and the
#    package's hand-written Swift with tree-sitter-swift (PyPI, installed into a venv under
#    $CARGO_TARGET_DIR/tools when missing); see tools/swift_syntax.py.
# 3. Compiles c-check/main.c against the committed header with -Wall -Werror
#    (C11, AddressSanitizer where available) and runs it on the cdylib: the
#    contract version, and scan_frame through RustBuffers on its error and
#    success paths, every buffer freed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
update=0
case "${1:-}" in
  --update) update=1 ;;
  "") ;;
  *) echo "usage: bindings/swift/check.sh [--update]" >&2; exit 2 ;;
esac
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
swift="$root/bindings/swift"
start=$SECONDS

# 1. Bindings up to date.
echo "swift check: building the native library and uniffi-bindgen (scripts/build.sh)"
bash "$root/scripts/build.sh"
case "$(uname -s)" in
  Darwin) lib="$target/debug/libhealthcert_ffi.dylib"; libpath_var=DYLD_LIBRARY_PATH ;;
  *) lib="$target/debug/libhealthcert_ffi.so"; libpath_var=LD_LIBRARY_PATH ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
gen="$tmp/generated"
bash "$swift/generate.sh" "$target/debug/uniffi-bindgen" "$lib" "$gen"
stale=0
while read -r file; do
  if [ "$update" = 1 ]; then
    mkdir -p "$(dirname "$swift/$file")"
    cp "$gen/$file" "$swift/$file"
  elif ! cmp -s "$gen/$file" "$swift/$file"; then
    echo "swift check: bindings/swift/$file differs from the generated one:" >&2
    diff -u "$swift/$file" "$gen/$file" 2>&1 | head -n 40 >&2 || true
    stale=1
  fi
done <<'FILES'
Sources/Healthcert/HealthcertFFI.swift
Sources/Healthcert/HealthcertCore.swift
headers/healthcertFFI/healthcertFFI.h
headers/healthcertFFI/healthcertCoreFFI.h
headers/healthcertFFI/module.modulemap
FILES
if [ "$stale" = 1 ]; then
  echo "swift check: committed bindings are stale; run 'bash bindings/swift/check.sh --update' and commit" >&2
  exit 1
fi
[ "$update" = 1 ] && echo "swift check: bindings updated in bindings/swift"

# 2. Swift syntax.
echo "swift check: bindings up to date; parsing the Swift sources ($((SECONDS - start)) s)"
ts_version=0.26.1
ts_swift_version=0.7.4
venv="$target/tools/tree-sitter-$ts_version-swift-$ts_swift_version"
if ! "$venv/bin/python" -c "import tree_sitter, tree_sitter_swift" 2>/dev/null; then
  echo "installing tree-sitter==$ts_version tree-sitter-swift==$ts_swift_version (PyPI) into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "tree-sitter==$ts_version" "tree-sitter-swift==$ts_swift_version" >&2
fi
swift_files=("$gen/Sources/Healthcert/HealthcertFFI.swift" "$gen/Sources/Healthcert/HealthcertCore.swift" "$swift/Package.swift")
# The hand-written part of the package (URLSessionTransport) beside the generated file.
while IFS= read -r -d '' f; do swift_files+=("$f"); done < <(find "$swift/Sources" -name '*.swift' ! -name HealthcertFFI.swift ! -name HealthcertCore.swift -print0 | sort -z)
while IFS= read -r -d '' f; do swift_files+=("$f"); done < <(find "$root/ios" -name '*.swift' -print0 | sort -z)
"$venv/bin/python" "$swift/tools/swift_syntax.py" "${swift_files[@]}"
echo "swift check: ${#swift_files[@]} Swift files parse (generated bindings, Package.swift, URLSessionTransport, ios app)"

# 3. The C header against the library.
echo "swift check: compiling and running the C check of the header ($((SECONDS - start)) s)"
contract="$(sed -n 's/^ *let bindings_contract_version = \([0-9][0-9]*\)$/\1/p' "$gen/Sources/Healthcert/HealthcertFFI.swift")"
[ -n "$contract" ] || { echo "swift check: no bindings_contract_version in the generated Swift" >&2; exit 1; }
cc="${CC:-gcc}"
sanitize=()
if echo 'int main(void){return 0;}' | "$cc" -x c -fsanitize=address,undefined -o "$tmp/probe" - 2>/dev/null \
  && "$tmp/probe" 2>/dev/null; then
  sanitize=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi
"$cc" -std=c11 -Wall -Wextra -Werror -pedantic "${sanitize[@]}" -DEXPECTED_CONTRACT_VERSION="$contract" \
  -I "$swift/headers/healthcertFFI" -o "$tmp/c-check" "$swift/c-check/main.c" \
  -L "$(dirname "$lib")" -lhealthcert_ffi
env "$libpath_var=$(dirname "$lib")" ASAN_OPTIONS=detect_leaks=1 "$tmp/c-check"
echo "swift check: passed in $((SECONDS - start)) s"
