/**
 * `pnpm worker` (and `./wm worker`): the worker as its own process. Its interface, which scripts
 * and tests rely on:
 *
 * - configuration from the environment, as the server's (`DATABASE_URL` required, `MONGODB_URL`
 *   for the split, `WM_WORKER_*`, the notification transports; docs/operations.md);
 * - JSON lines on stdout (`{"time","level","msg",…,"service":"workflow-manager-worker","worker"}`),
 *   the first one a running worker writes being `"msg":"worker ready"` with `metrics` (its URL);
 * - `/metrics` and `/healthz` on `WM_WORKER_METRICS_HOST:WM_WORKER_METRICS_PORT`;
 * - SIGTERM or SIGINT: stops claiming, drains (`WM_WORKER_DRAIN_MS`), closes, exits 0; a second
 *   signal ends it at once; a start that fails writes one `"level":"error"` line on stderr and exits 1.
 *
 * @since 0.1.0
 */
import { startWorkerCommand } from "./workerCommand.ts"

const command = await startWorkerCommand(process.env).catch((error: unknown) => {
  const line = {
    time: new Date().toISOString(),
    level: "error",
    msg: "the worker could not start",
    service: "workflow-manager-worker",
    error: error instanceof Error ? error.message : String(error)
  }
  process.stderr.write(`${JSON.stringify(line)}\n`)
  process.exit(1)
})

const stop = (signal: string) => {
  command.log("info", "shutting down", { signal })
  command.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      command.log("error", "shutdown failed", { error: error instanceof Error ? error.message : String(error) })
      process.exit(1)
    }
  )
}
process.once("SIGINT", () => stop("SIGINT"))
process.once("SIGTERM", () => stop("SIGTERM"))
