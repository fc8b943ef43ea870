import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Ref, Schema } from "effect"
import {
  type Actor,
  createEngine,
  defineStepHandler,
  Engine,
  engineLayer,
  Forbidden,
  makeMemoryStorage,
  makeRegistry,
  StepHandlerError,
  sequentialIdsLayer,
  type Template,
  type WorkflowState
} from "../../src/index.js"
import {
  activationHandler,
  approvalHandler,
  brpUser,
  formHandler,
  marketOps,
  registry,
  sequence1Template,
  sequence4Template,
  tenantId
} from "../fixtures/index.js"

const companyInfo = { companyName: "Engie Belgium", vat: "BE0403170701" }
const portfolio = { accessPoints: "541448965001060702" }

const withEngine = (templates: ReadonlyArray<Template>, handlers = registry) => {
  const storage = makeMemoryStorage()
  const live = Layer.merge(
    storage.layer,
    engineLayer({ handlers }).pipe(Layer.provide(Layer.merge(storage.layer, sequentialIdsLayer("wf"))))
  )
  const publish = Effect.gen(function* () {
    const engine = yield* Engine
    for (const t of templates) yield* engine.publishTemplate(t)
    return engine
  })
  return { storage, live, publish }
}

const errorOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" ? error.value : undefined
}

describe("Engine — seed sequence 1 (Effect API, memory adapter)", () => {
  const { storage, live, publish } = withEngine([sequence1Template])

  it.effect("company-info → portfolio → submit → approve: exact events, order and final state", () =>
    Effect.gen(function* () {
      const engine = yield* publish
      const created = yield* engine.create({ actor: marketOps, tenantId, templateId: "brp-contract-onboarding" })
      const instanceId = created.state.instanceId
      expect(created.state.status).toBe("DRAFT")
      const started = yield* engine.start({ actor: brpUser, instanceId, expectedVersion: 1 })
      const s1 = yield* engine.executeStep({
        actor: brpUser,
        instanceId,
        expectedVersion: started.state.version,
        stepId: "company-info",
        input: companyInfo
      })
      expect(s1.state.currentStepId).toBe("portfolio")
      const s2 = yield* engine.executeStep({
        actor: brpUser,
        instanceId,
        expectedVersion: s1.state.version,
        stepId: "portfolio",
        input: portfolio
      })
      expect(s2.state.status).toBe("AWAITING_VALIDATION")
      expect(yield* engine.validate({ actor: brpUser, instanceId })).toEqual([])
      const submitted = yield* engine.submit({ actor: brpUser, instanceId, expectedVersion: s2.state.version })
      const approved = yield* engine.approve({ actor: marketOps, instanceId, expectedVersion: submitted.state.version })

      const events = (yield* engine.events({ actor: brpUser, instanceId })).items
      expect(events.map((e) => [e.type, "stepId" in e ? e.stepId : undefined, e.sequence])).toEqual([
        ["WORKFLOW_CREATED", undefined, 1],
        ["WORKFLOW_STARTED", "company-info", 2],
        ["STEP_STARTED", "company-info", 3],
        ["STEP_COMPLETED", "company-info", 4],
        ["STEP_STARTED", "portfolio", 5],
        ["STEP_COMPLETED", "portfolio", 6],
        ["WORKFLOW_AWAITING_VALIDATION", undefined, 7],
        ["WORKFLOW_SUBMITTED", undefined, 8],
        ["WORKFLOW_APPROVED", undefined, 9],
        ["WORKFLOW_COMPLETED", undefined, 10]
      ])
      const at = "1970-01-01T00:00:00.000Z"
      const expected: WorkflowState = {
        schemaVersion: 1,
        instanceId: "wf-1",
        tenantId,
        templateId: "brp-contract-onboarding",
        templateVersion: 1,
        marketRole: "BRP",
        status: "COMPLETED",
        currentStepId: null,
        stepStates: {
          "company-info": {
            status: "completed",
            attempts: 1,
            input: companyInfo,
            data: companyInfo,
            startedAt: at,
            completedAt: at,
            completedBy: brpUser.userId
          },
          portfolio: {
            status: "completed",
            attempts: 1,
            input: portfolio,
            data: portfolio,
            startedAt: at,
            completedAt: at,
            completedBy: brpUser.userId
          }
        },
        metadata: {},
        version: 10,
        createdAt: at,
        createdBy: marketOps.userId,
        updatedAt: at,
        submittedBy: brpUser.userId,
        submittedAt: at
      }
      expect(approved.state).toEqual(expected)
      expect(yield* engine.get({ actor: brpUser, instanceId })).toEqual(expected)
      expect(yield* Effect.promise(() => storage.inspect.state(instanceId))).toEqual(expected)
      expect((yield* Effect.promise(() => storage.inspect.indexEntry(instanceId)))?.status).toBe("COMPLETED")
    }).pipe(Effect.provide(live))
  )
})

describe("Engine — seed sequence 1 (Promise facade)", () => {
  it("gives the same events and final state, and rejects with the same tagged errors", async () => {
    const engine = await createEngine({
      handlers: [formHandler, approvalHandler, activationHandler],
      templates: [sequence1Template],
      ids: sequentialIdsLayer("wf")
    })
    try {
      const { state } = await engine.create({ actor: marketOps, tenantId, templateId: "brp-contract-onboarding" })
      const instanceId = state.instanceId
      let version = (await engine.start({ actor: brpUser, instanceId, expectedVersion: 1 })).state.version
      version = (
        await engine.executeStep({
          actor: brpUser,
          instanceId,
          expectedVersion: version,
          stepId: "company-info",
          input: companyInfo
        })
      ).state.version
      version = (
        await engine.executeStep({
          actor: brpUser,
          instanceId,
          expectedVersion: version,
          stepId: "portfolio",
          input: portfolio
        })
      ).state.version
      version = (await engine.submit({ actor: brpUser, instanceId, expectedVersion: version })).state.version
      const error = await engine
        .approve({ actor: brpUser, instanceId, expectedVersion: version })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ _tag: "Forbidden", operation: "approve", reason: "MissingPermission" })
      const stale = await engine
        .approve({ actor: marketOps, instanceId, expectedVersion: version - 1 })
        .catch((e: unknown) => e)
      expect(stale).toMatchObject({
        _tag: "StorageError",
        reason: { _tag: "Conflict", expectedVersion: version - 1, actualVersion: version }
      })
      const done = await engine.approve({ actor: marketOps, instanceId, expectedVersion: version })
      expect(done.state.status).toBe("COMPLETED")
      expect(done.events.map((e) => e.type)).toEqual(["WORKFLOW_APPROVED", "WORKFLOW_COMPLETED"])
      expect((await engine.events({ actor: marketOps, instanceId })).items.map((e) => e.type)).toEqual([
        "WORKFLOW_CREATED",
        "WORKFLOW_STARTED",
        "STEP_STARTED",
        "STEP_COMPLETED",
        "STEP_STARTED",
        "STEP_COMPLETED",
        "WORKFLOW_AWAITING_VALIDATION",
        "WORKFLOW_SUBMITTED",
        "WORKFLOW_APPROVED",
        "WORKFLOW_COMPLETED"
      ])
      const illegal = await engine
        .pause({ actor: marketOps, instanceId, expectedVersion: done.state.version })
        .catch((e: unknown) => e)
      expect(illegal).toMatchObject({ _tag: "IllegalTransition", status: "COMPLETED", command: "PauseWorkflow" })
    } finally {
      await engine.dispose()
    }
  })

  it("rejects an invalid template at start-up with TemplateInvalid naming the path", async () => {
    const broken = {
      ...sequence1Template,
      steps: [{ id: "company-info", type: "form", config: { fields: { vat: { pattern: "(" } } } }]
    }
    const error = await createEngine({ handlers: [formHandler], templates: [broken] }).catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect((error as { issues: ReadonlyArray<{ path: string }> }).issues.map((i) => i.path)).toContain(
      "steps[0].config.fields.vat.pattern"
    )
  })
})

/** Drives sequence 4 up to the activation step. */
const sequence4ToActivation = Effect.gen(function* () {
  const engine = yield* Engine
  const { state } = yield* engine.create({ actor: marketOps, tenantId, templateId: "brp-onboarding-approval" })
  const instanceId = state.instanceId
  let version = (yield* engine.start({ actor: brpUser, instanceId, expectedVersion: 1 })).state.version
  for (const [stepId, input, actor] of [
    ["company-info", companyInfo, brpUser],
    ["portfolio", portfolio, brpUser],
    ["approval", { decision: "approve" }, marketOps]
  ] as const) {
    version = (yield* engine.executeStep({ actor, instanceId, expectedVersion: version, stepId, input })).state.version
  }
  return { instanceId, version }
})

describe("Engine — seed sequence 4: rollback", () => {
  it.effect("from the approval step to company-info compensates approval, then portfolio", () => {
    const { live, publish } = withEngine([sequence4Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const { instanceId, version } = yield* sequence4ToActivation
      const before = yield* engine.get({ actor: brpUser, instanceId })
      expect(before.currentStepId).toBe("activation")
      const result = yield* engine.rollback({
        actor: marketOps,
        instanceId,
        expectedVersion: version,
        toStepId: "company-info"
      })
      expect(result.events.map((e) => [e.type, "stepId" in e ? e.stepId : undefined])).toEqual([
        ["WORKFLOW_ROLLBACK_STARTED", "company-info"],
        ["STEP_COMPENSATED", "approval"],
        ["STEP_COMPENSATED", "portfolio"],
        ["WORKFLOW_ROLLED_BACK", "company-info"]
      ])
      const compensated = result.events.filter((e) => e.type === "STEP_COMPENSATED")
      expect(compensated.map((e) => (e.type === "STEP_COMPENSATED" ? e.data.result : null))).toEqual([
        { revoked: true },
        { cleared: true }
      ])
      expect(result.state.status).toBe("IN_PROGRESS")
      expect(result.state.currentStepId).toBe("company-info")
      expect(result.state.rollback).toBeUndefined()
      expect(result.state.stepStates["company-info"]).toEqual(before.stepStates["company-info"])
      expect(result.state.stepStates.portfolio).toEqual({
        status: "compensated",
        attempts: 1,
        input: portfolio,
        startedAt: "1970-01-01T00:00:00.000Z",
        completedAt: "1970-01-01T00:00:00.000Z",
        completedBy: brpUser.userId,
        compensatedAt: "1970-01-01T00:00:00.000Z"
      })
      expect(result.state.stepStates.approval?.status).toBe("compensated")
      expect(yield* engine.get({ actor: brpUser, instanceId })).toEqual(result.state)
      // The workflow goes on from company-info.
      const again = yield* engine.executeStep({
        actor: brpUser,
        instanceId,
        expectedVersion: result.state.version,
        stepId: "company-info",
        input: { ...companyInfo, companyName: "Engie Belgium SA" }
      })
      expect(again.state.currentStepId).toBe("portfolio")
      expect(again.state.stepStates["company-info"]?.attempts).toBe(2)
    }).pipe(Effect.provide(live))
  })

  it.effect(
    "a compensation that fails once then succeeds on retry ends in the same state as one that never failed",
    () =>
      Effect.gen(function* () {
        const failures = yield* Ref.make(1)
        const flakyApproval = defineStepHandler({
          ...approvalHandler,
          compensate: () =>
            Effect.gen(function* () {
              const left = yield* Ref.getAndUpdate(failures, (n) => n - 1)
              if (left > 0)
                return yield* new StepHandlerError({ message: "revocation service unavailable", retryable: true })
              return { revoked: true }
            })
        })
        const flaky = withEngine([sequence4Template], makeRegistry([formHandler, flakyApproval, activationHandler]))
        const steady = withEngine([sequence4Template])
        const run = (env: ReturnType<typeof withEngine>, retry: boolean) =>
          Effect.gen(function* () {
            const engine = yield* env.publish
            const { instanceId, version } = yield* sequence4ToActivation
            const input = { actor: marketOps, instanceId, expectedVersion: version, toStepId: "company-info" }
            const first = yield* Effect.exit(engine.rollback(input))
            if (!retry) return { exit: first, state: yield* engine.get({ actor: marketOps, instanceId }) }
            expect(errorOf(first)).toMatchObject({ _tag: "CompensationFailed", stepId: "approval" })
            const pending = yield* engine.get({ actor: marketOps, instanceId })
            expect(pending.rollback).toEqual({
              toStepId: "company-info",
              pending: ["approval", "portfolio"],
              compensated: [],
              reset: [],
              sequence: pending.rollback?.sequence ?? -1
            })
            expect(pending.rollback?.sequence).toBeGreaterThan(0)
            // Any other command is refused while the rollback is pending.
            const blocked = yield* Effect.exit(
              engine.executeStep({
                actor: brpUser,
                instanceId,
                expectedVersion: pending.version,
                stepId: "activation",
                input: {}
              })
            )
            expect(errorOf(blocked)).toMatchObject({ _tag: "InvalidCommand" })
            yield* engine.rollback(input)
            return { exit: first, state: yield* engine.get({ actor: marketOps, instanceId }) }
          }).pipe(Effect.provide(env.live))
        const retried = yield* run(flaky, true)
        const clean = yield* run(steady, false)
        expect(Exit.isSuccess(clean.exit)).toBe(true)
        expect(retried.state).toEqual(clean.state)
        expect(
          (yield* Effect.promise(() => flaky.storage.inspect.events(retried.state.instanceId))).map((e) => e.type)
        ).toEqual(
          (yield* Effect.promise(() => steady.storage.inspect.events(clean.state.instanceId))).map((e) => e.type)
        )
      })
  )
})

describe("Engine — concurrency and idempotency", () => {
  it.effect("64 concurrent executeStep calls at the same expected version: 1 succeeds, 63 conflict, no gap", () => {
    const { storage, live, publish } = withEngine([sequence1Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "brp-contract-onboarding" })
      const started = yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
      const exits = yield* Effect.all(
        Array.from({ length: 64 }, (_, i) =>
          Effect.exit(
            engine.executeStep({
              actor: brpUser,
              instanceId: state.instanceId,
              expectedVersion: started.state.version,
              stepId: "company-info",
              input: { ...companyInfo, companyName: `Writer ${i}` }
            })
          )
        ),
        { concurrency: "unbounded" }
      )
      expect(exits.filter(Exit.isSuccess)).toHaveLength(1)
      const errors = exits.map(errorOf).filter((e) => e !== undefined)
      expect(errors).toHaveLength(63)
      for (const error of errors) expect(error).toMatchObject({ _tag: "StorageError", reason: { _tag: "Conflict" } })
      const stored = yield* Effect.promise(() => storage.inspect.events(state.instanceId))
      expect(stored.map((e) => e.sequence)).toEqual([1, 2, 3, 4])
    }).pipe(Effect.provide(live))
  })

  it.effect("the same command repeated 10 times with its idempotency key is applied once, 10 identical results", () => {
    const { storage, live, publish } = withEngine([sequence1Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "brp-contract-onboarding" })
      yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
      const command = {
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: 2,
        stepId: "company-info",
        input: companyInfo,
        idempotencyKey: "submit-company-info-1"
      }
      const results = yield* Effect.all(Array.from({ length: 10 }, () => engine.executeStep(command)))
      for (const result of results) expect(result).toEqual(results[0])
      const concurrent = yield* Effect.all(
        Array.from({ length: 10 }, () => engine.executeStep(command)),
        { concurrency: "unbounded" }
      )
      for (const result of concurrent) expect(result).toEqual(results[0])
      const stored = yield* Effect.promise(() => storage.inspect.events(state.instanceId))
      expect(stored.filter((e) => e.type === "STEP_COMPLETED")).toHaveLength(1)
      expect(stored).toHaveLength(4)
    }).pipe(Effect.provide(live))
  })
})

describe("Engine — bad input, failures, policy, queries", () => {
  it.effect("invalid step input fails with ValidationFailed naming the path and records nothing", () => {
    const { storage, live, publish } = withEngine([sequence1Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "brp-contract-onboarding" })
      yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
      const exit = yield* Effect.exit(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: 2,
          stepId: "company-info",
          input: { vat: 42 }
        })
      )
      expect(errorOf(exit)).toMatchObject({ _tag: "ValidationFailed", issues: [{ path: "company-info.input.vat" }] })
      expect(yield* Effect.promise(() => storage.inspect.events(state.instanceId))).toHaveLength(2)
      const wrongStep = yield* Effect.exit(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: 2,
          stepId: "portfolio",
          input: portfolio
        })
      )
      expect(errorOf(wrongStep)).toMatchObject({ _tag: "InvalidCommand", command: "ExecuteStep" })
    }).pipe(Effect.provide(live))
  })

  it.effect("a failing handler records STEP_FAILED and fails with StepFailed; the next attempt can succeed", () => {
    const { live, publish } = withEngine([sequence1Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "brp-contract-onboarding" })
      yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
      const exit = yield* Effect.exit(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: 2,
          stepId: "company-info",
          input: { companyName: "Engie", vat: "FR123" }
        })
      )
      expect(errorOf(exit)).toMatchObject({ _tag: "StepFailed", stepId: "company-info", attempt: 1, retryable: false })
      const failed = yield* engine.get({ actor: brpUser, instanceId: state.instanceId })
      expect(failed.stepStates["company-info"]).toMatchObject({
        status: "failed",
        attempts: 1,
        error: { code: "pattern" }
      })
      const ok = yield* engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: failed.version,
        stepId: "company-info",
        input: companyInfo
      })
      expect(ok.state.stepStates["company-info"]).toMatchObject({ status: "completed", attempts: 2 })
      expect(ok.state.stepStates["company-info"]?.error).toBeUndefined()
    }).pipe(Effect.provide(live))
  })

  it.live("a handler that exceeds the step timeout fails retryably; a defect is recorded, not thrown", () => {
    const slow = defineStepHandler({
      type: "slow",
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Struct({}),
      execute: () => Effect.as(Effect.sleep("5 seconds"), { done: true })
    })
    const buggy = defineStepHandler({
      type: "buggy",
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Struct({}),
      execute: () => Effect.sync(() => JSON.parse("{not json") as never)
    })
    const template: Template = {
      schemaVersion: 1,
      id: "timeouts",
      version: 1,
      name: "Timeouts",
      marketRole: "GU",
      steps: [
        { id: "slow", type: "slow", config: {}, timeoutMs: 20 },
        { id: "buggy", type: "buggy", config: {} }
      ]
    }
    const { live, publish } = withEngine([template], makeRegistry([slow, buggy]))
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "timeouts" })
      yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
      const exit = yield* Effect.exit(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: 2,
          stepId: "slow",
          input: {}
        })
      )
      expect(errorOf(exit)).toMatchObject({ _tag: "StepFailed", retryable: true, reason: "timed out after 20 ms" })
      const s = yield* engine.get({ actor: brpUser, instanceId: state.instanceId })
      expect(s.stepStates.slow?.error?.code).toBe("TIMEOUT")
    }).pipe(Effect.provide(live))
  })

  it.effect("the policy keeps tenants apart and reserves approval to reviewers", () => {
    const { live, publish } = withEngine([sequence1Template])
    const other: Actor = { userId: "u-other", tenantId: "other-tenant", role: "brp_admin", permissions: [] }
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "brp-contract-onboarding" })
      const foreign = yield* Effect.exit(engine.get({ actor: other, instanceId: state.instanceId }))
      expect(errorOf(foreign)).toMatchObject({ _tag: "StorageError", reason: { _tag: "NotFound" } })
      const createForOther = yield* Effect.exit(
        engine.create({ actor: brpUser, tenantId: "other-tenant", templateId: "brp-contract-onboarding" })
      )
      expect(errorOf(createForOther)).toMatchObject({ _tag: "Forbidden", operation: "create", reason: "OtherTenant" })
      const listed = yield* engine.list({ actor: marketOps, filter: { tenantId } })
      expect(listed.items.map((e) => e.instanceId)).toEqual([state.instanceId])
      expect((yield* engine.list({ actor: other })).items).toEqual([])
    }).pipe(Effect.provide(live))
  })

  it.effect("submit runs every completed step's validate and refuses with ValidationFailed", () => {
    const checked = defineStepHandler({
      ...formHandler,
      type: "checked-form",
      validate: ({ output }) =>
        Effect.succeed(
          typeof output === "object" && output !== null && "vat" in output && output.vat === "BE0403170701"
            ? [{ path: "vat", message: "this VAT number is already onboarded" }]
            : []
        )
    })
    const template: Template = {
      ...sequence1Template,
      id: "checked",
      steps: sequence1Template.steps.map((s) => (s.id === "company-info" ? { ...s, type: "checked-form" } : s))
    }
    const { live, publish } = withEngine([template], makeRegistry([checked, formHandler]))
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "checked" })
      const id = state.instanceId
      let v = (yield* engine.start({ actor: brpUser, instanceId: id, expectedVersion: 1 })).state.version
      v = (yield* engine.executeStep({
        actor: brpUser,
        instanceId: id,
        expectedVersion: v,
        stepId: "company-info",
        input: companyInfo
      })).state.version
      v = (yield* engine.executeStep({
        actor: brpUser,
        instanceId: id,
        expectedVersion: v,
        stepId: "portfolio",
        input: portfolio
      })).state.version
      expect(yield* engine.validate({ actor: brpUser, instanceId: id })).toEqual([
        { path: "company-info.vat", message: "this VAT number is already onboarded" }
      ])
      const exit = yield* Effect.exit(engine.submit({ actor: brpUser, instanceId: id, expectedVersion: v }))
      expect(errorOf(exit)).toMatchObject({ _tag: "ValidationFailed", issues: [{ path: "company-info.vat" }] })
      expect((yield* engine.get({ actor: brpUser, instanceId: id })).status).toBe("AWAITING_VALIDATION")
      // The reviewer path: request changes on company-info after a (forced) submission is covered by the decider tests.
    }).pipe(Effect.provide(live))
  })

  it.effect("stateAt travels back by sequence and by instant", () => {
    const { live, publish } = withEngine([sequence1Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const { state } = yield* engine.create({ actor: brpUser, templateId: "brp-contract-onboarding" })
      yield* engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
      yield* engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: 2,
        stepId: "company-info",
        input: companyInfo
      })
      const atTwo = yield* engine.stateAt({ actor: brpUser, instanceId: state.instanceId, until: { untilSequence: 2 } })
      expect(atTwo).toMatchObject({ version: 2, status: "IN_PROGRESS", currentStepId: "company-info", stepStates: {} })
      const now = yield* engine.stateAt({
        actor: brpUser,
        instanceId: state.instanceId,
        until: { untilTime: "2030-01-01T00:00:00.000Z" }
      })
      expect(now).toEqual(yield* engine.get({ actor: brpUser, instanceId: state.instanceId }))
      const before = yield* Effect.exit(
        engine.stateAt({
          actor: brpUser,
          instanceId: state.instanceId,
          until: { untilTime: "1969-01-01T00:00:00.000Z" }
        })
      )
      expect(errorOf(before)).toMatchObject({ _tag: "StorageError", reason: { _tag: "NotFound" } })
      const garbage = yield* Effect.exit(
        engine.stateAt({ actor: brpUser, instanceId: state.instanceId, until: { untilTime: "yesterday" } })
      )
      expect(errorOf(garbage)).toMatchObject({ _tag: "InvalidInput", operation: "stateAt" })
    }).pipe(Effect.provide(live))
  })
})

describe("Engine — keyed create", () => {
  it.effect("a create repeated with its idempotency key and no instance id returns the same instance", () => {
    const { storage, live, publish } = withEngine([sequence1Template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const input = { actor: brpUser, templateId: "brp-contract-onboarding", idempotencyKey: "onboard-engie-2026" }
      const first = yield* engine.create(input)
      const second = yield* engine.create(input)
      expect(second).toEqual(first)
      expect(first.state.instanceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(yield* Effect.promise(() => storage.inspect.events(first.state.instanceId))).toHaveLength(1)
      const other = yield* engine.create({ ...input, idempotencyKey: "onboard-engie-2027" })
      expect(other.state.instanceId).not.toBe(first.state.instanceId)
    }).pipe(Effect.provide(live))
  })
})

describe("Promise facade — policy option", () => {
  it("applies the given policy to every operation", async () => {
    const engine = await createEngine({
      handlers: [formHandler],
      templates: [sequence1Template],
      policy: {
        authorize: (actor, operation) =>
          operation === "create"
            ? Effect.fail(
                new Forbidden({
                  operation,
                  userId: actor.userId,
                  reason: "NotPermitted",
                  detail: "closed for maintenance"
                })
              )
            : Effect.void
      }
    })
    try {
      const error = await engine
        .create({ actor: marketOps, tenantId, templateId: "brp-contract-onboarding" })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ _tag: "Forbidden", reason: "NotPermitted", detail: "closed for maintenance" })
    } finally {
      await engine.dispose()
    }
  })
})

describe("Engine — seed sequence 4 (Promise facade)", () => {
  it("rolls back from the approval step to company-info, compensating approval then portfolio", async () => {
    const engine = await createEngine({
      handlers: [formHandler, approvalHandler, activationHandler],
      templates: [sequence4Template],
      ids: sequentialIdsLayer("wf")
    })
    try {
      const { state } = await engine.create({ actor: marketOps, tenantId, templateId: "brp-onboarding-approval" })
      const instanceId = state.instanceId
      let version = (await engine.start({ actor: brpUser, instanceId, expectedVersion: 1 })).state.version
      for (const [stepId, input, actor] of [
        ["company-info", companyInfo, brpUser],
        ["portfolio", portfolio, brpUser],
        ["approval", { decision: "approve" }, marketOps]
      ] as const) {
        version = (await engine.executeStep({ actor, instanceId, expectedVersion: version, stepId, input })).state
          .version
      }
      const result = await engine.rollback({
        actor: marketOps,
        instanceId,
        expectedVersion: version,
        toStepId: "company-info"
      })
      expect(result.events.map((e) => [e.type, "stepId" in e ? e.stepId : undefined])).toEqual([
        ["WORKFLOW_ROLLBACK_STARTED", "company-info"],
        ["STEP_COMPENSATED", "approval"],
        ["STEP_COMPENSATED", "portfolio"],
        ["WORKFLOW_ROLLED_BACK", "company-info"]
      ])
      expect(result.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "company-info", version: version + 4 })
      expect(await engine.get({ actor: brpUser, instanceId })).toEqual(result.state)
      const tooFar = await engine
        .rollback({ actor: marketOps, instanceId, expectedVersion: result.state.version, toStepId: "activation" })
        .catch((e: unknown) => e)
      expect(tooFar).toMatchObject({ _tag: "InvalidCommand", command: "BeginRollback" })
    } finally {
      await engine.dispose()
    }
  })
})
