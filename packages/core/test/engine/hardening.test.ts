/**
 * Regression tests of the defects core part 3 fixed, each written to fail on the engine before it:
 * keyed rollback under concurrency (1), malformed arguments (2), recording what was validated (3),
 * size and depth limits (4), idempotency keys across rollbacks (5), replay after authorisation with
 * fingerprints (6), the version a failed step leaves (7), projection errors of the composed write
 * path (8) and the storage check at start (10). (9 is in broken-adapters.test.ts and smoke.test.ts.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Exit, Fiber, Layer } from "effect"
import {
  type Actor,
  accessOf,
  composedWorkflowStoreLayer,
  createEngine,
  defineStepHandler,
  Engine,
  EventStore,
  engineLayer,
  InstanceStore,
  InvalidData,
  makeMemoryStorage,
  makeRegistry,
  type PromiseEngine,
  StepHandlerError,
  storageError,
  type Template,
  TenantViolation,
  Unavailable,
  uuidIdsLayer,
  WorkflowIndex,
  WorkflowStore
} from "../../src/index.js"
import { conformanceTemplate, history, progress } from "../../src/testing/fixtures.js"
import {
  activationHandler,
  approvalHandler,
  brpUser,
  formHandler,
  inputs,
  marketOps,
  memoryEngine,
  promiseEngine,
  registry,
  sequence1Template,
  sequence4Template,
  tenantId
} from "../fixtures/index.js"

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  )

const companyInfo = { companyName: "Engie Belgium", vat: "BE0403170701" }

/** Creates and starts an instance of `template` (sequence 4) and completes `steps` of its steps. */
const progressed = async (engine: PromiseEngine, steps: number, template: Template = sequence4Template) => {
  let { state } = await engine.create({ actor: brpUser, templateId: template.id })
  state = (await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: state.version })).state
  const order = [
    ["company-info", companyInfo],
    ["portfolio", inputs.portfolio],
    ["approval", inputs.approval],
    ["activation", inputs.activation]
  ] as const
  for (const [stepId, input] of order.slice(0, steps)) {
    state = (
      await engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId,
        input
      })
    ).state
  }
  return state
}

describe("1. a keyed rollback is idempotent under concurrency", () => {
  it.effect(
    "a repeat arriving mid-rollback joins it; both callers get the same result, each compensation is recorded once",
    () =>
      Effect.gen(function* () {
        const entered = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        let calls = 0
        const slowForm = defineStepHandler({
          ...formHandler,
          compensate: () =>
            Effect.gen(function* () {
              calls++
              if (calls === 1) {
                yield* Deferred.succeed(entered, undefined)
                yield* Deferred.await(release)
              }
              return { cleared: true }
            })
        })
        const { live, publish, storage } = memoryEngine(
          [sequence4Template],
          makeRegistry([slowForm, approvalHandler, activationHandler])
        )
        return yield* Effect.gen(function* () {
          const engine = yield* publish
          let { state } = yield* engine.create({ actor: brpUser, templateId: sequence4Template.id })
          state = (yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })).state
          for (const [stepId, input] of [
            ["company-info", companyInfo],
            ["portfolio", inputs.portfolio],
            ["approval", inputs.approval]
          ] as const) {
            state = (yield* engine.executeStep({
              actor: brpUser,
              instanceId: state.instanceId,
              expectedVersion: state.version,
              stepId,
              input
            })).state
          }
          const command = {
            actor: marketOps,
            instanceId: state.instanceId,
            expectedVersion: state.version,
            toStepId: "company-info",
            idempotencyKey: "rollback-1"
          }
          const first = yield* Effect.forkChild(engine.rollback(command))
          yield* Deferred.await(entered) // the first run is inside portfolio's compensation
          const second = yield* engine.rollback(command)
          yield* Deferred.succeed(release, undefined)
          const firstResult = yield* Fiber.join(first)
          expect(firstResult).toEqual(second)
          const third = yield* engine.rollback(command)
          expect(third).toEqual(second)
          const log = yield* Effect.promise(() => storage.inspect.events(state.instanceId))
          expect(log.filter((e) => e.type === "STEP_COMPENSATED").map((e) => ("stepId" in e ? e.stepId : ""))).toEqual([
            "approval",
            "portfolio"
          ])
          expect(log.filter((e) => e.type === "WORKFLOW_ROLLED_BACK")).toHaveLength(1)
          expect(second.events).toEqual(log.filter((e) => e.commandId === "rollback-1"))
          expect(second.state.status).toBe("IN_PROGRESS")
        }).pipe(Effect.provide(live))
      })
  )
})

describe("2. malformed arguments fail with InvalidInput naming the field", () => {
  it("refuses expectedVersion 1.5, NaN, '2', null, -1 and a missing one, before reading anything", async () => {
    const { engine } = await promiseEngine([sequence1Template])
    const { state } = await engine.create({ actor: brpUser, templateId: sequence1Template.id })
    for (const expectedVersion of [1.5, Number.NaN, "2", null, -1, undefined, 2 ** 40]) {
      const error = await rejection(
        engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion } as never)
      )
      expect(error).toMatchObject({ _tag: "InvalidInput", operation: "start", issues: [{ path: "expectedVersion" }] })
    }
    for (const [input, path] of [
      [{ actor: { ...brpUser, userId: "" }, instanceId: state.instanceId, expectedVersion: 1 }, "actor.userId"],
      [{ actor: brpUser, instanceId: "../etc", expectedVersion: 1 }, "instanceId"],
      [{ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1, idempotencyKey: "" }, "idempotencyKey"],
      [{ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1, idempotencyKey: 7 }, "idempotencyKey"]
    ] as const) {
      const error = await rejection(engine.start(input as never))
      expect(error).toMatchObject({ _tag: "InvalidInput", issues: [{ path }] })
    }
    for (const bad of [null, undefined, 42, "x", [], () => 1]) {
      expect(await rejection(engine.get(bad as never))).toMatchObject({ _tag: "InvalidInput", operation: "get" })
    }
    expect((await engine.get({ actor: brpUser, instanceId: state.instanceId })).version).toBe(1)
  })
})

describe("3. what is recorded is what was validated", () => {
  it("records the decoded input (extra keys dropped), and refuses non-JSON input and metadata", async () => {
    const { engine, storage } = await promiseEngine([sequence4Template])
    const state = await progressed(engine, 2)
    const result = await engine.executeStep({
      actor: brpUser,
      instanceId: state.instanceId,
      expectedVersion: state.version,
      stepId: "approval",
      input: { decision: "approve", smuggled: { role: "market_ops" } }
    })
    expect(result.state.stepStates.approval?.input).toEqual({ decision: "approve" })
    const started = (await storage.inspect.events(state.instanceId)).find(
      (e) => e.type === "STEP_STARTED" && e.stepId === "approval"
    )
    expect(started?.type === "STEP_STARTED" && started.data.input).toEqual({ decision: "approve" })
    const cycle: Record<string, unknown> = { a: 1 }
    cycle.self = cycle
    const before = await storage.inspect.events(state.instanceId)
    for (const [value, message] of [
      [Number.NaN, "not a JSON number"],
      [Number.POSITIVE_INFINITY, "not a JSON number"],
      [() => 1, "a function is not JSON"],
      [new Date(), "a Date is not JSON"],
      [10n, "a BigInt is not JSON"],
      [cycle, "refers to itself"],
      ["nul\u0000byte", "NUL"],
      ["\ud800", "lone UTF-16 surrogate"],
      [new Map(), "a Map is not JSON"]
    ] as const) {
      const error = await rejection(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: result.state.version,
          stepId: "activation",
          input: { value }
        })
      )
      expect(error).toMatchObject({ _tag: "InvalidInput", operation: "executeStep" })
      expect(JSON.stringify(error)).toContain(message)
      const metadata = await rejection(
        engine.create({ actor: brpUser, templateId: sequence4Template.id, metadata: { value } as never })
      )
      expect(metadata).toMatchObject({ _tag: "InvalidInput", operation: "create" })
    }
    expect(await storage.inspect.events(state.instanceId)).toEqual(before)
  })
})

describe("4. size and depth limits belong to core", () => {
  const deep = (levels: number): unknown => {
    let value: unknown = "bottom"
    for (let i = 0; i < levels; i++) value = { next: value }
    return value
  }

  it("refuses input nested 100,000 levels, a 50,000-level condition and 5 MB, with typed errors", async () => {
    const { engine } = await promiseEngine([sequence4Template])
    const state = await progressed(engine, 0)
    const command = {
      actor: brpUser,
      instanceId: state.instanceId,
      expectedVersion: state.version,
      stepId: "company-info"
    }
    const tooDeep = await rejection(engine.executeStep({ ...command, input: deep(100_000) }))
    expect(tooDeep).toMatchObject({ _tag: "InvalidInput", issues: [{ message: expect.stringContaining("64 levels") }] })
    const tooBig = await rejection(engine.executeStep({ ...command, input: { blob: "x".repeat(5 * 1024 * 1024) } }))
    expect(tooBig).toMatchObject({ _tag: "InvalidInput", issues: [{ message: expect.stringContaining("limit") }] })
    let condition: unknown = { op: "exists", field: "x" }
    for (let i = 0; i < 50_000; i++) condition = { not: condition }
    const template = {
      ...sequence1Template,
      id: "deep-condition",
      steps: [
        { ...sequence1Template.steps[0], routes: [{ when: condition, to: "portfolio" }] },
        sequence1Template.steps[1]
      ]
    }
    expect(await rejection(engine.publishTemplate(template))).toMatchObject({ _tag: "TemplateInvalid" })
    let nested: unknown = { op: "exists", field: "x" }
    for (let i = 0; i < 17; i++) nested = { not: nested }
    const seventeen = {
      ...template,
      id: "seventeen",
      steps: [{ ...template.steps[0], routes: [{ when: nested, to: "portfolio" }] }, template.steps[1]]
    }
    expect(await rejection(engine.publishTemplate(seventeen))).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "steps[0].routes[0].when", message: expect.stringContaining("limit of 16") }]
    })
    const many = {
      ...sequence1Template,
      id: "many-steps",
      steps: Array.from({ length: 201 }, (_, i) => ({
        id: `s${i}`,
        type: "activation",
        config: { system: "metering" }
      }))
    }
    expect(await rejection(engine.publishTemplate(many))).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "steps", message: expect.stringContaining("limit of 200") }]
    })
  })

  it("takes configurable limits, and the memory store refuses a document above its limit like a database", async () => {
    const small = await promiseEngine([sequence1Template], { limits: { maxDocumentBytes: 2000 } })
    const state = await progressed(small.engine, 0, sequence1Template)
    const error = await rejection(
      small.engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "company-info",
        input: { companyName: "x".repeat(3000), vat: "BE0403170701" }
      })
    )
    expect(error).toMatchObject({ _tag: "InvalidInput" })
    // the input fits the engine's limit, but the state that records it twice does not fit the store's
    const tight = await promiseEngine([sequence1Template], { storage: { maxDocumentBytes: 4000 } })
    const s = await progressed(tight.engine, 0, sequence1Template)
    const stored = await tight.storage.inspect.events(s.instanceId)
    const refused = await rejection(
      tight.engine.executeStep({
        actor: brpUser,
        instanceId: s.instanceId,
        expectedVersion: s.version,
        stepId: "company-info",
        input: { companyName: "x".repeat(1900), vat: "BE0403170701" }
      })
    )
    expect(refused).toMatchObject({ _tag: "StorageError", reason: { _tag: "InvalidData" } })
    expect(await tight.storage.inspect.events(s.instanceId)).toEqual(stored)
  })
})

describe("5. idempotency keys never repeat after a rollback, and stay stable across runs of one attempt", () => {
  it("derives the key from the step entry and the attempt", async () => {
    const seen: Array<string> = []
    let failNext = true
    const recording = defineStepHandler({
      ...activationHandler,
      // a real call takes time: concurrent runs of one attempt overlap
      execute: (args) =>
        Effect.andThen(Effect.sleep("5 millis"), () => {
          seen.push(args.context.idempotencyKey)
          if (failNext) {
            failNext = false
            return Effect.fail(new StepHandlerError({ message: "settlement is down", retryable: true }))
          }
          return activationHandler.execute(args)
        })
    })
    const storage = makeMemoryStorage()
    const engine = await createEngine({
      stores: storage.layer,
      handlers: [formHandler, approvalHandler, recording],
      templates: [sequence4Template]
    })
    const state = await progressed(engine, 3)
    const id = state.instanceId
    const failed = await rejection(
      engine.executeStep({
        actor: brpUser,
        instanceId: id,
        expectedVersion: state.version,
        stepId: "activation",
        input: {}
      })
    )
    expect(failed).toMatchObject({ _tag: "StepFailed" })
    const version = (failed as { version: number }).version
    // the rollback resets the failed step: its attempts start again at 1, its key must not
    const rolled = await engine.rollback({
      actor: marketOps,
      instanceId: id,
      expectedVersion: version,
      toStepId: "approval"
    })
    expect(rolled.state.stepStates.activation).toBeUndefined()
    const approved = await engine.executeStep({
      actor: brpUser,
      instanceId: id,
      expectedVersion: rolled.state.version,
      stepId: "approval",
      input: inputs.approval
    })
    // two racing runs of the same attempt see the same key; one records it
    const run = () =>
      engine.executeStep({
        actor: brpUser,
        instanceId: id,
        expectedVersion: approved.state.version,
        stepId: "activation",
        input: {}
      })
    const racing = await Promise.allSettled([run(), run()])
    expect(racing.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"])
    const [k1, k2, k3] = seen
    expect(seen).toHaveLength(3)
    expect(k2).toBe(k3)
    expect(k1).not.toBe(k2)
    expect((await engine.get({ actor: brpUser, instanceId: id })).stepStates.activation?.attempts).toBe(1)
  })
})

describe("6. replay comes after authorisation and checks the command", () => {
  it("answers another tenant with NotFound and a reused key with IdempotencyKeyReused", async () => {
    const { engine } = await promiseEngine([sequence1Template])
    const state = await progressed(engine, 0, sequence1Template)
    const keyed = {
      actor: brpUser,
      instanceId: state.instanceId,
      expectedVersion: state.version,
      stepId: "company-info",
      input: companyInfo,
      idempotencyKey: "step-1"
    }
    const original = await engine.executeStep(keyed)
    expect(await engine.executeStep(keyed)).toEqual(original)
    const stranger: Actor = { userId: "u-x", tenantId: "other", role: "brp_admin", permissions: [] }
    expect(await rejection(engine.executeStep({ ...keyed, actor: stranger }))).toMatchObject({
      _tag: "StorageError",
      reason: { _tag: "NotFound" }
    })
    expect(
      await rejection(engine.executeStep({ ...keyed, input: { ...companyInfo, vat: "BE0000000097" } }))
    ).toMatchObject({
      _tag: "IdempotencyKeyReused",
      idempotencyKey: "step-1"
    })
    expect(
      await rejection(
        engine.pause({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: state.version,
          idempotencyKey: "step-1"
        })
      )
    ).toMatchObject({ _tag: "IdempotencyKeyReused", operation: "pause" })
    const reviewer: Actor = { ...brpUser, userId: "u-engie-carol" }
    expect(await rejection(engine.executeStep({ ...keyed, actor: reviewer }))).toMatchObject({
      _tag: "IdempotencyKeyReused"
    })
  })

  it("asks the policy before returning a stored result", async () => {
    const storage = makeMemoryStorage()
    const open = await createEngine({ stores: storage.layer, handlers: registry, templates: [sequence1Template] })
    const state = await progressed(open, 0, sequence1Template)
    const keyed = { actor: brpUser, instanceId: state.instanceId, expectedVersion: state.version, idempotencyKey: "p" }
    await open.pause(keyed)
    const closed = await createEngine({
      stores: storage.layer,
      handlers: registry,
      policy: {
        authorize: (actor, operation, context) =>
          operation === "pause"
            ? Effect.fail({
                _tag: "Forbidden",
                operation,
                userId: actor.userId,
                reason: "MissingPermission",
                detail: context.tenantId
              } as never)
            : Effect.void
      }
    })
    expect(await rejection(closed.pause(keyed))).toMatchObject({
      _tag: "Forbidden",
      reason: "MissingPermission",
      detail: tenantId
    })
  })
})

describe("7. a failed step says which version it left", () => {
  it("StepFailed carries the new version and state; the next command uses it", async () => {
    const { engine } = await promiseEngine([sequence1Template])
    const state = await progressed(engine, 0, sequence1Template)
    const failed = await rejection(
      engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "company-info",
        input: { companyName: "Engie" }
      })
    )
    expect(failed).toMatchObject({ _tag: "StepFailed", version: state.version + 2, retryable: false, code: "required" })
    const after = (failed as { state: { version: number; stepStates: Record<string, { status: string }> } }).state
    expect(after.version).toBe(state.version + 2)
    expect(after.stepStates["company-info"]?.status).toBe("failed")
    const next = await engine.executeStep({
      actor: brpUser,
      instanceId: state.instanceId,
      expectedVersion: (failed as { version: number }).version,
      stepId: "company-info",
      input: companyInfo
    })
    expect(next.state.currentStepId).toBe("portfolio")
  })
})

describe("8. the composed write path fails a command on a projection error that is not retryable", () => {
  const failingProjections = (reason: "TenantViolation" | "InvalidData" | "Unavailable") => {
    const storage = makeMemoryStorage()
    const error = () =>
      storageError(
        "InstanceStore.save",
        reason === "TenantViolation"
          ? new TenantViolation({ message: "not yours" })
          : reason === "InvalidData"
            ? new InvalidData({ message: "refused" })
            : new Unavailable({ message: "timeout" })
      )
    const ports = Layer.mergeAll(
      Layer.effect(InstanceStore)(
        Effect.map(InstanceStore, (inner) => ({ ...inner, save: () => Effect.fail(error()) }))
      ),
      Layer.effect(EventStore)(Effect.map(EventStore, (inner) => inner)),
      Layer.effect(WorkflowIndex)(Effect.map(WorkflowIndex, (inner) => inner))
    ).pipe(Layer.provideMerge(storage.layer))
    return { storage, layer: Layer.merge(ports, composedWorkflowStoreLayer.pipe(Layer.provide(ports))) }
  }

  for (const reason of ["TenantViolation", "InvalidData"] as const) {
    it(`${reason} fails the command`, async () => {
      const { layer } = failingProjections(reason)
      const engine = await createEngine({ stores: layer, handlers: registry, templates: [sequence1Template] })
      const created = await rejection(engine.create({ actor: brpUser, templateId: sequence1Template.id }))
      expect(created).toMatchObject({ _tag: "StorageError", reason: { _tag: reason } })
    })
  }

  it("Unavailable is left pending for repair: the commit reports it, the command succeeds, reads rebuild it", async () => {
    const { layer, storage } = failingProjections("Unavailable")
    const engine = await createEngine({ stores: layer, handlers: registry, templates: [sequence1Template] })
    const { state } = await engine.create({ actor: brpUser, templateId: sequence1Template.id })
    expect(state.status).toBe("DRAFT")
    expect(await storage.inspect.state(state.instanceId)).toBeUndefined()
    expect(await engine.get({ actor: brpUser, instanceId: state.instanceId })).toEqual(state)
    const instanceId = "wf-composed"
    const { events, state: next } = history(
      conformanceTemplate("composed"),
      progress(conformanceTemplate("composed"), { instanceId, tenantId, steps: 1 })
    )
    const result = await Effect.runPromise(
      Effect.flatMap(WorkflowStore, (store) =>
        store.commit(accessOf(brpUser), { events, expectedVersion: 0, state: next, messages: [] })
      ).pipe(Effect.provide(layer))
    )
    expect(result.pending).toEqual(["state"])
  })
})

describe("10. storage trouble shows up when the engine starts", () => {
  const broken = (failure: Effect.Effect<never, unknown>) => {
    const storage = makeMemoryStorage()
    return Layer.effect(WorkflowStore)(
      Effect.map(WorkflowStore, (inner) => ({ ...inner, check: failure as never }))
    ).pipe(Layer.provideMerge(storage.layer))
  }

  it("createEngine rejects with the store's check failure, unless lazy", async () => {
    const down = broken(
      Effect.fail(
        storageError("WorkflowStore.check", new Unavailable({ message: "connect ECONNREFUSED 127.0.0.1:5999" }))
      )
    )
    expect(await rejection(createEngine({ stores: down, handlers: registry }))).toMatchObject({
      _tag: "StorageError",
      reason: { _tag: "Unavailable", message: expect.stringContaining("ECONNREFUSED") }
    })
    const lazy = await createEngine({ stores: down, handlers: registry, lazy: true })
    expect(await rejection(lazy.get({ actor: brpUser, instanceId: "wf-1" }))).toMatchObject({ _tag: "StorageError" })
    await lazy.dispose()
  })

  it("a storage layer that cannot even be built (a missing driver) rejects with an actionable StorageError", async () => {
    const missingDriver = Layer.effect(WorkflowStore)(
      Effect.promise(() => import("a-driver-that-is-not-installed" as string) as Promise<never>)
    ).pipe(Layer.provideMerge(makeMemoryStorage().layer))
    const error = await rejection(createEngine({ stores: missingDriver, handlers: registry }))
    expect(error).toMatchObject({
      _tag: "StorageError",
      operation: "createEngine",
      reason: { _tag: "Unavailable", message: expect.stringContaining("a-driver-that-is-not-installed") }
    })
  })

  it("the Effect engine layer fails to build on a failing check", async () => {
    const unmigrated = broken(
      Effect.fail(storageError("WorkflowStore.check", new InvalidData({ message: "the database is not migrated" })))
    )
    const live = engineLayer({ handlers: registry }).pipe(Layer.provide(Layer.merge(unmigrated, uuidIdsLayer)))
    const exit = await Effect.runPromiseExit(
      Effect.gen(function* () {
        yield* Engine
      }).pipe(Effect.provide(live))
    )
    expect(Exit.isFailure(exit) && Cause.findErrorOption(exit.cause)).toMatchObject({
      _tag: "Some",
      value: { _tag: "StorageError", reason: { _tag: "InvalidData", message: "the database is not migrated" } }
    })
  })
})

describe("a create naming an existing instance id", () => {
  it("answers the same whether this tenant or another holds it", async () => {
    const { engine } = await promiseEngine([sequence1Template])
    const other: Actor = { userId: "u-other", tenantId: "other-tenant", role: "brp_admin", permissions: [] }
    await engine.create({ actor: brpUser, templateId: sequence1Template.id, instanceId: "taken-1" })
    const mine = await rejection(
      engine.create({ actor: brpUser, templateId: sequence1Template.id, instanceId: "taken-1" })
    )
    const theirs = await rejection(
      engine.create({ actor: other, templateId: sequence1Template.id, instanceId: "taken-1" })
    )
    expect(mine).toMatchObject({
      _tag: "StorageError",
      reason: { _tag: "Conflict", message: "workflow taken-1 already exists" }
    })
    expect(theirs).toEqual(mine)
  })
})

describe("limits are checked when the engine is made", () => {
  it("rejects invalid limits with InvalidInput naming them", async () => {
    const error = await rejection(createEngine({ handlers: registry, limits: { maxDepth: 0, maxSteps: 1.5 } }))
    expect(error).toMatchObject({
      _tag: "InvalidInput",
      operation: "createEngine",
      issues: [{ path: "limits.maxDepth" }, { path: "limits.maxSteps" }]
    })
  })
})
