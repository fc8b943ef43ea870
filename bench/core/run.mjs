/**
 * Benchmarks of @workflow-manager/core (run on demand: `node bench/core/run.mjs`, after
 * `pnpm --filter @workflow-manager/core build`; not part of the tests). Node 24 is the reference.
 *
 * (a) decide + evolve on a 6-step template ÷ XState v5's pure `transition()` on the same workflow
 *     as a machine — goal ≥ 10×;
 * (b) replay from serialized JSON rows: JSON.parse per row + our `evolve` ÷ JSON.parse per row +
 *     a plain immutable switch fold — goal ≥ 0.5;
 * (c) engine commands end to end (Effect API, ManagedRuntime, in-memory adapter) on a 2-step
 *     template ÷ XState v5 restore → send → persist through JSON per command (engine.mjs) —
 *     reported, no goal.
 *
 * Options (environment): BENCH_ROUNDS (default 8), BENCH_SLICE_MS (default 1000), BENCH_ONLY=a|b|c,
 * BENCH_ENGINE_RETAIN (case (c): instances per memory storage before a fresh one replaces it,
 * default 2000; 0 keeps one storage for the whole run).
 */
import { evolve } from "@workflow-manager/core"
import { initialTransition, transition } from "xstate"
import { makeEngineCase } from "./engine.mjs"
import { commands, eventRows, machine, plainEvolve, runOurs, xstateEvents } from "./fixtures.mjs"
import { compareWithControl } from "./measure.mjs"

const rounds = Number(process.env.BENCH_ROUNDS ?? 8)
const sliceMs = Number(process.env.BENCH_SLICE_MS ?? 1000)
const only = process.env.BENCH_ONLY

// --- (a) decide + evolve vs XState transition() -------------------------------------------------
const runXState = () => {
  let [snapshot] = initialTransition(machine)
  for (const event of xstateEvents) [snapshot] = transition(machine, snapshot, event)
  return snapshot
}

// Both sides do the same work, checked once before measuring.
const ours = runOurs()
const theirs = runXState()
if (ours.status !== "COMPLETED" || theirs.value !== "COMPLETED") throw new Error("the workloads do not complete")
if (Object.keys(ours.stepStates).length !== 6 || Object.keys(theirs.context.stepStates).length !== 6) {
  throw new Error("the workloads do not record 6 steps")
}
const opsPerRun = commands.length // 10 commands ↔ initial transition + 9 events
if (xstateEvents.length + 1 !== opsPerRun) throw new Error("the workloads differ in length")

// --- (b) replay from JSON rows ------------------------------------------------------------------
const rows = eventRows(40)
const replayOurs = () => {
  let state
  for (let i = 0; i < rows.length; i++) state = evolve(state, JSON.parse(rows[i]))
  return state
}
const replayPlain = () => {
  let state
  for (let i = 0; i < rows.length; i++) state = plainEvolve(state, JSON.parse(rows[i]))
  return state
}
const replayed = replayOurs()
if (replayed.status !== "COMPLETED" || replayPlain().status !== "COMPLETED")
  throw new Error("the replays do not complete")

// --- run ----------------------------------------------------------------------------------------
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`)
const log = (line) => console.log(line)

console.log(`@workflow-manager/core benchmarks — node ${process.version} (${process.platform}/${process.arch})`)
console.log(
  `method: ${rounds} rounds of interleaved ${sliceMs} ms slices, median ratio; control = baseline ÷ itself (1.00 ± 0.05)`
)
if (!process.version.startsWith("v24."))
  console.log(`note: Node 24 is the reference; ratios on ${process.version} are not comparable`)

const results = []
/** `goal` undefined: the ratio is reported, not judged. */
const report = (name, goal, unit, r) => {
  const pass = goal === undefined || r.ratio >= goal
  const verdict = goal === undefined ? "(no goal)" : `(goal ≥ ${goal}) ${pass ? "PASS" : "MISS"}`
  results.push({ name, goal, pass, verdict, ...r })
  console.log(`${name}`)
  console.log(`  subject ${fmt(r.subjectRate)} ${unit}/s, baseline ${fmt(r.baselineRate)} ${unit}/s`)
  console.log(`  ratios per round: ${r.ratios.map((x) => x.toFixed(2)).join(" ")}`)
  console.log(`  control ratios per round: ${r.controlRatios.map((x) => x.toFixed(2)).join(" ")}`)
  console.log(
    `  RATIO ${r.ratio.toFixed(2)} ${verdict}; control ${r.control.toFixed(3)} ${r.controlOk ? "ok" : "OUT OF TOLERANCE"}`
  )
}

if (only === undefined || only === "a") {
  console.log("\n(a) decide+evolve, 6-step template ÷ XState v5 transition(), same workflow")
  const r = compareWithControl({
    subject: { fn: runOurs, ops: opsPerRun },
    baseline: { fn: runXState, ops: opsPerRun },
    rounds,
    sliceMs,
    log
  })
  report("(a) decide+evolve ÷ xstate transition()", 10, "commands", r)
}

if (only === undefined || only === "b") {
  console.log(
    `\n(b) replay of ${rows.length} JSON rows: JSON.parse + evolve ÷ JSON.parse + plain immutable switch fold`
  )
  const r = compareWithControl({
    subject: { fn: replayOurs, ops: rows.length },
    baseline: { fn: replayPlain, ops: rows.length },
    rounds,
    sliceMs,
    log
  })
  report("(b) replay JSON rows: evolve ÷ plain fold", 0.5, "events", r)
}

if (only === undefined || only === "c") {
  console.log(
    "\n(c) engine commands (Effect API, ManagedRuntime, memory adapter; create, start, 2 × executeStep) ÷ XState v5 restore→send→persist via JSON per command"
  )
  const engineCase = await makeEngineCase()
  try {
    const r = compareWithControl({ subject: engineCase.subject, baseline: engineCase.baseline, rounds, sliceMs, log })
    report("(c) engine commands ÷ xstate stateless round trips", undefined, "commands", r)
  } finally {
    await engineCase.dispose()
  }
}

console.log("\nsummary")
for (const r of results) {
  console.log(
    `  ${r.name}: ${fmt(r.subjectRate)}/s ÷ ${fmt(r.baselineRate)}/s = ${r.ratio.toFixed(2)} ${r.verdict}, control ${r.control.toFixed(3)}${r.controlOk ? "" : " (noisy)"}`
  )
}
process.exitCode = results.every((r) => r.pass && r.controlOk) ? 0 : 1
