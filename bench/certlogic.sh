#!/usr/bin/env bash
# CertLogic engines side by side: all rules of DE (11) and of CH (20) from
# dgc-business-rules-testdata evaluated on one certificate (the fixture
# vaccination DCC, the test data's value sets, clock 2026-09-01T12:00:00Z),
# by healthcert (release build) and by certlogic-js from the npm registry
# (installed into target/tools/certlogic-js, not committed), timed the same
# way: ITER passes per round (default 20000), ROUNDS rounds (default 15)
# after a warm-up, per-set time = round time / ITER, median reported. Both
# engines must give the same result for every rule.
#
#   bash bench/certlogic.sh
#   ITER=50000 ROUNDS=21 bash bench/certlogic.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/js-tools.sh"
side_by_side certlogic certlogic-js "${CERTLOGIC_JS_VERSION:-1.2.2}" \
  eu-digital-green-certificates+dgc-business-rules-testdata 20000
"$bin" prepare "$testdata" "$root/fixtures" "$input"
run_both

node - "$rs" "$js" <<'NODE'
const [rs, js] = process.argv.slice(2).map((s) => s.trim().split("\n").map((l) => JSON.parse(l)))
const us = (ns) => (ns / 1000).toFixed(2) + " µs"
console.log(`| country | rules | healthcert | ${js[0].engine} | speed-up | healthcert RuleSet::evaluate |`)
console.log("|---|---:|---:|---:|---:|---:|")
let ok = true
for (const r of rs) {
  const j = js.find((x) => x.country === r.country)
  const same = JSON.stringify(r.results) === JSON.stringify(j.results)
  ok = ok && same
  console.log(`| ${r.country} | ${r.rules} | ${us(r.per_set_ns.median)} [${us(r.per_set_ns.min)}, ${us(r.per_set_ns.max)}] | ` +
    `${us(j.per_set_ns.median)} [${us(j.per_set_ns.min)}, ${us(j.per_set_ns.max)}] | ` +
    `${(j.per_set_ns.median / r.per_set_ns.median).toFixed(1)}× | ` +
    `${us(r.ruleset_evaluate_ns.median)} (${r.ruleset_evaluate_ns.rules_selected} rules apply) |`)
  if (!same) console.log(`results differ for ${r.country}: ${JSON.stringify(r.results)} vs ${JSON.stringify(j.results)}`)
}
if (!ok) process.exit(1)
console.log(`results: identical (${rs.map((r) => r.results.filter((x) => x === true).length + "/" + r.rules + " true").join(", ")})`)
NODE
