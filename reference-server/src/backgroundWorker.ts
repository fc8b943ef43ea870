/**
 * The worker of a process — the server's in-process worker (`WM_WORKER=on`, the default) and the
 * worker command's — over the opened storage and the server's engine: due instances claimed from
 * PostgreSQL's due work (pg-rls's `dueWork`, `FOR UPDATE SKIP LOCKED`; on the split too, since the
 * index is PostgreSQL's), and its tasks: `notifications` (the outbox — MongoDB's on the split —
 * delivered through the configured transports, recipients by role from the users directory) and,
 * on the split, `reconciler` (the index repaired from the log, its lag as figures).
 *
 * @since 0.1.0
 */
import { type RunningWorker, startWorker, type WorkerEngine, type WorkerLog } from "@workflow-manager/worker"
import { notificationTask, notificationTransports } from "./notifications.ts"
import { usersDirectory } from "./recipients.ts"
import type { Storage } from "./storage.ts"
import type { WorkerConfig } from "./workerConfig.ts"

/**
 * What a worker is built from.
 *
 * @since 0.1.0
 * @category worker
 */
export interface BackgroundWorkerDeps {
  readonly storage: Storage
  /** The server's engine (its Promise facade fits). */
  readonly engine: WorkerEngine
  readonly config: WorkerConfig
  readonly log: WorkerLog
}

/**
 * Starts the worker: its due loop and its tasks run until `stop`.
 *
 * @throws ConfigError when a notification transport refuses its settings.
 *
 * @example
 * ```ts
 * import { jsonLog } from "@workflow-manager/worker"
 * import { startBackgroundWorker } from "./backgroundWorker.ts"
 *
 * const worker = await startBackgroundWorker({ storage, engine, config: config.worker, log: jsonLog() })
 * await worker.stop()
 * ```
 *
 * @since 0.1.0
 * @category worker
 */
export const startBackgroundWorker = async (deps: BackgroundWorkerDeps): Promise<RunningWorker> => {
  const { storage, config, log } = deps
  const outbox = storage.services.outbox
  const tasks = [
    notificationTask({
      outbox,
      transports: notificationTransports(config.notifications, log),
      recipients: usersDirectory(storage.postgres.users, storage.operatorId),
      owner: config.name,
      limit: config.batch,
      leaseMs: config.leaseMs,
      everyMs: config.notifications.everyMs
    })
  ]
  if (storage.mongo !== undefined) tasks.push(storage.mongo.reconciler.task)
  return startWorker({
    name: config.name,
    engine: deps.engine,
    // claims under leases (FOR UPDATE SKIP LOCKED) on PostgreSQL's index, on the split too
    due: storage.postgres.dueWork,
    outbox,
    tasks,
    concurrency: config.concurrency,
    batch: config.batch,
    pollMs: config.pollMs,
    leaseMs: config.leaseMs,
    drainMs: config.drainMs,
    log
  })
}
