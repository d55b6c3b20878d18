#!/usr/bin/env bash
# JVM tests of the Kotlin bindings: builds the native library (healthcert-ffi)
# and the CLI (its trust server), generates the JVM flavour of the Kotlin
# bindings with the workspace's uniffi-bindgen, compiles them with
# src/test/kotlin, and runs the tests on the JVM through JNA.
#
# Installs what it needs when missing: kotlinc (and kotlinx-coroutines, which
# ships with it) from the npm registry's `kotlin-compiler` into target/tools,
# JNA from Debian's `libjna-java`. Needs a JDK (java 17+) and npm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
kotlin_version=2.4.20
tools="$root/target/tools/kotlin-$kotlin_version"
kotlin_home="$tools/node_modules/kotlin-compiler"
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
  echo "installing kotlin-compiler@$kotlin_version (npm) into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --no-save "kotlin-compiler@$kotlin_version" >&2
fi
jna=/usr/share/java/jna.jar
if [ ! -f "$jna" ]; then
  echo "installing libjna-java (apt)" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq libjna-java >&2 || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq libjna-java >&2; }
fi
command -v java >/dev/null || { echo "bindings/kotlin/test.sh needs a JDK (java 17+)" >&2; exit 1; }

# Built as two commands: the library with the bindgen exactly as
# bindings/swift/check.sh builds them (features unify per command, so one
# shared command keeps their artifacts shared), then the CLI for its server.
cargo build --quiet --locked -p healthcert-ffi -p uniffi-bindgen
cargo build --quiet --locked -p healthcert-cli
lib="$root/target/debug/libhealthcert_ffi.so"
out="$root/target/kotlin"
rm -rf "$out"
mkdir -p "$out"
"$root/target/debug/uniffi-bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$out/generated" >/dev/null

libs="$kotlin_home/lib"
cp="$jna:$libs/kotlinx-coroutines-core-jvm.jar:$libs/kotlin-test.jar"
"$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 -cp "$cp" -d "$out/tests.jar" \
  "$out/generated" "$root/bindings/kotlin/src/main/kotlin" "$root/bindings/kotlin/src/test/kotlin" 2>&1 | grep -v "^warning:" >&2 || true
[ -f "$out/tests.jar" ] || { echo "kotlinc failed" >&2; exit 1; }
java -Djna.library.path="$root/target/debug" \
  -Dhealthcert.fixtures="$root/fixtures" \
  -Dhealthcert.cli="$root/target/debug/healthcert" \
  -cp "$out/tests.jar:$cp:$libs/kotlin-stdlib.jar" org.healthcert.HealthcertTestKt
