/**
 * The handler in a real engine on the memory adapter, run as the system actor by
 * `runAutomaticStep` — inline and deferred — against real HTTP servers on 127.0.0.1: the retried
 * request lands once in the step output under one key, a failed attempt gets the template's next
 * attempt with a new key, rollback sends the compensation request with its own key, and the secret
 * never appears in any recorded event, state, index entry or outbox message.
 */
import {
  type Actor,
  defineStepHandler,
  Engine,
  engineLayer,
  MARKET_OPS,
  type MemoryStorage,
  makeMemoryStorage,
  makeRegistry,
  sequentialIdsLayer,
  systemActor,
  type Template
} from "@workflow-manager/core"
import { Effect, Layer, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { makeApiCallHandler, secretsFromMap } from "../src/index.js"
import { failThen, json, serversPerTest, type TestServer } from "./support/servers.js"

const tenant = "engie-be"
const bob: Actor = {
  userId: "u-bob",
  tenantId: tenant,
  role: "brp_admin",
  permissions: ["workflow:read", "workflow:execute"]
}
const ops: Actor = { userId: "mo-alice", tenantId: "tso", role: MARKET_OPS, permissions: ["workflow:*"] }
const secret = "Bearer tok-5e5e-SECRET-a1b2c3"

const serve = serversPerTest()

const companyForm = defineStepHandler({
  type: "company-form",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ vat: Schema.String }),
  execute: ({ input }) => Effect.succeed({ vat: input.vat })
})

const template = (
  server: TestServer,
  run: "inline" | "deferred",
  retry?: Template["steps"][number]["retry"]
): Template => ({
  schemaVersion: 1,
  id: `registry-${run}`,
  version: 1,
  name: "Registry check",
  marketRole: "BRP",
  steps: [
    { id: "company", type: "company-form", config: {} },
    {
      id: "register",
      type: "api-call",
      config: {
        run,
        method: "POST",
        url: `${server.origin}/registrations/{{step.company.vat}}`,
        headers: { authorization: { secret: "registry-token" } },
        body: { vat: "{{step.company.vat}}", tenant: "{{instance.tenantId}}" },
        response: { registrationId: "/registration/id", status: "registration.status" },
        retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20 },
        compensate: {
          method: "DELETE",
          url: `${server.origin}/registrations/{{output.registrationId}}`,
          headers: { authorization: { secret: "registry-token" } }
        }
      },
      ...(retry === undefined ? {} : { retry })
    },
    { id: "review", type: "company-form", config: {} }
  ]
})

const engineOn = (storage: MemoryStorage, server: TestServer) => {
  const apiCall = makeApiCallHandler({
    allow: [`127.0.0.1:${server.port}`],
    secrets: secretsFromMap({ "registry-token": secret })
  })
  return engineLayer({ handlers: makeRegistry([apiCall, companyForm]) }).pipe(
    Layer.provide(Layer.merge(storage.layer, sequentialIdsLayer("wf")))
  )
}

/** Publishes, creates, starts and fills the company step; the API call is then due. */
const upToTheCall = (t: Template) =>
  Effect.gen(function* () {
    const engine = yield* Engine
    yield* engine.publishTemplate(t)
    const created = yield* engine.create({ actor: bob, templateId: t.id })
    const started = yield* engine.start({ actor: bob, instanceId: created.state.instanceId, expectedVersion: 1 })
    const filled = yield* engine.executeStep({
      actor: bob,
      instanceId: started.state.instanceId,
      expectedVersion: started.state.version,
      stepId: "company",
      input: { vat: "BE0403170701" }
    })
    expect(filled.state.currentStepId).toBe("register")
    expect(filled.state.runAt).toBeDefined()
    return { engine, instanceId: filled.state.instanceId }
  })

/** Everything the storage recorded about an instance, as one string. */
const recorded = async (storage: MemoryStorage, instanceId: string) =>
  JSON.stringify([
    await storage.inspect.events(instanceId),
    await storage.inspect.state(instanceId),
    await storage.inspect.indexEntry(instanceId),
    await storage.inspect.outbox(instanceId)
  ])

describe.each(["inline", "deferred"] as const)("in a real engine, %s", (run) => {
  it("500 three times then 200: 4 requests, one key, the response in the step output; rollback compensates with its own key", async () => {
    const server = await serve((request, index, res) =>
      request.method === "DELETE"
        ? json(200, { cancelled: true })(request, index, res)
        : failThen(3, 500, json(201, { registration: { id: "reg-77", status: "active" } }))(request, index, res)
    )
    const storage = makeMemoryStorage()
    const t = template(server, run)
    const program = Effect.gen(function* () {
      const { engine, instanceId } = yield* upToTheCall(t)
      const ran = yield* engine.runAutomaticStep({ actor: systemActor(tenant), instanceId })
      expect(ran.events.map((e) => [e.type, e.performedBy])).toEqual([
        ["STEP_STARTED", "system"],
        ["STEP_COMPLETED", "system"]
      ])
      // deferred: the attempt was claimed under a lease; inline: no lease
      const start = ran.events[0]
      const lease = start?.type === "STEP_STARTED" ? start.data.lease : "not a start"
      if (run === "deferred") expect(lease).toMatchObject({ owner: "system" })
      else expect(lease).toBeUndefined()
      expect(ran.state.stepStates.register).toMatchObject({
        status: "completed",
        attempts: 1,
        data: { registrationId: "reg-77", status: "active" }
      })
      expect(ran.state.currentStepId).toBe("review")
      const posts = server.requests.filter((r) => r.method === "POST")
      expect(posts).toHaveLength(4)
      const entered = (yield* engine.events({ actor: bob, instanceId, from: 1 })).items.find(
        (e) => e.type === "STEP_COMPLETED" && e.stepId === "company"
      )?.sequence
      const key = `${instanceId}:register:${entered}:1`
      expect(new Set(posts.map((r) => r.headers["idempotency-key"]))).toEqual(new Set([key]))
      expect(posts.map((r) => r.path)).toEqual(Array(4).fill("/registrations/BE0403170701"))
      expect(JSON.parse(posts[0]?.body ?? "")).toEqual({ vat: "BE0403170701", tenant })
      expect(posts[0]?.headers.authorization).toBe(secret)

      const rolled = yield* engine.rollback({
        actor: ops,
        instanceId,
        expectedVersion: ran.state.version,
        toStepId: "company"
      })
      expect(rolled.events.map((e) => e.type)).toEqual([
        "WORKFLOW_ROLLBACK_STARTED",
        "STEP_COMPENSATED",
        "WORKFLOW_ROLLED_BACK"
      ])
      const deletes = server.requests.filter((r) => r.method === "DELETE")
      expect(deletes.map((r) => r.path)).toEqual(["/registrations/reg-77"])
      const compensationKey = deletes[0]?.headers["idempotency-key"]
      expect(compensationKey).toBe(`${instanceId}:register:compensate:${rolled.events[0]?.sequence}`)
      expect(compensationKey).not.toBe(key)
      return instanceId
    })
    const instanceId = await Effect.runPromise(program.pipe(Effect.provide(engineOn(storage, server))))
    const everything = await recorded(storage, instanceId)
    expect(everything).toContain("reg-77")
    expect(everything).not.toContain(secret)
    expect(everything).not.toContain("tok-5e5e")
  })

  it("exhausted retries fail the attempt (retryable, no secret recorded); the template's next attempt uses a new key", async () => {
    let healthy = false
    const server = await serve((request, index, res) =>
      healthy
        ? json(200, { registration: { id: "reg-9", status: "active" } })(request, index, res)
        : json(503, { detail: `upstream said ${secret}` })(request, index, res)
    )
    const storage = makeMemoryStorage()
    const t = template(server, run, { maxAttempts: 2, initialDelayMs: 1, jitter: 0 })
    const program = Effect.gen(function* () {
      const { engine, instanceId } = yield* upToTheCall(t)
      const first = yield* engine.runAutomaticStep({ actor: systemActor(tenant), instanceId })
      expect(first.events.map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_FAILED"])
      expect(first.state.stepStates.register).toMatchObject({
        status: "failed",
        attempts: 1,
        error: { code: "503", retryable: true }
      })
      expect(server.requests).toHaveLength(4)
      healthy = true
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
      const second = yield* engine.runAutomaticStep({ actor: systemActor(tenant), instanceId })
      expect(second.state.stepStates.register).toMatchObject({ status: "completed", attempts: 2 })
      const keys = server.requests.map((r) => r.headers["idempotency-key"] as string)
      expect(new Set(keys.slice(0, 4)).size).toBe(1)
      expect(keys[4]).toMatch(/:2$/)
      expect(keys[4]).not.toBe(keys[0])
      return instanceId
    })
    const instanceId = await Effect.runPromise(program.pipe(Effect.provide(engineOn(storage, server))))
    expect(await recorded(storage, instanceId)).not.toContain("tok-5e5e")
  })
})
