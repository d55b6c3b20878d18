// SMART Health Card verification in JavaScript, timed as
// bench/examples/shc_timing.rs times healthcert: for each card, `shc:/`
// numeric → compact JWS → ES256 check with the issuer's key (jose 6, Node's
// WebCrypto) → raw DEFLATE (node:zlib) → JSON claims, ITER times per round,
// ROUNDS rounds after a warm-up; median, fastest and slowest per-card time.
//
//   node bench/shc-js.mjs TOOLS_DIR INPUT.json ITER ROUNDS
import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { inflateRawSync } from "node:zlib"

const [tools, inputPath, iterArg, roundsArg] = process.argv.slice(2)
const require = createRequire(tools + "/")
const jose = await import(require.resolve("jose"))
const input = JSON.parse(readFileSync(inputPath, "utf8"))
const iter = Number(iterArg)
const rounds = Number(roundsArg)

const keys = new Map()
for (const jwk of input.jwks.keys) {
  const { x5c, ...bare } = jwk
  keys.set(jwk.kid, await jose.importJWK(bare, "ES256"))
}

const numericToJws = (qr) => {
  const digits = qr.slice("shc:/".length)
  let out = ""
  for (let i = 0; i < digits.length; i += 2) out += String.fromCharCode(Number(digits.slice(i, i + 2)) + 45)
  return out
}

async function verify(qr) {
  const jws = numericToJws(qr)
  const header = jose.decodeProtectedHeader(jws)
  const key = keys.get(header.kid)
  if (!key || header.alg !== "ES256" || header.zip !== "DEF") throw new Error("unusable card")
  const { payload } = await jose.compactVerify(jws, key)
  const claims = JSON.parse(inflateRawSync(payload).toString("utf8"))
  if (claims.iss !== input.issuer || !(claims.nbf <= input.clock)) throw new Error("wrong issuer or not yet valid")
  return claims
}

for (const card of input.cards) {
  await verify(card.qr)
  for (let i = 0; i < iter / 10; i++) await verify(card.qr)
  const perCard = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < iter; i++) await verify(card.qr)
    perCard.push(Number(process.hrtime.bigint() - start) / iter)
  }
  perCard.sort((a, b) => a - b)
  console.log(JSON.stringify({ verifier: `jose ${require("jose/package.json").version} + node:zlib`, card: card.name,
    status: "valid", per_card_ns: { median: perCard[rounds >> 1], min: perCard[0], max: perCard[rounds - 1] } }))
}
