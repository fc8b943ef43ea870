import { type ChildProcess, spawn } from "node:child_process"
import { closeSync, constants, existsSync, openSync } from "node:fs"
import { access, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { probeMongo } from "./FerretDB.js"
import { freePort } from "./freePort.js"
import { portOpen, sleep } from "./internal/exec.js"
import type { Service } from "./Service.js"

/** The FerretDB version `scripts/services/ferretdb.sh` builds. */
const VERSION = "v1.24.2"

/**
 * The FerretDB binary: `FERRETDB_BIN`, else the one `scripts/services/ferretdb.sh build` puts in
 * the repository's `.tools/ferretdb/`.
 */
export const ferretdbBinary = (): string => {
  const fromEnv = process.env.FERRETDB_BIN
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
  return join(root, ".tools", "ferretdb", `ferretdb-${VERSION}`)
}

/**
 * The FerretDB binary as a {@link Service} whose "URL" is its path (`FERRETDB_BIN`):
 * `describeWithServices([FerretDBBinary], …)` skips a suite without it, or fails it with
 * `REQUIRE_SERVICES=1`. Build it with `scripts/services/ferretdb.sh build`.
 */
export const FerretDBBinary: Service = {
  name: "FerretDB binary",
  envVar: "FERRETDB_BIN",
  defaultUrl: ferretdbBinary(),
  probe: (path) => access(path, constants.X_OK)
}

/**
 * A FerretDB process of its own for one test file, on a free port of 127.0.0.1: a test may kill it
 * and start it again (same port, same data) without disturbing the machine's shared one.
 */
export interface PrivateFerretDB {
  /** `mongodb://127.0.0.1:<port>/`. */
  readonly url: string
  readonly port: number
  /** The temporary folder holding the SQLite files (when that is the backend) and `ferretdb.log`. */
  readonly dir: string
  /** The process id while it runs. */
  readonly pid: () => number | undefined
  /** Ends the process (`SIGTERM`, or `SIGKILL` as a crash) and waits for its exit. */
  readonly stop: (signal?: "SIGTERM" | "SIGKILL") => Promise<void>
  /** Starts it again on the same port and data, and waits until it answers a `ping`. */
  readonly start: () => Promise<void>
  /** Kills it if it runs and removes its folder. Safe to call twice. */
  readonly destroy: () => Promise<void>
}

/** Options of {@link startPrivateFerretDB}. */
export interface PrivateFerretDBOptions {
  /** The binary (default {@link ferretdbBinary}). */
  readonly binary?: string
  /** The backend: SQLite files in the folder (default), or a PostgreSQL database URL. */
  readonly postgresqlUrl?: string
  /** FerretDB's log level in `ferretdb.log` (default `warn`; `debug` logs every command). */
  readonly logLevel?: "debug" | "info" | "warn" | "error"
  /** The bound of a start (until a `ping` answers) and of a stop (ms, default 30 000). */
  readonly timeoutMs?: number
}

/**
 * Starts FerretDB on a free port of 127.0.0.1 (SQLite backend in a new temporary folder, or the
 * PostgreSQL database given) and waits until it answers a `ping`. Pair it with `destroy()` in
 * `afterAll`; a process exit kills it too, as a safety net.
 *
 * Never drop a database on it while queries run (FerretDB 1.24 crashes): drop collections.
 *
 * ```ts
 * let ferret: PrivateFerretDB
 * beforeAll(async () => { ferret = await startPrivateFerretDB() })
 * afterAll(() => ferret?.destroy())
 *
 * it("survives an outage", async () => {
 *   await ferret.stop("SIGKILL")
 *   // ... requests fail with UNAVAILABLE ...
 *   await ferret.start()
 * })
 * ```
 */
export const startPrivateFerretDB = async (options: PrivateFerretDBOptions = {}): Promise<PrivateFerretDB> => {
  const binary = options.binary ?? ferretdbBinary()
  const timeoutMs = options.timeoutMs ?? 30_000
  const dir = await mkdtemp(join(tmpdir(), "wm-private-ferretdb-"))
  const log = join(dir, "ferretdb.log")
  let port = 0
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let destroyed = false

  const args = () => [
    ...(options.postgresqlUrl === undefined
      ? ["--handler=sqlite", `--sqlite-url=file:${dir}/`]
      : ["--handler=postgresql", `--postgresql-url=${options.postgresqlUrl}`]),
    `--listen-addr=127.0.0.1:${port}`,
    "--state-dir=-",
    "--debug-addr=-",
    "--telemetry=disable",
    `--log-level=${options.logLevel ?? "warn"}`
  ]

  const stop = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") => {
    const running = child
    if (running === undefined) return
    running.kill(signal)
    const bound = sleep(timeoutMs).then(() => "timeout" as const)
    if ((await Promise.race([exited.then(() => "exited" as const), bound])) === "timeout") {
      running.kill("SIGKILL")
      await exited
    }
  }

  const start = async () => {
    if (destroyed) throw new Error("the private FerretDB was destroyed")
    if (child !== undefined) return
    const out = openSync(log, "a")
    let spawned: ChildProcess
    try {
      spawned = spawn(binary, args(), { stdio: ["ignore", out, out] })
    } finally {
      closeSync(out)
    }
    child = spawned
    exited = new Promise((done) => {
      spawned.once("exit", () => {
        if (child === spawned) child = undefined
        done()
      })
      spawned.once("error", () => {
        if (child === spawned) child = undefined
        done()
      })
    })
    const deadline = Date.now() + timeoutMs
    let last: unknown
    // bounded: until the deadline, or until the process has exited
    while (Date.now() < deadline) {
      if (child !== spawned) throw new Error(`FerretDB exited at start; see ${log}`)
      try {
        if (!(await portOpen("127.0.0.1", port))) throw new Error(`nothing listens on port ${port} yet`)
        await probeMongo(`mongodb://127.0.0.1:${port}/`)
        return
      } catch (error) {
        last = error
        await sleep(100)
      }
    }
    await stop("SIGKILL")
    throw new Error(`FerretDB did not answer a ping within ${timeoutMs} ms: ${String(last)}; see ${log}`)
  }

  const onExit = () => {
    child?.kill("SIGKILL")
  }
  const destroy = async () => {
    if (destroyed) return
    try {
      await stop("SIGKILL")
    } finally {
      destroyed = true
      process.removeListener("exit", onExit)
      await rm(dir, { recursive: true, force: true })
    }
  }

  try {
    if (!existsSync(binary)) throw new Error(`no FerretDB binary at ${binary}: run scripts/services/ferretdb.sh build`)
    process.on("exit", onExit)
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      try {
        await start()
        break
      } catch (error) {
        if (attempt >= 3) throw error
      }
    }
  } catch (error) {
    await destroy().catch(() => {})
    throw error
  }
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    dir,
    pid: () => child?.pid,
    stop,
    start,
    destroy
  }
}
