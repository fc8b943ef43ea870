/**
 * `GET /metrics` on the server: the in-process worker's metrics in Prometheus' text format.
 *
 * Protection: with `WM_METRICS_TOKEN` set, a request must carry `Authorization: Bearer <token>`
 * (compared in constant time; Prometheus sends it with `authorization: { credentials_file }`);
 * without it the route is open outside production (where the server listens on loopback by
 * default) and absent in production. The figures are the queues of every tenant — volumes and
 * ages, no tenant's data — which is still nothing to publish on the API's port.
 *
 * @since 0.1.0
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { FastifyInstance } from "fastify"

/**
 * What the route serves.
 *
 * @since 0.1.0
 * @category metrics
 */
export interface MetricsRouteOptions {
  /** The metrics text, or `undefined` when no worker runs in this process. */
  readonly metrics: () => Promise<string> | undefined
  readonly contentType: string
  readonly token: string | undefined
  readonly production: boolean
}

const digest = (value: string) => createHash("sha256").update(value).digest()

/**
 * Adds `GET /metrics` to the app (before it listens).
 *
 * @example
 * ```ts
 * import { registerMetricsRoute } from "./metricsRoute.ts"
 *
 * registerMetricsRoute(app, { metrics: () => worker?.metrics(), contentType: "text/plain; version=0.0.4", token: undefined, production: false })
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const registerMetricsRoute = (app: FastifyInstance, options: MetricsRouteOptions): void => {
  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`)
  app.get("/metrics", async (request, reply) => {
    if (expected === undefined && options.production) {
      return reply.code(404).send({ error: "set WM_METRICS_TOKEN to serve /metrics in production" })
    }
    if (expected !== undefined) {
      const given = request.headers.authorization
      if (typeof given !== "string" || !timingSafeEqual(digest(given), expected)) {
        return reply
          .code(401)
          .header("www-authenticate", 'Bearer realm="metrics"')
          .send({ error: "a bearer token is needed" })
      }
    }
    const text = options.metrics()
    if (text === undefined) {
      return reply
        .code(404)
        .send({ error: "no worker runs in this process (WM_WORKER=off): scrape the worker processes' /metrics" })
    }
    return reply
      .type(options.contentType)
      .header("cache-control", "no-store")
      .send(await text)
  })
}
