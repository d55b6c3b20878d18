#!/usr/bin/env bash
# End-to-end trust sync and cold-start timings as a user meets them: the
# release `healthcert` CLI syncing from `healthcert trust serve` running in
# another process on loopback, with COUNT signer certificates (default
# 10 000, from `cargo xtask bulk-trust`). Prints the median and the range of
# RUNS runs (default 5) of each scenario, wall clock, process start included.
#
#   bash bench/trust-sync.sh            # COUNT=10000 RUNS=5
#   COUNT=2000 RUNS=9 bash bench/trust-sync.sh
#
# With root and a writable /proc/sys/vm/drop_caches, the cold start is also
# measured with the OS page cache dropped before each run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count="${COUNT:-10000}"
runs="${RUNS:-5}"
cd "$root"
cargo build --quiet --release -p healthcert-cli
hc="$root/target/release/healthcert"
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo run --quiet --release -p xtask -- bulk-trust --count "$count" --out "$work/served" >/dev/null
"$hc" trust serve "$work/served" --addr 127.0.0.1:0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q "serving" "$work/server.log" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^serving .* at \(http[^ ]*\).*/\1/p' "$work/server.log")"
[ -n "$url" ] || { echo "the trust server did not start: $(cat "$work/server.log")" >&2; exit 1; }
key="$work/served/de/list-signing-key.pem"
at="2026-09-01T12:00:00Z"
de=(trust sync --source "de=$url/de/trustList/DSC" --de-key "$key" --at "$at")
dgca=(trust sync --source "dgca=$url/" --at "$at")

# ms <command…>: wall-clock milliseconds of one run (output discarded).
ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

# report <name> <setup-function or -> <command…>
report() {
  local name="$1" setup="$2"
  shift 2
  local times=()
  for _ in $(seq "$runs"); do
    [ "$setup" = "-" ] || "$setup"
    times+=("$(ms "$@")")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")
  printf '%-34s median %6s ms   (min %s, max %s, %s runs)\n' "$name" "$median" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | tail -1)" "$runs"
}

fresh() { rm -f "$work/t.db" "$work/t.db-wal" "$work/t.db-shm"; }
echo "healthcert $("$hc" --version | cut -d' ' -f2), $count signer certificates, server $url"
report "de: full sync (one response)" fresh "$hc" "${de[@]}" --db "$work/t.db"
report "de: nothing new (one 304)" - "$hc" "${de[@]}" --db "$work/t.db"
report "dgca: full sync ($count pages)" fresh "$hc" "${dgca[@]}" --db "$work/t.db"
report "dgca: nothing new (204 + 304)" - "$hc" "${dgca[@]}" --db "$work/t.db"

# Cold start: a database with the COUNT bulk signers and the fixture signers,
# then one verification in a new process.
fresh
"$hc" "${de[@]}" --db "$work/t.db" >/dev/null 2>&1
"$hc" trust import --db "$work/t.db" "$root/fixtures/trust/trustlist.json" --at "$at" >/dev/null
sample="$root/fixtures/hcert/valid-vaccination.txt"
report "cold start: open + verify (process)" - "$hc" verify --db "$work/t.db" --at "$at" "$sample"
report "for scale: verify, bundled trust" - "$hc" verify --at "$at" "$sample"
if [ -w /proc/sys/vm/drop_caches ]; then
  drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
  report "cold start, page cache dropped" drop "$hc" verify --db "$work/t.db" --at "$at" "$sample"
  report "for scale: bundled, cache dropped" drop "$hc" verify --at "$at" "$sample"
fi
