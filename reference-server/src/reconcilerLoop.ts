/**
 * The split's reconciler, run in process — as a task of the worker (`task`: its passes on the
 * worker's schedule, counted in the worker's metrics, the index's lag behind the log as figures),
 * or, in a process without a worker, on a schedule of its own (`schedule`): one pass at once, then
 * one after each interval (jittered by ±20 % so that several processes do not pass in step). Either
 * way each pass is bounded in the commits it repairs and in time, never two run at once, and `stop`
 * (on shutdown) waits for the pass in flight. A failed pass is logged; the next one takes over.
 *
 * @since 0.1.0
 */
import { runPromise, systemAccess } from "@workflow-manager/core"
import type { LagMetrics, ReconcileReport, ReconcilerService } from "@workflow-manager/mongo"
import type { WorkerTask } from "@workflow-manager/worker"
import { Effect } from "effect"

/**
 * Where the loop reports: a pass that repaired something or failed.
 *
 * @since 0.1.0
 * @category storage
 */
export type ReconcilerLog = (level: "info" | "warn", message: string, details?: Record<string, unknown>) => void

/**
 * How the passes run.
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

/**
 * The reconciler of a process: its passes, to be driven by a worker (`task`) or by its own timer
 * (`schedule`, for a process without a worker).
 *
 * @since 0.1.0
 * @category storage
 */
export interface Reconciliation extends ReconcilerLoop {
  /** Starts passes on a schedule of its own: the first at once (a no-op once stopped or scheduled). */
  readonly schedule: () => void
  /** The passes as a worker task named `reconciler`, with the index's lag as figures. */
  readonly task: WorkerTask
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The numbers of a report (the worker counts each numeric field of a task's report). */
const counts = (report: ReconcileReport) => ({
  scanned: report.scanned,
  instances: report.instances,
  indexWrites: report.indexWrites,
  queued: report.queued,
  marked: report.marked,
  failed: report.failed.length
})

/**
 * Builds the passes over a reconciler; nothing runs until `schedule`, `runOnce` or the worker's task does.
 *
 * @example
 * ```ts
 * import { makeReconciliation } from "./reconcilerLoop.ts"
 *
 * const reconciliation = makeReconciliation(services.reconciler, { everyMs: 15_000, graceMs: 30_000, limit: 1000, timeoutMs: 60_000 })
 * // a worker's task: startWorker({ ..., tasks: [reconciliation.task] }); or on its own timer:
 * reconciliation.schedule()
 * await reconciliation.stop()
 * ```
 *
 * @since 0.1.0
 * @category storage
 */
export const makeReconciliation = (reconciler: ReconcilerService, options: ReconcilerLoopOptions): Reconciliation => {
  const log = options.log ?? (() => {})
  const random = options.random ?? Math.random
  let stopped = false
  let scheduled = false
  let passes = 0
  let running: Promise<ReconcileReport> | undefined
  let timer: NodeJS.Timeout | undefined

  /** One pass (joining the one in flight); rejects when it fails. */
  const pass = (): Promise<ReconcileReport> => {
    running ??= runPromise(
      reconciler
        .reconcileAll({ graceMs: options.graceMs, limit: options.limit })
        .pipe(Effect.timeout(options.timeoutMs))
    ).finally(() => {
      passes++
      running = undefined
    })
    return running
  }

  const runOnce = async (): Promise<ReconcileReport | undefined> => {
    if (stopped) return undefined
    try {
      const report = await pass()
      if (report.scanned > 0 || report.failed.length > 0) {
        log(report.failed.length > 0 ? "warn" : "info", "reconciler pass", counts(report))
      }
      return report
    } catch (error) {
      log("warn", `reconciler pass failed: ${describe(error)}`)
      return undefined
    }
  }

  const next = () => {
    if (stopped) return
    const delay = Math.round(options.everyMs * (0.8 + 0.4 * random()))
    timer = setTimeout(() => {
      timer = undefined
      void runOnce().finally(next)
    }, delay)
    timer.unref()
  }

  // the lag, read once per scrape for both figures
  let lag: Promise<LagMetrics | undefined> | undefined
  const readLag = () => {
    lag ??= runPromise(reconciler.lag(systemAccess("reconciler")))
      .catch(() => undefined)
      .finally(() => {
        lag = undefined
      })
    return lag
  }

  const task: WorkerTask = {
    name: "reconciler",
    everyMs: options.everyMs,
    timeoutMs: options.timeoutMs + 5_000,
    // the worker logs and counts what a pass did; a failed pass fails the task's pass
    pass: Effect.suspend(() =>
      stopped
        ? Effect.succeed({})
        : Effect.tryPromise({ try: () => pass(), catch: (error) => error }).pipe(Effect.map(counts))
    ),
    figures: [
      {
        name: "wm_reconciler_lag_commits",
        help: "Commits in the log not yet confirmed projected into the index.",
        read: async () => (await readLag())?.unprojected
      },
      {
        name: "wm_reconciler_oldest_age_seconds",
        help: "Age of the oldest commit not yet confirmed projected (0 when none is).",
        read: async () => {
          const read = await readLag()
          return read === undefined ? undefined : read.lagMs / 1000
        }
      }
    ]
  }

  return {
    runOnce,
    passes: () => passes,
    schedule: () => {
      if (stopped || scheduled) return
      scheduled = true
      void runOnce().finally(next)
    },
    task,
    stop: async () => {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      await running?.catch(() => undefined)
    }
  }
}

/**
 * Starts passes over a reconciler on their own schedule: the first at once.
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
  const reconciliation = makeReconciliation(reconciler, options)
  reconciliation.schedule()
  return reconciliation
}
