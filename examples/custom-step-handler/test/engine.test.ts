/**
 * The handler in a real engine (`createEngine` on `makeMemoryStorage`): the policy hook keeps the
 * step for the roles of its config, the pledge and its outbox messages are recorded in one commit,
 * a rollback compensates (releases the pledge), a deferred step is retried by a worker until the
 * bank confirms, and submission re-validates.
 */
import {
  createEngine,
  defineStepHandler,
  makeMemoryStorage,
  type PromiseEngine,
  sequentialIdsLayer,
  systemActor,
  type Template
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { bankGuaranteeHandler, bankGuaranteePolicy, layerMemory, type MemoryGuaranteeRegister } from "../src/index.js"
import { actorWith, config, input, kbcGuarantee, registerWithGuarantees } from "./fixtures.js"

/** A plain step before and after the guarantee. */
const contactHandler = defineStepHandler({
  type: "contact",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ email: Schema.String }),
  execute: ({ input }) => Effect.succeed({ email: input.email })
})

const collateral = (guaranteeStep: Template["steps"][number]): Template => ({
  schemaVersion: 1,
  id: "brp-collateral",
  version: 1,
  name: "BRP collateral",
  marketRole: "BRP",
  steps: [{ id: "contact", type: "contact", config: {} }, guaranteeStep, { id: "review", type: "contact", config: {} }]
})

const finance = actorWith("finance")
const tenantId = finance.tenantId
const engines: Array<PromiseEngine> = []
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.dispose()
})

const setUp = async (template: Template, register: MemoryGuaranteeRegister) => {
  // #region engine-setup
  const storage = makeMemoryStorage()
  const engine = await createEngine({
    stores: storage.layer,
    handlers: [contactHandler, bankGuaranteeHandler],
    services: layerMemory(register), // what the handlers declare in R
    templates: [template],
    policy: bankGuaranteePolicy(), // the step's lodgedBy roles, before the handler runs
    ids: sequentialIdsLayer("wf")
  })
  // #endregion engine-setup
  engines.push(engine)
  let { state } = await engine.create({ actor: finance, templateId: template.id })
  const instanceId = state.instanceId
  state = (await engine.start({ actor: finance, instanceId, expectedVersion: state.version })).state
  const step = (stepId: string, stepInput: unknown, actor = finance) =>
    engine.executeStep({ actor, instanceId, expectedVersion: state.version, stepId, input: stepInput })
  state = (await step("contact", { email: "collateral@engie.example" })).state
  return { engine, storage, instanceId, step, version: () => state.version }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("expected a rejection"),
    (e: unknown) => e
  )

describe("bank-guarantee in an engine", () => {
  it("the policy refuses other roles (nothing recorded); the pledge and its messages commit together; a rollback releases it", async () => {
    const register = registerWithGuarantees()
    const template = collateral({ id: "guarantee", type: "bank-guarantee", config })
    const { engine, storage, instanceId, step } = await setUp(template, register)
    const before = await storage.inspect.events(instanceId)

    expect(await rejection(step("guarantee", input, actorWith("brp_viewer")))).toMatchObject({
      _tag: "Forbidden",
      reason: "MissingPermission",
      operation: "executeStep"
    })
    expect(await storage.inspect.events(instanceId)).toEqual(before)
    expect(register.pledges()).toEqual([])

    const lodged = await step("guarantee", input)
    expect(lodged.events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_COMPLETED"])
    expect(lodged.state.stepStates.guarantee?.data).toEqual({ ...input, pledgeId: "pledge-1" })
    const entry = before.at(-1)?.sequence // the contact step's completion made the guarantee step current
    const outbox = await storage.inspect.outbox(instanceId)
    expect(outbox.map((m) => [m.message.id, m.message.kind, m.message.sequence])).toEqual([
      [`${instanceId}:guarantee:${entry}:1:lodged`, "collateral.lodged", lodged.events[0]?.sequence],
      [`${instanceId}:guarantee:${entry}:1:renewal`, "collateral.renewal-due", lodged.events[0]?.sequence]
    ])

    // #region engine-rollback
    const rolledBack = await engine.rollback({
      actor: finance,
      instanceId,
      expectedVersion: lodged.state.version,
      toStepId: "contact"
    })
    expect(rolledBack.events.map((e) => [e.type, e.type === "STEP_COMPENSATED" ? e.data : undefined])).toEqual([
      ["WORKFLOW_ROLLBACK_STARTED", undefined],
      ["STEP_COMPENSATED", expect.objectContaining({ result: { released: "pledge-1" } })],
      ["WORKFLOW_ROLLED_BACK", undefined]
    ])
    expect(rolledBack.state.currentStepId).toBe("contact")
    expect(register.pledges()).toMatchObject([{ pledgeId: "pledge-1", live: false }])
    // #endregion engine-rollback

    // Entered again, the step gets new keys: the guarantee is pledged anew, under another key.
    let version = rolledBack.state.version
    for (const [stepId, stepInput] of [
      ["contact", { email: "collateral@engie.example" }],
      ["guarantee", input]
    ] as const) {
      version = (
        await engine.executeStep({ actor: finance, instanceId, expectedVersion: version, stepId, input: stepInput })
      ).state.version
    }
    const [first, second] = register.pledges()
    expect(second).toMatchObject({ pledgeId: "pledge-2", live: true })
    expect(second?.keys[0]).not.toBe(first?.keys[0])
  })

  it("deferred by its config: a worker runs each queued attempt; not confirmed yet is a retryable failure", async () => {
    const register = registerWithGuarantees()
    const template = collateral({
      id: "guarantee",
      type: "bank-guarantee",
      config: { ...config, run: "deferred" },
      retry: { maxAttempts: 3, initialDelayMs: 0, jitter: 0 }
    })
    const { engine, instanceId, step, version } = await setUp(template, register)
    const pending = { ...input, reference: "BNP-BG-PENDING", bic: "GEBABEBB" }
    const queued = await step("guarantee", pending)
    expect(queued.events.map((e) => e.type)).toEqual(["STEP_STARTED"])
    const worker = systemActor(tenantId, "worker-1")
    const failed = await engine.runAutomaticStep({ actor: worker, instanceId })
    expect(failed.events.find((e) => e.type === "STEP_FAILED")?.data).toMatchObject({
      attempt: 1,
      error: { code: "not-confirmed", retryable: true },
      retryAt: expect.any(String)
    })
    register.setStatus("BNP-BG-PENDING", "active") // the bank confirms
    // The retry is due at once (no delay in this template): a worker runs it on the recorded input.
    const done = await engine.runAutomaticStep({ actor: worker, instanceId })
    expect(done.state.stepStates.guarantee).toMatchObject({ status: "completed", attempts: 2 })
    expect(done.state.currentStepId).toBe("review")
    expect(done.state.version).toBeGreaterThan(version())
    expect(register.pledges()).toMatchObject([{ reference: "BNP-BG-PENDING", keys: [expect.stringMatching(/:2$/)] }])
  })

  it("submission re-validates: a guarantee revoked since refuses it, naming the step's output field", async () => {
    const register = registerWithGuarantees()
    const { engine, storage, instanceId, step } = await setUp(
      collateral({ id: "guarantee", type: "bank-guarantee", config }),
      register
    )
    const lodged = await step("guarantee", input)
    const reviewed = await engine.executeStep({
      actor: finance,
      instanceId,
      expectedVersion: lodged.state.version,
      stepId: "review",
      input: { email: "review@engie.example" }
    })
    expect(reviewed.state.status).toBe("AWAITING_VALIDATION")
    register.setStatus(kbcGuarantee.reference, "revoked")
    const before = await storage.inspect.events(instanceId)
    expect(
      await rejection(engine.submit({ actor: finance, instanceId, expectedVersion: reviewed.state.version }))
    ).toMatchObject({ _tag: "ValidationFailed", issues: [{ path: "guarantee.output.reference" }] })
    expect(await storage.inspect.events(instanceId)).toEqual(before)
  })
})
