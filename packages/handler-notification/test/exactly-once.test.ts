/**
 * The acceptance of issue 12 for notifications: "a step retried 3 times delivers exactly one
 * message to the SMTP server" — counted on a real SMTP server on 127.0.0.1 — when (a) one attempt
 * runs three times (at once, and replayed after its commit's acknowledgement was lost), (b) two
 * attempts fail and the third succeeds, (c) delivery is retried after a 451, after a deliverer
 * crashed holding the claim, and after a lease was lost mid-send (two copies on the wire, one
 * `Message-ID`). And a whole template through the engine with `runTemplate`.
 */
import {
  defineStepHandler,
  type EngineService,
  makeRegistry,
  Outbox,
  StepHandlerError,
  type StoredMessage,
  storageError,
  systemAccess,
  systemActor,
  type Template,
  Unavailable,
  WorkflowStore
} from "@workflow-manager/core"
import { runTemplate } from "@workflow-manager/core/testing"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { notificationHandler, smtpTransport, staticRecipients } from "../src/index.js"
import { deliver, later } from "./support/deliver.js"
import { brpUser, dataHandler, memoryEngine, registry, tenantId, throughFirstStep } from "./support/engine.js"
import { startSmtpServer, type TestSmtpServer } from "./support/smtp.js"

let smtp: TestSmtpServer
beforeAll(async () => {
  smtp = await startSmtpServer()
})
afterAll(async () => {
  await smtp?.close()
})
beforeEach(() => {
  smtp.accepted.length = 0
  smtp.refused.length = 0
  smtp.script.length = 0
})

const template = (retry?: Template["steps"][number]["retry"]): Template => ({
  schemaVersion: 1,
  id: "brp-onboarding",
  version: 1,
  name: "BRP onboarding",
  marketRole: "BRP",
  steps: [
    { id: "company", type: "data", config: {} },
    {
      id: "notify",
      type: "notification",
      config: {
        channel: "email",
        to: [{ role: "market_ops" }],
        subject: "New BRP application: {{steps.company.data.legalName}}",
        text: "{{steps.company.data.legalName}} ({{steps.company.data.vat}}) applied."
      },
      ...(retry === undefined ? {} : { retry })
    },
    { id: "review", type: "data", config: {} }
  ]
})

const company = { legalName: "Engie Belgium", vat: "BE0403170701" }
const recipients = staticRecipients({ market_ops: ["market-ops@tso.example"] })
/** The e-mail channel on the test server (built per call: the server's port is known after `beforeAll`). */
const email = () => ({
  transports: [
    smtpTransport({
      from: "noreply@tso.example",
      host: "127.0.0.1",
      port: smtp.port,
      ignoreTLS: true,
      timeoutMs: 10_000
    })
  ],
  recipients
})

/** Creates and starts an instance and completes `company`: `notify` is current and due. */
const atNotify = (engine: EngineService) => throughFirstStep(engine, "brp-onboarding", company)

/** An instance whose `notify` step has run: one notification queued. */
const queuedNotification = async () => {
  const { storage, live, publish } = memoryEngine([template()])
  const state = await Effect.runPromise(
    Effect.gen(function* () {
      const engine = yield* publish
      const current = yield* atNotify(engine)
      return (yield* engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: current.instanceId })).state
    }).pipe(Effect.provide(live))
  )
  return { storage, state }
}

const statuses = (messages: ReadonlyArray<StoredMessage>) => messages.map((m) => [m.message.id, m.status, m.attempt])

describe("a step retried 3 times delivers exactly one message to the SMTP server", () => {
  it("(a) one attempt run three times at once and replayed: one outbox message, one e-mail", async () => {
    const { storage, live, publish } = memoryEngine([template()])
    const { state, entered } = await Effect.runPromise(
      Effect.gen(function* () {
        const engine = yield* publish
        const current = yield* atNotify(engine)
        const run = () =>
          Effect.result(engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: current.instanceId }))
        const runs = yield* Effect.all([run(), run(), run()], { concurrency: "unbounded" })
        // at most one run records the step; the others find it done or lose the race
        const recorded = runs.filter((r) => r._tag === "Success" && r.success.events.length > 0)
        expect(recorded).toHaveLength(1)
        yield* run()
        yield* run()
        const state = yield* engine.get({ actor: brpUser, instanceId: current.instanceId })
        return { state, entered: current.entered?.sequence }
      }).pipe(Effect.provide(live))
    )
    expect(state.currentStepId).toBe("review")
    expect(state.stepStates.notify).toMatchObject({ status: "completed", attempts: 1, completedBy: "system" })
    const queued = await storage.inspect.outbox(state.instanceId)
    // the key: instance, step, the sequence that made the step current, attempt 1, the message key
    const id = `${state.instanceId}:notify:${entered}:1:notification`
    expect(statuses(queued)).toEqual([[id, "pending", 0]])
    expect(await deliver(storage, email())).toMatchObject({ claimed: 1, delivered: 1 })
    expect(await deliver(storage, email())).toMatchObject({ claimed: 0, delivered: 0 })
    expect(smtp.accepted).toHaveLength(1)
    expect(smtp.accepted[0]?.messageId).toBe(`<${id.replaceAll(":", "=3A")}@tso.example>`)
    expect(smtp.accepted[0]?.subject).toBe("New BRP application: Engie Belgium")
  })

  it("(a) the commit's acknowledgement is lost and the run retried twice: one outbox message, one e-mail", async () => {
    let lost = 0
    const flaky = (storage: ReturnType<typeof memoryEngine>["storage"]) =>
      Layer.effect(WorkflowStore)(
        Effect.gen(function* () {
          const inner = yield* WorkflowStore
          return {
            ...inner,
            commit: (access, batch) =>
              inner
                .commit(access, batch)
                .pipe(
                  Effect.flatMap((result) =>
                    (batch.messages?.length ?? 0) > 0 && lost++ === 0
                      ? Effect.fail(
                          storageError(
                            "WorkflowStore.commit",
                            new Unavailable({ message: "connection reset after COMMIT" })
                          )
                        )
                      : Effect.succeed(result)
                  )
                )
          }
        })
      ).pipe(Layer.provide(storage.layer))
    const { storage, live, publish } = memoryEngine([template()], { handlers: registry, workflowStore: flaky })
    const tries = await Effect.runPromise(
      Effect.gen(function* () {
        const engine = yield* publish
        const current = yield* atNotify(engine)
        const results = []
        for (let i = 0; i < 3; i++) {
          results.push(
            yield* Effect.result(
              engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: current.instanceId })
            )
          )
        }
        return results
      }).pipe(Effect.provide(live))
    )
    expect(tries.map((t) => t._tag)).toEqual(["Failure", "Success", "Success"])
    const all = await storage.inspect.outbox()
    expect(all).toHaveLength(1)
    expect(await deliver(storage, email())).toMatchObject({ delivered: 1 })
    expect(smtp.accepted).toHaveLength(1)
  })

  it("(b) attempts 1 and 2 fail (retry policy), attempt 3 succeeds: one message, keyed by attempt 3", async () => {
    const flakyNotification = defineStepHandler({
      ...notificationHandler,
      execute: (args) =>
        args.context.attempt < 3
          ? Effect.fail(new StepHandlerError({ message: "the directory is busy", code: "Busy", retryable: true }))
          : notificationHandler.execute(args)
    })
    const { storage, live, publish } = memoryEngine([template({ maxAttempts: 3, initialDelayMs: 0, jitter: 0 })], {
      handlers: makeRegistry([flakyNotification, dataHandler])
    })
    const state = await Effect.runPromise(
      Effect.gen(function* () {
        const engine = yield* publish
        const current = yield* atNotify(engine)
        let state = current
        for (let i = 0; i < 5 && state.currentStepId === "notify"; i++) {
          state = (yield* engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: current.instanceId }))
            .state
        }
        return state
      }).pipe(Effect.provide(live))
    )
    expect(state.stepStates.notify).toMatchObject({ status: "completed", attempts: 3 })
    const events = await storage.inspect.events(state.instanceId)
    expect(events.filter((e) => "stepId" in e && e.stepId === "notify").map((e) => e.type)).toEqual([
      "STEP_SCHEDULED",
      "STEP_STARTED",
      "STEP_FAILED",
      "STEP_STARTED",
      "STEP_FAILED",
      "STEP_STARTED",
      "STEP_COMPLETED"
    ])
    const queued = await storage.inspect.outbox(state.instanceId)
    expect(queued.map((m) => m.message.id)).toEqual([expect.stringMatching(/:notify:\d+:3:notification$/)])
    expect(await deliver(storage, email())).toMatchObject({ delivered: 1 })
    expect(smtp.accepted).toHaveLength(1)
  })

  it("(c) the first SMTP send is refused with 451: retried at the backoff time, accepted once", async () => {
    const { storage, state } = await queuedNotification()
    smtp.script.push({ refuse: 451, message: "greylisted, try again later" })
    const now = new Date().toISOString()
    const retry = { initialDelayMs: 60_000, jitter: 0 }
    expect(await deliver(storage, { ...email(), now, retry })).toMatchObject({ claimed: 1, retried: 1, delivered: 0 })
    const [afterFirst] = await storage.inspect.outbox(state.instanceId)
    expect(afterFirst).toMatchObject({
      status: "pending",
      attempt: 1,
      lastError: expect.stringContaining("Unavailable 451")
    })
    const retryAt = afterFirst?.message.availableAt ?? ""
    expect(Date.parse(retryAt) - Date.parse(now)).toBeGreaterThanOrEqual(60_000)
    // before the retry time nothing is claimed
    expect(await deliver(storage, { ...email(), now: later(retryAt, -1), retry })).toMatchObject({ claimed: 0 })
    expect(await deliver(storage, { ...email(), now: retryAt, retry })).toMatchObject({ claimed: 1, delivered: 1 })
    expect(await deliver(storage, { ...email(), now: later(retryAt, 86_400_000), retry })).toMatchObject({ claimed: 0 })
    expect(smtp.refused).toEqual([451])
    expect(smtp.accepted).toHaveLength(1)
    expect(smtp.accepted[0]?.messageId).toContain("=3Anotify=3A")
  })

  it("(c) a deliverer crashed holding the claim: after its lease another delivers it, once", async () => {
    const { storage } = await queuedNotification()
    const now = new Date().toISOString()
    const crashed = await Effect.runPromise(
      Effect.gen(function* () {
        const outbox = yield* Outbox
        return yield* outbox.claim(systemAccess("crashed"), { owner: "crashed", now, leaseMs: 30_000, limit: 10 })
      }).pipe(Effect.provide(storage.layer))
    )
    expect(crashed).toHaveLength(1)
    expect(await deliver(storage, { ...email(), now: later(now, 29_999) })).toMatchObject({ claimed: 0 })
    expect(await deliver(storage, { ...email(), now: later(now, 30_000) })).toMatchObject({ claimed: 1, delivered: 1 })
    expect(smtp.accepted).toHaveLength(1)
  })

  it("(c) a lease lost mid-send (a paused deliverer): the late one's completion is a Conflict (lost), both copies carry one Message-ID", async () => {
    const { storage } = await queuedNotification()
    // the server takes 1.5 s to answer A's message, and keeps it (an MTA queues before it replies)
    smtp.script.push({ delayMs: 1_500 })
    const now = new Date().toISOString()
    const a = deliver(storage, { ...email(), owner: "deliverer-a", now, leaseMs: 10_000 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    // B's clock is past A's lease: it takes the message over and sends it at once
    const b = await deliver(storage, { ...email(), owner: "deliverer-b", now: later(now, 10_001), leaseMs: 10_000 })
    expect(b).toMatchObject({ claimed: 1, delivered: 1 })
    expect(await a).toMatchObject({ claimed: 1, delivered: 0, lost: 1 })
    const [stored] = await storage.inspect.outbox()
    expect(stored).toMatchObject({ status: "done", attempt: 2, owner: "deliverer-b" })
    expect(smtp.accepted).toHaveLength(2)
    expect(new Set(smtp.accepted.map((m) => m.messageId)).size).toBe(1)
  })

  it("(c) a send that would outlast the lease is cut off before the lease ends and retried, not completed late", async () => {
    const { storage } = await queuedNotification()
    smtp.script.push({ delayMs: 2_500 })
    const report = await deliver(storage, { ...email(), leaseMs: 1_000 })
    expect(report).toMatchObject({ claimed: 1, retried: 1, delivered: 0, lost: 0 })
    const [stored] = await storage.inspect.outbox()
    expect(stored).toMatchObject({ status: "pending", lastError: expect.stringContaining("Timeout") })
  })
})

describe("a whole template through the engine (runTemplate)", () => {
  it("create → start → company → the notification step runs as the system → queued once → delivered once", async () => {
    const result = await Effect.runPromise(
      runTemplate({
        template: template(),
        handlers: [notificationHandler, dataHandler],
        steps: [{ stepId: "company", input: company }]
      })
    )
    expect(result.state.currentStepId).toBe("review")
    const notifyEvents = result.events.filter((e) => "stepId" in e && e.stepId === "notify")
    expect(notifyEvents.map((e) => [e.type, e.performedBy])).toEqual([
      ["STEP_SCHEDULED", "test-user"],
      ["STEP_STARTED", "system"],
      ["STEP_COMPLETED", "system"]
    ])
    const queued = await result.storage.inspect.outbox()
    expect(queued).toHaveLength(1)
    expect(queued[0]?.message).toMatchObject({
      kind: "notification",
      payload: { channel: "email", to: [{ role: "market_ops" }] }
    })
    expect(await deliver(result.storage, email())).toMatchObject({ claimed: 1, delivered: 1 })
    expect(await deliver(result.storage, email())).toMatchObject({ claimed: 0 })
    expect(smtp.accepted).toHaveLength(1)
    expect(smtp.accepted[0]?.text?.trim()).toBe("Engie Belgium (BE0403170701) applied.")
  })
})
