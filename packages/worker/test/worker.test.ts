/**
 * The worker on core's memory storage: deadlines fired once by racing workers, chains of automatic
 * steps, deferred attempts taken over after their lease with the late result refused, retries
 * after backoff, tasks, metrics, a store that goes down and comes back, graceful stop.
 */
import { DueWork, type DueWorkService, Outbox, WorkflowIndex } from "@workflow-manager/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { InvalidWorkerOptions, makeWorker, type RunningWorker, startWorker } from "../src/index.js"
import {
  callScript,
  memoryEngine,
  memoryLog,
  OTHER_TENANT,
  retryable,
  sample,
  startInstances,
  waitFor
} from "./support/fixtures.js"

const running: Array<RunningWorker> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()))
})

const start = async (options: Parameters<typeof startWorker>[0]) => {
  const worker = await startWorker(options)
  running.push(worker)
  return worker
}

type Storage = Awaited<ReturnType<typeof memoryEngine>>["storage"]
const dueWorkOf = (storage: Storage) =>
  Effect.runPromise(
    Effect.provide(
      Effect.gen(function* () {
        return yield* DueWork
      }),
      storage.layer
    )
  )
const outboxOf = (storage: Storage) =>
  Effect.runPromise(
    Effect.provide(
      Effect.gen(function* () {
        return yield* Outbox
      }),
      storage.layer
    )
  )

describe("the worker", () => {
  it("two racing workers fire each due deadline and its escalation exactly once", async () => {
    const { engine, storage } = await memoryEngine()
    const ids = await startInstances(engine, "overdue", 60, OTHER_TENANT)
    const due = await dueWorkOf(storage)
    const options = { engine, due, pollMs: 20, batch: 7, concurrency: 4 }
    await start({ ...options, name: "w1" })
    await start({ ...options, name: "w2" })
    const fired = async () => {
      let n = 0
      for (const id of ids) n += (await storage.inspect.events(id)).filter((e) => e.type === "TIMER_FIRED").length
      return n
    }
    await waitFor("60 deadlines fired", async () => (await fired()) >= 60)
    await Promise.all(running.splice(0).map((w) => w.stop()))
    for (const id of ids) {
      const events = await storage.inspect.events(id)
      expect(events.filter((e) => e.type === "TIMER_FIRED")).toHaveLength(1)
      const fire = events.find((e) => e.type === "TIMER_FIRED")
      expect(fire?.performedBy).toMatch(/^system:w[12]$/)
      expect(fire?.tenantId).toBe(OTHER_TENANT)
      expect((await storage.inspect.indexEntry(id))?.nextDueAt).toBeUndefined()
    }
  })

  it("runs a chain of automatic steps in one claim, as system:<name>, queuing each step's message once", async () => {
    const { engine, storage } = await memoryEngine()
    const [id] = (await startInstances(engine, "chain", 1)) as [string]
    const worker = await makeWorkerFor(engine, storage, "chainer")
    const report = await Effect.runPromise(worker.runDueOnce)
    expect(report).toMatchObject({ claimed: 1, recorded: 1, fenced: 0, errors: 0 })
    const state = await storage.inspect.state(id)
    expect(state?.currentStepId).toBe("after")
    const completed = (await storage.inspect.events(id)).filter((e) => e.type === "STEP_COMPLETED")
    expect(completed.map((e) => [e.stepId, e.performedBy])).toEqual([
      ["one", "system:chainer"],
      ["two", "system:chainer"]
    ])
    expect((await storage.inspect.outbox(id)).map((m) => m.message.kind)).toEqual(["notification", "notification"])
    // nothing is due any more: the next pass claims nothing
    expect(await Effect.runPromise(worker.runDueOnce)).toMatchObject({ claimed: 0, recorded: 0 })
  })

  it("a deferred attempt held past its lease is taken over; the first worker's late result is refused", async () => {
    const script = callScript()
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    script.behave = (_key, by) => (by === "system:slow" ? Effect.promise(() => held) : Effect.void)
    const { engine, storage } = await memoryEngine(script)
    const [id] = (await startInstances(engine, "call-flow", 1)) as [string]
    const due = await dueWorkOf(storage)
    const slowLog = memoryLog()
    const slow = await makeWorkerWith({ engine, due, name: "slow", leaseMs: 1000, log: slowLog.log })
    const slowPass = Effect.runPromise(slow.runDueOnce)
    await waitFor("the slow worker's call started", () => script.calls.length === 1)
    const claimed = await storage.inspect.state(id)
    expect(claimed?.stepStates.call).toMatchObject({ status: "running", lease: { owner: "system:slow" } })
    const rescuer = await makeWorkerWith({ engine, due, name: "rescuer", leaseMs: 1000 })
    // before the lease ends the rescuer finds nothing to claim
    expect(await Effect.runPromise(rescuer.runDueOnce)).toMatchObject({ claimed: 0 })
    await waitFor(
      "the rescuer took the attempt over after the lease",
      async () => (await Effect.runPromise(rescuer.runDueOnce)).recorded === 1,
      5000
    )
    expect((await storage.inspect.state(id))?.currentStepId).toBe("after")
    release()
    const late = await slowPass
    expect(late).toMatchObject({ claimed: 1, fenced: 1, recorded: 0, errors: 0 })
    expect(slowLog.records.some((r) => r.message.includes("write was refused"))).toBe(true)
    // one idempotency key for both tries of the attempt: a receiver that dedupes on it acts once
    expect(new Set(script.calls.map((c) => c.key)).size).toBe(1)
    expect(script.calls.map((c) => c.by)).toEqual(["system:slow", "system:rescuer"])
    const events = await storage.inspect.events(id)
    expect(events.filter((e) => e.type === "STEP_COMPLETED" && e.stepId === "call")).toHaveLength(1)
    expect(
      sample(await Effect.runPromise(slow.metrics), "wm_worker_due_total", { outcome: "fenced", worker: "slow" })
    ).toBe(1)
  })

  it("retries a failed attempt when its backoff is due, and records a failure for good after the last", async () => {
    const script = callScript()
    script.behave = () => Effect.fail(retryable("503 from the register"))
    const { engine, storage } = await memoryEngine(script)
    const [id] = (await startInstances(engine, "call-flow", 1)) as [string]
    await start({ name: "retrier", engine, due: await dueWorkOf(storage), pollMs: 20 })
    await waitFor("three attempts", () => script.calls.length >= 3)
    await waitFor(
      "the last failure recorded",
      async () =>
        (await storage.inspect.state(id))?.stepStates.call?.status === "failed" &&
        (await storage.inspect.indexEntry(id))?.nextDueAt === undefined
    )
    const failures = (await storage.inspect.events(id)).filter((e) => e.type === "STEP_FAILED")
    expect(failures).toHaveLength(3)
    const at = (i: number) => Date.parse((failures[i] as { occurredAt: string }).occurredAt)
    // the policy's backoff (50 ms, then 100 ms, no jitter) separates the attempts
    expect(at(1) - at(0)).toBeGreaterThanOrEqual(50)
    expect(at(2) - at(1)).toBeGreaterThanOrEqual(100)
    expect(new Set(script.calls.map((c) => c.key)).size).toBe(3)
  })

  it("without DueWork it polls the index: still once per deadline", async () => {
    const { engine, storage } = await memoryEngine()
    const ids = await startInstances(engine, "overdue", 20)
    const index = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          return yield* WorkflowIndex
        }),
        storage.layer
      )
    )
    await start({ name: "p1", engine, due: { index }, pollMs: 20, batch: 5 })
    await start({ name: "p2", engine, due: { index }, pollMs: 20, batch: 5 })
    await waitFor("20 deadlines fired", async () => {
      let n = 0
      for (const id of ids) n += (await storage.inspect.events(id)).filter((e) => e.type === "TIMER_FIRED").length
      return n >= 20
    })
    await Promise.all(running.splice(0).map((w) => w.stop()))
    for (const id of ids) {
      expect((await storage.inspect.events(id)).filter((e) => e.type === "TIMER_FIRED")).toHaveLength(1)
    }
  })

  it("a store that goes down: no crash, one warning per outage, backoff, and work resumes when it is back", async () => {
    const { engine, storage } = await memoryEngine()
    const real = await dueWorkOf(storage)
    let down = true
    let claims = 0
    const flaky: DueWorkService = {
      ...real,
      claim: (access, request) =>
        Effect.suspend(() => {
          claims++
          return down ? Effect.fail(new Error("connection refused")) : real.claim(access, request)
        }) as ReturnType<DueWorkService["claim"]>
    }
    const ids = await startInstances(engine, "overdue", 5)
    const { log, records } = memoryLog()
    const worker = await start({ name: "outage", engine, due: flaky, pollMs: 10, log })
    await waitFor("a few claims failed", () => claims >= 3, 5000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const during = claims
    // exponential backoff from 10 ms: far fewer tries than 200 ms of 10 ms polls
    expect(during).toBeLessThan(12)
    expect(records.filter((r) => r.message.startsWith("could not claim due work"))).toHaveLength(1)
    down = false
    await waitFor("the deadlines fired after the outage", async () => {
      let n = 0
      for (const id of ids) n += (await storage.inspect.events(id)).filter((e) => e.type === "TIMER_FIRED").length
      return n === 5
    })
    expect(records.some((r) => r.message === "due work can be claimed again")).toBe(true)
    expect(sample(await worker.metrics(), "wm_worker_errors_total", { source: "claim" })).toBeGreaterThanOrEqual(3)
  })

  it("stop lets the work in flight finish within drainMs; past it, interrupts and returns", async () => {
    const script = callScript()
    let release: () => void = () => {}
    script.behave = () =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            release = resolve
          })
      )
    const { engine, storage } = await memoryEngine(script)
    const [first, second] = (await startInstances(engine, "call-flow", 2)) as [string, string]
    const due = await dueWorkOf(storage)
    const { log, records } = memoryLog()
    const patient = await startWorker({ name: "patient", engine, due, pollMs: 10, drainMs: 5000, concurrency: 1, log })
    await waitFor("a call in flight", () => script.calls.length === 1)
    const stopping = patient.stop()
    setTimeout(() => release(), 100)
    await stopping
    // the call in flight was recorded; the second instance, claimed in the same batch, was not started
    const states = [await storage.inspect.state(first), await storage.inspect.state(second)]
    expect(states.filter((s) => s?.currentStepId === "after")).toHaveLength(1)
    expect(script.calls).toHaveLength(1)
    expect(records.map((r) => r.message)).toContain("worker stopped")

    const hasty = await startWorker({ name: "hasty", engine, due, pollMs: 10, drainMs: 100, log })
    await waitFor("the second call in flight", () => script.calls.length === 2)
    const before = Date.now()
    await hasty.stop()
    expect(Date.now() - before).toBeLessThan(5000)
    expect(records.some((r) => r.message.startsWith("work still in flight after the drain time"))).toBe(true)
    // interrupted before its outcome: the attempt stays claimed and is taken over after its lease
    expect(
      (await storage.inspect.state(states[0]?.currentStepId === "after" ? second : first))?.stepStates.call?.status
    ).toBe("running")
  })

  it("runs its tasks on their schedules, counts their reports, and survives a failing or hanging pass", async () => {
    const { engine, storage } = await memoryEngine()
    let passes = 0
    let failing = 0
    const worker = await start({
      name: "tasks",
      engine,
      due: await dueWorkOf(storage),
      pollMs: 50,
      tasks: [
        {
          name: "deliver",
          everyMs: 20,
          pass: Effect.sync(() => {
            passes++
            return { delivered: 2, dead: 0, note: "not a number" }
          })
        },
        {
          name: "broken",
          everyMs: 20,
          pass: Effect.suspend(() => {
            failing++
            return Effect.fail(new Error("boom"))
          })
        },
        { name: "hangs", everyMs: 20, timeoutMs: 30, pass: Effect.never }
      ]
    })
    await waitFor("3 passes", () => passes >= 3 && failing >= 2)
    const text = await worker.metrics()
    expect(
      sample(text, "wm_worker_task_items_total", { task: "deliver", outcome: "delivered" })
    ).toBeGreaterThanOrEqual(6)
    expect(sample(text, "wm_worker_task_items_total", { task: "deliver", outcome: "dead" })).toBeUndefined()
    expect(sample(text, "wm_worker_task_passes_total", { task: "broken", result: "failed" })).toBeGreaterThanOrEqual(2)
    await waitFor(
      "the hanging pass timed out",
      async () =>
        (sample(await worker.metrics(), "wm_worker_task_passes_total", { task: "hangs", result: "failed" }) ?? 0) >= 1
    )
    expect(await worker.runTaskOnce("deliver")).toEqual({ delivered: 2, dead: 0, note: "not a number" })
    expect(await worker.runTaskOnce("broken")).toBeUndefined()
    expect(await worker.runTaskOnce("nope")).toBeUndefined()
  })

  it("exports the queues' figures and its counters in Prometheus' format", async () => {
    const { engine, storage } = await memoryEngine()
    await startInstances(engine, "overdue", 3)
    await startInstances(engine, "chain", 2)
    const worker = await makeWorkerWith({
      engine,
      due: await dueWorkOf(storage),
      outbox: await outboxOf(storage),
      name: "metrics",
      metricLabels: { worker: "metrics", service: "test" }
    })
    const before = await Effect.runPromise(worker.metrics)
    expect(sample(before, "wm_due_instances")).toBe(5)
    expect(sample(before, "wm_due_leased")).toBe(0)
    expect(sample(before, "wm_due_oldest_age_seconds")).toBeGreaterThan(0)
    expect(sample(before, "wm_outbox_waiting")).toBe(0)
    expect(before).toContain("# TYPE wm_worker_due_total counter")
    await Effect.runPromise(worker.runDueOnce)
    const after = await Effect.runPromise(worker.metrics)
    expect(sample(after, "wm_due_instances")).toBe(0)
    expect(sample(after, "wm_due_oldest_age_seconds")).toBe(0)
    // each chain queued two messages; each escalation one notification
    expect(sample(after, "wm_outbox_waiting")).toBe(4 + 3)
    expect(sample(after, "wm_outbox_available")).toBe(7)
    expect(sample(after, "wm_worker_due_total", { outcome: "recorded", service: "test" })).toBe(5)
    expect(sample(after, "wm_worker_handle_seconds_count")).toBe(5)
    expect(sample(after, "wm_worker_in_flight")).toBe(0)
  })

  it("refuses options that cannot work, naming each problem", async () => {
    const { engine, storage } = await memoryEngine()
    const due = await dueWorkOf(storage)
    const error = await Effect.runPromise(
      Effect.flip(
        makeWorker({
          name: "bad name!",
          engine,
          due,
          batch: 0,
          concurrency: 1000,
          leaseMs: 10,
          tasks: [
            { name: "x", everyMs: 5, pass: Effect.void as never },
            { name: "x", everyMs: 100, pass: "not an effect" as never },
            {
              name: "Upper",
              everyMs: 100,
              pass: Effect.succeed({}),
              figures: [{ name: "nope", help: "", read: async () => 1 }]
            }
          ]
        })
      )
    )
    expect(error).toBeInstanceOf(InvalidWorkerOptions)
    expect(error.problems).toEqual([
      "name must be 1 to 100 letters, digits, '.', '_', ':' or '-'",
      "concurrency must be an integer from 1 to 64",
      "batch must be an integer from 1 to 500",
      "leaseMs must be an integer from 1000 to 86400000",
      "tasks[0].everyMs must be an integer from 10 to 86400000",
      "two tasks are named x",
      "tasks[1].pass must be an Effect",
      "tasks[2].name must be 1 to 60 lower-case letters, digits, '-' or '_'",
      "tasks[2]: figure names must be unique, 'wm_' then lower-case letters, digits or '_'"
    ])
    await expect(startWorker({ name: "w", engine: {} as never, due: {} as never })).rejects.toThrow(
      "engine must have fireDueTimers and runAutomaticStep; due must be a DueWork service or { index } with a query"
    )
  })
})

const makeWorkerWith = (options: Parameters<typeof makeWorker>[0]) => Effect.runPromise(makeWorker(options))

const makeWorkerFor = async (
  engine: Awaited<ReturnType<typeof memoryEngine>>["engine"],
  storage: Awaited<ReturnType<typeof memoryEngine>>["storage"],
  name: string
) => makeWorkerWith({ name, engine, due: await dueWorkOf(storage) })
