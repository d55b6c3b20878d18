#!/usr/bin/env bash
# SMART Health Card verifiers side by side: the four spec examples
# (smart-on-fhir+health-cards gh-pages, as shc:/ numeric QR text) verified
# with the example issuer's keys by healthcert (release build, the whole
# verification) and by jose from the npm registry with node:zlib (the
# decode and the ES256 check; installed into target/tools/shc-js, not
# committed), timed the same way: ITER passes per round (default 2000),
# ROUNDS rounds (default 15) after a warm-up, per-card time = round time /
# ITER, median reported. Both must accept every card.
#
#   bash bench/shc.sh
#   ITER=5000 ROUNDS=21 bash bench/shc.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/js-tools.sh"
side_by_side shc jose "${JOSE_VERSION:-6.2.17}" smart-on-fhir+health-cards/gh-pages/examples 2000
"$bin" prepare "$testdata" "$input"
run_both

node - "$rs" "$js" <<'NODE'
const [rs, js] = process.argv.slice(2).map((s) => s.trim().split("\n").map((l) => JSON.parse(l)))
const us = (ns) => (ns / 1000).toFixed(1) + " µs"
console.log(`| card | healthcert (whole verification) | ${js[0].verifier} (decode + ES256) | speed-up |`)
console.log("|---|---:|---:|---:|")
let ok = true
for (const r of rs) {
  const j = js.find((x) => x.card === r.card)
  ok = ok && r.status === "valid" && j.status === "valid"
  console.log(`| ${r.card} | ${us(r.per_card_ns.median)} [${us(r.per_card_ns.min)}, ${us(r.per_card_ns.max)}] | ` +
    `${us(j.per_card_ns.median)} [${us(j.per_card_ns.min)}, ${us(j.per_card_ns.max)}] | ` +
    `${(j.per_card_ns.median / r.per_card_ns.median).toFixed(1)}× |`)
}
if (!ok) { console.log("a verifier did not accept every card: " + JSON.stringify(rs.map((r) => r.status))); process.exit(1) }
NODE
