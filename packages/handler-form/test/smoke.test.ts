/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/handler-form` by name through
 * node_modules and the `exports` map — both entry points, a real engine (core's built `dist/`)
 * running a form step, and `internal/*` closed. The `./validators` entry imports nothing at all,
 * so a browser bundle of it is the validators alone.
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

/** Fails the calling test (never skips it) when the build output is missing. */
const assertBuilt = (): void => {
  const missing = ["dist/index.js", "dist/index.d.ts", "dist/validators.js", "dist/validators.d.ts"].filter(
    (f) => !existsSync(join(packageDir, f))
  )
  if (missing.length > 0) throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
}

describe("built package (dist/)", () => {
  let consumer: string

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "wm-handler-form-smoke-"))
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "smoke-consumer", private: true, type: "module" })
    )
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", "@workflow-manager", "handler-form"), "dir")
    for (const dependency of [join("@workflow-manager", "core"), "effect"]) {
      symlinkSync(join(packageDir, "node_modules", dependency), join(consumer, "node_modules", dependency), "dir")
    }
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("runs a form step in a real engine with the built package", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "engine.mjs"),
      `import { createEngine, makeRegistry } from "@workflow-manager/core"
import { formHandler, formJsonSchema } from "@workflow-manager/handler-form"
const config = { fields: { vat: { type: "string", required: true, validator: "be-vat" }, ean: { type: "string", validator: "ean-gsrn:BE" } } }
const template = { schemaVersion: 1, id: "smoke", version: 1, name: "Smoke", marketRole: "BRP", steps: [{ id: "company", type: "form", name: "Company", config }] }
const engine = await createEngine({ handlers: makeRegistry([formHandler]), templates: [template] })
const actor = { userId: "u", tenantId: "t", role: "tenant_admin", permissions: ["workflow:review"] }
let { state } = await engine.create({ actor, templateId: "smoke" })
state = (await engine.start({ actor, instanceId: state.instanceId, expectedVersion: state.version })).state
const refused = await engine.executeStep({ actor, instanceId: state.instanceId, expectedVersion: state.version, stepId: "company", input: { vat: "BE0476388377", ean: "1" } }).catch((e) => e)
const done = await engine.executeStep({ actor, instanceId: state.instanceId, expectedVersion: state.version, stepId: "company", input: { vat: "0476.388.378" } })
await engine.dispose()
console.log(JSON.stringify({ refused: refused._tag, paths: refused.issues.map((i) => i.path), data: done.state.stepStates.company.data, schema: formJsonSchema(config)._tag }))
`
    )
    expect(runNode(consumer, "engine.mjs")).toEqual({
      refused: "ValidationFailed",
      paths: ["company.vat", "company.ean"],
      data: { vat: "BE0476388378" },
      schema: "Success"
    })
  })

  it("loads the validators entry, which imports nothing", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "validators.mjs"),
      `import * as v from "@workflow-manager/handler-form/validators"
console.log(JSON.stringify({ keys: Object.keys(v).sort(), iban: v.checkIban("BE31435411161155") ?? "ok" }))
`
    )
    expect(runNode(consumer, "validators.mjs")).toEqual({
      keys: [
        "checkBelgianEnterpriseNumber",
        "checkEanGsrn",
        "checkEic",
        "checkIban",
        "eicTypes",
        "formatBelgianEnterpriseNumber",
        "formatBelgianVat",
        "formatIban"
      ],
      iban: "ok"
    })
    const built = readFileSync(join(packageDir, "dist", "validators.js"), "utf8")
    const chunks = [...built.matchAll(/from\s*["']([^"']+)["']/g)].map((m) => m[1] as string)
    const imports = [
      ...chunks,
      ...chunks.flatMap((chunk) => {
        const text = readFileSync(join(packageDir, "dist", chunk), "utf8")
        return [...text.matchAll(/from\s*["']([^"']+)["']/g)].map((m) => m[1] as string)
      })
    ]
    expect(imports.every((specifier) => specifier.startsWith("./"))).toBe(true)
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/values`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
