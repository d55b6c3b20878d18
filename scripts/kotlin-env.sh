# Sourced (not run) by bindings/kotlin/test.sh and android/compile-check/check.sh,
# as `source .../scripts/kotlin-env.sh PREFIX`: what the two share.
#
# Defines root (the checkout, also the working directory), target (the
# absolute cargo target dir: CARGO_TARGET_DIR, default target/), step (a
# progress line "PREFIX: ... (N s)"), kotlin_version, kotlin_home (kotlinc
# from the npm registry's `kotlin-compiler`, installed into $target/tools
# when missing; kotlinx-coroutines and kotlin-test ship in its lib/),
# java_share, jna (Debian's libjna-java, installed with apt when missing),
# apt_install, build_native, run_kotlinc and compile_once.

prefix="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
start=$SECONDS
step() { echo "$prefix: $* ($((SECONDS - start)) s)"; }

kotlin_version=2.4.20
kotlin_tools="$target/tools/kotlin-$kotlin_version"
kotlin_home="$kotlin_tools/node_modules/kotlin-compiler"
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
  step "installing kotlin-compiler@$kotlin_version (npm) into $kotlin_tools"
  mkdir -p "$kotlin_tools"
  npm install --prefix "$kotlin_tools" --no-audit --no-fund --no-save "kotlin-compiler@$kotlin_version" >&2
fi
apt_install() {
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq "$@" >&2 || { $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "$@" >&2; }
}
java_share=/usr/share/java
jna=$java_share/jna.jar
if [ ! -f "$jna" ]; then
  step "installing libjna-java (apt)"
  apt_install libjna-java
fi

# build_native OUT: the native library (healthcert-ffi), uniffi-bindgen and
# the CLI with the test command's shared build (scripts/build.sh: nothing to
# do after `cargo test` has run); sets lib (the library) and out
# ($target/OUT, created).
build_native() {
  step "building the native library, uniffi-bindgen and the CLI (scripts/build.sh)"
  bash "$root/scripts/build.sh"
  lib="$target/debug/libhealthcert_ffi.so"
  out="$target/$1"
  mkdir -p "$out"
}

# run_kotlinc LOG KOTLINC-ARGS...: one kotlinc run in the background, a
# "PREFIX: kotlinc still compiling" line every 30 s (it takes minutes), its
# output in LOG; then prints LOG but its warnings to stderr and returns
# kotlinc's exit status.
run_kotlinc() {
  local log="$1"
  shift
  "$kotlin_home/bin/kotlinc" "$@" >"$log" 2>&1 &
  local pid=$! waited=0 status=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 30)) = 0 ]; then echo "$prefix: kotlinc still compiling ($((SECONDS - start)) s)"; fi
  done
  wait "$pid" || status=$?
  grep -v "^warning:" "$log" >&2 || true
  return "$status"
}

# compile_once JAR CP WHAT SOURCES...: compiles the Kotlin files below
# SOURCES on the class path CP into JAR (kotlinc's log beside it in
# kotlinc.log), unless JAR was compiled from exactly these inputs: the
# fingerprint in JAR.inputs says which (kotlinc's version, CP, every
# source file). WHAT names the sources in the progress lines. Fails with
# kotlinc's status when it fails (or writes no JAR).
compile_once() {
  local jar="$1" cp="$2" what="$3"
  shift 3
  local fingerprint status=0
  fingerprint="$(
    {
      echo "kotlinc $kotlin_version cp $cp"
      find "$@" -type f -name '*.kt' -print0 | sort -z | xargs -0 sha256sum
    } | sha256sum | cut -d' ' -f1
  )"
  if [ -f "$jar" ] && [ "$(cat "$jar.inputs" 2>/dev/null)" = "$fingerprint" ]; then
    step "$what unchanged: reusing $jar"
    return 0
  fi
  step "compiling $what with kotlinc (a few minutes; a line every 30 s)"
  rm -f "$jar" "$jar.inputs"
  run_kotlinc "$(dirname "$jar")/kotlinc.log" -nowarn -jvm-target 17 -cp "$cp" -d "$jar" "$@" || status=$?
  if [ "$status" = 0 ] && [ ! -f "$jar" ]; then status=1; fi
  [ "$status" = 0 ] || return "$status"
  echo "$fingerprint" >"$jar.inputs"
}
