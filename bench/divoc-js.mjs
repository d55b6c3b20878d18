// DIVOC verification in JavaScript, the stack DIVOC's own verifier uses
// (jsonld.js URDNA2015, Node's crypto), timed as
// bench/examples/divoc_timing.rs times healthcert. The RsaSignature2018
// suite is written out here as DIVOC's verifier (jsonld-signatures ≤ 7)
// and WHO's ddcc-validator compute it — current jsonld-signatures ships no
// RsaSignature2018 suite and canonicalizes the proof options under the
// document's context, which fails for the India key:
//
//   docN  = URDNA2015(credential without "proof")
//   optsN = URDNA2015({"@context": security/v2, ...proof without "jws"})
//   input = header_b64 "." ‖ SHA-256(optsN) ‖ SHA-256(docN)
//   RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, header {"alg":"PS256","b64":false,"crit":["b64"]}
//
// with the key named by proof.verificationMethod (`did:india` → the PEM key
// of the PathCheck registry), contexts from rust-core/src/jsonld/contexts
// through an offline document loader (an unknown URL is an error, never a
// fetch), safe mode off as jsonld.js's DIVOC verifier and the Java reference
// do. It starts from certificate.json (DIVOCQR1Unpacked.json): no base64,
// no ZIP. Checks the signature only: no issuer, dates or model.
//
// Prints one JSON line: status of the sample and of the sample with one
// signed byte changed, and the median, fastest and slowest time per
// verification and per canonicalization of the credential (without its
// proof) alone, ITER times per round, ROUNDS rounds after a warm-up.
//
//   node bench/divoc-js.mjs TOOLS_DIR INPUT.json ITER ROUNDS
import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { createHash, createPublicKey, verify as cryptoVerify, constants } from "node:crypto"

const [tools, inputPath, iterArg, roundsArg] = process.argv.slice(2)
const require = createRequire(tools + "/")
const jsonld = require("jsonld")
const input = JSON.parse(readFileSync(inputPath, "utf8"))
const iter = Number(iterArg)
const rounds = Number(roundsArg)

// The URL → file map of rust-core/tests/jsonld/canon.js, plus DIVOC's aliases.
const files = {
  "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
  "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
  "https://w3id.org/security/v1": "security-v1.jsonld",
  "https://w3id.org/security/v2": "security-v2.jsonld",
  "https://w3id.org/security/v3-unstable": "security-v3-unstable.jsonld",
  "https://w3id.org/security/suites/jws-2020/v1": "suites-jws-2020.jsonld",
  "https://w3id.org/security/suites/ed25519-2018/v1": "suites-ed25519-2018.jsonld",
  "https://cowin.gov.in/credentials/vaccination/v1": "DIVOCVaccinationContextV1.json",
  "https://cowin.gov.in/credentials/vaccination/v2": "DIVOCVaccinationContextV2.json",
}
const contexts = new Map(Object.entries(files).map(([url, f]) => [url, JSON.parse(readFileSync(join(input.contexts, f), "utf8"))]))
const documentLoader = async (url) => {
  const document = contexts.get(url)
  if (!document) throw new Error("unknown context " + url)
  return { contextUrl: null, documentUrl: url, document }
}
const canonize = (doc) => jsonld.canonize(doc, { algorithm: "URDNA2015", format: "application/n-quads", documentLoader, safe: false })

const keys = new Map(Object.entries(input.keys).map(([id, pem]) => [id, createPublicKey(pem)]))
const sha256 = (s) => createHash("sha256").update(s, "utf8").digest()
const HEADER = { alg: "PS256", b64: false, crit: ["b64"] }

async function verify(text) {
  const credential = JSON.parse(text)
  const { proof, ...document } = credential
  if (proof?.type !== "RsaSignature2018" || typeof proof.jws !== "string") return false
  const key = keys.get(proof.verificationMethod)
  if (!key) return false
  const [headerB64, payload, signature, ...rest] = proof.jws.split(".")
  if (payload !== "" || signature === undefined || rest.length) return false
  const header = JSON.parse(Buffer.from(headerB64, "base64url").toString("utf8"))
  if (JSON.stringify(header) !== JSON.stringify(HEADER)) return false
  const { jws, ...options } = proof
  const [docN, optsN] = await Promise.all([canonize(document), canonize({ "@context": "https://w3id.org/security/v2", ...options })])
  const signed = Buffer.concat([Buffer.from(headerB64 + ".", "ascii"), sha256(optsN), sha256(docN)])
  return cryptoVerify("sha256", signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(signature, "base64url"))
}

async function time(fn) {
  for (let i = 0; i < iter / 10; i++) await fn()
  const per = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < iter; i++) await fn()
    per.push(Number(process.hrtime.bigint() - start) / iter)
  }
  per.sort((a, b) => a - b)
  return { median: per[rounds >> 1], min: per[0], max: per[rounds - 1] }
}

const status = (await verify(input.credential)) ? "valid" : "invalid"
const tampered = (await verify(input.tampered)) ? "valid" : "invalid"
const unsigned = JSON.parse(input.credential)
delete unsigned.proof
const nquads = await canonize(unsigned)
const perVerification = await time(() => verify(input.credential))
const perCanon = await time(() => canonize(unsigned))
console.log(JSON.stringify({ verifier: `jsonld ${require("jsonld/package.json").version} + node:crypto (Node ${process.versions.node})`,
  status, tampered_status: tampered, nquads,
  per_verification_ns: perVerification, per_canonicalization_ns: perCanon }))
