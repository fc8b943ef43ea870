/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/worker` by name through node_modules
 * and the `exports` map. It runs a worker on core's memory storage until a due deadline is fired,
 * serves its metrics over HTTP, stops it, refuses bad options with the tagged error, and keeps
 * `internal/*` closed.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const coreDir = resolve(packageDir, "../core")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }
const effectEntry = join(packageDir, "node_modules/effect/dist/index.js")

const runNode = (cwd: string, file: string): unknown =>
  JSON.parse(
    execFileSync(process.execPath, [file], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000
    })
  )

const assertBuilt = (): void => {
  const missing = ["dist/index.js", "dist/index.d.ts"].filter((f) => !existsSync(join(packageDir, f)))
  if (missing.length > 0) throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
}

describe("built package (dist/)", () => {
  let consumer: string

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "wm-worker-smoke-"))
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "smoke-consumer", private: true, type: "module" })
    )
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", ...manifest.name.split("/")), "dir")
    symlinkSync(coreDir, join(consumer, "node_modules", "@workflow-manager", "core"), "dir")
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("runs a worker that fires a due deadline, serves its metrics, stops, and refuses bad options", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import { Effect, Schema } from ${JSON.stringify(effectEntry)}
import * as core from "@workflow-manager/core"
import { serveMetrics, startWorker, makeWorker } from ${JSON.stringify(manifest.name)}
const form = core.defineStepHandler({ type: "form", configSchema: Schema.Struct({}), inputSchema: Schema.Struct({}), execute: () => Effect.succeed(core.completeStep({})) })
const template = { schemaVersion: 1, id: "t", version: 1, name: "t", marketRole: "BRP", steps: [
  { id: "a", type: "form", config: {}, deadlines: [{ id: "late", offset: "-PT1S", escalation: { kind: "notify" } }] },
  { id: "b", type: "form", config: {} }] }
const storage = core.makeMemoryStorage()
const engine = await core.createEngine({ stores: storage.layer, handlers: [form], templates: [template] })
const actor = { userId: "u", tenantId: "3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90", role: "tenant_admin", permissions: [] }
const created = await engine.create({ actor, templateId: "t" })
await engine.start({ actor, instanceId: created.state.instanceId, expectedVersion: 1 })
const due = await Effect.runPromise(Effect.provide(Effect.gen(function* () { return yield* core.DueWork }), storage.layer))
const worker = await startWorker({ name: "smoke", engine, due, pollMs: 20 })
const until = Date.now() + 10000
let fired = 0
while (fired === 0 && Date.now() < until) {
  await new Promise((r) => setTimeout(r, 20))
  fired = (await storage.inspect.events(created.state.instanceId)).filter((e) => e.type === "TIMER_FIRED").length
}
const endpoint = await serveMetrics({ port: 0, metrics: worker.metrics, contentType: worker.metricsContentType })
const response = await fetch(endpoint.url + "/metrics")
const text = await response.text()
await endpoint.close()
await worker.stop()
const bad = await Effect.runPromise(Effect.flip(makeWorker({ name: "", engine, due })))
console.log(JSON.stringify({ fired, status: response.status, recorded: /wm_worker_due_total\\{outcome="recorded",worker="smoke"\\} 1/.test(text), bad: [bad._tag, bad.problems.length] }))
await engine.dispose()
`
    )
    expect(runNode(consumer, "esm.mjs")).toEqual({
      fired: 1,
      status: 200,
      recorded: true,
      bad: ["InvalidWorkerOptions", 1]
    })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/metrics.js`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
