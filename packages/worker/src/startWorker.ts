/**
 * The Promise facade: start a worker in the background, stop it gracefully.
 *
 * @since 0.1.0
 */
import { Effect, Fiber } from "effect"
import { type DueReport, makeWorker, type WorkerOptions } from "./Worker.js"

/**
 * A worker running in the background.
 *
 * @since 0.1.0
 * @category worker
 */
export interface RunningWorker {
  readonly name: string
  /** Stops claiming, waits up to `drainMs` for the work in flight, interrupts the rest. */
  readonly stop: () => Promise<void>
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>
  /** One due pass now, beside the loop (for tests and admin tools). */
  readonly runDueOnce: () => Promise<DueReport>
  /** One pass of the named task now; `undefined` when it failed or there is no such task. */
  readonly runTaskOnce: (name: string) => Promise<object | undefined>
  /** The metrics in Prometheus' text format. */
  readonly metrics: () => Promise<string>
  readonly metricsContentType: string
}

/**
 * Starts a worker: its due loop and its tasks' loops run until `stop`.
 *
 * @throws InvalidWorkerOptions when the options cannot work.
 *
 * @example
 * ```ts
 * import { runPromise } from "@workflow-manager/core"
 * import { make, fromPool } from "@workflow-manager/pg-rls"
 * import { jsonLog, startWorker } from "@workflow-manager/worker"
 * import pg from "pg"
 *
 * declare const engine: import("@workflow-manager/worker").WorkerEngine
 * const services = await runPromise(make({ client: fromPool(new pg.Pool()) }))
 * const worker = await startWorker({
 *   name: "worker-1",
 *   engine,
 *   due: services.dueWork,
 *   outbox: services.outbox,
 *   log: jsonLog()
 * })
 * process.once("SIGTERM", () => void worker.stop())
 * ```
 *
 * @since 0.1.0
 * @category worker
 */
export const startWorker = async (options: WorkerOptions): Promise<RunningWorker> => {
  const worker = await Effect.runPromise(makeWorker(options))
  const fiber = Effect.runFork(worker.run)
  const stopped = Effect.runPromise(Fiber.await(fiber)).then(() => undefined)
  return {
    name: worker.name,
    stop: async () => {
      await Effect.runPromise(worker.stop)
      await stopped
    },
    stopped,
    runDueOnce: () => Effect.runPromise(worker.runDueOnce),
    runTaskOnce: (name) => Effect.runPromise(worker.runTaskOnce(name)),
    metrics: () => Effect.runPromise(worker.metrics),
    metricsContentType: worker.metricsContentType
  }
}
