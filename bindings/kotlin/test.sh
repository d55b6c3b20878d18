#!/usr/bin/env bash
# JVM tests of the Kotlin bindings: builds the native library (healthcert-ffi)
# and the CLI (its trust server) with the test command's shared build
# (scripts/build.sh: nothing to do after `cargo test` has run), generates the
# JVM flavour of the Kotlin bindings with the workspace's uniffi-bindgen,
# compiles them with src/main/kotlin and src/test/kotlin (only when one of
# them changed: kotlinc takes minutes), and runs the tests on the JVM through
# JNA: JUnit 5 (Jupiter) test classes, run by the JUnit Platform console
# launcher, which reports every test by name; a failing test fails the script.
#
# Installs what it needs when missing: kotlinc (and kotlinx-coroutines and
# kotlin-test with its JUnit 5 asserter, which ship with it) from the npm
# registry's `kotlin-compiler` into $CARGO_TARGET_DIR/tools, JNA from Debian's
# `libjna-java`, JUnit 5 (Jupiter API and engine, the platform console
# launcher, opentest4j, apiguardian) from Debian's `junit5`. Needs a JDK
# (java 17+) and npm. Honours CARGO_TARGET_DIR (default: target/).
set -euo pipefail
# root, target, step; kotlinc (npm) and JNA (apt), installed when missing;
# apt_install, build_native and compile_once.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/kotlin-env.sh" kotlin
# JUnit 5 from Debian (5.9): the Jupiter API to compile against, and the
# console launcher, whose jar carries the platform and the Jupiter engine.
junit_api="$java_share/junit-jupiter-api.jar:$java_share/opentest4j.jar:$java_share/apiguardian-api.jar"
junit_console=$java_share/junit-platform-console-standalone.jar
if [ ! -f "$junit_console" ] || [ ! -f "$java_share/junit-jupiter-api.jar" ]; then
  step "installing junit5 (apt)"
  apt_install junit5
fi
command -v java >/dev/null || { echo "bindings/kotlin/test.sh needs a JDK (java 17+)" >&2; exit 1; }

build_native kotlin
step "generating the Kotlin bindings"
rm -rf "$out/generated"
"$target/debug/uniffi-bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$out/generated" >/dev/null

libs="$kotlin_home/lib"
cp="$jna:$libs/kotlinx-coroutines-core-jvm.jar:$libs/kotlin-test.jar:$junit_api"
status=0
compile_once "$out/tests.jar" "$cp" "the bindings and the tests" \
  "$out/generated" "$root/bindings/kotlin/src/main/kotlin" "$root/bindings/kotlin/src/test/kotlin" || status=$?
if [ "$status" != 0 ]; then
  echo "kotlin: kotlinc failed (exit $status; log: $out/kotlinc.log)" >&2
  exit 1
fi

step "running the tests on the JVM (JUnit Platform console launcher)"
# kotlin-test-junit5 makes kotlin.test's assertions JUnit 5's (opentest4j
# failures with expected and actual). Only the Jupiter engine runs (Debian's
# launcher jar also brings the suite and the JUnit 4 engines: nothing for
# them here). Test classes are found by scanning tests.jar (kotlinc writes no
# directory entries, so a package selector would find none). The console
# trims stack traces; the XML report in junit-reports/ has them whole.
colors=(); [ -t 1 ] || colors=(--disable-ansi-colors)
rm -rf "$out/junit-reports"
status=0
java -Djna.library.path="$target/debug" \
  -Dhealthcert.fixtures="$root/fixtures" \
  -Dhealthcert.cli="$target/debug/healthcert" \
  -cp "$out/tests.jar:$cp:$libs/kotlin-test-junit5.jar:$libs/kotlin-stdlib.jar:$junit_console" \
  org.junit.platform.console.ConsoleLauncher \
  --disable-banner "${colors[@]}" --details=tree --include-engine=junit-jupiter \
  --fail-if-no-tests --scan-class-path="$out/tests.jar" --reports-dir="$out/junit-reports" \
  2>&1 | tee "$out/junit.log" || status=$?
# The launcher's summary: "[ N tests successful ]", "[ N tests failed ]".
count() { sed -n "s/^\[ *\([0-9][0-9]*\) tests $1 *\]$/\1/p" "$out/junit.log" | tail -n 1; }
passed="$(count successful)"; failed="$(count failed)"
if [ "$status" != 0 ] || [ -z "$passed" ] || [ "${failed:-0}" != 0 ] || [ "$passed" = 0 ]; then
  if [ "${passed:-0}" = 0 ] && [ "${failed:-0}" = 0 ]; then what="no test ran"; else what="${failed:-?} of $(count found) tests failed"; fi
  echo "kotlin: $what (launcher exit $status; log: $out/junit.log, full stack traces in $out/junit-reports)" >&2
  exit 1
fi
step "$passed tests passed"
