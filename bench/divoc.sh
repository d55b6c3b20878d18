#!/usr/bin/env bash
# DIVOC verifiers side by side: the India sample of WHO's DDCC validator
# (DIVOCQR1, read from the test data) with the India key of the PathCheck
# registry (DIVOC → did:india), verified by healthcert (release build: the
# QR text `B64:…` through a SQLite trust database made by `trust import`
# of the registry, then `Verifier::verify`) and by the JavaScript stack
# DIVOC uses: jsonld 9 from the npm registry (URDNA2015, offline loader over
# rust-core/src/jsonld/contexts) + node:crypto RSASSA-PSS (installed into
# target/tools/divoc-js, not committed), timed the same way: ITER passes per
# round (default 200), ROUNDS rounds (default 15) after a warm-up, time per
# verification = round time / ITER, median reported; and, separately, the
# canonicalization of the credential without its proof on both sides (their
# N-Quads must be equal). The JavaScript verifier must accept the sample and
# refuse it with one signed byte changed. Until the core reads DIVOC the
# script says so and times canonicalization only on healthcert's side.
#
#   bash bench/divoc.sh
#   ITER=500 ROUNDS=21 bash bench/divoc.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/js-tools.sh"
[ -f "$testdata/Path-Check+trust-registry/registry.json" ] ||
  { echo "SKIPPED: Path-Check+trust-registry/registry.json absent under $testdata" >&2; exit 0; }
side_by_side divoc jsonld "${JSONLD_VERSION:-9.0.0}" \
  WorldHealthOrganization+ddcc-validator/test-resources/src/main/resources 200
"$bin" prepare "$testdata" "$root/rust-core/src/jsonld/contexts" "$input"
echo "load: $(uptime | sed 's/.*load average/load average/')"
run_both

node - "$rs" "$js" <<'NODE'
const [rs, js] = process.argv.slice(2).map((s) => JSON.parse(s.trim()))
const ms = (ns) => (ns / 1e6).toFixed(2) + " ms"
const cell = (t) => t ? `${ms(t.median)} [${ms(t.min)}, ${ms(t.max)}]` : "—"
const ratio = (a, b) => a && b ? (b.median / a.median).toFixed(1) + "×" : "—"
console.log(`healthcert: format ${rs.format}, status ${rs.status}; checks: ${rs.checks.join(" ")}`)
if (rs.unsupported) console.log("healthcert does not read DIVOC yet (format unsupported): its verification is not timed")
console.log(`| DIVOCQR1 (India, RsaSignature2018) | healthcert | ${js.verifier} | ratio |`)
console.log("|---|---:|---:|---:|")
console.log(`| verification | ${cell(rs.per_verification_ns)} | ${cell(js.per_verification_ns)} | ${ratio(rs.per_verification_ns, js.per_verification_ns)} |`)
console.log(`| canonicalization of the credential (URDNA2015) | ${cell(rs.per_canonicalization_ns)} | ${cell(js.per_canonicalization_ns)} | ${ratio(rs.per_canonicalization_ns, js.per_canonicalization_ns)} |`)
const same = rs.nquads === js.nquads
console.log(`N-Quads of the credential: ${rs.nquads.split("\n").length - 1} lines, ${same ? "equal on both sides" : "DIFFERENT"}`)
console.log(`js: sample ${js.status}, one signed byte changed ${js.tampered_status}`)
const signature = rs.checks.find((c) => c.startsWith("Signature="))
let ok = same && js.status === "valid" && js.tampered_status === "invalid"
if (!rs.unsupported && signature !== "Signature=Pass:OK") { console.log("healthcert did not pass the signature: " + signature); ok = false }
if (!ok) process.exit(1)
NODE
