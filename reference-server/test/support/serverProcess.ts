/**
 * The server as a child process, started the way `pnpm start` starts it (`node src/main.ts`), so
 * that a test can `kill -9` it and start it again over the same databases. The environment is the
 * one given, on top of PATH and HOME only: nothing of the test's own (its DATABASE_URL, its
 * MONGODB_URL) leaks in.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const serverDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const MAX_OUTPUT = 200_000

/** A server process. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  readonly url: string
  readonly pid: number
  /** What it wrote on stdout and stderr so far (the last 200 000 characters). */
  readonly output: () => string
  /** Whether it has exited. */
  readonly exited: () => boolean
  /** Resolves with its exit code and signal when it has exited. */
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  /** Sends `signal` and waits for the exit (bounded: a SIGKILL follows after `timeoutMs`, default 15 s). */
  readonly kill: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<void>
}

/** Every process {@link spawnServer} started and that has not exited: killed at the test process's exit, as a safety net. */
const live = new Set<ChildProcess>()
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/**
 * Starts `node src/main.ts` with `env` and resolves when it printed its GraphQL URL; rejects (and
 * kills it) when it exits first or after `timeoutMs` (default 60 s), with what it wrote.
 */
export const spawnServer = (env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/main.ts"], {
      cwd: serverDir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    live.add(child)
    let output = ""
    let done = false
    let exited = false
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((settle) => {
      child.once("exit", (code, signal) => {
        exited = true
        live.delete(child)
        settle({ code, signal })
      })
    })
    const kill = async (signal: NodeJS.Signals = "SIGTERM", bound = 15_000) => {
      if (exited) return
      child.kill(signal)
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<"late">((r) => {
        timer = setTimeout(() => r("late"), bound)
      })
      if ((await Promise.race([exit, late])) === "late") {
        child.kill("SIGKILL")
        await exit
      }
      clearTimeout(timer)
    }
    const fail = (message: string) => {
      if (done) return
      done = true
      clearTimeout(timer)
      void kill("SIGKILL").then(() => reject(new Error(`${message}\n${output.slice(-5_000)}`)))
    }
    const timer = setTimeout(() => fail(`the server did not start within ${timeoutMs} ms`), timeoutMs)
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-MAX_OUTPUT)
      const match = /GraphQL:\s+(http:\/\/\S+)\/graphql/.exec(output)
      if (match !== null && !done) {
        done = true
        clearTimeout(timer)
        resolve({
          url: match[1] as string,
          pid: child.pid as number,
          output: () => output,
          exited: () => exited,
          exit,
          kill
        })
      }
    }
    child.stdout.on("data", collect)
    child.stderr.on("data", collect)
    child.once("error", (error) => fail(`the server could not be spawned: ${error.message}`))
    void exit.then(({ code, signal }) => fail(`the server exited at start (code ${code}, signal ${signal})`))
  })
