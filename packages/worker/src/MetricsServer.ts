/**
 * A minimal metrics endpoint for a worker running as its own process: `GET /metrics` (Prometheus'
 * text format) and `GET /healthz`, on `node:http`, nothing else. A host application with its own
 * HTTP server serves `worker.metrics()` on its own route instead.
 *
 * @since 0.1.0
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

/**
 * Options of {@link serveMetrics}.
 *
 * @since 0.1.0
 * @category metrics
 */
export interface MetricsServerOptions {
  /** Port (0 picks a free one; default 9464, Prometheus' exporter range). */
  readonly port?: number
  /** Address to listen on (default `127.0.0.1`: metrics are not for the world). */
  readonly host?: string
  /** The metrics text and its content type (e.g. a running worker's `metrics` and `metricsContentType`). */
  readonly metrics: () => Promise<string>
  readonly contentType: string
}

/**
 * A listening metrics endpoint.
 *
 * @since 0.1.0
 * @category metrics
 */
export interface MetricsServer {
  /** `http://host:port`. */
  readonly url: string
  readonly close: () => Promise<void>
}

/**
 * Serves the metrics at `/metrics`.
 *
 * @example
 * ```ts
 * import { serveMetrics, type RunningWorker } from "@workflow-manager/worker"
 *
 * declare const worker: RunningWorker
 * const endpoint = await serveMetrics({ port: 9464, metrics: worker.metrics, contentType: worker.metricsContentType })
 * // ... on shutdown
 * await endpoint.close()
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const serveMetrics = (options: MetricsServerOptions): Promise<MetricsServer> =>
  new Promise((resolve, reject) => {
    const server: Server = createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0]
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD" }).end()
        return
      }
      if (path === "/healthz") {
        response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok\n")
        return
      }
      if (path !== "/metrics") {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n")
        return
      }
      options.metrics().then(
        (text) => {
          response
            .writeHead(200, { "content-type": options.contentType })
            .end(request.method === "HEAD" ? undefined : text)
        },
        () => {
          response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics unavailable\n")
        }
      )
    })
    server.requestTimeout = 10_000
    server.once("error", reject)
    server.listen(options.port ?? 9464, options.host ?? "127.0.0.1", () => {
      server.off("error", reject)
      const address = server.address() as AddressInfo
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
