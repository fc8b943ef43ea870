/**
 * Structured logs: the worker reports through a {@link WorkerLog} function — one record per event
 * worth a line (a pass that did something or failed, a fenced outcome, an outage, start and stop),
 * never one per idle poll. {@link jsonLog} writes them as JSON lines, the format log collectors
 * (Loki, CloudWatch, Elastic) parse without configuration.
 *
 * @since 0.1.0
 */

/**
 * A log level.
 *
 * @since 0.1.0
 * @category logs
 */
export type WorkerLogLevel = "debug" | "info" | "warn" | "error"

/**
 * Where the worker reports: a level, a message that reads as a sentence, and fields (counts, ids,
 * error tags). It must not throw.
 *
 * @since 0.1.0
 * @category logs
 */
export type WorkerLog = (level: WorkerLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void

const RANK: Readonly<Record<WorkerLogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 }

/**
 * A log that drops everything (the default).
 *
 * @since 0.1.0
 * @category logs
 */
export const silentLog: WorkerLog = () => {}

/**
 * Options of {@link jsonLog}.
 *
 * @since 0.1.0
 * @category logs
 */
export interface JsonLogOptions {
  /** Where a line goes (default: `process.stderr`). */
  readonly write?: (line: string) => void
  /** The lowest level written (default `info`). */
  readonly level?: WorkerLogLevel
  /** Fields added to every record (e.g. `{ service: "worker", worker: "w-1" }`). */
  readonly base?: Readonly<Record<string, unknown>>
}

const safe = (value: unknown): unknown =>
  value instanceof Error
    ? { name: value.name, message: value.message }
    : typeof value === "bigint"
      ? String(value)
      : value

/**
 * A log writing one JSON object per line: `{"time":…,"level":…,"msg":…, …base, …fields}`. A field
 * that cannot be serialised is written as its string.
 *
 * @example
 * ```ts
 * import { jsonLog } from "@workflow-manager/worker"
 *
 * const log = jsonLog({ level: "info", base: { service: "worker" } })
 * log("info", "worker started", { name: "worker-1" })
 * ```
 *
 * @since 0.1.0
 * @category logs
 */
export const jsonLog = (options: JsonLogOptions = {}): WorkerLog => {
  const write = options.write ?? ((line: string) => process.stderr.write(line))
  const threshold = RANK[options.level ?? "info"]
  const base = options.base ?? {}
  return (level, message, fields) => {
    if (RANK[level] < threshold) return
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message, ...base }
    for (const [key, value] of Object.entries(fields ?? {})) record[key] = safe(value)
    let line: string
    try {
      line = JSON.stringify(record)
    } catch {
      line = JSON.stringify({ time: record.time, level, msg: message, fields: String(fields) })
    }
    try {
      write(`${line}\n`)
    } catch {
      // a log that cannot write must not stop the worker
    }
  }
}
