/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/handler-approval` by name through
 * node_modules and the `exports` map, running a real engine (core's built `dist/`) with the handler
 * and the policy, and keeping `internal/*` closed.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }

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
    consumer = mkdtempSync(join(tmpdir(), "wm-handler-approval-smoke-"))
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }))
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", ...manifest.name.split("/")), "dir")
    symlinkSync(
      join(packageDir, "node_modules", "@workflow-manager", "core"),
      join(consumer, "node_modules", "@workflow-manager", "core"),
      "dir"
    )
    // effect is a peer dependency: the user has it too
    symlinkSync(join(packageDir, "node_modules", "effect"), join(consumer, "node_modules", "effect"), "dir")
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("runs an approval through a real engine, refusing a non-approver with the tagged error", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import { createEngine, defineStepHandler, makeMemoryStorage, makeRegistry } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import * as approval from ${JSON.stringify(manifest.name)}
const record = defineStepHandler({
  type: "record",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Record(Schema.String, Schema.String),
  execute: ({ input }) => Effect.succeed(input)
})
const steps = [
  { id: "data", type: "record", config: {} },
  { id: "approval", type: "approval", config: { approverRoles: ["approver"], approves: ["data"] },
    routes: approval.approvalRoutes({ changesRequested: "data", rejected: "$end" }) }
]
const engine = await createEngine({
  stores: makeMemoryStorage().layer,
  handlers: makeRegistry([record, approval.approvalHandler]),
  policy: approval.approvalPolicy(),
  templates: [{ schemaVersion: 1, id: "t", version: 1, name: "T", marketRole: "BRP", steps }]
})
// an approval step that does not route its rejections is refused at publication
const { routes: _, ...unrouted } = steps[1]
const refused = await engine
  .publishTemplate({ schemaVersion: 1, id: "u", version: 1, name: "U", steps: [steps[0], unrouted] })
  .catch((e) => e)
const brp = { userId: "u-bob", tenantId: "engie-be", role: "brp_admin", permissions: [] }
const ann = { userId: "u-ann", tenantId: "engie-be", role: "approver", permissions: [] }
let { state } = await engine.create({ actor: brp, templateId: "t" })
state = (await engine.start({ actor: brp, instanceId: state.instanceId, expectedVersion: 1 })).state
state = (await engine.executeStep({ actor: brp, instanceId: state.instanceId, expectedVersion: state.version, stepId: "data", input: { company: "Engie" } })).state
const run = (actor) => engine.executeStep({ actor, instanceId: state.instanceId, expectedVersion: state.version, stepId: "approval", input: { decision: "approve" } })
const error = await run(brp).catch((e) => e)
const done = await run(ann)
console.log(JSON.stringify({
  keys: Object.keys(approval).sort(),
  error: [error._tag, error.reason],
  refused: [refused._tag, refused.issues?.map((i) => i.path)],
  status: done.state.status,
  outcome: done.state.stepStates.approval.data.outcome
}))
`
    )
    const result = runNode(consumer, "esm.mjs") as {
      keys: ReadonlyArray<string>
      error: [string, string]
      refused: [string, ReadonlyArray<string>]
      status: string
      outcome: string
    }
    expect(result.keys).toContain("approvalHandler")
    expect(result.keys).toContain("approvalPolicy")
    expect(result.error).toEqual(["Forbidden", "MissingPermission"])
    expect(result.refused).toEqual(["TemplateInvalid", ["steps[1].routes", "steps[1].routes"]])
    expect([result.status, result.outcome]).toEqual(["AWAITING_VALIDATION", "approved"])
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/round.js`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
