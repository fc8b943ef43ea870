/**
 * `@workflow-manager/worker` — background work on core's ports: due deadlines and escalations,
 * automatic and deferred steps under leases, retries after backoff, outbox delivery and the
 * split's reconciler as tasks; safe with many processes and after crashes; Prometheus metrics and
 * structured logs.
 *
 * @packageDocumentation
 */
export { type MetricsServer, type MetricsServerOptions, serveMetrics } from "./MetricsServer.js"
export { type RunningWorker, startWorker } from "./startWorker.js"
export {
  type DueReport,
  type FigureReader,
  InvalidWorkerOptions,
  makeWorker,
  type Worker,
  type WorkerEngine,
  type WorkerOptions,
  type WorkerTask
} from "./Worker.js"
export { type JsonLogOptions, jsonLog, silentLog, type WorkerLog, type WorkerLogLevel } from "./WorkerLog.js"
