/**
 * The documentation's snippets (src/snippets) run and do what docs/embedding.md says they do.
 */
import {
  createEngine,
  Engine,
  engineLayer,
  makeRegistry,
  memoryLayer,
  type PromiseEngine,
  StepHandlerError,
  type Template,
  uuidIdsLayer
} from "@workflow-manager/core"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { demoHoldings, layerFixed } from "../src/AccessPointRegister.ts"
import { brpOnboarding } from "../src/brpOnboarding.ts"
import { createOnboardingEngine } from "../src/engine.ts"
import { companyInfoHandler } from "../src/handlers/companyInfo.ts"
import { portfolioHandler } from "../src/handlers/portfolio.ts"
import { onboardingPolicy, withOnboardingPolicy } from "../src/policy.ts"
import { bob, companyInfo, marketOps, portfolio } from "../src/snippets/actors.ts"
import { atCurrentVersion, pauseNow } from "../src/snippets/conflicts.ts"
import { EngineLive, main } from "../src/snippets/effectApi.ts"
import { executeOrExplain } from "../src/snippets/errorsEffect.ts"
import { executeOrExplainAsync } from "../src/snippets/errorsPromise.ts"
import { repeatSafely } from "../src/snippets/idempotency.ts"
import { submittedWorkflows } from "../src/snippets/listing.ts"
import { onboarding } from "../src/snippets/promiseApi.ts"
import { rollBackTo } from "../src/snippets/rollback.ts"
import { layerNotifierMemory, welcomeMailHandler } from "../src/snippets/services.ts"
import { allEvents, history } from "../src/snippets/timeTravel.ts"

const engines: Array<PromiseEngine> = []
const track = async (engine: Promise<PromiseEngine>) => {
  const created = await engine
  engines.push(created)
  return created
}
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose()
})

/** A started workflow with `steps` steps done (0, 1 or 2), then submitted when `submit`. */
const drive = async (engine: PromiseEngine, steps: number, submit = false) => {
  let { state } = await engine.create({ actor: marketOps, tenantId: "engie-be", templateId: "brp-onboarding" })
  const instanceId = state.instanceId
  state = (await engine.start({ actor: bob, instanceId, expectedVersion: state.version })).state
  const inputs = [
    ["company-info", companyInfo],
    ["portfolio", portfolio]
  ] as const
  for (const [stepId, input] of inputs.slice(0, steps)) {
    state = (await engine.executeStep({ actor: bob, instanceId, expectedVersion: state.version, stepId, input })).state
  }
  if (submit) state = (await engine.submit({ actor: bob, instanceId, expectedVersion: state.version })).state
  return state
}

const shape = (state: { status: string; version: number; stepStates: object }) => ({
  status: state.status,
  version: state.version,
  steps: Object.fromEntries(Object.entries(state.stepStates).map(([id, s]) => [id, [s.status, s.data]]))
})

describe("the same scenario, two APIs", () => {
  it("the Effect and the Promise APIs end in the same state", async () => {
    const viaEffect = await Effect.runPromise(main)
    const viaPromise = await onboarding()
    expect(viaEffect.status).toBe("COMPLETED")
    expect(viaEffect.version).toBe(10)
    expect(shape(viaPromise)).toEqual(shape(viaEffect))
  })
})

describe("services", () => {
  const mailTemplate: Template = {
    schemaVersion: 1,
    id: "welcome",
    version: 1,
    name: "Welcome",
    marketRole: "BRP",
    steps: [{ id: "mail", type: "welcome-mail", config: { subject: "Welcome" } }]
  }

  it("the handler gets the service given in `services`, with the step's idempotency key", async () => {
    const sent: Array<string> = []
    const engine = await track(
      createEngine({ handlers: [welcomeMailHandler], services: layerNotifierMemory(sent), templates: [mailTemplate] })
    )
    const { state } = await engine.create({ actor: bob, templateId: "welcome" })
    await engine.start({ actor: bob, instanceId: state.instanceId, expectedVersion: 1 })
    const done = await engine.executeStep({
      actor: bob,
      instanceId: state.instanceId,
      expectedVersion: 2,
      stepId: "mail",
      input: { to: "bob@engie.example" }
    })
    expect(done.state.status).toBe("AWAITING_VALIDATION")
    // instance : step : the sequence of the event that made the step current (WORKFLOW_STARTED) : attempt
    expect(sent).toEqual([`${state.instanceId}:mail:2:1 bob@engie.example`])
  })

  it("a service missing from `services` shows up as a StepFailed with code DEFECT", async () => {
    const engine = await track(createEngine({ handlers: [welcomeMailHandler], templates: [mailTemplate] }))
    const { state } = await engine.create({ actor: bob, templateId: "welcome" })
    await engine.start({ actor: bob, instanceId: state.instanceId, expectedVersion: 1 })
    const error = await engine
      .executeStep({ actor: bob, instanceId: state.instanceId, expectedVersion: 2, stepId: "mail", input: { to: "x" } })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "StepFailed", stepId: "mail", retryable: false })
    const after = await engine.get({ actor: bob, instanceId: state.instanceId })
    expect(after.stepStates.mail?.error?.code).toBe("DEFECT")
  })
})

describe("authorisation policy", () => {
  /** BRP users of engie-be who may review (approve, reject, fail). */
  const reviewingBob = { ...bob, permissions: ["workflow:review"] }
  const carol = { ...bob, userId: "u-engie-carol", permissions: ["workflow:review"] }

  it("Effect: provided to the program, four eyes refuse the submitter's approval and allow another reviewer's", async () => {
    const program = (approver: typeof bob) =>
      Effect.gen(function* () {
        const engine = yield* Engine
        yield* engine.publishTemplate(brpOnboarding)
        const created = yield* engine.create({ actor: marketOps, tenantId: "engie-be", templateId: "brp-onboarding" })
        const id = created.state.instanceId
        let v = (yield* engine.start({ actor: reviewingBob, instanceId: id, expectedVersion: 1 })).state.version
        for (const [stepId, input] of [
          ["company-info", companyInfo],
          ["portfolio", portfolio]
        ] as const) {
          v = (yield* engine.executeStep({ actor: reviewingBob, instanceId: id, expectedVersion: v, stepId, input }))
            .state.version
        }
        v = (yield* engine.submit({ actor: reviewingBob, instanceId: id, expectedVersion: v })).state.version
        return yield* engine.approve({ actor: approver, instanceId: id, expectedVersion: v })
      })
    const byBob = await Effect.runPromise(
      Effect.flip(withOnboardingPolicy(program(reviewingBob))).pipe(Effect.provide(EngineLive))
    )
    expect(byBob).toMatchObject({ _tag: "Forbidden", operation: "approve", reason: "NotPermitted" })
    // Without the policy, the default rules alone let the submitter approve.
    const unchecked = await Effect.runPromise(program(reviewingBob).pipe(Effect.provide(EngineLive)))
    expect(unchecked.state.status).toBe("COMPLETED")
    const byCarol = await Effect.runPromise(withOnboardingPolicy(program(carol)).pipe(Effect.provide(EngineLive)))
    expect(byCarol.state).toMatchObject({ status: "COMPLETED", submittedBy: bob.userId })
  })

  it("Promise: the `policy` option keeps the portfolio for BRP administrators; nothing is recorded", async () => {
    const engine = await track(
      createEngine({
        handlers: [companyInfoHandler, portfolioHandler],
        services: layerFixed({}),
        templates: [brpOnboarding],
        policy: onboardingPolicy
      })
    )
    const state = await drive(engine, 1)
    const viewer = { ...bob, userId: "u-engie-dan", role: "brp_viewer" }
    const error = await engine
      .executeStep({
        actor: viewer,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "portfolio",
        input: portfolio
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "Forbidden", reason: "MissingPermission", userId: "u-engie-dan" })
    // The rule is about the step: the same user still reads the workflow, which did not move.
    expect((await engine.get({ actor: viewer, instanceId: state.instanceId })).version).toBe(state.version)
  })
})

describe("errors, conflicts, idempotency", () => {
  it("executeOrExplain turns a bad VAT number and a handler's refusal into issues, with the next version (Effect)", async () => {
    const engine = await track(createOnboardingEngine())
    const started = await drive(engine, 0)
    const live = engineLayer({ handlers: makeRegistry([companyInfoHandler, portfolioHandler]) }).pipe(
      Layer.provide(Layer.mergeAll(memoryLayer(), uuidIdsLayer, layerFixed(demoHoldings)))
    )
    const [invalid, valid, refused] = await Effect.runPromise(
      Effect.gen(function* () {
        const e = yield* Engine
        yield* e.publishTemplate(brpOnboarding)
        const { state } = yield* e.create({ actor: bob, templateId: "brp-onboarding" })
        yield* e.start({ actor: bob, instanceId: state.instanceId, expectedVersion: 1 })
        const id = state.instanceId
        return [
          yield* executeOrExplain(bob, id, 2, "company-info", { ...companyInfo, vat: "BE0403170702" }),
          yield* executeOrExplain(bob, id, 2, "company-info", companyInfo),
          // 541449000000000010 is in another BRP's perimeter (the demo register): a recorded failure.
          yield* executeOrExplain(bob, id, 4, "portfolio", { accessPoints: ["541449000000000010"] })
        ] as const
      }).pipe(Effect.provide(live))
    )
    expect(invalid).toMatchObject({ ok: false, version: 2, issues: [{ path: "company-info.input.vat" }] })
    expect(valid).toEqual({ ok: true, version: 4 })
    expect(refused).toMatchObject({ ok: false, version: 6, issues: [{ path: "portfolio" }] })
    const malformed = await executeOrExplainAsync(engine, {
      actor: bob,
      instanceId: started.instanceId,
      expectedVersion: -1,
      stepId: "company-info",
      input: companyInfo
    })
    expect(malformed).toMatchObject({ ok: false, issues: [{ path: "expectedVersion" }] })
    const stale = await executeOrExplainAsync(engine, {
      actor: bob,
      instanceId: started.instanceId,
      expectedVersion: 1,
      stepId: "company-info",
      input: companyInfo
    })
    expect(stale).toMatchObject({ ok: false, issues: [{ message: "changed by someone else: reload and try again" }] })
  })

  it("atCurrentVersion pauses whatever the version; a stale explicit version conflicts", async () => {
    const program = Effect.gen(function* () {
      const engine = yield* Engine
      yield* engine.publishTemplate(brpOnboarding)
      const { state } = yield* engine.create({ actor: bob, templateId: "brp-onboarding" })
      yield* engine.start({ actor: bob, instanceId: state.instanceId, expectedVersion: 1 })
      const stale = yield* Effect.flip(
        atCurrentVersion(bob, state.instanceId, () =>
          engine.pause({ actor: bob, instanceId: state.instanceId, expectedVersion: 1 })
        )
      )
      const paused = yield* pauseNow(bob, state.instanceId)
      return { stale, paused }
    })
    const { stale, paused } = await Effect.runPromise(program.pipe(Effect.provide(EngineLive)))
    expect(stale).toMatchObject({ _tag: "StorageError", reason: { _tag: "Conflict" } })
    expect(paused.state.status).toBe("PAUSED")
  })

  it("a repeated create and a repeated step return the original results", async () => {
    const engine = await track(createOnboardingEngine())
    const { first, again, done, replayed } = await repeatSafely(engine, bob, "req-42")
    expect(again).toEqual(first)
    expect(replayed).toEqual(done)
    const events = await allEvents(engine, bob, first.state.instanceId)
    expect(events.filter((e) => e.type === "WORKFLOW_CREATED")).toHaveLength(1)
    expect(events.filter((e) => e.type === "STEP_COMPLETED")).toHaveLength(1)
  })

  it("a key reused for another command is refused with IdempotencyKeyReused, and nothing is done", async () => {
    const engine = await track(createOnboardingEngine())
    const { done } = await repeatSafely(engine, bob, "req-43")
    const { instanceId } = done.state
    const step = { actor: bob, instanceId, expectedVersion: 2, stepId: "company-info", idempotencyKey: "step:req-43" }
    const otherInput = await engine
      .executeStep({ ...step, input: { ...companyInfo, companyName: "Engie" } })
      .catch((e: unknown) => e)
    expect(otherInput).toMatchObject({ _tag: "IdempotencyKeyReused", idempotencyKey: "step:req-43", instanceId })
    const otherCommand = await engine
      .pause({ actor: bob, instanceId, expectedVersion: 4, idempotencyKey: "step:req-43" })
      .catch((e: unknown) => e)
    expect(otherCommand).toMatchObject({ _tag: "IdempotencyKeyReused", operation: "pause" })
    expect((await engine.get({ actor: bob, instanceId })).version).toBe(done.state.version)
  })
})

describe("rollback, time travel, listing", () => {
  it("rollBackTo compensates and retries a compensation that fails once", async () => {
    let failures = 1
    const flakyPortfolio = {
      ...portfolioHandler,
      compensate: () =>
        failures-- > 0
          ? Effect.fail(new StepHandlerError({ message: "register unavailable", retryable: true }))
          : Effect.succeed({ withdrawn: portfolio.accessPoints })
    }
    const engine = await track(
      createEngine({
        handlers: [companyInfoHandler, flakyPortfolio],
        services: layerFixed({}),
        templates: [brpOnboarding]
      })
    )
    const submitted = await drive(engine, 2, true)
    await engine.reject({
      actor: marketOps,
      instanceId: submitted.instanceId,
      expectedVersion: submitted.version,
      reason: "fix",
      toStepId: "portfolio"
    })
    const result = await rollBackTo(engine, bob, submitted.instanceId, "company-info")
    expect(failures).toBe(-1)
    expect(result.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "company-info" })
    const events = await allEvents(engine, bob, submitted.instanceId)
    expect(events.filter((e) => e.type === "STEP_COMPENSATED")).toHaveLength(1)
    expect(events.at(-1)?.type).toBe("WORKFLOW_ROLLED_BACK")
  })

  it("history reads the past by sequence and by instant", async () => {
    const engine = await track(createOnboardingEngine())
    const submitted = await drive(engine, 2, true)
    const { items } = await engine.events({ actor: bob, instanceId: submitted.instanceId })
    const at = new Date(items[3]?.occurredAt as string)
    const { afterCompanyInfo, asOf, firstPage, submission } = await history(engine, bob, submitted.instanceId, at)
    expect(afterCompanyInfo).toMatchObject({ version: 4, currentStepId: "portfolio" })
    expect(asOf.version).toBeGreaterThanOrEqual(4)
    expect(firstPage.items.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5])
    expect(firstPage.nextFrom).toBe(6)
    expect(submission.map((e) => e.type)).toEqual(["WORKFLOW_SUBMITTED"])
  })

  it("allEvents pages through the whole log; one page past the end has no next page", async () => {
    const engine = await track(createOnboardingEngine())
    const submitted = await drive(engine, 2, true)
    const paged = await allEvents(engine, bob, submitted.instanceId, 3)
    expect(paged.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(await allEvents(engine, bob, submitted.instanceId)).toEqual(paged)
    const last = await engine.events({ actor: bob, instanceId: submitted.instanceId, from: 7, limit: 5 })
    expect([last.items.map((e) => e.sequence), last.nextFrom]).toEqual([[7, 8], undefined])
    const bounded = await engine.events({ actor: bob, instanceId: submitted.instanceId, from: 2, to: 5, limit: 2 })
    expect([bounded.items.map((e) => e.sequence), bounded.nextFrom]).toEqual([[2, 3], 4])
  })

  it("submittedWorkflows pages through every submitted workflow of the tenant", async () => {
    const engine = await track(createOnboardingEngine())
    const ids = [(await drive(engine, 2, true)).instanceId, (await drive(engine, 2, true)).instanceId]
    await drive(engine, 1)
    const found = await submittedWorkflows(engine, bob)
    expect(found.map((e) => e.instanceId).sort()).toEqual(ids.sort())
  })
})
