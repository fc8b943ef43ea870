import { execFileSync } from "node:child_process"
import { constants, existsSync, readdirSync } from "node:fs"
import { access, chown, mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort } from "./freePort.js"
import { exec } from "./internal/exec.js"
import { isRunning } from "./processes.js"
import type { Service } from "./Service.js"

/**
 * A PostgreSQL cluster of its own for one test file, on a free port of 127.0.0.1 with trust
 * authentication for `postgres`: a test may stop it (`pg_ctl stop -m immediate` is a crash of the
 * server) and start it again without disturbing the machine's shared server.
 */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string
  readonly port: number
  /** The temporary folder holding the cluster (`data/`), its socket and its log (`postgres.log`). */
  readonly dir: string
  /** The postmaster's process id while it runs. */
  readonly pid: () => Promise<number | undefined>
  /** Stops the server: `fast` (sessions ended, a checkpoint) or `immediate` (like a crash; recovery at the next start). */
  readonly stop: (mode?: "fast" | "immediate") => Promise<void>
  /** Starts it again on the same port and data, and waits until it accepts connections. */
  readonly start: () => Promise<void>
  /** Stops it (immediate) if it runs and removes its folder. Safe to call twice. */
  readonly destroy: () => Promise<void>
}

/** Options of {@link startPrivatePostgres}. */
export interface PrivatePostgresOptions {
  /** The folder of `initdb` and `pg_ctl` (default: `WM_PG_BIN`, else the newest `/usr/lib/postgresql/<n>/bin`). */
  readonly binDir?: string
  /** The bound of `initdb`, of a start and of a stop (ms, default 60 000). */
  readonly timeoutMs?: number
  /** Extra server settings (`-c name=value`), e.g. `{ max_connections: "50" }`. */
  readonly settings?: Readonly<Record<string, string>>
}

/** The newest `/usr/lib/postgresql/<version>/bin` with `initdb` (Debian's layout), or `undefined`. */
const debianBinDir = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin")
}

/** Where `initdb` and `pg_ctl` are: `WM_PG_BIN`, else Debian's newest, else `/usr/lib/postgresql/15/bin`. */
export const postgresBinDir = (): string => {
  const fromEnv = process.env.WM_PG_BIN
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : (debianBinDir() ?? "/usr/lib/postgresql/15/bin")
}

/**
 * The PostgreSQL server binaries a private cluster needs (`initdb`, `pg_ctl`, `postgres`), as a
 * {@link Service} whose "URL" is their folder (`WM_PG_BIN`): `describeWithServices([PostgreSQLBinaries], …)`
 * skips a suite without them, or fails it with `REQUIRE_SERVICES=1`. Run as root, the cluster runs as
 * the `postgres` OS user (initdb refuses root), which must exist.
 */
export const PostgreSQLBinaries: Service = {
  name: "PostgreSQL binaries (initdb, pg_ctl)",
  envVar: "WM_PG_BIN",
  defaultUrl: postgresBinDir(),
  probe: async (dir) => {
    for (const tool of ["initdb", "pg_ctl", "postgres"]) await access(join(dir, tool), constants.X_OK)
    if (process.getuid?.() === 0) await exec("id", ["-u", "postgres"], { timeoutMs: 5_000 })
  }
}

/** Runs a PostgreSQL tool as the `postgres` OS user when this process is root (initdb and postgres refuse root). */
const asServerUser = (binDir: string, tool: string, args: ReadonlyArray<string>): [string, Array<string>] =>
  process.getuid?.() === 0
    ? ["runuser", ["-u", "postgres", "--", join(binDir, tool), ...args]]
    : [join(binDir, tool), [...args]]

const idsOf = async (user: string): Promise<{ uid: number; gid: number }> => {
  const uid = Number((await exec("id", ["-u", user], { timeoutMs: 5_000 })).stdout.trim())
  const gid = Number((await exec("id", ["-g", user], { timeoutMs: 5_000 })).stdout.trim())
  return { uid, gid }
}

/**
 * Creates a cluster in a new temporary folder (`initdb --no-sync`, trust authentication, no
 * locale), starts it on a free port of 127.0.0.1 (its socket in the folder, `fsync=off`: the
 * machine does not crash in a test, the server may) and waits until it accepts connections.
 * Pair it with `destroy()` in `afterAll`; a process exit stops it too, as a safety net.
 *
 * ```ts
 * let postgres: PrivatePostgres
 * beforeAll(async () => { postgres = await startPrivatePostgres() })
 * afterAll(() => postgres?.destroy())
 *
 * it("survives an outage", async () => {
 *   await postgres.stop("immediate")
 *   // ... requests fail with UNAVAILABLE ...
 *   await postgres.start()
 * })
 * ```
 */
export const startPrivatePostgres = async (options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> => {
  const binDir = options.binDir ?? postgresBinDir()
  const timeoutMs = options.timeoutMs ?? 60_000
  const seconds = String(Math.ceil(timeoutMs / 1000))
  const dir = await mkdtemp(join(tmpdir(), "wm-private-pg-"))
  const data = join(dir, "data")
  const log = join(dir, "postgres.log")
  const run = (tool: string, args: ReadonlyArray<string>) => {
    const [command, argv] = asServerUser(binDir, tool, args)
    return exec(command, argv, { timeoutMs: timeoutMs + 5_000, cwd: dir })
  }
  let destroyed = false
  let port = 0
  const pidOf = async (): Promise<number | undefined> => {
    const text = await readFile(join(data, "postmaster.pid"), "utf8").catch(() => undefined)
    const pid = Number(text?.split("\n")[0])
    return Number.isSafeInteger(pid) && pid > 0 && isRunning(pid) ? pid : undefined
  }
  const serverOptions = () =>
    [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-k ${dir}`,
      "-c fsync=off",
      "-c full_page_writes=off",
      ...Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`)
    ].join(" ")
  const start = async () => {
    if (destroyed) throw new Error("the private PostgreSQL was destroyed")
    await run("pg_ctl", ["-D", data, "-l", log, "-w", "-t", seconds, "-o", serverOptions(), "start"])
  }
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    if ((await pidOf()) === undefined) return
    await run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", seconds, "stop"])
  }
  // a safety net when afterAll never runs (the test process ends first): a synchronous immediate stop
  const onExit = () => {
    if (destroyed || !existsSync(join(data, "postmaster.pid"))) return
    const [command, argv] = asServerUser(binDir, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "20", "stop"])
    try {
      execFileSync(command, argv, { stdio: "ignore", timeout: 25_000 })
    } catch {
      // nothing more can be done while the process exits
    }
  }
  const destroy = async () => {
    if (destroyed) return
    try {
      await stop("immediate")
    } finally {
      destroyed = true
      process.removeListener("exit", onExit)
      await rm(dir, { recursive: true, force: true })
    }
  }
  try {
    if (process.getuid?.() === 0) {
      const { uid, gid } = await idsOf("postgres")
      await chown(dir, uid, gid)
    }
    await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--no-locale"])
    process.on("exit", onExit)
    // the free port may be taken before the server binds it: a few tries with another one
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
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, pid: pidOf, stop, start, destroy }
}
