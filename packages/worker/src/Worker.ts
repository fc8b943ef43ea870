/**
 * The worker: everything that happens without a person's request, on core's ports only.
 *
 * - **Due instances.** It claims, under a lease, the instances the index says have something due
 *   (`DueWork.claim`: `FOR UPDATE SKIP LOCKED` on PostgreSQL) and, for each, as the system actor of
 *   the instance's tenant: records the due deadlines and their escalations (`fireDueTimers`), runs
 *   the automatic step, the queued or abandoned deferred attempt or the retry whose backoff has
 *   passed (`runAutomaticStep`), and goes on while the instance has more due at once (a chain of
 *   automatic steps), a bounded number of rounds. Every write is at the version the worker read: of
 *   two workers racing on one instance one records and the other finds nothing due; a deferred
 *   attempt whose lease another worker took over is refused by the event log when its late result
 *   arrives (the version is the fencing token). The claim only spreads the work; correctness never
 *   depends on it.
 * - **Tasks.** Any number of bounded passes on their own schedules: outbox delivery
 *   (`deliverNotifications` of the notification plugin), the split's reconciler, a deployer's own.
 * - **Bounded and jittered.** A pass claims at most `batch` instances and handles at most
 *   `concurrency` at once; polls are spread by ±20 % jitter; when a store is down the worker backs
 *   off exponentially (up to 30 s) and logs once per outage, and never exits.
 * - **Graceful stop.** `stop` stops claiming, lets what is in flight finish (up to `drainMs`), then
 *   interrupts the rest: an interrupted deferred attempt is taken over by another worker when its
 *   lease ends, so nothing is lost either way.
 * - **Observable.** Prometheus metrics in a registry of its own (`metrics()`), structured logs.
 *
 * @since 0.1.0
 */
import {
  type CommandResult,
  type DueItem,
  type DueWorkService,
  dueTimers,
  nextDueAt,
  type OutboxService,
  type SystemCommand,
  systemAccess,
  systemActor,
  type WorkflowIndexService,
  type WorkflowState
} from "@workflow-manager/core"
import { Cause, Clock, Deferred, Effect, Exit, Fiber, Random, Schema } from "effect"
import { type Metrics, makeMetrics } from "./internal/metrics.js"
import { silentLog, type WorkerLog } from "./WorkerLog.js"

/**
 * What the worker needs of the engine: the two system operations. Core's `EngineService` (Effect)
 * and its Promise facade (`createEngine`) both fit.
 *
 * @since 0.1.0
 * @category worker
 */
export interface WorkerEngine {
  readonly fireDueTimers: (input: SystemCommand) => Effect.Effect<CommandResult, unknown> | PromiseLike<CommandResult>
  readonly runAutomaticStep: (
    input: SystemCommand
  ) => Effect.Effect<CommandResult, unknown> | PromiseLike<CommandResult>
}

/**
 * Reads a figure when the metrics are scraped: a number, or `undefined` when it is unknown now (the
 * store is down), exported as NaN rather than a stale value.
 *
 * @since 0.1.0
 * @category worker
 */
export type FigureReader = () => Promise<number | undefined>

/**
 * A task: one bounded pass of some background work, run every `everyMs` (±20 % jitter), never two
 * passes at once. Every numeric field of a pass's report is counted in
 * `wm_worker_task_items_total{task, outcome}` (e.g. `deliverNotifications`' `delivered`,
 * `retried`, `dead`). `figures` are gauges read when the metrics are scraped (e.g. the
 * reconciler's lag).
 *
 * @example
 * ```ts
 * import { deliverNotifications } from "@workflow-manager/handler-notification"
 * import { systemAccess } from "@workflow-manager/core"
 * import type { WorkerTask } from "@workflow-manager/worker"
 *
 * declare const options: Omit<Parameters<typeof deliverNotifications>[0], "owner" | "limit" | "leaseMs" | "access">
 * const notifications: WorkerTask = {
 *   name: "notifications",
 *   everyMs: 2_000,
 *   pass: deliverNotifications({ ...options, access: systemAccess("worker-1"), owner: "worker-1", limit: 50, leaseMs: 60_000 })
 * }
 * ```
 *
 * @since 0.1.0
 * @category worker
 */
export interface WorkerTask {
  /** Lower-case letters, digits, `-` and `_` (1 to 60). */
  readonly name: string
  /** The pause between two passes, in ms (10 to 86 400 000). */
  readonly everyMs: number
  /** A pass taking longer is interrupted (ms, default 120 000). */
  readonly timeoutMs?: number
  /** One bounded pass; its report's numeric fields are counted. */
  readonly pass: Effect.Effect<object, unknown>
  /** Gauges read when the metrics are scraped: `name` (`wm_` + lower-case, digits, `_`) → help and reader. */
  readonly figures?: ReadonlyArray<{ readonly name: string; readonly help: string; readonly read: FigureReader }>
}

/**
 * Options of {@link makeWorker}.
 *
 * @since 0.1.0
 * @category worker
 */
export interface WorkerOptions {
  /**
   * This worker's name, unique among the running workers (letters, digits, `.`, `_`, `:`, `-`; 1 to
   * 100): the owner of its claims, and the actor `system:<name>` in the events it records.
   */
  readonly name: string
  readonly engine: WorkerEngine
  /**
   * Where due instances come from: the `DueWork` port (claims under leases; pg-rls, memory), or an
   * index to poll (`{ index }`: every worker lists the same due instances — still correct, since the
   * engine's versions decide, but the workers duplicate their reads; use it for stores without
   * `DueWork`).
   */
  readonly due: DueWorkService | { readonly index: WorkflowIndexService }
  /** The outbox, for its figures in the metrics (delivery itself is a task). */
  readonly outbox?: OutboxService
  /** Background tasks (outbox delivery, reconciler, ...). */
  readonly tasks?: ReadonlyArray<WorkerTask>
  /** Due instances handled at once (1 to 64, default 4). */
  readonly concurrency?: number
  /** Due instances claimed per pass (1 to 500, default 50). */
  readonly batch?: number
  /** The pause between two polls when the last found less than a batch (ms, 10 to 3 600 000, default 1 000). */
  readonly pollMs?: number
  /**
   * The lease of a claim and of a deferred attempt (ms, 1 000 to 86 400 000, default 60 000): how
   * long a worker that died holds its work. Keep it above the longest step (an API call's timeout ×
   * its attempts, plus backoff).
   */
  readonly leaseMs?: number
  /** How long `stop` waits for the work in flight before interrupting it (ms, 0 to 600 000, default 30 000). */
  readonly drainMs?: number
  /** Rounds per instance and claim (a chain of automatic steps; 1 to 100, default 10). */
  readonly maxRounds?: number
  readonly log?: WorkerLog
  /** Labels on every metric (e.g. `{ worker: "w-1" }`; default `{ worker: name }`). */
  readonly metricLabels?: Readonly<Record<string, string>>
}

/**
 * Options that cannot work (a batch of 0, an unnamed task, two tasks with one name).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidWorkerOptions extends Schema.TaggedError<InvalidWorkerOptions>(
  "@workflow-manager/worker/InvalidWorkerOptions"
)("InvalidWorkerOptions", { problems: Schema.Array(Schema.String) }) {
  override get message(): string {
    return `worker: ${this.problems.join("; ")}`
  }
}

/**
 * What one due pass did.
 *
 * @since 0.1.0
 * @category worker
 */
export interface DueReport {
  /** Instances claimed (or listed, without `DueWork`). */
  readonly claimed: number
  /** Instances where events were recorded. */
  readonly recorded: number
  /** Events recorded in all. */
  readonly events: number
  /** Step attempts that failed (recorded, retried later or failed for good by the step's policy). */
  readonly failedAttempts: number
  /** Instances where another worker won the race or took the work over (a late result refused). */
  readonly fenced: number
  /** Instances with nothing due any more. */
  readonly nothing: number
  /** Instances whose handling failed (storage down, a bug): left under the lease and tried again after it. */
  readonly errors: number
  /** Instances claimed but not handled because the worker is stopping (released). */
  readonly skipped: number
}

/**
 * A worker.
 *
 * @since 0.1.0
 * @category worker
 */
export interface Worker {
  readonly name: string
  /** Runs the due loop and every task's loop until `stop`; never fails (failures are logged and counted). */
  readonly run: Effect.Effect<void>
  /** One due pass: claim a batch and handle it (for tests and for a worker driven by its host). */
  readonly runDueOnce: Effect.Effect<DueReport>
  /** One pass of the named task; `undefined` when it failed or there is no such task. */
  readonly runTaskOnce: (name: string) => Effect.Effect<object | undefined>
  /** Stops claiming, waits up to `drainMs` for the work in flight, interrupts the rest; `run` then ends. */
  readonly stop: Effect.Effect<void>
  /** The metrics in Prometheus' text format. */
  readonly metrics: Effect.Effect<string>
  /** The content type of `metrics`. */
  readonly metricsContentType: string
}

const DEFAULTS = {
  concurrency: 4,
  batch: 50,
  pollMs: 1000,
  leaseMs: 60_000,
  drainMs: 30_000,
  maxRounds: 10,
  taskTimeoutMs: 120_000
} as const
const MAX_BACKOFF_MS = 30_000
const NAME = /^[A-Za-z0-9._:-]{1,100}$/
const TASK_NAME = /^[a-z0-9_-]{1,60}$/
const FIGURE_NAME = /^wm_[a-z0-9_]{1,100}$/

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max

const checkOptions = (options: WorkerOptions): ReadonlyArray<string> => {
  const problems: Array<string> = []
  if (options === null || typeof options !== "object") return ["options must be an object"]
  if (typeof options.name !== "string" || !NAME.test(options.name)) {
    problems.push("name must be 1 to 100 letters, digits, '.', '_', ':' or '-'")
  }
  const engine = options.engine as Partial<WorkerEngine> | undefined
  if (typeof engine?.fireDueTimers !== "function" || typeof engine.runAutomaticStep !== "function") {
    problems.push("engine must have fireDueTimers and runAutomaticStep")
  }
  const due = options.due as Partial<DueWorkService> & { index?: Partial<WorkflowIndexService> }
  if (typeof due?.claim !== "function" && typeof due?.index?.query !== "function") {
    problems.push("due must be a DueWork service or { index } with a query")
  }
  const ranges: ReadonlyArray<[keyof WorkerOptions, number, number]> = [
    ["concurrency", 1, 64],
    ["batch", 1, 500],
    ["pollMs", 10, 3_600_000],
    ["leaseMs", 1000, 86_400_000],
    ["drainMs", 0, 600_000],
    ["maxRounds", 1, 100]
  ]
  for (const [key, min, max] of ranges) {
    const value = options[key]
    if (value !== undefined && !isInt(value, min, max)) problems.push(`${key} must be an integer from ${min} to ${max}`)
  }
  const names = new Set<string>()
  const figures = new Set<string>()
  for (const [i, task] of (Array.isArray(options.tasks) ? options.tasks : []).entries()) {
    if (task === null || typeof task !== "object") {
      problems.push(`tasks[${i}] must be an object`)
      continue
    }
    if (typeof task.name !== "string" || !TASK_NAME.test(task.name)) {
      problems.push(`tasks[${i}].name must be 1 to 60 lower-case letters, digits, '-' or '_'`)
    } else if (names.has(task.name)) problems.push(`two tasks are named ${task.name}`)
    else names.add(task.name)
    if (!isInt(task.everyMs, 10, 86_400_000))
      problems.push(`tasks[${i}].everyMs must be an integer from 10 to 86400000`)
    if (task.timeoutMs !== undefined && !isInt(task.timeoutMs, 1, 86_400_000)) {
      problems.push(`tasks[${i}].timeoutMs must be an integer from 1 to 86400000`)
    }
    if (!Effect.isEffect(task.pass)) problems.push(`tasks[${i}].pass must be an Effect`)
    for (const figure of task.figures ?? []) {
      if (typeof figure?.name !== "string" || !FIGURE_NAME.test(figure.name) || figures.has(figure.name)) {
        problems.push(`tasks[${i}]: figure names must be unique, 'wm_' then lower-case letters, digits or '_'`)
      } else figures.add(figure.name)
      if (typeof figure?.read !== "function") problems.push(`tasks[${i}]: figure ${String(figure?.name)} needs read`)
    }
  }
  if (options.tasks !== undefined && !Array.isArray(options.tasks)) problems.push("tasks must be an array")
  return problems
}

type Outcome = "recorded" | "nothing" | "fenced" | "error"

/** The failure's kind: a lost race or a taken-over attempt, a store that is down, or anything else. */
const kindOf = (error: unknown): "conflict" | "unavailable" | "other" => {
  const e = error as { _tag?: unknown; reason?: { _tag?: unknown } } | null
  if (e !== null && typeof e === "object" && e._tag === "StorageError") {
    if (e.reason?._tag === "Conflict") return "conflict"
    if (e.reason?._tag === "Unavailable") return "unavailable"
  }
  return "other"
}

const describe = (error: unknown): string => {
  if (error instanceof Error) return error.message
  if (error !== null && typeof error === "object" && "message" in error) return String(error.message)
  return String(error)
}

const tagOf = (error: unknown): string => {
  const e = error as { _tag?: unknown; reason?: { _tag?: unknown } } | null
  if (e === null || typeof e !== "object") return typeof error
  const tag = typeof e._tag === "string" ? e._tag : (error as object).constructor?.name
  return typeof e.reason?._tag === "string" ? `${String(tag)}/${e.reason._tag}` : String(tag)
}

const call = (
  f: (input: SystemCommand) => Effect.Effect<CommandResult, unknown> | PromiseLike<CommandResult>,
  input: SystemCommand
): Effect.Effect<CommandResult, unknown> =>
  Effect.suspend(() => {
    const result = f(input)
    return Effect.isEffect(result)
      ? (result as Effect.Effect<CommandResult, unknown>)
      : Effect.tryPromise({ try: () => Promise.resolve(result), catch: (error) => error })
  })

const jittered = (ms: number) => Effect.map(Random.next, (r) => Math.max(1, Math.round(ms * (0.8 + 0.4 * r))))

/**
 * Builds a worker. Nothing runs until `run` is.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DueWork, Engine, Outbox } from "@workflow-manager/core"
 * import { makeWorker } from "@workflow-manager/worker"
 *
 * const program = Effect.gen(function* () {
 *   const worker = yield* makeWorker({
 *     name: "worker-1",
 *     engine: yield* Engine,
 *     due: yield* DueWork,
 *     outbox: yield* Outbox
 *   })
 *   yield* Effect.forkDetach(worker.run)
 *   // ... later
 *   yield* worker.stop
 * })
 * ```
 *
 * @since 0.1.0
 * @category worker
 */
export const makeWorker = (options: WorkerOptions): Effect.Effect<Worker, InvalidWorkerOptions> =>
  Effect.suspend(() => {
    const problems = checkOptions(options)
    if (problems.length > 0) return Effect.fail(new InvalidWorkerOptions({ problems }))
    return Effect.succeed(build(options))
  })

const build = (options: WorkerOptions): Worker => {
  const name = options.name
  const concurrency = options.concurrency ?? DEFAULTS.concurrency
  const batch = options.batch ?? DEFAULTS.batch
  const pollMs = options.pollMs ?? DEFAULTS.pollMs
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs
  const drainMs = options.drainMs ?? DEFAULTS.drainMs
  const maxRounds = options.maxRounds ?? DEFAULTS.maxRounds
  const tasks = options.tasks ?? []
  const log = options.log ?? silentLog
  const engine = options.engine
  const access = systemAccess(name)
  const dueWork = "claim" in options.due ? options.due : undefined
  const index = "index" in options.due ? options.due.index : undefined
  const metrics: Metrics = makeMetrics(options.metricLabels ?? { worker: name })

  // ── figures, read at scrape time (one store call per scrape for each source) ──
  const nowIso = () => new Date().toISOString()
  const ageSeconds = (at: string | undefined) =>
    at === undefined ? 0 : Math.max(0, (Date.now() - Date.parse(at)) / 1000)
  // prom-client collects every gauge of a scrape at once: the gauges of one source share one read
  const once = <A>(read: () => Promise<A>): (() => Promise<A>) => {
    let pending: Promise<A> | undefined
    return () => {
      pending ??= read().finally(() => {
        pending = undefined
      })
      return pending
    }
  }
  const figures = (source: string, read: () => Promise<Record<string, number | undefined>>) => {
    const shared = once(() =>
      read().catch((error: unknown) => {
        metrics.errors.inc({ source: "figures" })
        log("warn", `could not read the ${source} figures`, { error: describe(error), tag: tagOf(error) })
        return {} as Record<string, number | undefined>
      })
    )
    return (key: string): FigureReader =>
      async () =>
        (await shared())[key]
  }
  if (dueWork !== undefined) {
    const due = figures("due-work", async () => {
      const s = await Effect.runPromise(dueWork.stats(access, nowIso()))
      return { due: s.due, leased: s.leased, age: ageSeconds(s.oldestDueAt) }
    })
    metrics.figure("wm_due_instances", "Instances with something due now (deadline, automatic run, retry).", due("due"))
    metrics.figure("wm_due_leased", "Due instances a worker holds under a running lease.", due("leased"))
    metrics.figure("wm_due_oldest_age_seconds", "Age of the oldest due item (0 when nothing is due).", due("age"))
  }
  const outboxStats = options.outbox?.stats
  if (outboxStats !== undefined) {
    const outbox = figures("outbox", async () => {
      const s = await Effect.runPromise(outboxStats(access, nowIso()))
      return { waiting: s.waiting, available: s.available, dead: s.dead, age: ageSeconds(s.oldestAvailableAt) }
    })
    metrics.figure("wm_outbox_waiting", "Outbox messages not delivered yet (pending or claimed).", outbox("waiting"))
    metrics.figure("wm_outbox_available", "Outbox messages available for delivery now.", outbox("available"))
    metrics.figure("wm_outbox_dead", "Outbox messages that failed for good.", outbox("dead"))
    metrics.figure(
      "wm_outbox_oldest_age_seconds",
      "Age of the oldest message available for delivery (0 when none is).",
      outbox("age")
    )
  }
  for (const task of tasks) for (const f of task.figures ?? []) metrics.figure(f.name, f.help, f.read)

  // ── state ──
  let stopping = false
  const stopSignal = Deferred.makeUnsafe<void>()
  let running: Fiber.Fiber<void> | undefined
  const outage = { due: false }

  const sleepOrStop = (ms: number) => Effect.raceFirst(Effect.sleep(ms), Deferred.await(stopSignal))

  // ── one due instance ──
  const handle = (item: DueItem): Effect.Effect<{ outcome: Outcome; events: number; failed: number }> =>
    Effect.gen(function* () {
      const actor = systemActor(item.tenantId, name)
      const input: SystemCommand = { actor, instanceId: item.instanceId, leaseMs }
      let events = 0
      let failed = 0
      // the state the last call returned: an operation it shows nothing due for is not called (each
      // call loads the instance again; the engine still decides at the version it loads)
      let state: WorkflowState | undefined
      for (let round = 0; round < maxRounds; round++) {
        const now = yield* Clock.currentTimeMillis
        let recorded = 0
        if (state === undefined || dueTimers(state, now).length > 0) {
          const fired = yield* call(engine.fireDueTimers, { actor, instanceId: item.instanceId })
          recorded += fired.events.length
          state = fired.state
        }
        if (state.status === "IN_PROGRESS" && state.runAt !== undefined && Date.parse(state.runAt) <= now) {
          const ran = yield* call(engine.runAutomaticStep, input)
          recorded += ran.events.length
          failed += ran.events.filter((e) => e.type === "STEP_FAILED").length
          state = ran.state
        }
        events += recorded
        if (recorded === 0) break
        const next = nextDueAt(state)
        if (next === undefined || Date.parse(next) > (yield* Clock.currentTimeMillis)) break
      }
      return { outcome: (events > 0 ? "recorded" : "nothing") as Outcome, events, failed }
    }).pipe(
      Effect.catch((error: unknown) => {
        const kind = kindOf(error)
        if (kind === "conflict") {
          // another worker won the race, or this worker's deferred attempt was taken over after
          // its lease ended and the event log refused the late result: the fencing at work
          log("info", "the instance moved on meanwhile; this worker's write was refused", {
            instanceId: item.instanceId,
            tenantId: item.tenantId,
            error: describe(error)
          })
          return Effect.succeed({ outcome: "fenced" as Outcome, events: 0, failed: 0 })
        }
        metrics.errors.inc({ source: "handle" })
        log(kind === "unavailable" ? "warn" : "error", "could not handle a due instance", {
          instanceId: item.instanceId,
          tenantId: item.tenantId,
          tag: tagOf(error),
          error: describe(error)
        })
        return Effect.succeed({ outcome: "error" as Outcome, events: 0, failed: 0 })
      }),
      Effect.catchDefect((defect: unknown) => {
        metrics.errors.inc({ source: "handle" })
        log("error", "a due instance's handling died", { instanceId: item.instanceId, error: describe(defect) })
        return Effect.succeed({ outcome: "error" as Outcome, events: 0, failed: 0 })
      })
    )

  const timed = (item: DueItem) =>
    Effect.gen(function* () {
      metrics.inFlight.inc()
      const started = performance.now()
      const result = yield* handle(item).pipe(
        Effect.ensuring(
          Effect.sync(() => {
            metrics.inFlight.dec()
            metrics.handleSeconds.observe((performance.now() - started) / 1000)
          })
        )
      )
      metrics.due.inc({ outcome: result.outcome })
      return result
    })

  // ── finding due work ──
  const findDue = Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis).toISOString()
    if (dueWork !== undefined) return yield* dueWork.claim(access, { owner: name, now, leaseMs, limit: batch })
    const page = yield* (index as WorkflowIndexService).query(access, { dueBy: now }, { limit: batch })
    // every polling worker lists the same page: start at a random point to spread the races
    const items = page.items.map((e) => ({
      tenantId: e.tenantId,
      instanceId: e.instanceId,
      version: e.version,
      dueAt: e.nextDueAt ?? now
    }))
    const shift = Math.floor((yield* Random.next) * items.length)
    return [...items.slice(shift), ...items.slice(0, shift)]
  })

  const release = (instanceIds: ReadonlyArray<string>) =>
    dueWork === undefined || instanceIds.length === 0
      ? Effect.void
      : dueWork.release(access, { owner: name, instanceIds }).pipe(
          Effect.catch((error: unknown) => {
            // the leases then end by themselves
            log("debug", "could not release claims", { error: describe(error) })
            return Effect.void
          })
        )

  const emptyReport: DueReport = {
    claimed: 0,
    recorded: 0,
    events: 0,
    failedAttempts: 0,
    fenced: 0,
    nothing: 0,
    errors: 0,
    skipped: 0
  }

  const duePass: Effect.Effect<DueReport, unknown> = Effect.gen(function* () {
    const items = yield* findDue
    if (items.length === 0) return emptyReport
    const results = yield* Effect.forEach(
      items,
      (item) => (stopping ? Effect.succeed(undefined) : timed(item).pipe(Effect.map((r) => ({ item, ...r })))),
      { concurrency }
    )
    // released: handled instances (their next due work is found at once) and skipped ones; an
    // instance with nothing due or an error keeps its lease, which spaces out its next try
    const done = results.flatMap((r, i) =>
      r === undefined
        ? [(items[i] as DueItem).instanceId]
        : r.outcome === "recorded" || r.outcome === "fenced"
          ? [r.item.instanceId]
          : []
    )
    yield* release(done)
    const handled = results.filter((r) => r !== undefined)
    const count = (outcome: Outcome) => handled.filter((r) => r.outcome === outcome).length
    return {
      claimed: items.length,
      recorded: count("recorded"),
      events: handled.reduce((n, r) => n + r.events, 0),
      failedAttempts: handled.reduce((n, r) => n + r.failed, 0),
      fenced: count("fenced"),
      nothing: count("nothing"),
      errors: count("error"),
      skipped: results.length - handled.length
    } satisfies DueReport
  })

  /** One pass; `undefined` when no due work could be claimed (the store is down). */
  const attemptDue: Effect.Effect<DueReport | undefined> = duePass.pipe(
    Effect.tap((report) => {
      if (outage.due) {
        outage.due = false
        log("info", "due work can be claimed again")
      }
      if (report.recorded > 0 || report.errors > 0 || report.fenced > 0) {
        log(report.errors > 0 ? "warn" : "debug", "due pass", { ...report })
      }
      return Effect.void
    }),
    Effect.catch((error: unknown) => {
      metrics.errors.inc({ source: "claim" })
      if (!outage.due) {
        outage.due = true
        log("warn", "could not claim due work; retrying with backoff", { tag: tagOf(error), error: describe(error) })
      }
      return Effect.succeed(undefined)
    })
  )

  const runDueOnce: Effect.Effect<DueReport> = Effect.map(
    attemptDue,
    (report) => report ?? { ...emptyReport, errors: 1 }
  )

  const dueLoop = Effect.gen(function* () {
    let failures = 0
    while (!stopping) {
      const report = yield* attemptDue
      let wait: number
      if (report === undefined) {
        failures++
        wait = Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 16))
      } else {
        failures = 0
        // a full batch: there may be more due at once
        wait = report.claimed >= batch ? 0 : pollMs
      }
      if (wait > 0) yield* sleepOrStop(yield* jittered(wait))
    }
  })

  // ── tasks ──
  const taskPass = (task: WorkerTask): Effect.Effect<object | undefined> =>
    task.pass.pipe(
      Effect.timeoutOrElse({
        duration: task.timeoutMs ?? DEFAULTS.taskTimeoutMs,
        orElse: () => Effect.fail(new Error(`the pass took longer than ${task.timeoutMs ?? DEFAULTS.taskTimeoutMs} ms`))
      }),
      Effect.map((report) => {
        metrics.passes.inc({ task: task.name, result: "ok" })
        const counts: Record<string, number> = {}
        for (const [outcome, value] of Object.entries(report ?? {})) {
          if (typeof value === "number" && Number.isFinite(value) && value > 0) {
            metrics.items.inc({ task: task.name, outcome }, value)
            counts[outcome] = value
          }
        }
        if (Object.keys(counts).length > 0) log("info", `${task.name} pass`, { task: task.name, ...counts })
        return report as object | undefined
      }),
      Effect.catchCause((cause) => {
        if (Cause.hasInterruptsOnly(cause)) return Effect.interrupt
        const error = Cause.squash(cause)
        metrics.passes.inc({ task: task.name, result: "failed" })
        metrics.errors.inc({ source: `task:${task.name}` })
        log("warn", `${task.name} pass failed`, { task: task.name, tag: tagOf(error), error: describe(error) })
        return Effect.succeed(undefined)
      })
    )

  const taskLoop = (task: WorkerTask) =>
    Effect.gen(function* () {
      let failures = 0
      while (!stopping) {
        const report = yield* taskPass(task)
        failures = report === undefined ? failures + 1 : 0
        const wait =
          failures === 0 ? task.everyMs : Math.min(MAX_BACKOFF_MS, task.everyMs * 2 ** Math.min(failures, 16))
        yield* sleepOrStop(yield* jittered(Math.max(wait, task.everyMs)))
      }
    })

  const run: Effect.Effect<void> = Effect.gen(function* () {
    if (running !== undefined) return yield* Effect.die(new Error(`worker ${name} is already running`))
    log("info", "worker started", {
      name,
      concurrency,
      batch,
      pollMs,
      leaseMs,
      tasks: tasks.map((t) => t.name),
      due: dueWork === undefined ? "index" : "claims"
    })
    const all = Effect.all([dueLoop, ...tasks.map(taskLoop)], { concurrency: "unbounded", discard: true })
    running = yield* Effect.forkChild(all)
    yield* Fiber.await(running)
  })

  const stop: Effect.Effect<void> = Effect.gen(function* () {
    if (stopping) return
    stopping = true
    yield* Deferred.succeed(stopSignal, undefined)
    const fiber = running
    if (fiber === undefined) return
    const drained = yield* Fiber.await(fiber).pipe(Effect.timeoutOption(drainMs))
    if (drained._tag === "None") {
      log("warn", "work still in flight after the drain time; interrupting it (its leases end by themselves)", {
        drainMs
      })
      yield* Fiber.interrupt(fiber)
    } else if (Exit.isFailure(drained.value) && !Cause.hasInterruptsOnly(drained.value.cause)) {
      log("error", "the worker's loops ended with a failure", { error: describe(Cause.squash(drained.value.cause)) })
    }
    log("info", "worker stopped", { name })
  })

  return {
    name,
    run,
    runDueOnce,
    runTaskOnce: (taskName) => {
      const task = tasks.find((t) => t.name === taskName)
      return task === undefined ? Effect.succeed(undefined) : taskPass(task)
    },
    stop,
    metrics: Effect.promise(() => metrics.registry.metrics()),
    metricsContentType: metrics.registry.contentType
  }
}
