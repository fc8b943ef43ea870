/**
 * The delivery pass on core's memory outbox with real peers on 127.0.0.1: recipients by role
 * (tenant first, then global) and by address, deduplicated; the webhook acceptance (signed,
 * `Idempotency-Key` constant across redeliveries, 503 then success, dead on 400); dead after
 * `maxAttempts`; a user-added channel; a transport that throws; hostile payloads and options —
 * typed outcomes, never a crash.
 */
import { createHmac } from "node:crypto"
import { type Json, systemAccess, systemActor, type Template } from "@workflow-manager/core"
import { Effect } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  deliverNotifications,
  type Notification,
  type NotificationTransport,
  smtpTransport,
  staticRecipients,
  webhookTransport
} from "../src/index.js"
import { deliver, later } from "./support/deliver.js"
import { memoryEngine, tenantId, throughFirstStep } from "./support/engine.js"
import { startHttpServer, type TestHttpServer } from "./support/http.js"
import { startSmtpServer, type TestSmtpServer } from "./support/smtp.js"

let smtp: TestSmtpServer
let http: TestHttpServer
beforeAll(async () => {
  smtp = await startSmtpServer()
  http = await startHttpServer()
})
afterAll(async () => {
  await smtp?.close()
  await http?.close()
})
beforeEach(() => {
  smtp.accepted.length = 0
  smtp.script.length = 0
  http.received.length = 0
  http.script.length = 0
})

const secret = "crm-signing-secret-0123456789"
const transports = () => [
  smtpTransport({ from: "noreply@tso.example", host: "127.0.0.1", port: smtp.port, ignoreTLS: true }),
  webhookTransport({ endpoints: { crm: { url: `${http.url}/crm`, secret } }, timeoutMs: 5_000 })
]

/** Runs a template whose single automatic step queues a notification, and returns the storage. */
const queued = async (step: Template["steps"][number], input: Record<string, Json> = {}) => {
  const template: Template = {
    schemaVersion: 1,
    id: "t",
    version: 1,
    name: "t",
    marketRole: "BRP",
    steps: [{ id: "company", type: "data", config: {} }, step, { id: "end", type: "data", config: {} }]
  }
  const { storage, live, publish } = memoryEngine([template])
  await Effect.runPromise(
    Effect.gen(function* () {
      const engine = yield* publish
      const done = yield* throughFirstStep(engine, "t", input)
      yield* engine.runAutomaticStep({ actor: systemActor(tenantId), instanceId: done.instanceId })
    }).pipe(Effect.provide(live))
  )
  expect(await storage.inspect.outbox()).toHaveLength(1)
  return storage
}

const addressesOf = (i: number) => {
  const to = smtp.accepted[i]?.to
  return (Array.isArray(to) ? to : [to]).flatMap((a) => a?.value.map((v) => v.address) ?? [])
}

describe("recipients", () => {
  it("by role (the tenant's first, then everyone's) and by address, duplicates removed", async () => {
    const storage = await queued(
      {
        id: "notify",
        type: "notification",
        config: {
          channel: "email",
          to: [{ role: "market_ops" }, { role: "brp_admin" }, { address: "{{steps.company.data.contact}}" }],
          subject: "Hello",
          text: "Hello"
        }
      },
      { contact: "Bob@Engie.example" }
    )
    const recipients = staticRecipients(
      { market_ops: ["ops-1@tso.example", "ops-2@tso.example"], brp_admin: ["nobody@elsewhere.example"] },
      { byTenant: { [tenantId]: { brp_admin: ["bob@engie.example", "anne@engie.example"] } } }
    )
    expect(await deliver(storage, { transports: transports(), recipients })).toMatchObject({ delivered: 1 })
    // the first spelling of an address wins (bob@ from the directory, before Bob@ from the step data)
    expect(addressesOf(0)).toEqual([
      "ops-1@tso.example",
      "ops-2@tso.example",
      "bob@engie.example",
      "anne@engie.example"
    ])
  })

  it("a role nobody holds is dead (nothing to send); without a directory the message waits (Misconfigured, retried)", async () => {
    const step: Template["steps"][number] = {
      id: "notify",
      type: "notification",
      config: { channel: "email", to: [{ role: "dso_contact" }], subject: "Hi", text: "Hi" }
    }
    const empty = await queued(step)
    expect(await deliver(empty, { transports: transports(), recipients: staticRecipients({}) })).toMatchObject({
      dead: 1
    })
    expect((await empty.inspect.outbox())[0]).toMatchObject({
      status: "dead",
      lastError: expect.stringContaining("InvalidMessage")
    })
    const noDirectory = await queued(step)
    expect(await deliver(noDirectory, { transports: transports() })).toMatchObject({ retried: 1 })
    expect((await noDirectory.inspect.outbox())[0]).toMatchObject({
      status: "pending",
      lastError: expect.stringContaining("Misconfigured")
    })
    expect(smtp.accepted).toHaveLength(0)
  })

  it("a directory that answers a hostile address is Misconfigured; nothing is sent", async () => {
    const storage = await queued({
      id: "notify",
      type: "notification",
      config: { channel: "email", to: [{ role: "market_ops" }], subject: "Hi", text: "Hi" }
    })
    const hostile = { resolve: () => Effect.succeed(["ops@tso.example\r\nBcc: victim@evil.example"]) }
    expect(await deliver(storage, { transports: transports(), recipients: hostile })).toMatchObject({ retried: 1 })
    expect(smtp.accepted).toHaveLength(0)
  })
})

describe("webhooks through the outbox", () => {
  const webhookStep: Template["steps"][number] = {
    id: "notify",
    type: "notification",
    config: {
      channel: "webhook",
      endpoint: "crm",
      body: { event: "brp.applied", company: "{{steps.company.data}}", instance: "{{instance.id}}" }
    }
  }

  it("signed body, Idempotency-Key constant across redeliveries, 503 then success", async () => {
    const storage = await queued(webhookStep, { legalName: "Engie" })
    http.script.push({ status: 503, body: "maintenance" })
    const now = new Date().toISOString()
    const retry = { initialDelayMs: 1_000, jitter: 0 }
    expect(await deliver(storage, { transports: transports(), now, retry })).toMatchObject({ retried: 1 })
    expect(await deliver(storage, { transports: transports(), now: later(now, 60_000), retry })).toMatchObject({
      delivered: 1
    })
    expect(http.received).toHaveLength(2)
    const [id] = (await storage.inspect.outbox()).map((m) => m.message.id)
    for (const request of http.received) {
      expect(request.headers["idempotency-key"]).toBe(id)
      expect(JSON.parse(request.body)).toEqual({
        event: "brp.applied",
        company: { legalName: "Engie" },
        instance: "wf-1"
      })
      const timestamp = String(request.headers["x-signature-timestamp"])
      const hmac = createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest("hex")
      expect(request.headers["x-signature"]).toBe(`sha256=${hmac}`)
    }
    expect((await storage.inspect.outbox())[0]).toMatchObject({ status: "done", attempt: 2 })
  })

  it("dead on 400: never claimed again", async () => {
    const storage = await queued(webhookStep, { legalName: "Engie" })
    http.script.push({ status: 400, body: "bad event" })
    const now = new Date().toISOString()
    expect(await deliver(storage, { transports: transports(), now })).toMatchObject({ dead: 1 })
    expect(await deliver(storage, { transports: transports(), now: later(now, 86_400_000) })).toMatchObject({
      claimed: 0
    })
    expect((await storage.inspect.outbox())[0]).toMatchObject({
      status: "dead",
      lastError: expect.stringContaining("Rejected 400")
    })
    expect(http.received).toHaveLength(1)
  })

  it("dead after maxAttempts of retryable failures, with capped backoff between them", async () => {
    const storage = await queued(webhookStep, { legalName: "Engie" })
    http.script.push({ status: 503 }, { status: 503 }, { status: 503 })
    const retry = { maxAttempts: 3, initialDelayMs: 10_000, backoffFactor: 10, maxDelayMs: 50_000, jitter: 0 }
    let now = new Date().toISOString()
    const gaps: Array<number> = []
    const reports = []
    for (let i = 0; i < 3; i++) {
      reports.push(await deliver(storage, { transports: transports(), now, retry }))
      const [m] = await storage.inspect.outbox()
      if (m?.status === "pending") {
        gaps.push(Date.parse(m.message.availableAt) - Date.parse(now))
        now = m.message.availableAt
      }
    }
    expect(reports.map((r) => [r.retried, r.dead])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1]
    ])
    expect(gaps[0]).toBeGreaterThanOrEqual(10_000)
    expect(gaps[1]).toBeGreaterThanOrEqual(50_000)
    expect(gaps[1]).toBeLessThan(60_000)
  })
})

describe("channels and transports", () => {
  it("a user-added channel is served by the user's transport; a transport that throws is a retryable failure, not a crash", async () => {
    const storage = await queued(
      {
        id: "notify",
        type: "notification",
        config: { channel: "audit-log", text: "{{steps.company.data.legalName}} applied", key: "audit" }
      },
      { legalName: "Engie" }
    )
    const sent: Array<[Notification, string]> = []
    const audit: NotificationTransport = {
      channel: "audit-log",
      send: (message, { idempotencyKey }) => Effect.sync(() => void sent.push([message, idempotencyKey]))
    }
    const throwing: NotificationTransport = {
      channel: "audit-log",
      send: () => {
        throw new TypeError("bug in a plugin")
      }
    }
    const now = new Date().toISOString()
    expect(await deliver(storage, { transports: [throwing], now })).toMatchObject({ retried: 1 })
    expect(await deliver(storage, { transports: [audit], now: later(now, 3_600_000) })).toMatchObject({ delivered: 1 })
    expect(sent).toHaveLength(1)
    expect(sent[0]?.[0]).toMatchObject({
      channel: "audit-log",
      text: "Engie applied",
      to: [],
      attempt: 2,
      stepId: "notify"
    })
    expect(sent[0]?.[1]).toMatch(/:notify:\d+:1:audit$/)
  })

  it("a channel without a transport waits (Misconfigured), then goes out once the deployer adds it", async () => {
    const storage = await queued({ id: "notify", type: "notification", config: { channel: "sms", text: "hi" } })
    const now = new Date().toISOString()
    expect(await deliver(storage, { transports: transports(), now })).toMatchObject({ retried: 1 })
    expect((await storage.inspect.outbox())[0]?.lastError).toContain("no transport for the channel sms")
    const texts: Array<string | undefined> = []
    const sms: NotificationTransport = { channel: "sms", send: (m) => Effect.sync(() => void texts.push(m.text)) }
    expect(await deliver(storage, { transports: [sms], now: later(now, 3_600_000) })).toMatchObject({ delivered: 1 })
    expect(texts).toEqual(["hi"])
  })
})

describe("hostile input", () => {
  const raw = (payload: Json) => queued({ id: "notify", type: "raw-queue", config: { payload } })

  it("payloads that are not notifications are dead (InvalidMessage); nothing reaches a peer", async () => {
    const hostile: ReadonlyArray<Json> = [
      null,
      "a string",
      [],
      { schemaVersion: 2, channel: "email", stepId: "s" },
      {
        schemaVersion: 1,
        channel: "email",
        stepId: "s",
        to: [{ address: "a@b.example\r\nBcc: c@d.example" }],
        subject: "x",
        text: "y"
      },
      {
        schemaVersion: 1,
        channel: "email",
        stepId: "s",
        to: [{ address: "a@b.example" }],
        subject: "x\r\nBcc: c@d.example",
        text: "y"
      },
      {
        schemaVersion: 1,
        channel: "email",
        stepId: "s",
        to: Array.from({ length: 51 }, () => ({ address: "a@b.example" })),
        subject: "x",
        text: "y"
      },
      { schemaVersion: 1, channel: "email", stepId: "s", to: [], subject: "x", text: "y" },
      JSON.parse(
        '{"schemaVersion":1,"channel":"email","stepId":"s","__proto__":{"to":[{"address":"a@b.example"}]},"subject":"x","text":"y"}'
      )
    ]
    for (const payload of hostile) {
      const storage = await raw(payload)
      const report = await deliver(storage, { transports: transports(), recipients: staticRecipients({}) })
      expect([JSON.stringify(payload).slice(0, 60), report.dead]).toEqual([JSON.stringify(payload).slice(0, 60), 1])
    }
    expect(smtp.accepted).toHaveLength(0)
    expect(http.received).toHaveLength(0)
  })

  it("options that cannot work are an InvalidDeliveryOptions, never a crash", async () => {
    const storage = await raw({ schemaVersion: 1, channel: "email", stepId: "s" })
    const bad: ReadonlyArray<Record<string, unknown>> = [
      { limit: 0 },
      { limit: 501 },
      { limit: 1.5 },
      { leaseMs: 10 },
      { leaseMs: Number.NaN },
      { owner: "" },
      { owner: "x".repeat(201) },
      { now: "yesterday" },
      { transports: "smtp" },
      { transports: [null] },
      { transports: [{ channel: "email" }] },
      { transports: [...transports(), ...transports()] },
      { retry: { maxAttempts: 0 } },
      { retry: { jitter: 2 } },
      { retry: null },
      { concurrency: 0 },
      { recipients: { resolve: "x" } },
      { outbox: null },
      { access: { _tag: "Root" } }
    ]
    for (const options of bad) {
      const error = await deliver(storage, { transports: transports(), ...options } as never).then(
        () => undefined,
        (e: unknown) => e
      )
      expect([options, (error as { _tag?: string })?._tag]).toEqual([options, "InvalidDeliveryOptions"])
    }
    const throwing = {
      claim: () => {
        throw new Error("driver bug")
      },
      complete: () => Effect.void,
      fail: () => Effect.void
    }
    const crashed = await Effect.runPromise(
      Effect.flip(
        deliverNotifications({
          outbox: throwing as never,
          access: systemAccess("n"),
          transports: [],
          owner: "n",
          limit: 1,
          leaseMs: 5000
        })
      )
    )
    expect(crashed).toMatchObject({ _tag: "StorageError", operation: "Outbox.claim", reason: { _tag: "Unavailable" } })
    const none = await Effect.runPromise(Effect.flip(deliverNotifications(null as never)))
    expect(none._tag).toBe("InvalidDeliveryOptions")
  })
})
