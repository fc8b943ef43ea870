/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/mongo` by name through node_modules
 * and the `exports` map. It checks the public names, keeps `internal/*` closed, and runs the
 * Promise facade against the MongoDB-wire server.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { describeWithService, FerretDB } from "@workflow-manager/test-utils"
import { afterAll, beforeAll, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const modules = join(packageDir, "node_modules")

const SCRIPT = `
import * as mongo from "@workflow-manager/mongo"
import { MongoClient } from "mongodb"
const out = { exports: Object.keys(mongo).sort() }
try { await import("@workflow-manager/mongo/internal/log.js"); out.internal = "open" } catch (e) { out.internal = e.code }
const client = await new MongoClient(process.env.MONGODB_URL).connect()
const db = client.db("wm_smoke_" + Date.now().toString(36))
try {
  const store = await mongo.makePromise({ db })
  await store.workflowStore.check()
  const template = { schemaVersion: 1, id: "smoke", version: 1, name: "Smoke", steps: [{ id: "a.b", type: "x", config: { "$k": 1 } }] }
  await store.templateStore.publish(template)
  out.template = await store.templateStore.get("smoke", 1)
  out.lag = await store.reconciler.lag({ _tag: "System", name: "smoke" })
} finally {
  for (const c of await db.collections()) await c.drop().catch(() => {})
  await client.close()
}
console.log(JSON.stringify(out))
`

await describeWithService(FerretDB, "built package (dist/)", (url) => {
  let consumer: string
  beforeAll(() => {
    for (const f of ["dist/index.js", "dist/index.d.ts"]) {
      if (!existsSync(join(packageDir, f)))
        throw new Error(`@workflow-manager/mongo: ${f} missing — run pnpm build first`)
    }
    consumer = mkdtempSync(join(tmpdir(), "wm-mongo-smoke-"))
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }))
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", "@workflow-manager", "mongo"), "dir")
    symlinkSync(
      join(modules, "@workflow-manager", "core"),
      join(consumer, "node_modules", "@workflow-manager", "core"),
      "dir"
    )
    for (const dep of ["effect", "mongodb"]) symlinkSync(join(modules, dep), join(consumer, "node_modules", dep), "dir")
    writeFileSync(join(consumer, "smoke.mjs"), SCRIPT)
  })
  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("exports its public names, keeps internal/* closed, and runs the Promise facade", () => {
    const out = JSON.parse(
      execFileSync(process.execPath, ["smoke.mjs"], {
        cwd: consumer,
        encoding: "utf8",
        env: { ...process.env, MONGODB_URL: url },
        timeout: 60_000
      })
    ) as { exports: Array<string>; internal: string; template: unknown; lag: { unprojected: number } }
    expect(out.exports).toEqual(
      expect.arrayContaining([
        "make",
        "makeSplit",
        "layer",
        "layerSplit",
        "makePromise",
        "classifyMongoError",
        "ensureIndexes",
        "Reconciler"
      ])
    )
    expect(out.exports.some((name) => name === "assemble" || name === "makeWriteStore")).toBe(false)
    expect(out.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
    expect(out.template).toEqual({
      schemaVersion: 1,
      id: "smoke",
      version: 1,
      name: "Smoke",
      steps: [{ id: "a.b", type: "x", config: { $k: 1 } }]
    })
    expect(out.lag.unprojected).toBe(0)
    expect(JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).exports["./internal/*"]).toBeNull()
  })
})
