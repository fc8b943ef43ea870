/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/handler-api-call` by name through
 * node_modules and the `exports` map. It runs the handler through core's Promise-free harness against
 * a loopback server started in that process, and keeps `internal/*` closed.
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
    consumer = mkdtempSync(join(tmpdir(), "wm-api-call-smoke-"))
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

  it("calls a loopback server it allow-lists, and refuses the same server when it does not", () => {
    assertBuilt()
    const resolveFrom = (name: string) => JSON.stringify(join(packageDir, "node_modules", name))
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import { createServer } from "node:http"
import * as api from ${JSON.stringify(manifest.name)}
const { Effect, Exit } = await import(${resolveFrom("effect/dist/index.js")})
const { runStep } = await import(${resolveFrom("@workflow-manager/core/dist/testing.js")})
const server = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ key: req.headers["idempotency-key"] })))
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const { port } = server.address()
const config = { method: "GET", url: "http://127.0.0.1:" + port + "/", response: { key: "key" } }
const allowed = await Effect.runPromise(runStep(api.makeApiCallHandler({ allow: ["127.0.0.1:" + port] }), { config, input: null }))
const refused = await Effect.runPromiseExit(runStep(api.makeApiCallHandler(), { config, input: null }))
server.close()
console.log(JSON.stringify({ keys: Object.keys(api).sort(), allowed, refused: JSON.stringify(refused.cause).includes('"code":"Blocked"') }))
`
    )
    const result = runNode(consumer, "esm.mjs") as { keys: Array<string>; allowed: unknown; refused: boolean }
    expect(result.keys).toContain("makeApiCallHandler")
    expect(result.allowed).toEqual({ key: "test-instance:step:2:1" })
    expect(result.refused).toBe(true)
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/transport.js`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
