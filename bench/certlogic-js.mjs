// certlogic-js timing, the same way bench/examples/certlogic_timing.rs times
// healthcert: every rule of a country's set evaluated on one certificate,
// ITER times per round, ROUNDS rounds after a warm-up of ITER passes; the
// per-set time of a round is its elapsed time divided by ITER.
//
//   node bench/certlogic-js.mjs MODULE_DIR IN.json [ITER ROUNDS]
//
// MODULE_DIR holds node_modules/certlogic-js (bench/certlogic.sh installs it).
import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const [moduleDir, inputPath, iterArg, roundsArg] = process.argv.slice(2)
const require = createRequire(join(moduleDir, "package.json"))
const { evaluate } = require("certlogic-js")
const version = require("certlogic-js/package.json").version
const ITER = Number(iterArg ?? 20000)
const ROUNDS = Number(roundsArg ?? 15)

const input = JSON.parse(readFileSync(inputPath, "utf8"))
const data = input.data

const time = (pass) => {
    for (let i = 0; i < ITER; i++) pass()
    const out = []
    for (let r = 0; r < ROUNDS; r++) {
        const t0 = process.hrtime.bigint()
        for (let i = 0; i < ITER; i++) pass()
        out.push(Number(process.hrtime.bigint() - t0) / ITER)
    }
    return out
}

let sink = 0
for (const cc of ["DE", "CH"]) {
    const logic = input.rules[cc].map((r) => r.Logic)
    const results = logic.map((l) => { try { return evaluate(l, data) } catch (e) { return null } })
    const rounds = time(() => {
        for (const l of logic) {
            try { if (evaluate(l, data) === true) sink++ } catch (e) { sink-- }
        }
    })
    const sorted = [...rounds].sort((a, b) => a - b)
    console.log(JSON.stringify({
        engine: `certlogic-js ${version}`, country: cc, rules: logic.length,
        per_set_ns: { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] },
        results,
    }))
}
if (sink === 0.5) console.log(sink)
