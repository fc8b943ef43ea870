/**
 * The worker's Prometheus metrics, in a registry of its own (never prom-client's global one, so two
 * workers in one process, or a host application's metrics, never collide): counters of what the
 * loops did, and the queues' figures read from the stores when the metrics are scraped.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client"

import type { FigureReader } from "../Worker.js"

export interface Metrics {
  readonly registry: Registry
  readonly due: Counter<"outcome">
  readonly errors: Counter<"source">
  readonly passes: Counter<"task" | "result">
  readonly items: Counter<"task" | "outcome">
  readonly inFlight: Gauge
  readonly handleSeconds: Histogram
  /** Adds a gauge whose value is read when the metrics are scraped. */
  readonly figure: (name: string, help: string, read: FigureReader) => void
}

export const makeMetrics = (labels: Readonly<Record<string, string>>): Metrics => {
  const registry = new Registry()
  registry.setDefaultLabels({ ...labels })
  const registers = [registry]
  const figure = (name: string, help: string, read: FigureReader) => {
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const value = await read().catch(() => undefined)
        // an unknown figure is reported as NaN (Prometheus' "no value"), never as a stale number
        this.set(value ?? Number.NaN)
      }
    })
  }
  return {
    registry,
    due: new Counter({
      name: "wm_worker_due_total",
      help: "Due instances handled, by outcome: recorded (events recorded), nothing (nothing was due any more), fenced (another worker took the work over or won the race), error.",
      labelNames: ["outcome"],
      registers
    }),
    errors: new Counter({
      name: "wm_worker_errors_total",
      help: "Failures, by source: claim (finding due work), handle (an instance), task:<name> (a task's pass), figures (reading a queue's figures).",
      labelNames: ["source"],
      registers
    }),
    passes: new Counter({
      name: "wm_worker_task_passes_total",
      help: "Passes of the worker's tasks (outbox delivery, reconciler, ...), by task and result (ok, failed).",
      labelNames: ["task", "result"],
      registers
    }),
    items: new Counter({
      name: "wm_worker_task_items_total",
      help: "What the tasks' passes reported, by task and outcome (e.g. notifications delivered, retried, dead).",
      labelNames: ["task", "outcome"],
      registers
    }),
    inFlight: new Gauge({
      name: "wm_worker_in_flight",
      help: "Due instances being handled now.",
      registers
    }),
    handleSeconds: new Histogram({
      name: "wm_worker_handle_seconds",
      help: "Time to handle one due instance (deadlines fired, automatic or deferred step run and recorded).",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers
    }),
    figure
  }
}
