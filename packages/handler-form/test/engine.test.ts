/**
 * The form handler in a real engine on the memory adapter: invalid input is one `ValidationFailed`
 * naming every field — no event recorded, no attempt used —; the step records the normalised data;
 * a bad config is `TemplateInvalid` at publication; hostile input is a typed error; a full
 * onboarding runs to COMPLETED with `runTemplate`; a rollback records what it clears.
 */
import {
  type Actor,
  createEngine,
  MARKET_OPS,
  makeMemoryStorage,
  makeRegistry,
  type PromiseEngine,
  sequentialIdsLayer
} from "@workflow-manager/core"
import { runTemplate } from "@workflow-manager/core/testing"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { formHandler } from "../src/index.js"
import { normalisedCompany, onboardingTemplate, portfolioForm, validCompany, validPortfolio } from "./fixtures.js"

const brpUser: Actor = {
  userId: "u-engie-bob",
  tenantId: "engie-be",
  role: "brp_admin",
  permissions: ["workflow:read", "workflow:execute"]
}
const marketOps: Actor = { userId: "mo-alice", tenantId: "tso", role: MARKET_OPS, permissions: ["workflow:*"] }

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection")
    },
    (e: unknown) => e
  )

const engines: Array<PromiseEngine> = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.dispose()))
})

const started = async (template: unknown = onboardingTemplate) => {
  const storage = makeMemoryStorage()
  const engine = await createEngine({
    handlers: makeRegistry([formHandler]),
    stores: storage.layer,
    ids: sequentialIdsLayer("wf"),
    templates: [template]
  })
  engines.push(engine)
  const { state: created } = await engine.create({ actor: brpUser, templateId: onboardingTemplate.id })
  const { state } = await engine.start({ actor: brpUser, instanceId: created.instanceId, expectedVersion: 1 })
  const execute = (stepId: string, input: unknown, expectedVersion = state.version) =>
    engine.executeStep({ actor: brpUser, instanceId: state.instanceId, expectedVersion, stepId, input })
  return { engine, storage, state, execute }
}

describe("the form handler in the engine", () => {
  it("three invalid fields → one ValidationFailed listing all three paths; no event recorded, no attempt used", async () => {
    const { engine, storage, state, execute } = await started()
    const before = await storage.inspect.events(state.instanceId)
    const error = await rejection(
      execute("company", {
        ...validCompany,
        company: { ...validCompany.company, vat: "BE0476388377" },
        contacts: [...validCompany.contacts, { ...validCompany.contacts[1], email: "settlement(at)example.be" }],
        iban: "BE31 4354 1116 1156"
      })
    )
    expect(error).toMatchObject({ _tag: "ValidationFailed" })
    expect((error as { issues: ReadonlyArray<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      "company.company.vat",
      "company.contacts[2].email",
      "company.iban"
    ])
    expect(await storage.inspect.events(state.instanceId)).toEqual(before)
    const after = await engine.get({ actor: brpUser, instanceId: state.instanceId })
    expect(after.version).toBe(state.version)
    expect(after.stepStates.company).toBeUndefined()

    // the corrected input is the first attempt, and the step records the normalised data
    const { state: done, events } = await execute("company", validCompany)
    expect(events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_COMPLETED"])
    expect(done.stepStates.company).toMatchObject({ status: "completed", attempts: 1, data: normalisedCompany })
    expect(done.currentStepId).toBe("portfolio")
  })

  it("a template whose form has a bad pattern is refused at publication, with the pattern's path", async () => {
    const template = {
      ...onboardingTemplate,
      id: "bad-form",
      steps: [
        onboardingTemplate.steps[0],
        {
          id: "vat",
          type: "form",
          name: "VAT",
          config: { fields: { vat: { type: "string", pattern: "^(BE[0-9]{10}$" } } }
        }
      ]
    }
    const error = await rejection(createEngine({ handlers: [formHandler], templates: [template] }))
    expect(error).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "steps[1].config.fields.vat.pattern", message: expect.stringContaining("missing closing )") }]
    })
  })

  it("hostile input is a typed error and records nothing: __proto__, wrong types, deep nesting, oversize", async () => {
    const { storage, state, execute } = await started()
    const before = await storage.inspect.events(state.instanceId)
    let deep: unknown = "x"
    for (let i = 0; i < 10_000; i++) deep = { a: deep }
    const inputs: ReadonlyArray<unknown> = [
      JSON.parse(`{"__proto__":{"polluted":true},"marketRole":"BRP"}`),
      [validCompany],
      "company",
      null,
      { ...validCompany, company: deep },
      { ...validCompany, contacts: "x".repeat(2 * 1024 * 1024) }
    ]
    for (const input of inputs) {
      const error = await rejection(execute("company", input))
      expect((error as { _tag?: string })._tag, String(input).slice(0, 40)).toMatch(/^(ValidationFailed|InvalidInput)$/)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(await storage.inspect.events(state.instanceId)).toEqual(before)
  })

  it("a rollback over a form step records the fields it clears", async () => {
    const template = {
      ...onboardingTemplate,
      id: "brp-onboarding-rollback",
      steps: [
        onboardingTemplate.steps[0],
        {
          id: "portfolio",
          type: "form",
          name: "Portfolio",
          config: portfolioForm,
          compensation: { strategy: "handler" }
        },
        { id: "more", type: "form", name: "More", config: { fields: { note: { type: "string" } } } }
      ]
    }
    const { engine, state } = await started({ ...template, id: onboardingTemplate.id, version: 2 })
    let version = state.version
    for (const [stepId, input] of [
      ["company", validCompany],
      ["portfolio", validPortfolio]
    ] as const) {
      version = (
        await engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: version,
          stepId,
          input
        })
      ).state.version
    }
    const result = await engine.rollback({
      actor: marketOps,
      instanceId: state.instanceId,
      expectedVersion: version,
      toStepId: "company"
    })
    const compensated = result.events.filter((e) => e.type === "STEP_COMPENSATED")
    expect(compensated.map((e) => (e.type === "STEP_COMPENSATED" ? [e.stepId, e.data.result] : null))).toEqual([
      ["portfolio", { cleared: ["accessPoints"] }]
    ])
    expect(result.state.currentStepId).toBe("company")
  })
})

describe("runTemplate: a full onboarding", () => {
  it("company and portfolio forms with realistic data, submitted (validate) and approved", async () => {
    const { state, events } = await Effect.runPromise(
      runTemplate({
        template: onboardingTemplate,
        handlers: [formHandler],
        steps: [
          { stepId: "company", input: validCompany },
          { stepId: "portfolio", input: validPortfolio }
        ],
        submit: true,
        approve: true
      })
    )
    expect(state.status).toBe("COMPLETED")
    expect(state.stepStates.company?.data).toEqual(normalisedCompany)
    expect(state.stepStates.company?.input).toEqual(validCompany)
    expect(state.stepStates.portfolio?.data).toEqual(validPortfolio)
    expect(events.map((e) => e.type)).toEqual([
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
  })

  it("an invalid step fails the run with the form's issues", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        runTemplate({
          template: onboardingTemplate,
          handlers: [formHandler],
          steps: [{ stepId: "company", input: { ...validCompany, marketRole: "TSO", iban: "NL91ABNA0417164300" } }]
        })
      )
    )
    expect(error).toMatchObject({
      _tag: "ValidationFailed",
      issues: [
        { path: "company.marketRole", message: "must be one of BRP, BSP, ACH, GU, CRM, ESP" },
        { path: "company.iban", message: "is not a BE IBAN" }
      ]
    })
  })
})
