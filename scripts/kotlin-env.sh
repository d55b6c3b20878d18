# Sourced (not run) by bindings/kotlin/test.sh and android/compile-check/check.sh:
# the Kotlin compiler they share and how to run it.
#
# Expects $target (the absolute cargo target dir) and a step() function that
# prints a progress line. Defines kotlin_version, kotlin_home (kotlinc from
# the npm registry's `kotlin-compiler`, installed into $target/tools when
# missing; kotlinx-coroutines and kotlin-test ship in its lib/), java_share,
# jna (Debian's libjna-java, installed with apt when missing), apt_install
# and run_kotlinc.

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

# run_kotlinc PREFIX LOG KOTLINC-ARGS...: one kotlinc run in the background,
# a "PREFIX: kotlinc still compiling" line every 30 s (it takes minutes), its
# output in LOG; then prints LOG but its warnings to stderr and returns
# kotlinc's exit status.
run_kotlinc() {
  local prefix="$1" log="$2"
  shift 2
  "$kotlin_home/bin/kotlinc" "$@" >"$log" 2>&1 &
  local pid=$! waited=0 status=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 30)) = 0 ]; then echo "$prefix: kotlinc still compiling ($((SECONDS - ${start:-0})) s)"; fi
  done
  wait "$pid" || status=$?
  grep -v "^warning:" "$log" >&2 || true
  return "$status"
}
