/**
 * The documentation's snippets (src/snippets) run and do what docs/embedding.md says they do.
 */
import {
  createEngine,
  Engine,
  engineLayer,
  idLayerUuid,
  layerMemory,
  makeRegistry,
  type PromiseEngine,
  StepHandlerError,
  type Template
} from "@workflow-manager/core"
import { Effect, Exit, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { layerFixed } from "../src/AccessPointRegister.ts"
import { brpOnboarding } from "../src/brpOnboarding.ts"
import { createOnboardingEngine } from "../src/engine.ts"
import { companyInfoHandler } from "../src/handlers/companyInfo.ts"
import { portfolioHandler } from "../src/handlers/portfolio.ts"
import { bob, companyInfo, marketOps, portfolio } from "../src/snippets/actors.ts"
import { atCurrentVersion, pauseNow } from "../src/snippets/conflicts.ts"
import { EngineLive, main } from "../src/snippets/effectApi.ts"
import { executeOrExplain } from "../src/snippets/errorsEffect.ts"
import { executeOrExplainAsync } from "../src/snippets/errorsPromise.ts"
import { repeatSafely } from "../src/snippets/idempotency.ts"
import { submittedWorkflows } from "../src/snippets/listing.ts"
import { onboardingPolicy, withOnboardingPolicy } from "../src/snippets/policy.ts"
import { onboarding } from "../src/snippets/promiseApi.ts"
import { rollBackTo } from "../src/snippets/rollback.ts"
import { layerNotifierMemory, welcomeMailHandler } from "../src/snippets/services.ts"
import { history } from "../src/snippets/timeTravel.ts"

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
    const outbox: Array<string> = []
    const engine = await track(
      createEngine({ handlers: [welcomeMailHandler], services: layerNotifierMemory(outbox), templates: [mailTemplate] })
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
    expect(outbox).toEqual([`${state.instanceId}:mail:1 bob@engie.example`])
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
  it("Effect: provided to the program, it refuses a BRP's rollback and allows market ops'", async () => {
    const program = (actor: typeof bob) =>
      Effect.gen(function* () {
        const engine = yield* Engine
        yield* engine.publishTemplate(brpOnboarding)
        const created = yield* engine.create({ actor: marketOps, tenantId: "engie-be", templateId: "brp-onboarding" })
        const id = created.state.instanceId
        let v = (yield* engine.start({ actor: bob, instanceId: id, expectedVersion: 1 })).state.version
        v = (yield* engine.executeStep({
          actor: bob,
          instanceId: id,
          expectedVersion: v,
          stepId: "company-info",
          input: companyInfo
        })).state.version
        v = (yield* engine.executeStep({
          actor: bob,
          instanceId: id,
          expectedVersion: v,
          stepId: "portfolio",
          input: portfolio
        })).state.version
        v = (yield* engine.submit({ actor: bob, instanceId: id, expectedVersion: v })).state.version
        v = (yield* engine.reject({
          actor: marketOps,
          instanceId: id,
          expectedVersion: v,
          reason: "fix",
          toStepId: "portfolio"
        })).state.version
        return yield* engine.rollback({ actor, instanceId: id, expectedVersion: v, toStepId: "company-info" })
      })
    const byBob = await Effect.runPromiseExit(withOnboardingPolicy(program(bob)).pipe(Effect.provide(EngineLive)))
    expect(Exit.isFailure(byBob) && JSON.stringify(byBob.cause)).toContain("only market operations roll back")
    const byOps = await Effect.runPromise(withOnboardingPolicy(program(marketOps)).pipe(Effect.provide(EngineLive)))
    expect(byOps.state.currentStepId).toBe("company-info")
  })

  it("Promise: the `policy` option refuses a BRP's rollback", async () => {
    const engine = await track(
      createEngine({
        handlers: [companyInfoHandler, portfolioHandler],
        services: layerFixed({}),
        templates: [brpOnboarding],
        policy: onboardingPolicy
      })
    )
    const submitted = await drive(engine, 2, true)
    const { state } = await engine.reject({
      actor: marketOps,
      instanceId: submitted.instanceId,
      expectedVersion: submitted.version,
      reason: "fix",
      toStepId: "portfolio"
    })
    const error = await rollBackTo(engine, bob, state.instanceId, "company-info").catch((e: unknown) => e)
    expect(error).toMatchObject({ _tag: "Forbidden" })
  })
})

describe("errors, conflicts, idempotency", () => {
  it("executeOrExplain turns a bad VAT number into issues (Effect)", async () => {
    const engine = await track(createOnboardingEngine())
    const started = await drive(engine, 0)
    const live = engineLayer({ handlers: makeRegistry([companyInfoHandler, portfolioHandler]) }).pipe(
      Layer.provide(Layer.mergeAll(layerMemory(), idLayerUuid, layerFixed({})))
    )
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const e = yield* Engine
        yield* e.publishTemplate(brpOnboarding)
        const { state } = yield* e.create({ actor: bob, templateId: "brp-onboarding" })
        yield* e.start({ actor: bob, instanceId: state.instanceId, expectedVersion: 1 })
        return yield* executeOrExplain(bob, state.instanceId, 2, "company-info", {
          ...companyInfo,
          vat: "BE0403170702"
        })
      }).pipe(Effect.provide(live))
    )
    expect(result).toMatchObject({ ok: false, issues: [{ path: "company-info.input.vat" }] })
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
    const events = await engine.events({ actor: bob, instanceId: first.state.instanceId })
    expect(events.filter((e) => e.type === "WORKFLOW_CREATED")).toHaveLength(1)
    expect(events.filter((e) => e.type === "STEP_COMPLETED")).toHaveLength(1)
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
    const events = await engine.events({ actor: bob, instanceId: submitted.instanceId })
    expect(events.filter((e) => e.type === "STEP_COMPENSATED")).toHaveLength(1)
    expect(events.at(-1)?.type).toBe("WORKFLOW_ROLLED_BACK")
  })

  it("history reads the past by sequence and by instant", async () => {
    const engine = await track(createOnboardingEngine())
    const submitted = await drive(engine, 2, true)
    const events = await engine.events({ actor: bob, instanceId: submitted.instanceId })
    const at = new Date(events[3]?.occurredAt as string)
    const { afterCompanyInfo, asOf, all, submission } = await history(engine, bob, submitted.instanceId, at)
    expect(afterCompanyInfo).toMatchObject({ version: 4, currentStepId: "portfolio" })
    expect(asOf.version).toBeGreaterThanOrEqual(4)
    expect(all).toHaveLength(8)
    expect(submission.map((e) => e.type)).toEqual(["WORKFLOW_SUBMITTED"])
  })

  it("submittedWorkflows pages through every submitted workflow of the tenant", async () => {
    const engine = await track(createOnboardingEngine())
    const ids = [(await drive(engine, 2, true)).instanceId, (await drive(engine, 2, true)).instanceId]
    await drive(engine, 1)
    const found = await submittedWorkflows(engine, bob)
    expect(found.map((e) => e.instanceId).sort()).toEqual(ids.sort())
  })
})
