/**
 * The one-command start, as a user runs it: `node src/server.ts` on Node's type stripping, with
 * `@workflow-manager/core` resolved to its built `dist/`.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, expect, it } from "vitest"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const coreDist = join(
  dirname(createRequire(join(packageDir, "package.json")).resolve("@workflow-manager/core/package.json")),
  "dist",
  "index.js"
)

let child: ChildProcess | undefined

afterEach(() => {
  child?.kill("SIGTERM")
})

it("starts with `node src/server.ts` and answers", async () => {
  expect(existsSync(coreDist), `${coreDist} is missing: run pnpm build first`).toBe(true)
  const started = spawn(process.execPath, ["src/server.ts"], {
    cwd: packageDir,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  child = started
  let stderr = ""
  started.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = ""
    started.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(stdout)
      if (match) resolve(match[1] as string)
    })
    started.once("exit", (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)))
  })
  const response = await fetch(`${url}/workflows`, {
    headers: { "x-user-id": "u-engie-bob", "x-tenant-id": "engie-be", "x-role": "brp_admin" }
  })
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ items: [] })
  const exited = new Promise<number | null>((resolve) => started.once("exit", resolve))
  started.kill("SIGTERM")
  expect(await exited).toBe(0)
  child = undefined
})
