/**
 * The reference server and the built dashboard, started together as child processes: the server
 * as `pnpm start` runs it (`node reference-server/src/main.ts`, embedded PostgreSQL with demo data
 * unless the environment says otherwise), the dashboard with `vite preview`, which serves the built
 * app and proxies `/graphql` to the server (`WM_API_URL`). Used by `./wm dashboard`
 * (scripts/start.ts) and by the browser tests. `stop()` ends both (SIGTERM, then SIGKILL after 10 s).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { createServer } from "node:net"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const appDir: string = resolve(dirname(fileURLToPath(import.meta.url)), "..")
export const repoRoot: string = resolve(appDir, "../..")
const viteBin = join(appDir, "node_modules/vite/bin/vite.js")

export interface Stack {
  /** `http://127.0.0.1:<port>` of the reference server. */
  readonly apiUrl: string
  /** `http://127.0.0.1:<port>` of the dashboard. */
  readonly appUrl: string
  readonly stop: () => Promise<void>
}

export interface StackOptions {
  /** The server's environment on top of the process's (e.g. `WM_DATA_DIR`, `DATABASE_URL`). */
  readonly serverEnv?: Readonly<Record<string, string>>
  /** Ports (default: free ones). */
  readonly apiPort?: number
  readonly appPort?: number
  /** Where the children's output goes (default: nowhere, kept for the error message). */
  readonly log?: (line: string) => void
  /** How long each may take to answer (default 60 s). */
  readonly timeoutMs?: number
}

/** A free TCP port on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolvePort(address.port) : reject()))
    })
  })

const newestIn = (dir: string): number => {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Whether the built app is missing or older than a source file (or its configuration). */
export const buildIsStale = (): boolean => {
  const built = join(appDir, ".svelte-kit/output/client/_app/version.json")
  if (!existsSync(built)) return true
  const sources = Math.max(newestIn(join(appDir, "src")), statSync(join(appDir, "vite.config.ts")).mtimeMs)
  return sources > statSync(built).mtimeMs
}

const run = (command: string, args: ReadonlyArray<string>, options: { cwd: string; env: NodeJS.ProcessEnv }) =>
  spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] })

/** Builds the app (`vite build`) when it is stale. */
export const buildApp = async (log: (line: string) => void = () => {}): Promise<void> => {
  if (!buildIsStale()) return
  const child = run(process.execPath, [viteBin, "build"], { cwd: appDir, env: process.env })
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString()
    log(chunk.toString())
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString()
    log(chunk.toString())
  })
  const code = await new Promise<number | null>((done) => child.once("exit", done))
  if (code !== 0) throw new Error(`vite build failed (exit ${code}):\n${output.slice(-4000)}`)
}

const stopChild = async (child: ChildProcess | undefined): Promise<void> => {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((done) => child.once("exit", () => done()))
  child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
  await exited
  clearTimeout(timer)
}

/** Waits until `url` answers (any HTTP status), polling every 200 ms, at most `timeoutMs`. */
const waitFor = async (url: string, child: ChildProcess, timeoutMs: number, output: () => string) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode}):\n${output()}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) })
      return
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`)
}

/** Starts the reference server, then the dashboard in front of it. */
export const startStack = async (options: StackOptions = {}): Promise<Stack> => {
  const log = options.log ?? (() => {})
  const timeoutMs = options.timeoutMs ?? 60_000
  const apiPort = options.apiPort ?? (await freePort())
  const appPort = options.appPort ?? (await freePort())
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const appUrl = `http://127.0.0.1:${appPort}`
  let serverOutput = ""
  let appOutput = ""
  const server = run(process.execPath, ["src/main.ts"], {
    cwd: join(repoRoot, "reference-server"),
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(apiPort), ...options.serverEnv }
  })
  const collect = (into: "server" | "app") => (chunk: Buffer) => {
    const text = chunk.toString()
    if (into === "server") serverOutput = (serverOutput + text).slice(-8000)
    else appOutput = (appOutput + text).slice(-8000)
    log(text)
  }
  server.stdout?.on("data", collect("server"))
  server.stderr?.on("data", collect("server"))
  let app: ChildProcess | undefined
  try {
    await waitFor(`${apiUrl}/readyz`, server, timeoutMs, () => serverOutput)
    app = run(
      process.execPath,
      [viteBin, "preview", "--host", "127.0.0.1", "--port", String(appPort), "--strictPort"],
      {
        cwd: appDir,
        env: { ...process.env, WM_API_URL: apiUrl }
      }
    )
    app.stdout?.on("data", collect("app"))
    app.stderr?.on("data", collect("app"))
    await waitFor(appUrl, app, timeoutMs, () => appOutput)
  } catch (error) {
    await Promise.all([stopChild(app), stopChild(server)])
    throw error
  }
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= Promise.all([stopChild(app), stopChild(server)]).then(() => {})
    return stopping
  }
  return { apiUrl, appUrl, stop }
}
