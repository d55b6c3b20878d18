// ICAO VDS-NC verification in JavaScript, timed as
// bench/examples/icao_timing.rs times healthcert: the seal's JSON → RFC 8785
// canonical `data` (npm `canonicalize`, the reference implementation of
// RFC 8785's author) → the signer certificate from `sig.cer`
// (node:crypto X509Certificate) → its issuer looked up by subject among the
// ICAO CSCAs of the PathCheck registry (parsed once, before timing), the
// signer's signature checked with that CSCA's key and its validity dates
// against the clock → ES256 over the canonical bytes (crypto.verify,
// dsaEncoding 'ieee-p1363'). No extended key usage, CSCA validity, schema or
// model: it answers signed-by-a-held-CSCA or not. ITER times per round,
// ROUNDS rounds after a warm-up; median, fastest and slowest time per seal.
//
//   node bench/icao-js.mjs TOOLS_DIR INPUT.json ITER ROUNDS
import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { X509Certificate, verify as cryptoVerify } from "node:crypto"

const [tools, inputPath, iterArg, roundsArg] = process.argv.slice(2)
const require = createRequire(tools + "/")
const canonicalize = require("canonicalize")
const input = JSON.parse(readFileSync(inputPath, "utf8"))
const iter = Number(iterArg)
const rounds = Number(roundsArg)
const clock = input.clock * 1000

// The registry's ICAO entries that are CA certificates Node can read, by subject.
const registry = JSON.parse(readFileSync(input.registry, "utf8"))
const cscas = new Map()
for (const entry of Object.values(registry.ICAO)) {
  try {
    const cert = new X509Certificate(entry.didDocument)
    if (!cert.ca) continue
    if (!cscas.has(cert.subject)) cscas.set(cert.subject, [])
    cscas.get(cert.subject).push(cert)
  } catch {
    // Not a certificate, or a key Node's OpenSSL cannot read: left out, as healthcert's loader does.
  }
}

const b64url = (s) => Buffer.from(s, "base64url")

function verify(text) {
  const seal = JSON.parse(text)
  const { data, sig } = seal
  if (!data || !sig || sig.alg !== "ES256" || data.hdr?.v !== 1) return false
  const signer = new X509Certificate(b64url(sig.cer))
  if (!(Date.parse(signer.validFrom) <= clock && clock <= Date.parse(signer.validTo))) return false
  const issuers = cscas.get(signer.issuer) ?? []
  if (!issuers.some((ca) => signer.checkIssued(ca) && signer.verify(ca.publicKey))) return false
  const signed = Buffer.from(canonicalize(data), "utf8")
  return cryptoVerify("sha256", signed, { key: signer.publicKey, dsaEncoding: "ieee-p1363" }, b64url(sig.sigvl))
}

const status = verify(input.seal) ? "valid" : "invalid"
const tampered = verify(input.tampered) ? "valid" : "invalid"
for (let i = 0; i < iter / 10; i++) verify(input.seal)
const perSeal = []
for (let r = 0; r < rounds; r++) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iter; i++) verify(input.seal)
  perSeal.push(Number(process.hrtime.bigint() - start) / iter)
}
perSeal.sort((a, b) => a - b)
console.log(JSON.stringify({ verifier: `canonicalize ${require("canonicalize/package.json").version} + node:crypto (Node ${process.versions.node})`,
  status, tampered_status: tampered, cscas: [...cscas.values()].flat().length,
  per_seal_ns: { median: perSeal[rounds >> 1], min: perSeal[0], max: perSeal[rounds - 1] } }))
