/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/handler-notification` by name through
 * node_modules and the `exports` map. It sends a signed webhook to a `node:http` server of its own,
 * refuses bad transport options with the tagged error, and keeps `internal/*` closed.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
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
    consumer = mkdtempSync(join(tmpdir(), "wm-notification-smoke-"))
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

  it("sends a signed webhook and refuses bad options with the tagged error", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "esm.mjs"),
      `import { createServer } from "node:http"
import { Effect } from ${JSON.stringify(effectEntry)}
import * as notification from ${JSON.stringify(manifest.name)}
const received = []
const server = createServer((req, res) => {
  let body = ""
  req.on("data", (c) => { body += c })
  req.on("end", () => { received.push({ key: req.headers["idempotency-key"], signed: String(req.headers["x-signature"]).startsWith("sha256="), body }); res.end("ok") })
})
await new Promise((r) => server.listen(0, "127.0.0.1", r))
const webhook = notification.webhookTransport({ endpoints: { crm: { url: "http://127.0.0.1:" + server.address().port + "/", secret: "0123456789abcdef" } } })
await Effect.runPromise(webhook.send({ id: "m-1", tenantId: "t", instanceId: "wf-1", stepId: "s", channel: "webhook", attempt: 1, to: [], endpoint: "crm", body: { ok: true } }, { idempotencyKey: "m-1" }))
await new Promise((r) => server.close(r))
let error
try { notification.smtpTransport({ from: "x\\r\\ny", host: "", port: 0 }) } catch (e) { error = [e._tag, e.problems.length] }
console.log(JSON.stringify({ type: notification.notificationHandler.type, received, error }))
`
    )
    expect(runNode(consumer, "esm.mjs")).toEqual({
      type: "notification",
      received: [{ key: "m-1", signed: true, body: '{"ok":true}' }],
      error: ["InvalidTransportConfig", 3]
    })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/template.js`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
