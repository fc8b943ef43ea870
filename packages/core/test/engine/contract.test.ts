/**
 * The extended handler contract and what the policy sees: input checked before anything is
 * recorded, refusals that record nothing, a quorum of approvals with four-eyes — each decision an
 * event —, the policy told the step and its type; template packs; and what a command costs in store
 * calls; `events` in pages.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import {
  type Actor,
  completeStep,
  contributeStep,
  createEngine,
  defaultPolicy,
  defineStepHandler,
  defineTemplatePack,
  EventStore,
  forbidden,
  InstanceStore,
  makeMemoryStorage,
  makeRegistry,
  type PolicyContext,
  StepRefused,
  sequentialIdsLayer,
  type Template,
  TemplateStore,
  WorkflowIndex,
  WorkflowStore
} from "../../src/index.js"
import { brpUser, marketOps, promiseEngine, registry, sequence1Template } from "../fixtures/index.js"

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e
  )

const vatForm = defineStepHandler({
  type: "vat-list",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ vats: Schema.Array(Schema.String) }),
  checkInput: ({ input }) =>
    Effect.succeed(
      input.vats.flatMap((vat, i) =>
        /^BE0\d{9}$/.test(vat) ? [] : [{ path: `vats[${i}]`, message: `${vat} is not a Belgian VAT number` }]
      )
    ),
  execute: ({ input }) => Effect.succeed({ vats: [...input.vats] })
})

/** Approves `config.approves`'s data: four-eyes against its author, one decision per approver, `quorum` approvals. */
const quorumApproval = defineStepHandler({
  type: "quorum-approval",
  configSchema: Schema.Struct({ quorum: Schema.Int, approves: Schema.String }),
  inputSchema: Schema.Struct({ decision: Schema.Literals(["approve"]), comment: Schema.optionalKey(Schema.String) }),
  execute: ({ config, input, context }) => {
    const me = context.actor.userId
    if (context.state.stepStates[config.approves]?.completedBy === me) {
      return Effect.fail(
        new StepRefused({
          reason: "forbidden",
          message: `four-eyes: ${me} entered ${config.approves} and may not approve it`
        })
      )
    }
    const prior = context.state.stepStates[context.stepId]?.contributions ?? []
    if (prior.some((c) => c.by === me)) {
      return Effect.fail(new StepRefused({ reason: "invalid", message: `${me} has already decided` }))
    }
    const decision = {
      decision: input.decision,
      by: me,
      ...(input.comment === undefined ? {} : { comment: input.comment })
    }
    return Effect.succeed(
      prior.length + 1 >= config.quorum
        ? completeStep({ approvedBy: [...prior.map((c) => c.by), me] }, { contribution: decision })
        : contributeStep(decision)
    )
  }
})

const quorumTemplate: Template = {
  schemaVersion: 1,
  id: "bsp-prequalification",
  version: 1,
  name: "BSP prequalification",
  marketRole: "BSP",
  steps: [
    { id: "prequalification", type: "vat-list", config: {} },
    { id: "decision", type: "quorum-approval", config: { quorum: 2, approves: "prequalification" } }
  ]
}

const approver = (userId: string): Actor => ({ userId, tenantId: "engie-be", role: "approver", permissions: [] })

describe("the handler contract", () => {
  it("checkInput refuses three bad VAT numbers at once, naming each, and records nothing", async () => {
    const { engine, storage } = await promiseEngine([quorumTemplate], {
      handlers: makeRegistry([vatForm, quorumApproval])
    })
    let { state } = await engine.create({ actor: brpUser, templateId: quorumTemplate.id })
    state = (await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })).state
    const before = await storage.inspect.events(state.instanceId)
    const error = await rejection(
      engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "prequalification",
        input: { vats: ["BE0403170701", "FR12345", "BE12", "xx"] }
      })
    )
    expect(error).toMatchObject({
      _tag: "ValidationFailed",
      issues: [
        { path: "prequalification.vats[1]", message: "FR12345 is not a Belgian VAT number" },
        { path: "prequalification.vats[2]" },
        { path: "prequalification.vats[3]" }
      ]
    })
    expect(await storage.inspect.events(state.instanceId)).toEqual(before)
    expect(
      (await engine.get({ actor: brpUser, instanceId: state.instanceId })).stepStates.prequalification
    ).toBeUndefined()
  })

  it("a quorum of 2 of 3 approvers with four-eyes; refusals record nothing; each decision is an event", async () => {
    const seen: Array<PolicyContext> = []
    const { engine, storage } = await promiseEngine([quorumTemplate], {
      handlers: makeRegistry([vatForm, quorumApproval]),
      policy: {
        authorize: (actor, operation, context) => {
          seen.push(context)
          if (context.step?.type === "quorum-approval" && actor.role !== "approver") {
            return Effect.fail(forbidden(actor, operation, "MissingPermission", "only approvers act on approval steps"))
          }
          return defaultPolicy.authorize(actor, operation, context)
        }
      }
    })
    const alice = approver("alice")
    let { state } = await engine.create({ actor: alice, templateId: quorumTemplate.id })
    state = (await engine.start({ actor: alice, instanceId: state.instanceId, expectedVersion: 1 })).state
    state = (
      await engine.executeStep({
        actor: alice,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "prequalification",
        input: { vats: ["BE0403170701"] }
      })
    ).state
    expect(state.stepStates.prequalification?.completedBy).toBe("alice")
    const decide = (actor: Actor, version = state.version) =>
      engine.executeStep({
        actor,
        instanceId: state.instanceId,
        expectedVersion: version,
        stepId: "decision",
        input: { decision: "approve" }
      })
    expect(await rejection(decide(brpUser))).toMatchObject({ _tag: "Forbidden", reason: "MissingPermission" })
    expect(seen.at(-1)).toMatchObject({
      step: { id: "decision", type: "quorum-approval", config: { quorum: 2, approves: "prequalification" } },
      marketRole: "BSP"
    })
    expect(await rejection(decide(alice))).toMatchObject({
      _tag: "Forbidden",
      reason: "NotPermitted",
      detail: expect.stringContaining("four-eyes")
    })
    const first = await decide(approver("bob"))
    expect(first.events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_CONTRIBUTED"])
    expect(first.state.stepStates.decision).toMatchObject({ status: "collecting", contributions: [{ by: "bob" }] })
    expect(first.state.currentStepId).toBe("decision")
    expect(await rejection(decide(approver("bob"), first.state.version))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "decision", message: "bob has already decided" }]
    })
    const second = await decide(approver("carol"), first.state.version)
    expect(second.events.map((e) => e.type)).toEqual([
      "STEP_STARTED",
      "STEP_CONTRIBUTED",
      "STEP_COMPLETED",
      "WORKFLOW_AWAITING_VALIDATION"
    ])
    expect(second.state.stepStates.decision).toMatchObject({
      status: "completed",
      data: { approvedBy: ["bob", "carol"] },
      completedBy: "carol",
      contributions: [{ by: "bob" }, { by: "carol" }]
    })
    const log = await storage.inspect.events(state.instanceId)
    expect(log.filter((e) => e.type === "STEP_CONTRIBUTED").map((e) => e.performedBy)).toEqual(["bob", "carol"])
    // the four-eyes rule on submission: the state tells who submitted
    const submitted = await engine.submit({
      actor: alice,
      instanceId: state.instanceId,
      expectedVersion: second.state.version
    })
    expect([submitted.state.submittedBy, submitted.state.submittedAt]).toEqual([
      "alice",
      submitted.events[0]?.occurredAt
    ])
  })
})

describe("a step entered again", () => {
  /** Two approvals complete the review; one request for changes completes it at once and routes back. */
  const review = defineStepHandler({
    type: "review",
    configSchema: Schema.Struct({}),
    inputSchema: Schema.Struct({ decision: Schema.Literals(["approve", "changes"]) }),
    execute: ({ input, context }) => {
      const prior = context.state.stepStates[context.stepId]?.contributions ?? []
      if (input.decision === "changes") return Effect.succeed(completeStep({ outcome: "changes" }))
      return Effect.succeed(
        prior.length + 1 >= 2 ? completeStep({ outcome: "approved" }, { contribution: input }) : contributeStep(input)
      )
    }
  })
  const template: Template = {
    schemaVersion: 1,
    id: "review-loop",
    version: 1,
    name: "Review loop",
    marketRole: "BSP",
    steps: [
      { id: "prequalification", type: "vat-list", config: {} },
      {
        id: "decision",
        type: "review",
        config: {},
        routes: [{ when: { op: "eq", field: "outcome", value: "changes" }, to: "prequalification" }]
      }
    ]
  }

  it("counts its attempts from 1 again and starts without the earlier round's contributions", async () => {
    const { engine, storage } = await promiseEngine([template], { handlers: makeRegistry([vatForm, review]) })
    let { state } = await engine.create({ actor: brpUser, templateId: template.id })
    state = (await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })).state
    const run = async (stepId: string, input: unknown, actor: Actor = brpUser) => {
      state = (
        await engine.executeStep({ actor, instanceId: state.instanceId, expectedVersion: state.version, stepId, input })
      ).state
    }
    await run("prequalification", { vats: ["BE0403170701"] })
    await run("decision", { decision: "approve" }, approver("bob"))
    expect(state.stepStates.decision).toMatchObject({ status: "collecting", attempts: 1 })
    await run("decision", { decision: "changes" }, approver("carol"))
    expect(state.currentStepId).toBe("prequalification")
    expect(state.stepStates.prequalification).toMatchObject({ attempts: 0, data: { vats: ["BE0403170701"] } })
    await run("prequalification", { vats: ["BE0428759497"] })
    expect(state.currentStepId).toBe("decision")
    expect(state.stepStates.decision?.contributions).toBeUndefined()
    expect(state.stepStates.decision?.attempts).toBe(0)
    await run("decision", { decision: "approve" }, approver("bob"))
    expect(state.stepStates.decision).toMatchObject({
      status: "collecting",
      attempts: 1,
      contributions: [{ by: "bob" }]
    })
    const started = (await storage.inspect.events(state.instanceId)).filter((e) => e.type === "STEP_STARTED")
    expect(started.map((e) => [e.stepId, (e.data as { attempt: number }).attempt])).toEqual([
      ["prequalification", 1],
      ["decision", 1],
      ["decision", 2],
      ["prequalification", 1],
      ["decision", 1]
    ])
  })
})

describe("template packs", () => {
  const pack = defineTemplatePack({
    name: "@workflow-manager/templates-test",
    version: "1.0.0",
    configSchema: Schema.Struct({
      invitationDays: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 30 })))
    }),
    templates: ({ invitationDays = 2 }) => [
      {
        ...sequence1Template,
        id: "pack-onboarding",
        steps: sequence1Template.steps.map((s, i) =>
          i === 0
            ? { ...s, deadlines: [{ id: "invite", offset: `P${invitationDays}D`, escalation: { kind: "notify" } }] }
            : s
        )
      }
    ]
  })

  it("bakes the configuration into a new template version; the same configuration again is a no-op", async () => {
    const { engine, storage } = await promiseEngine([])
    const [v1] = await engine.publishPack({ pack, config: {} })
    expect([v1?.version, v1?.metadata?.pack]).toEqual([1, { name: pack.name, version: "1.0.0", config: {} }])
    const [same] = await engine.publishPack({ pack, config: {} })
    expect(same).toEqual(v1)
    const [v2] = await engine.publishPack({ pack, config: { invitationDays: 5 } })
    expect(v2?.version).toBe(2)
    expect(v2?.steps[0]?.deadlines?.[0]?.offset).toBe("P5D")
    expect(await storage.inspect.template("pack-onboarding", 1)).toEqual(v1)
    expect(await rejection(engine.publishPack({ pack, config: { invitationDays: 99 } }))).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "config.invitationDays" }]
    })
    expect(await storage.inspect.template("pack-onboarding", 3)).toBeUndefined()
  })
})

describe("what a command costs", () => {
  it("a command is two store calls: one load, one commit", async () => {
    const storage = makeMemoryStorage()
    const calls: Array<string> = []
    const count = <S extends object>(name: string, service: S): S =>
      Object.fromEntries(
        Object.entries(service).map(([k, v]) => [
          k,
          typeof v === "function"
            ? (...args: Array<unknown>) => {
                calls.push(`${name}.${k}`)
                return v(...args)
              }
            : v
        ])
      ) as S
    const counted = Layer.mergeAll(
      Layer.effect(EventStore)(Effect.map(EventStore, (s) => count("EventStore", s))),
      Layer.effect(InstanceStore)(Effect.map(InstanceStore, (s) => count("InstanceStore", s))),
      Layer.effect(WorkflowIndex)(Effect.map(WorkflowIndex, (s) => count("WorkflowIndex", s))),
      Layer.effect(TemplateStore)(Effect.map(TemplateStore, (s) => count("TemplateStore", s))),
      Layer.effect(WorkflowStore)(Effect.map(WorkflowStore, (s) => count("WorkflowStore", s)))
    ).pipe(Layer.provideMerge(storage.layer))
    const engine = await createEngine({
      stores: counted,
      handlers: registry,
      ids: sequentialIdsLayer("wf"),
      templates: [sequence1Template]
    })
    const { state } = await engine.create({ actor: brpUser, templateId: sequence1Template.id, templateVersion: 1 })
    calls.length = 0
    const started = await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })
    expect(calls).toEqual(["WorkflowStore.load", "WorkflowStore.commit"])
    calls.length = 0
    await engine.executeStep({
      actor: brpUser,
      instanceId: state.instanceId,
      expectedVersion: started.state.version,
      stepId: "company-info",
      input: { companyName: "Engie Belgium", vat: "BE0403170701" },
      idempotencyKey: "step-1"
    })
    expect(calls).toEqual(["WorkflowStore.load", "WorkflowStore.commit"])
    calls.length = 0
    await engine.get({ actor: marketOps, instanceId: state.instanceId })
    expect(calls).toEqual(["WorkflowStore.load"])
  })
})

describe("events in pages", () => {
  it("returns at most `limit` events and where the next page starts", async () => {
    const { engine } = await promiseEngine([sequence1Template])
    let { state } = await engine.create({ actor: brpUser, templateId: sequence1Template.id })
    state = (await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })).state
    for (let i = 0; i < 6; i++) {
      state = (await engine.pause({ actor: brpUser, instanceId: state.instanceId, expectedVersion: state.version }))
        .state
      state = (await engine.resume({ actor: brpUser, instanceId: state.instanceId, expectedVersion: state.version }))
        .state
    }
    expect(state.version).toBe(14)
    const pages: Array<Array<number>> = []
    let from: number | undefined = 1
    while (from !== undefined) {
      const page: { items: ReadonlyArray<{ sequence: number }>; nextFrom: number | undefined } = await engine.events({
        actor: brpUser,
        instanceId: state.instanceId,
        from,
        limit: 5
      })
      pages.push(page.items.map((e) => e.sequence))
      from = page.nextFrom
    }
    expect(pages).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12, 13, 14]
    ])
    expect(await engine.events({ actor: brpUser, instanceId: state.instanceId, from: 3, to: 4 })).toEqual({
      items: expect.arrayContaining([
        expect.objectContaining({ sequence: 3 }),
        expect.objectContaining({ sequence: 4 })
      ]),
      nextFrom: undefined
    })
    expect(await rejection(engine.events({ actor: brpUser, instanceId: state.instanceId, limit: 1001 }))).toMatchObject(
      {
        _tag: "InvalidInput",
        issues: [{ path: "limit" }]
      }
    )
  })
})

describe("a handler with a bug", () => {
  it("a throwing schema, checkInput or validate is a typed error that records nothing", async () => {
    const buggy = defineStepHandler({
      type: "buggy",
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Struct({ n: Schema.Number }).check(
        Schema.makeFilter((v) => {
          if (v.n === 13) throw new Error("unlucky")
          return true
        })
      ),
      checkInput: ({ input }) => (input.n === 7 ? Effect.die(new Error("checker crashed")) : Effect.succeed([])),
      execute: ({ input }) => Effect.succeed(input),
      validate: () => Effect.die(new Error("validator crashed"))
    })
    const template: Template = {
      schemaVersion: 1,
      id: "buggy",
      version: 1,
      name: "Buggy",
      marketRole: "BRP",
      steps: [{ id: "only", type: "buggy", config: {} }]
    }
    const { engine, storage } = await promiseEngine([template], { handlers: makeRegistry([buggy]) })
    let { state } = await engine.create({ actor: brpUser, templateId: "buggy" })
    state = (await engine.start({ actor: brpUser, instanceId: state.instanceId, expectedVersion: 1 })).state
    const before = await storage.inspect.events(state.instanceId)
    const run = (n: number) =>
      rejection(
        engine.executeStep({
          actor: brpUser,
          instanceId: state.instanceId,
          expectedVersion: state.version,
          stepId: "only",
          input: { n }
        })
      )
    expect(await run(13)).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "only.input", message: expect.stringContaining("could not be decoded") }]
    })
    expect(await run(7)).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "only", message: expect.stringContaining("checker crashed") }]
    })
    expect(await storage.inspect.events(state.instanceId)).toEqual(before)
    const done = await engine.executeStep({
      actor: brpUser,
      instanceId: state.instanceId,
      expectedVersion: state.version,
      stepId: "only",
      input: { n: 1 }
    })
    expect(
      await rejection(
        engine.submit({ actor: brpUser, instanceId: state.instanceId, expectedVersion: done.state.version })
      )
    ).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "only", message: expect.stringContaining("validator crashed") }]
    })
  })
})
