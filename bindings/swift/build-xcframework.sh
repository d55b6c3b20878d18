#!/usr/bin/env bash
# Builds bindings/swift/HealthcertFFI.xcframework on macOS (Xcode 16 or later,
# rustup): healthcert-ffi as a static library for iOS devices (arm64), the
# iOS simulator (arm64 + x86_64, one lipo'd library) and macOS (arm64), with
# the generated C header and module map (headers/healthcertFFI/). Before
# packaging, regenerates the Swift bindings from the macOS build and fails
# when the committed ones (Sources/Healthcert/, headers/) differ.
#
#   bash bindings/swift/build-xcframework.sh [--debug]
#
# The XCFramework is the binary target of bindings/swift/Package.swift; it is
# a build product, never committed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
swift="$root/bindings/swift"

# release-ffi: smallest code (opt-level z, fat LTO); no built-in HTTP client
# (the app passes URLSessionTransport to Verifier.withTransport).
profile=release-ffi
cargo_profile=(--profile release-ffi)
case "${1:-}" in
  --debug) profile=debug; cargo_profile=() ;;
  "") ;;
  *) echo "usage: bindings/swift/build-xcframework.sh [--debug]" >&2; exit 2 ;;
esac

[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh runs on macOS (it needs xcodebuild and lipo)" >&2; exit 1; }
for tool in rustup cargo xcodebuild lipo; do
  command -v "$tool" >/dev/null || { echo "build-xcframework.sh needs $tool" >&2; exit 1; }
done

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
macos=aarch64-apple-darwin
rustup target add "$device" "${simulators[@]}" "$macos" >/dev/null

target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
# The oldest systems the library runs on (Package.swift says the same).
export IPHONEOS_DEPLOYMENT_TARGET=15.0
export MACOSX_DEPLOYMENT_TARGET=12.0

for t in "$device" "${simulators[@]}" "$macos"; do
  echo "building healthcert-ffi for $t ($profile)" >&2
  cargo build --locked "${cargo_profile[@]}" --no-default-features -p healthcert-ffi --target "$t"
done
lib() { echo "$target_dir/$1/$profile/libhealthcert_ffi.a"; }

# The committed bindings must be those of this library.
echo "checking the committed Swift bindings" >&2
cargo build --locked --quiet -p uniffi-bindgen
gen="$(mktemp -d)"
trap 'rm -rf "$gen"' EXIT
bash "$swift/generate.sh" "$target_dir/debug/uniffi-bindgen" "$target_dir/$macos/$profile/libhealthcert_ffi.dylib" "$gen"
stale=0
for file in Sources/Healthcert/HealthcertFFI.swift Sources/Healthcert/HealthcertCore.swift \
  headers/healthcertFFI/healthcertFFI.h headers/healthcertFFI/healthcertCoreFFI.h headers/healthcertFFI/module.modulemap; do
  cmp -s "$gen/$file" "$swift/$file" || stale=1
done
if [ "$stale" = 1 ]; then
  echo "the committed Swift bindings differ from the library's: run 'bash bindings/swift/check.sh --update'" >&2
  exit 1
fi

# One library per platform: the simulator's two architectures lipo'd.
build="$swift/build"
rm -rf "$build"
mkdir -p "$build/ios-simulator"
lipo -create "$(lib "${simulators[0]}")" "$(lib "${simulators[1]}")" -output "$build/ios-simulator/libhealthcert_ffi.a"

# The headers go in a subdirectory named after the module (Headers/healthcertFFI/module.modulemap), so that
# the module map does not collide with another XCFramework's in an app that links several.
out="$swift/HealthcertFFI.xcframework"
rm -rf "$out"
xcodebuild -create-xcframework \
  -library "$(lib "$device")" -headers "$swift/headers" \
  -library "$build/ios-simulator/libhealthcert_ffi.a" -headers "$swift/headers" \
  -library "$(lib "$macos")" -headers "$swift/headers" \
  -output "$out" >/dev/null
rm -rf "$build"
echo "built $out" >&2
