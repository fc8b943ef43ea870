/**
 * The worker as its own process (`node src/worker.ts`, `pnpm worker`, `./wm worker`): it opens the
 * storage the environment names — a PostgreSQL server, or the split; never the embedded database,
 * which belongs to the one process that opens it — without migrating (unless `WM_MIGRATE=true`)
 * and without registering or seeding anything, builds the server's engine and runs only the
 * worker, with `/metrics` and `/healthz` on `WM_WORKER_METRICS_HOST:WM_WORKER_METRICS_PORT`.
 * Servers started with `WM_WORKER=off` and N of these processes is the scale-out mode
 * (docs/operations.md).
 *
 * @since 0.1.0
 */
import { type MetricsServer, type RunningWorker, serveMetrics, type WorkerLog } from "@workflow-manager/worker"
import { makeRbacPolicy } from "./auth/index.ts"
import { startBackgroundWorker } from "./backgroundWorker.ts"
import { loadConfig, type ServerConfig } from "./config.ts"
import { ConfigError, flag } from "./configValues.ts"
import { createServerEngine } from "./engine.ts"
import { commandLog } from "./logs.ts"
import { openStorage } from "./storage.ts"

/**
 * The worker command's configuration: the server's, with migrations off unless `WM_MIGRATE=true`,
 * no demo data, and a PostgreSQL server required.
 *
 * @throws ConfigError for a malformed variable, or without `DATABASE_URL`.
 *
 * @example
 * ```ts
 * import { workerCommandConfig } from "./workerCommand.ts"
 *
 * const config = workerCommandConfig({ DATABASE_URL: "postgres://wm_api@db/wm", WM_WORKER_NAME: "worker-1" })
 * ```
 *
 * @since 0.1.0
 * @category worker
 */
export const workerCommandConfig = (env: NodeJS.ProcessEnv): ServerConfig => {
  const config = loadConfig(env)
  if (config.storage.kind === "embedded") {
    throw new ConfigError(
      "DATABASE_URL",
      "the worker command needs a PostgreSQL server: the embedded database belongs to the one process that opens it (the server runs its worker in process: WM_WORKER=on)"
    )
  }
  return { ...config, migrate: flag(env, "WM_MIGRATE", false), demo: false }
}

/**
 * A running worker command.
 *
 * @since 0.1.0
 * @category worker
 */
export interface WorkerCommand {
  readonly worker: RunningWorker
  /** `http://host:port` of `/metrics` and `/healthz`. */
  readonly metricsUrl: string
  readonly log: WorkerLog
  /** Stops the worker (draining within `WM_WORKER_DRAIN_MS`), then the metrics endpoint, then the storage. */
  readonly stop: () => Promise<void>
}

/**
 * Starts the worker command from an environment; logs `worker ready` (with `metrics`) when it runs.
 *
 * @example
 * ```ts
 * import { startWorkerCommand } from "./workerCommand.ts"
 *
 * const command = await startWorkerCommand(process.env)
 * process.once("SIGTERM", () => void command.stop())
 * ```
 *
 * @since 0.1.0
 * @category worker
 */
export const startWorkerCommand = async (env: NodeJS.ProcessEnv): Promise<WorkerCommand> => {
  const config = workerCommandConfig(env)
  const settings = config.worker
  const log = commandLog(config.logLevel, { service: "workflow-manager-worker", worker: settings.name })
  const storage = await openStorage(config, {
    register: false,
    log: (level, message, details) => log(level, message, { component: "reconciler", ...details })
  })
  let worker: RunningWorker | undefined
  let endpoint: MetricsServer | undefined
  let engine: Awaited<ReturnType<typeof createServerEngine>> | undefined
  try {
    endpoint = await serveMetrics({
      host: settings.metricsHost,
      port: settings.metricsPort,
      metrics: () => worker?.metrics() ?? Promise.resolve(""),
      contentType: "text/plain; version=0.0.4; charset=utf-8"
    })
    engine = await createServerEngine({
      storage,
      policy: makeRbacPolicy({ operatorId: storage.operatorId }),
      keySecret: config.keySecret,
      apiCallAllow: config.apiCallAllow,
      env
    })
    const running = await startBackgroundWorker({ storage, engine, config: settings, log })
    worker = running
    const metrics = endpoint
    const used = engine
    log("info", "worker ready", {
      metrics: metrics.url,
      storage: storage.kind,
      pid: process.pid,
      leaseMs: settings.leaseMs,
      pollMs: settings.pollMs
    })
    let stopping: Promise<void> | undefined
    return {
      worker: running,
      metricsUrl: metrics.url,
      log,
      stop: () => {
        stopping ??= (async () => {
          try {
            await running.stop()
          } finally {
            await metrics.close().catch(() => {})
            await used.dispose().catch(() => {})
            await storage.close()
          }
        })()
        return stopping
      }
    }
  } catch (error) {
    await worker?.stop().catch(() => {})
    await endpoint?.close().catch(() => {})
    await engine?.dispose().catch(() => {})
    await storage.close().catch(() => {})
    throw error
  }
}
