/**
 * The worker's logs: in the server through its pino logger (one stream, `LOG_LEVEL` honoured,
 * `component: "worker"`), in the worker command as the worker package's JSON lines on stdout.
 *
 * @since 0.1.0
 */
import { jsonLog, silentLog, type WorkerLog, type WorkerLogLevel } from "@workflow-manager/worker"
import type { Logger } from "pino"

/**
 * A worker log writing through a pino logger.
 *
 * @example
 * ```ts
 * import pino from "pino"
 * import { pinoWorkerLog } from "./logs.ts"
 *
 * const log = pinoWorkerLog(pino())
 * ```
 *
 * @since 0.1.0
 * @category logs
 */
export const pinoWorkerLog =
  (logger: Logger): WorkerLog =>
  (level, message, fields) => {
    logger[level]({ component: "worker", ...fields }, message)
  }

const LEVELS: Readonly<Record<string, WorkerLogLevel | "silent">> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  fatal: "error",
  silent: "silent"
}

/**
 * The worker command's log: JSON lines on stdout at `LOG_LEVEL` (pino's names; `silent` writes nothing).
 *
 * @example
 * ```ts
 * import { commandLog } from "./logs.ts"
 *
 * const log = commandLog("info", { service: "workflow-manager-worker", worker: "w-1" })
 * ```
 *
 * @since 0.1.0
 * @category logs
 */
export const commandLog = (logLevel: string, base: Readonly<Record<string, unknown>>): WorkerLog => {
  const level = LEVELS[logLevel.toLowerCase()] ?? "info"
  if (level === "silent") return silentLog
  return jsonLog({ level, base, write: (line) => process.stdout.write(line) })
}
