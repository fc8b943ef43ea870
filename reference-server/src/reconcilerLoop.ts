/**
 * The split's reconciler, run in process: one pass at start, then one pass after each interval
 * (jittered by ±20 % so that several processes do not pass in step), each pass bounded in the
 * commits it repairs and in time, never two at once, and stopped on shutdown (the pass in flight
 * is awaited). A failed pass is logged; the next one takes over.
 *
 * @since 0.1.0
 */
import { runPromise } from "@workflow-manager/core"
import type { ReconcileReport, ReconcilerService } from "@workflow-manager/mongo"
import { Effect } from "effect"

/**
 * Where the loop reports: a pass that repaired something or failed.
 *
 * @since 0.1.0
 * @category storage
 */
export type ReconcilerLog = (level: "info" | "warn", message: string, details?: Record<string, unknown>) => void

/**
 * How the loop runs.
 *
 * @since 0.1.0
 * @category storage
 */
export interface ReconcilerLoopOptions {
  readonly everyMs: number
  readonly graceMs: number
  readonly limit: number
  readonly timeoutMs: number
  readonly log?: ReconcilerLog
  /** A number in [0, 1) for the jitter (default `Math.random`). */
  readonly random?: () => number
}

/**
 * A running loop.
 *
 * @since 0.1.0
 * @category storage
 */
export interface ReconcilerLoop {
  /** Runs a pass now (or joins the one in flight); `undefined` when it failed or the loop is stopped. */
  readonly runOnce: () => Promise<ReconcileReport | undefined>
  /** Passes finished so far (failed ones included). */
  readonly passes: () => number
  /** Stops the loop and waits for the pass in flight. */
  readonly stop: () => Promise<void>
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Starts the loop over a reconciler: the first pass starts at once.
 *
 * @example
 * ```ts
 * import { startReconcilerLoop } from "./reconcilerLoop.ts"
 *
 * const loop = startReconcilerLoop(services.reconciler, { everyMs: 15_000, graceMs: 30_000, limit: 1000, timeoutMs: 60_000 })
 * await loop.stop()
 * ```
 *
 * @since 0.1.0
 * @category storage
 */
export const startReconcilerLoop = (reconciler: ReconcilerService, options: ReconcilerLoopOptions): ReconcilerLoop => {
  const log = options.log ?? (() => {})
  const random = options.random ?? Math.random
  let stopped = false
  let passes = 0
  let running: Promise<ReconcileReport | undefined> | undefined
  let timer: NodeJS.Timeout | undefined

  const pass = async (): Promise<ReconcileReport | undefined> => {
    try {
      const report = await runPromise(
        reconciler
          .reconcileAll({ graceMs: options.graceMs, limit: options.limit })
          .pipe(Effect.timeout(options.timeoutMs))
      )
      if (report.scanned > 0 || report.failed.length > 0) {
        log(report.failed.length > 0 ? "warn" : "info", "reconciler pass", {
          scanned: report.scanned,
          instances: report.instances,
          indexWrites: report.indexWrites,
          marked: report.marked,
          failed: report.failed.length
        })
      }
      return report
    } catch (error) {
      log("warn", `reconciler pass failed: ${describe(error)}`)
      return undefined
    } finally {
      passes++
    }
  }

  const schedule = () => {
    if (stopped) return
    const delay = Math.round(options.everyMs * (0.8 + 0.4 * random()))
    timer = setTimeout(() => {
      timer = undefined
      void runOnce().finally(schedule)
    }, delay)
    timer.unref()
  }

  const runOnce = (): Promise<ReconcileReport | undefined> => {
    if (stopped) return Promise.resolve(undefined)
    running ??= pass().finally(() => {
      running = undefined
    })
    return running
  }

  void runOnce().finally(schedule)

  return {
    runOnce,
    passes: () => passes,
    stop: async () => {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      await running
    }
  }
}
