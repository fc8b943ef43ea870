/**
 * The worker command as a child process (`node src/worker.ts`, as `pnpm worker` starts it): its
 * JSON log lines parsed, started when it logged `worker ready`, stopped with a signal and a bounded
 * wait (SIGKILL after it). The environment is the one given, on top of PATH and HOME only: nothing
 * of the test's own (its DATABASE_URL) leaks in. Every process started here is killed when the
 * test process exits, as a safety net; tests end theirs themselves (`stopAll` in `afterAll`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const serverDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const MAX_LINES = 20_000

/** One JSON log line of the worker. */
export interface LogLine {
  readonly level?: string
  readonly msg?: string
  readonly [field: string]: unknown
}

/** A running worker process. */
export interface WorkerProcess {
  readonly name: string
  readonly pid: number
  /** Its `/metrics` and `/healthz` base URL, from its `worker ready` line. */
  readonly metricsUrl: string
  /** Its JSON log lines so far (stdout), in order. */
  readonly lines: () => ReadonlyArray<LogLine>
  /** What it wrote that is not a JSON line (stderr included). */
  readonly otherOutput: () => string
  /** Waits (at most `ms`) for a line matching `match`; rejects with the output otherwise. */
  readonly waitForLine: (what: string, match: (line: LogLine) => boolean, ms?: number) => Promise<LogLine>
  /** Sends a signal (SIGSTOP, SIGCONT, ...). */
  readonly signal: (signal: NodeJS.Signals) => void
  readonly exited: () => boolean
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  /** SIGTERM (after a SIGCONT) and waits for the exit, SIGKILL after `ms` (default 20 s); resolves with the exit. */
  readonly stop: (ms?: number) => Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

const live = new Set<ChildProcess>()
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/** Ends every worker process still running (SIGKILL): for `afterAll`, whatever happened. */
export const killAllWorkers = async (): Promise<void> => {
  const waits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve())
        child.kill("SIGCONT")
        child.kill("SIGKILL")
      })
  )
  await Promise.all(waits)
}

/**
 * Starts `node src/worker.ts` with `env`; resolves when it logged `worker ready`, rejects (and kills
 * it) when it exits first or after `timeoutMs` (default 60 s), with what it wrote.
 */
export const spawnWorker = (
  name: string,
  env: Readonly<Record<string, string>>,
  timeoutMs = 60_000
): Promise<WorkerProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/worker.ts"], {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        WM_WORKER_NAME: name,
        WM_WORKER_METRICS_PORT: "0",
        ...env
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    live.add(child)
    const lines: Array<LogLine> = []
    const waiters = new Set<{ match: (line: LogLine) => boolean; found: (line: LogLine) => void }>()
    let other = ""
    let pending = ""
    let exited = false
    let started = false
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((settle) => {
      child.once("exit", (code, signal) => {
        exited = true
        live.delete(child)
        settle({ code, signal })
      })
    })
    const output = () =>
      `${lines
        .slice(-40)
        .map((l) => JSON.stringify(l))
        .join("\n")}\n${other.slice(-4000)}`
    const onLine = (text: string) => {
      let line: LogLine
      try {
        line = JSON.parse(text) as LogLine
      } catch {
        other = `${other}${text}\n`.slice(-100_000)
        return
      }
      if (lines.length < MAX_LINES) lines.push(line)
      for (const waiter of waiters) {
        if (waiter.match(line)) {
          waiters.delete(waiter)
          waiter.found(line)
        }
      }
    }
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8")
      for (let at = pending.indexOf("\n"); at >= 0; at = pending.indexOf("\n")) {
        onLine(pending.slice(0, at))
        pending = pending.slice(at + 1)
      }
    })
    child.stderr.on("data", (chunk: Buffer) => {
      other = (other + chunk.toString("utf8")).slice(-100_000)
    })
    const waitForLine = (what: string, match: (line: LogLine) => boolean, ms = 30_000): Promise<LogLine> => {
      const seen = lines.find(match)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((found, failed) => {
        const waiter = {
          match,
          found: (line: LogLine) => {
            clearTimeout(timer)
            found(line)
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          failed(new Error(`worker ${name}: no line "${what}" within ${ms} ms\n${output()}`))
        }, ms)
        waiters.add(waiter)
      })
    }
    const stop = async (ms = 20_000) => {
      if (!exited) {
        child.kill("SIGCONT")
        child.kill("SIGTERM")
        let timer: NodeJS.Timeout | undefined
        const late = new Promise<"late">((r) => {
          timer = setTimeout(() => r("late"), ms)
        })
        if ((await Promise.race([exit, late])) === "late") child.kill("SIGKILL")
        clearTimeout(timer)
      }
      return exit
    }
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`worker ${name} did not start within ${timeoutMs} ms\n${output()}`))
    }, timeoutMs)
    void exit.then(({ code, signal }) => {
      if (started) return
      clearTimeout(timer)
      reject(new Error(`worker ${name} exited at start (code ${code}, signal ${signal})\n${output()}`))
    })
    child.once("error", (error) => {
      child.kill("SIGKILL")
      reject(new Error(`worker ${name} could not be spawned: ${error.message}`))
    })
    waitForLine("worker ready", (line) => line.msg === "worker ready", timeoutMs).then(
      (ready) => {
        started = true
        clearTimeout(timer)
        resolve({
          name,
          pid: child.pid as number,
          metricsUrl: String(ready.metrics),
          lines: () => lines,
          otherOutput: () => other,
          waitForLine,
          signal: (signal) => {
            child.kill(signal)
          },
          exited: () => exited,
          exit,
          stop
        })
      },
      () => {
        // the timer or the exit reports it
      }
    )
  })
