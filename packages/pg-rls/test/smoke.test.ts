/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/pg-rls` by name through node_modules
 * and the `exports` map. It finds the shipped migrations from `dist/`, runs the Promise facade on
 * PGlite end to end, and keeps `internal/*` closed.
 */
import { execFileSync } from "node:child_process"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  name: string
  bin: Record<string, string>
}

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
  const missing = ["dist/index.js", "dist/index.d.ts", "dist/cli.js"].filter((f) => !existsSync(join(packageDir, f)))
  if (missing.length > 0) throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
}

describe("built package (dist/)", () => {
  let consumer: string

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "wm-pg-rls-smoke-"))
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "smoke-consumer", private: true, type: "module" })
    )
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", ...manifest.name.split("/")), "dir")
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("finds its migrations and runs the Promise facade on PGlite, rejecting with the tagged error", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import { PGlite } from ${JSON.stringify(join(packageDir, "node_modules/@electric-sql/pglite/dist/index.js"))}
import * as pgRls from ${JSON.stringify(manifest.name)}
const db = await PGlite.create()
const store = await pgRls.makePromise({ client: pgRls.fromPGlite(db), migrate: true })
const operator = await store.createOperatorOrganisation({ companyName: "Operator NV", vatNumber: "BE0999999999" })
const ops = { _tag: "Operator", userId: "ops", tenantId: operator }
const tenant = await store.tenants.create(ops, { companyName: "Smoke NV", vatNumber: "BE0123456789" })
const error = await store.tenants.create(ops, { companyName: "Smoke NV", vatNumber: "BE0123456789" }).catch((e) => e)
const report = await store.migrate()
await store.close()
await db.close()
console.log(JSON.stringify({
  keys: Object.keys(pgRls).length,
  tenant: tenant.companyName,
  error: [error._tag, error.reason?._tag],
  report,
  dir: pgRls.migrationsDirectory
}))
`
    )
    const result = runNode(consumer, "esm.mjs") as {
      keys: number
      tenant: string
      error: [string, string]
      report: { applied: unknown[]; version: number }
      dir: string
    }
    expect(result.keys).toBeGreaterThan(20)
    expect(result.tenant).toBe("Smoke NV")
    expect(result.error).toEqual(["StorageError", "Conflict"])
    // the newest shipped migration: the built package finds the same SQL files beside dist/
    const latest = readdirSync(join(packageDir, "migrations")).filter((f) => /^\d{4}_.*\.sql$/.test(f)).length
    expect(result.report).toEqual({ applied: [], version: latest })
    expect(existsSync(join(result.dir, "0001_initial.sql"))).toBe(true)
  })

  it("loads with require() (CommonJS via require(esm))", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "cjs.cjs"),
      `const m = require(${JSON.stringify(manifest.name)}); console.log(JSON.stringify(typeof m.make))`
    )
    expect(runNode(consumer, "cjs.cjs")).toBe("function")
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/validate.js`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })

  it("ships the migration CLI as a bin", () => {
    assertBuilt()
    const bin = manifest.bin["workflow-manager-pg-migrate"] as string
    expect(readFileSync(join(packageDir, bin), "utf8").startsWith("#!/usr/bin/env node")).toBe(true)
    const help = execFileSync(process.execPath, [join(packageDir, bin), "--help"], { encoding: "utf8" })
    expect(help).toContain("workflow-manager-pg-migrate")
  })
})
