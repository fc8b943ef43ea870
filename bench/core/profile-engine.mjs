/**
 * CPU profile of the subject of case (c) alone: the engine's 4 commands per instance (create,
 * start, executeStep × 2) through the Effect API on the in-memory adapter, in a loop for
 * PROFILE_MS (default 5000) after a 1 s warm-up, under `node --cpu-prof`.
 *
 *   node bench/core/profile-engine.mjs             # re-runs itself under --cpu-prof, then summarises
 *   node --cpu-prof --cpu-prof-dir=DIR bench/core/profile-engine.mjs   # the raw profile only
 *
 * Options (environment): PROFILE_MS (default 5000), PROFILE_DIR (default a fresh directory under
 * the OS temp dir), PROFILE_INTERVAL_US (sampling interval, default 100).
 * The summary is bench/core/profile-summary.mjs; it only counts samples taken while
 * `profiledLoop` (below) runs, so the start-up and the warm-up are left out.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { makeEngineSubject } from "./engine.mjs"

const profiling = process.execArgv.some((a) => a.startsWith("--cpu-prof"))

if (!profiling) {
  // Parent: run this file again under --cpu-prof, then summarise the profile it wrote.
  const dir = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "wm-engine-prof-"))
  const interval = process.env.PROFILE_INTERVAL_US ?? "100"
  const self = fileURLToPath(import.meta.url)
  const child = spawnSync(
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${interval}`, self],
    { stdio: "inherit" }
  )
  if (child.status !== 0) process.exit(child.status ?? 1)
  const profiles = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort()
  const latest = profiles[profiles.length - 1]
  if (latest === undefined) throw new Error(`no .cpuprofile in ${dir}`)
  const summary = spawnSync(process.execPath, [join(self, "..", "profile-summary.mjs"), join(dir, latest)], {
    stdio: "inherit"
  })
  process.exit(summary.status ?? 1)
}

// Child (profiled): warm up, then the measured loop.
const ms = Number(process.env.PROFILE_MS ?? 5000)
const subject = await makeEngineSubject()

const loopFor = (duration) => {
  const end = performance.now() + duration
  let runs = 0
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) subject.run()
    runs += 20
  }
  return runs
}

/** The summary counts only samples inside this function (found by name on the stack). */
function profiledLoop(duration) {
  return loopFor(duration)
}

loopFor(1000)
const heapBefore = process.memoryUsage().heapUsed
const started = performance.now()
const runs = profiledLoop(ms)
const elapsed = performance.now() - started
const heapAfter = process.memoryUsage().heapUsed
console.log(
  `node ${process.version}: ${runs} instances × 4 commands in ${(elapsed / 1000).toFixed(2)} s = ${((runs * 4 * 1000) / elapsed / 1000).toFixed(1)}k commands/s (under the profiler)`
)
console.log(`heap used ${(heapBefore / 2 ** 20).toFixed(0)} MiB → ${(heapAfter / 2 ** 20).toFixed(0)} MiB`)
await subject.dispose()
