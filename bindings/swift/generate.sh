#!/usr/bin/env bash
# The Swift bindings of a built healthcert-ffi library, laid out as
# bindings/swift commits them. The library holds two UniFFI namespaces, the
# FFI crate's (objects, sync, errors) and the core's (the verdict and the
# certificate, rust-core/uniffi.toml), so uniffi-bindgen writes two of each:
#
#   Sources/Healthcert/HealthcertFFI.swift    one Swift target, `import Healthcert`:
#   Sources/Healthcert/HealthcertCore.swift   the FFI's file uses the core's types
#   headers/healthcertFFI/healthcertFFI.h     one clang module, `healthcertFFI`
#   headers/healthcertFFI/healthcertCoreFFI.h (both namespaces' ffi_module_name),
#   headers/healthcertFFI/module.modulemap    whose one module map lists both headers
#
# Usage: bindings/swift/generate.sh UNIFFI_BINDGEN LIBRARY OUT_DIR
# (used by check.sh and build-xcframework.sh).
set -euo pipefail
[ "$#" = 3 ] || { echo "usage: bindings/swift/generate.sh UNIFFI_BINDGEN LIBRARY OUT_DIR" >&2; exit 2; }
bindgen=$1 lib=$2 out=$3
fail() { echo "swift generate: $*" >&2; exit 1; }
raw="$(mktemp -d)"
trap 'rm -rf "$raw"' EXIT
"$bindgen" generate --library "$lib" --language swift --no-format --out-dir "$raw" >/dev/null
expected="HealthcertCore.swift HealthcertFFI.swift healthcertCoreFFI.h healthcertCoreFFI.modulemap healthcertFFI.h healthcertFFI.modulemap"
actual="$(cd "$raw" && ls | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
[ "$actual" = "$expected" ] || fail "uniffi-bindgen generated [$actual], expected [$expected]"
for map in healthcertFFI healthcertCoreFFI; do
  grep -q '^module healthcertFFI {$' "$raw/$map.modulemap" || fail "$map.modulemap is not of the clang module healthcertFFI"
done
mkdir -p "$out/Sources/Healthcert" "$out/headers/healthcertFFI"
cp "$raw/HealthcertFFI.swift" "$raw/HealthcertCore.swift" "$out/Sources/Healthcert/"
cp "$raw/healthcertFFI.h" "$raw/healthcertCoreFFI.h" "$out/headers/healthcertFFI/"
# The FFI crate's module map with the core's header after its own.
sed 's/^\( *\)header "healthcertFFI\.h"$/&\n\1header "healthcertCoreFFI.h"/' "$raw/healthcertFFI.modulemap" \
  >"$out/headers/healthcertFFI/module.modulemap"
grep -q '^ *header "healthcertCoreFFI\.h"$' "$out/headers/healthcertFFI/module.modulemap" ||
  fail "no header line to extend in healthcertFFI.modulemap"
