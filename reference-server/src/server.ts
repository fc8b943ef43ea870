/**
 * The composition root: configuration → storage → auth → engine → demo data → the worker (in
 * process unless `WM_WORKER=off`) → HTTP app, and the graceful shutdown in reverse order: HTTP
 * intake stops, the worker drains, the storage closes.
 *
 * @since 0.1.0
 */
import type { PromiseEngine } from "@workflow-manager/core"
import type { RunningWorker } from "@workflow-manager/worker"
import type { FastifyInstance } from "fastify"
import pino from "pino"
import { createApp } from "./app.ts"
import { type Auth, createAuth, hashPassword, loadAuthConfig } from "./auth/index.ts"
import { startBackgroundWorker } from "./backgroundWorker.ts"
import type { ServerConfig } from "./config.ts"
import { createServerEngine } from "./engine.ts"
import { keySecretOf } from "./keySecret.ts"
import { pinoWorkerLog } from "./logs.ts"
import { registerMetricsRoute } from "./metricsRoute.ts"
import { type SeedReport, seedDemo } from "./seed.ts"
import { openStorage, type Storage } from "./storage.ts"

/**
 * A running server.
 *
 * @since 0.1.0
 * @category server
 */
export interface RunningServer {
  /** `http://host:port` it listens on. */
  readonly url: string
  readonly app: FastifyInstance
  readonly storage: Storage
  readonly engine: PromiseEngine
  readonly auth: Auth
  /** What the demo seeding did (`undefined` when it is off). */
  readonly demo: SeedReport | undefined
  /** The in-process worker (`undefined` with `WM_WORKER=off`). */
  readonly worker: RunningWorker | undefined
  /**
   * Stops accepting requests, lets those in flight finish (within the grace period), stops the
   * worker (its work in flight drains within `WM_WORKER_DRAIN_MS`), closes the storage (the
   * reconciler and the MongoDB client too).
   */
  readonly close: () => Promise<void>
}

/**
 * Starts the server the configuration describes.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts"
 * import { startServer } from "./server.ts"
 *
 * const server = await startServer(loadConfig(), process.env)
 * console.log(server.url)
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category server
 */
export const startServer = async (
  config: ServerConfig,
  env: NodeJS.ProcessEnv = process.env
): Promise<RunningServer> => {
  const logger = pino({ level: config.logLevel, base: { service: "workflow-manager" } })
  const warn = (message: string) => logger.warn(message)
  const storage = await openStorage(config, {
    log: (level, message, details) => logger[level]({ component: "reconciler", ...details }, message)
  })
  let worker: RunningWorker | undefined
  try {
    const keySecret = await keySecretOf(config, warn)
    const authConfig = await loadAuthConfig(env, { dataDir: config.dataDir, warn })
    const auth = await createAuth({
      db: storage.client,
      users: storage.services.users,
      config: authConfig,
      operatorId: storage.operatorId
    })
    const engine = await createServerEngine({
      storage,
      policy: auth.policy,
      keySecret,
      apiCallAllow: config.apiCallAllow,
      env
    })
    const demo = config.demo ? await seedDemo({ storage, engine, hashPassword }) : undefined
    const app = await createApp({
      deps: { engine, storage, auth, hashPassword, limits: config.limits, log: logger },
      config,
      logger
    })
    registerMetricsRoute(app, {
      metrics: () => worker?.metrics(),
      contentType: "text/plain; version=0.0.4; charset=utf-8",
      token: config.worker.metricsToken,
      production: config.production
    })
    if (config.worker.enabled) {
      worker = await startBackgroundWorker({ storage, engine, config: config.worker, log: pinoWorkerLog(logger) })
    } else {
      // no worker here: the split's reconciler runs on its own timer (workers elsewhere run it too)
      storage.mongo?.reconciler.schedule()
    }
    await app.listen({ host: config.host, port: config.port })
    const address = app.server.address()
    const port = typeof address === "object" && address !== null ? address.port : config.port
    const host = config.host.includes(":") ? `[${config.host}]` : config.host
    let closing: Promise<void> | undefined
    const close = () => {
      closing ??= (async () => {
        const grace = setTimeout(() => app.server.closeAllConnections(), config.shutdownGraceMs)
        try {
          await app.close()
        } finally {
          clearTimeout(grace)
          await worker?.stop().catch(() => {})
          await engine.dispose().catch(() => {})
          await storage.close()
        }
      })()
      return closing
    }
    return { url: `http://${host}:${port}`, app, storage, engine, auth, demo, worker, close }
  } catch (error) {
    await worker?.stop().catch(() => {})
    await storage.close().catch(() => {})
    throw error
  }
}
