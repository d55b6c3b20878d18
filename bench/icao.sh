#!/usr/bin/env bash
# ICAO VDS-NC verifiers side by side: the real Australian sample of WHO's
# DDCC validator (ICAOAUQR1Contents.txt, read from the test data) verified
# at 2021-09-20T12:00Z by healthcert (release build, the whole verification
# with the Health CSCAs of the PathCheck registry: chain, extended key usage,
# validity, schema, normalized model) and by `canonicalize` from the npm
# registry with node:crypto (RFC 8785 + the signer's chain to a registry
# CSCA + ES256; installed into target/tools/icao-js, not committed), timed
# the same way: ITER passes per round (default 2000), ROUNDS rounds
# (default 15) after a warm-up, per-seal time = round time / ITER, median
# reported. Both must accept the sample and refuse it with one signed byte
# changed.
#
#   bash bench/icao.sh
#   ITER=5000 ROUNDS=21 bash bench/icao.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/js-tools.sh"
[ -f "$testdata/Path-Check+trust-registry/registry.json" ] ||
  { echo "SKIPPED: Path-Check+trust-registry/registry.json absent under $testdata" >&2; exit 0; }
side_by_side icao canonicalize "${CANONICALIZE_VERSION:-2.1.0}" \
  WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources 2000
"$bin" prepare "$testdata" "$input"
echo "load: $(uptime | sed 's/.*load average/load average/')"
run_both

node - "$rs" "$js" <<'NODE'
const [rs, js] = process.argv.slice(2).map((s) => JSON.parse(s.trim()))
const us = (ns) => (ns / 1000).toFixed(1) + " µs"
const cell = (r) => `${us(r.per_seal_ns.median)} [${us(r.per_seal_ns.min)}, ${us(r.per_seal_ns.max)}]`
console.log(`healthcert checks: ${rs.checks.join(" ")}`)
console.log(`${js.verifier}: ${js.cscas} CA certificates read from the registry`)
console.log(`| sample | healthcert (whole verification) | ${js.verifier} (JCS + chain + ES256) | ratio |`)
console.log("|---|---:|---:|---:|")
console.log(`| ICAOAUQR1 | ${cell(rs)} | ${cell(js)} | ${(js.per_seal_ns.median / rs.per_seal_ns.median).toFixed(2)}× |`)
const ok = rs.status === "valid" && js.status === "valid" && rs.tampered_status === "invalid" && js.tampered_status === "invalid"
console.log(`sample: healthcert ${rs.status}, js ${js.status}; one signed byte changed: healthcert ${rs.tampered_status}, js ${js.tampered_status}`)
if (!ok) { console.log("a verifier did not accept the sample or did not refuse the tampered seal"); process.exit(1) }
NODE
