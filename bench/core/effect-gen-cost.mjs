/**
 * What one effectful helper call costs, by how the helper is written — the pattern behind most of
 * the Effect time in the engine's profile (profile-engine.mjs). The engine's helpers are written
 * `(args) => Effect.gen(function* () { ... })`, which creates a new generator function on every
 * call; V8 gives each generator function its own prototype object and generator map, so a fresh
 * one per call is far slower than calling one created once.
 *
 *   node bench/core/effect-gen-cost.mjs      # ≈ 20 s; BENCH_ROUNDS (default 8), BENCH_SLICE_MS (default 500)
 *
 * Each variant runs `Effect.runSync` of an outer `Effect.gen` that yields one `Effect.sync` and then
 * calls the helper once (the helper yields one `Effect.sync`). Reported: ns per run (median over
 * interleaved slices) and the extra ns the helper adds over the outer effect alone.
 */
import { Effect } from "effect"
import { slice } from "./measure.mjs"

const rounds = Number(process.env.BENCH_ROUNDS ?? 8)
const sliceMs = Number(process.env.BENCH_SLICE_MS ?? 500)

const get = (k) => Effect.sync(() => k)

/** The engine's pattern: a new generator function per call. */
const perCallGen = (x) =>
  Effect.gen(function* () {
    return yield* get(x)
  })
/** The same body, generator function created once. */
const hoistedUntraced = Effect.fnUntraced(function* (x) {
  return yield* get(x)
})
/** Traced (a span and a captured call site per call): for contrast, not for hot paths. */
const hoistedTraced = Effect.fn("helper")(function* (x) {
  return yield* get(x)
})
/** No generator at all. */
const plain = (x) => Effect.map(get(x), (a) => a)

const outer = (helper) =>
  helper === undefined
    ? Effect.gen(function* () {
        return yield* get(1)
      })
    : Effect.gen(function* () {
        yield* get(1)
        return yield* helper(2)
      })

const variants = [
  ["outer effect alone", outer(undefined)],
  ["+ (x) => Effect.gen(function* () {…}) (engine today)", outer(perCallGen)],
  ["+ Effect.fnUntraced(function* (x) {…}) created once", outer(hoistedUntraced)],
  ["+ plain (x) => Effect.map(…)", outer(plain)],
  ['+ Effect.fn("helper")(function* (x) {…}) (traced)', outer(hoistedTraced)]
]

const N = 1000
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const samples = variants.map(() => [])
for (const [, effect] of variants)
  slice(
    () => {
      for (let i = 0; i < N; i++) Effect.runSync(effect)
    },
    N,
    200
  )
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i)
  for (const i of order) {
    const effect = variants[i][1]
    const rate = slice(
      () => {
        for (let j = 0; j < N; j++) Effect.runSync(effect)
      },
      N,
      sliceMs
    )
    samples[i].push(1e9 / rate)
  }
}
console.log(`node ${process.version}: ns per Effect.runSync, median of ${rounds} interleaved ${sliceMs} ms slices`)
const base = median(samples[0])
variants.forEach(([name], i) => {
  const ns = median(samples[i])
  console.log(
    `  ${name.padEnd(56)} ${ns.toFixed(0).padStart(6)} ns${i === 0 ? "" : `  (helper: +${(ns - base).toFixed(0)} ns)`}`
  )
})
