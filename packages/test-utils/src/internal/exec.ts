import { execFile } from "node:child_process"

/** The outcome of a command that ran to its end. */
export interface ExecResult {
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `command` with `args` (no shell), bounded by `timeoutMs` (the command is killed after it),
 * and rejects with its output when it fails.
 */
export const exec = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly timeoutMs: number; readonly cwd?: string }
): Promise<ExecResult> =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { timeout: options.timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 * 1024 * 1024, cwd: options.cwd },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr })
        else {
          const output = `${stdout}${stderr}`.trim().slice(-2_000)
          reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}${output ? `\n${output}` : ""}`))
        }
      }
    )
  })

/** Waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Whether something accepts TCP connections on `host:port` (within `timeoutMs`). */
export const portOpen = (host: string, port: number, timeoutMs = 1_000): Promise<boolean> =>
  import("node:net").then(
    ({ connect }) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port })
        const done = (open: boolean) => {
          socket.destroy()
          resolve(open)
        }
        socket.setTimeout(timeoutMs, () => done(false))
        socket.once("connect", () => done(true))
        socket.once("error", () => done(false))
      })
  )
