/**
 * Steps no person runs: an automatic step run by the system when it becomes current (with its
 * outbox messages), a deferred attempt claimed under a lease — taken over when the lease ends, the
 * late worker's result refused by the event log —, and retries at the policy's backoff times.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Random, Schema } from "effect"
import { TestClock } from "effect/testing"
import {
  completeStep,
  defineStepHandler,
  type EngineService,
  makeRegistry,
  type RetryPolicy,
  retryDelay,
  StepHandlerError,
  systemActor,
  type Template
} from "../../src/index.js"
import { brpUser, formHandler, memoryEngine, tenantId } from "../fixtures/index.js"

const oneStep = (id: string, type: string, extra: Partial<Template["steps"][number]> = {}): Template => ({
  schemaVersion: 1,
  id,
  version: 1,
  name: id,
  marketRole: "BRP",
  steps: [
    { id: "call", type, config: {}, ...extra },
    { id: "after", type: "form", config: { fields: {} } }
  ]
})

const started = (engine: EngineService, templateId: string) =>
  Effect.gen(function* () {
    const created = yield* engine.create({ actor: brpUser, templateId })
    return (yield* engine.start({ actor: brpUser, instanceId: created.state.instanceId, expectedVersion: 1 })).state
  })

describe("automatic steps", () => {
  it.effect("run as the system when they become current; their messages are queued with the events, once", () => {
    const welcome = defineStepHandler({
      type: "welcome",
      automatic: true,
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Null,
      execute: ({ context }) =>
        Effect.succeed(
          completeStep(
            { sent: true },
            {
              messages: [
                { key: "mail", kind: "email", payload: { to: "ops@engie.example", instance: context.instanceId } }
              ]
            }
          )
        )
    })
    const template = oneStep("welcome-flow", "welcome")
    const { live, publish, storage } = memoryEngine([template], makeRegistry([welcome, formHandler]))
    return Effect.gen(function* () {
      const engine = yield* publish
      const state = yield* started(engine, template.id)
      expect(state.runAt).toBe(state.entered?.at)
      expect((yield* Effect.promise(() => storage.inspect.indexEntry(state.instanceId)))?.nextDueAt).toBe(state.runAt)
      const refused = yield* Effect.flip(engine.runAutomaticStep({ actor: brpUser, instanceId: state.instanceId }))
      expect(refused).toMatchObject({ _tag: "Forbidden", reason: "MissingPermission" })
      const ran = yield* engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: state.instanceId })
      expect(ran.events.map((e) => [e.type, e.performedBy])).toEqual([
        ["STEP_STARTED", "system"],
        ["STEP_COMPLETED", "system"]
      ])
      expect(ran.state.currentStepId).toBe("after")
      expect(ran.state.runAt).toBeUndefined()
      const again = yield* engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: state.instanceId })
      expect(again.events).toEqual([])
      const queued = yield* Effect.promise(() => storage.inspect.outbox(state.instanceId))
      expect(queued.map((m) => [m.message.id, m.message.kind, m.message.sequence, m.status])).toEqual([
        [`${state.instanceId}:call:${state.entered?.sequence}:1:mail`, "email", ran.events[0]?.sequence, "pending"]
      ])
    }).pipe(Effect.provide(live))
  })
})

describe("deferred steps", () => {
  it.effect(
    "claim, lease end, a second worker's claim, then the first worker's late result: refused; one key for both",
    () => {
      const keys: Array<string> = []
      return Effect.gen(function* () {
        const inside = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        const call = defineStepHandler({
          type: "slow-api",
          automatic: true,
          deferred: true,
          configSchema: Schema.Struct({}),
          inputSchema: Schema.Null,
          execute: ({ context }) =>
            Effect.gen(function* () {
              keys.push(context.idempotencyKey)
              if (keys.length === 1) {
                yield* Deferred.succeed(inside, undefined)
                yield* Deferred.await(release)
              }
              return { registered: context.actor.userId }
            })
        })
        const template = oneStep("deferred-flow", "slow-api")
        const { live, publish, storage } = memoryEngine([template], makeRegistry([call, formHandler]))
        return yield* Effect.gen(function* () {
          const engine = yield* publish
          const state = yield* started(engine, template.id)
          const w1 = systemActor(tenantId, "w1")
          const w2 = systemActor(tenantId, "w2")
          const first = yield* Effect.forkChild(
            engine.runAutomaticStep({ actor: w1, instanceId: state.instanceId, leaseMs: 30_000 })
          )
          yield* Deferred.await(inside)
          const claimed = yield* engine.get({ actor: brpUser, instanceId: state.instanceId })
          expect(claimed.stepStates.call).toMatchObject({
            status: "running",
            attempts: 1,
            lease: { owner: "system:w1", until: "1970-01-01T00:00:30.000Z" }
          })
          expect(claimed.runAt).toBe("1970-01-01T00:00:30.000Z")
          // before the lease ends another worker finds nothing due
          const early = yield* engine.runAutomaticStep({ actor: w2, instanceId: state.instanceId })
          expect(early.events).toEqual([])
          yield* TestClock.adjust("31 seconds")
          const second = yield* engine.runAutomaticStep({ actor: w2, instanceId: state.instanceId, leaseMs: 30_000 })
          expect(second.events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_COMPLETED"])
          yield* Deferred.succeed(release, undefined)
          const late = yield* Fiber.await(first)
          expect(Exit.isFailure(late) && JSON.stringify(late.cause)).toContain("Conflict")
          expect(keys).toHaveLength(2)
          expect(keys[0]).toBe(keys[1])
          const log = yield* Effect.promise(() => storage.inspect.events(state.instanceId))
          const starts = log.filter((e) => e.type === "STEP_STARTED")
          expect(starts.map((e) => (e.type === "STEP_STARTED" ? [e.data.attempt, e.data.lease?.owner] : []))).toEqual([
            [1, "system:w1"],
            [1, "system:w2"]
          ])
          const completed = log.filter((e) => e.type === "STEP_COMPLETED")
          expect(completed.map((e) => [e.performedBy, e.type === "STEP_COMPLETED" && e.data.output])).toEqual([
            ["system:w2", { registered: "system:w2" }]
          ])
        }).pipe(Effect.provide(live))
      })
    }
  )

  it.effect("a deferred step a person runs is queued with its checked input, and a worker runs it", () => {
    const verify = defineStepHandler({
      type: "verify-registry",
      deferred: true,
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Struct({ vat: Schema.String }),
      execute: ({ input }) => Effect.succeed({ verified: input.vat })
    })
    const template = oneStep("queued-flow", "verify-registry")
    const { live, publish } = memoryEngine([template], makeRegistry([verify, formHandler]))
    return Effect.gen(function* () {
      const engine = yield* publish
      const state = yield* started(engine, template.id)
      const queued = yield* engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "call",
        input: { vat: "BE0403170701", extra: true }
      })
      expect(queued.events.map((e) => e.type)).toEqual(["STEP_STARTED"])
      expect(queued.state.stepStates.call).toMatchObject({ status: "running", input: { vat: "BE0403170701" } })
      const busy = yield* Effect.flip(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: queued.state.version,
          stepId: "call",
          input: { vat: "BE0000000097" }
        })
      )
      expect(busy).toMatchObject({ _tag: "InvalidCommand", reason: expect.stringContaining("queued") })
      const ran = yield* engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: state.instanceId })
      expect(ran.state.stepStates.call?.data).toEqual({ verified: "BE0403170701" })
      expect(ran.state.currentStepId).toBe("after")
    }).pipe(Effect.provide(live))
  })

  it.effect("a handler's automatic and deferred may depend on the step's config: one type, inline or deferred", () => {
    const lookup = defineStepHandler({
      type: "lookup",
      automatic: (config: { readonly mode: string }) => config.mode !== "manual",
      deferred: (config: { readonly mode: string }) => config.mode === "deferred",
      configSchema: Schema.Struct({ mode: Schema.Literals(["inline", "deferred", "manual"]) }),
      inputSchema: Schema.NullOr(Schema.Struct({ vat: Schema.String })),
      execute: ({ config }) => Effect.succeed({ ranAs: config.mode })
    })
    const flow = (mode: string): Template => ({
      ...oneStep(`lookup-${mode}`, "lookup"),
      steps: [
        { id: "call", type: "lookup", config: { mode } },
        { id: "after", type: "form", config: { fields: {} } }
      ]
    })
    const templates = [flow("inline"), flow("deferred"), flow("manual")]
    const { live, publish } = memoryEngine(templates, makeRegistry([lookup, formHandler]))
    return Effect.gen(function* () {
      const engine = yield* publish
      const system = systemActor(tenantId)
      const inline = yield* started(engine, "lookup-inline")
      expect(inline.runAt).toBe(inline.entered?.at)
      const ranInline = yield* engine.runAutomaticStep({ actor: system, instanceId: inline.instanceId })
      expect(ranInline.events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_COMPLETED"])
      expect(ranInline.state.stepStates.call?.data).toEqual({ ranAs: "inline" })

      const deferred = yield* started(engine, "lookup-deferred")
      const claimed = yield* engine.runAutomaticStep({ actor: system, instanceId: deferred.instanceId })
      expect(claimed.events.map((e) => e.type)).toContain("STEP_STARTED")
      expect(claimed.events.map((e) => e.type)).toContain("STEP_COMPLETED")
      expect(claimed.state.stepStates.call?.data).toEqual({ ranAs: "deferred" })

      const manual = yield* started(engine, "lookup-manual")
      expect(manual.runAt).toBeUndefined()
      const nothing = yield* engine.runAutomaticStep({ actor: system, instanceId: manual.instanceId })
      expect(nothing.events).toEqual([])
      const byHand = yield* engine.executeStep({
        actor: brpUser,
        instanceId: manual.instanceId,
        expectedVersion: manual.version,
        stepId: "call",
        input: { vat: "BE0403170701" }
      })
      expect(byHand.state.stepStates.call).toMatchObject({ status: "completed", data: { ranAs: "manual" } })
    }).pipe(Effect.provide(live))
  })
})

describe("retries with backoff", () => {
  it.effect("attempts happen at the policy's times (seeded jitter), and maxAttempts fails the workflow", () => {
    const policy: RetryPolicy = {
      maxAttempts: 3,
      initialDelayMs: 10_000,
      backoffFactor: 3,
      maxDelayMs: 60_000,
      jitter: 0.5
    }
    let calls = 0
    const flaky = defineStepHandler({
      type: "flaky-api",
      automatic: true,
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Null,
      execute: () => {
        calls++
        return Effect.fail(
          new StepHandlerError({ message: "503 Service Unavailable", code: "HTTP_503", retryable: true })
        )
      }
    })
    const template = oneStep("retry-flow", "flaky-api", { retry: policy })
    const { live, publish } = memoryEngine([template], makeRegistry([flaky, formHandler]))
    const draws = Effect.runSync(Effect.all([Random.next, Random.next]).pipe(Random.withSeed("backoff")))
    return Effect.gen(function* () {
      const engine = yield* publish
      const state = yield* started(engine, template.id)
      const system = systemActor(tenantId)
      const run = () => engine.runAutomaticStep({ actor: system, instanceId: state.instanceId })
      const first = yield* run()
      const delay1 = retryDelay(policy, 1, draws[0] as number)
      expect(first.state.runAt).toBe(new Date(delay1).toISOString())
      expect(first.state.stepStates.call).toMatchObject({ status: "failed", attempts: 1 })
      yield* TestClock.adjust(delay1 - 1)
      expect((yield* run()).events).toEqual([])
      yield* TestClock.adjust(1)
      const second = yield* run()
      const delay2 = retryDelay(policy, 2, draws[1] as number)
      expect(second.state.runAt).toBe(new Date(delay1 + delay2).toISOString())
      expect(delay2).toBeGreaterThan(delay1)
      yield* TestClock.adjust(delay2)
      const third = yield* run()
      expect(third.events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_FAILED", "WORKFLOW_FAILED"])
      expect(third.state.status).toBe("FAILED")
      expect(third.state.runAt).toBeUndefined()
      expect(calls).toBe(3)
    }).pipe(Effect.provide(live), Random.withSeed("backoff"))
  })

  it.effect("a deferred step a person queued retries on its recorded input after a retryable failure", () => {
    const seen: Array<string> = []
    const verify = defineStepHandler({
      type: "verify-later",
      deferred: true,
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Struct({ vat: Schema.String }),
      execute: ({ input, context }) => {
        seen.push(`${context.attempt}:${input.vat}`)
        return context.attempt === 1
          ? Effect.fail(new StepHandlerError({ message: "registry busy", code: "HTTP_503", retryable: true }))
          : Effect.succeed({ verified: input.vat })
      }
    })
    const template = oneStep("retry-queued-flow", "verify-later", {
      retry: { maxAttempts: 3, initialDelayMs: 1000, backoffFactor: 2, maxDelayMs: 10_000, jitter: 0 }
    })
    const { live, publish } = memoryEngine([template], makeRegistry([verify, formHandler]))
    return Effect.gen(function* () {
      const engine = yield* publish
      const state = yield* started(engine, template.id)
      const system = systemActor(tenantId)
      const queued = yield* engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "call",
        input: { vat: "BE0403170701" }
      })
      const failed = yield* engine.runAutomaticStep({ actor: system, instanceId: queued.state.instanceId })
      expect(failed.state.stepStates.call).toMatchObject({ status: "failed", attempts: 1 })
      yield* TestClock.adjust(1000)
      const retried = yield* engine.runAutomaticStep({ actor: system, instanceId: queued.state.instanceId })
      expect(retried.state.stepStates.call).toMatchObject({
        status: "completed",
        attempts: 2,
        input: { vat: "BE0403170701" },
        data: { verified: "BE0403170701" }
      })
      expect(seen).toEqual(["1:BE0403170701", "2:BE0403170701"])
    }).pipe(Effect.provide(live))
  })

  it("the delay grows by the factor, is capped, and loses at most the jitter share", () => {
    const policy: RetryPolicy = {
      maxAttempts: 10,
      initialDelayMs: 1000,
      backoffFactor: 2,
      maxDelayMs: 5000,
      jitter: 0.2
    }
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(policy, a, 0))).toEqual([1000, 2000, 4000, 5000, 5000])
    expect(retryDelay(policy, 3, 0.999_999)).toBe(3200)
    expect(retryDelay({ maxAttempts: 2 }, 1, 0)).toBe(1000)
  })
})
