/**
 * The webhook transport against a real `node:http` server on 127.0.0.1: the signed body and its
 * headers, statuses classified (2xx, 408/429/5xx retryable, 3xx and other 4xx dead), a hanging
 * server cut off within the bound, a huge response read only up to the cap, endpoints that only the
 * deployer names, and bad options refused at construction.
 */
import { createHmac } from "node:crypto"
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Notification, signWebhook, webhookTransport } from "../src/index.js"
import { startHttpServer, type TestHttpServer } from "./support/http.js"
import { thrown } from "./support/thrown.js"

const secret = "a-signing-secret-of-32-characters"
let http: TestHttpServer
beforeAll(async () => {
  http = await startHttpServer()
})
afterAll(async () => {
  await http?.close()
})

const message = (overrides: Partial<Notification> = {}): Notification => ({
  id: "wf-1:notify:3:1:crm",
  tenantId: "engie-be",
  instanceId: "wf-1",
  stepId: "notify",
  channel: "webhook",
  attempt: 1,
  to: [],
  endpoint: "crm",
  body: { event: "brp.applied", company: { legalName: "Engie" } },
  ...overrides
})

const transport = (options: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
  webhookTransport({
    endpoints: {
      crm: { url: `${http.url}/hooks/crm`, secret, headers: { "X-Api-Key": "k-123" } },
      plain: { url: `${http.url}/hooks/plain` }
    },
    ...options
  })

const send = (m: Notification = message(), options?: { timeoutMs?: number; maxResponseBytes?: number }) =>
  Effect.runPromiseExit(transport(options).send(m, { idempotencyKey: m.id }))

const errorOf = (exit: Exit.Exit<void, unknown>) => {
  const reason = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  return reason?._tag === "Fail" ? (reason.error as { reason: string; code?: string; message: string }) : undefined
}

describe("webhookTransport", () => {
  it("POSTs the JSON body, signed (HMAC-SHA256 of timestamp.body), with the Idempotency-Key and the deployer's headers", async () => {
    const before = http.received.length
    expect(Exit.isSuccess(await send())).toBe(true)
    const [request] = http.received.slice(before)
    expect(request).toMatchObject({ method: "POST", url: "/hooks/crm" })
    expect(JSON.parse(request?.body ?? "")).toEqual({ event: "brp.applied", company: { legalName: "Engie" } })
    const headers = request?.headers ?? {}
    expect(headers["content-type"]).toBe("application/json")
    expect(headers["idempotency-key"]).toBe("wf-1:notify:3:1:crm")
    expect(headers["x-api-key"]).toBe("k-123")
    const timestamp = String(headers["x-signature-timestamp"])
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300)
    const expected = createHmac("sha256", secret).update(`${timestamp}.${request?.body}`).digest("hex")
    expect(headers["x-signature"]).toBe(`sha256=${expected}`)
    expect(signWebhook(secret, request?.body ?? "", Number(timestamp))["X-Signature"]).toBe(`sha256=${expected}`)
  })

  it("an endpoint without a secret is not signed", async () => {
    const before = http.received.length
    expect(Exit.isSuccess(await send(message({ endpoint: "plain" })))).toBe(true)
    expect(http.received.slice(before)[0]?.headers["x-signature"]).toBeUndefined()
  })

  it("statuses: 503, 408, 429 retryable; 400, 404, 302 dead; 204 delivered", async () => {
    const cases: ReadonlyArray<readonly [number, string | undefined]> = [
      [503, "Unavailable"],
      [500, "Unavailable"],
      [408, "Unavailable"],
      [429, "Unavailable"],
      [400, "Rejected"],
      [404, "Rejected"],
      [302, "Rejected"],
      [204, undefined]
    ]
    for (const [status, reason] of cases) {
      http.script.push({ status, body: "nope", ...(status === 302 ? { location: "http://127.0.0.1:1/" } : {}) })
      const exit = await send()
      expect([status, errorOf(exit)?.reason]).toEqual([status, reason])
      if (reason !== undefined) expect(errorOf(exit)?.code).toBe(String(status))
    }
  })

  it("a hanging server is cut off within the bound (Timeout)", async () => {
    http.script.push({ hang: true })
    const error = errorOf(await send(message(), { timeoutMs: 300 }))
    expect(error?.reason).toBe("Timeout")
  })

  it("a huge response is read only up to the cap", async () => {
    http.script.push({ bytes: 512 * 1024 * 1024 })
    const exit = await send(message(), { maxResponseBytes: 1024, timeoutMs: 10_000 })
    expect(Exit.isSuccess(exit)).toBe(true)
  })

  it("an endpoint the deployer did not configure is Misconfigured; no request is made; a URL is never taken from the message", async () => {
    const before = http.received.length
    for (const endpoint of ["unknown", "__proto__", "constructor", `${http.url}/hooks/crm`, undefined]) {
      const m = { ...message(), endpoint } as Notification
      expect(errorOf(await send(m))?.reason).toBe("Misconfigured")
    }
    expect(http.received.length).toBe(before)
  })

  it("a connection refused is Unavailable", async () => {
    const t = webhookTransport({ endpoints: { down: { url: "http://127.0.0.1:1/" } }, timeoutMs: 2000 })
    const exit = await Effect.runPromiseExit(t.send(message({ endpoint: "down" }), { idempotencyKey: "k" }))
    expect(errorOf(exit)?.reason).toBe("Unavailable")
  })

  it("bad options are an InvalidTransportConfig listing every problem", () => {
    const attempt = (options: unknown) =>
      thrown(() => webhookTransport(options as Parameters<typeof webhookTransport>[0]))
    expect(attempt(undefined)).toMatchObject({ _tag: "InvalidTransportConfig" })
    expect(attempt({ endpoints: null })?.problems).toEqual(["endpoints must be an object"])
    expect(
      attempt({
        endpoints: {
          a: { url: "file:///etc/passwd" },
          b: { url: "not a url" },
          c: { url: "https://x.example", secret: "short" },
          d: { url: "https://x.example", headers: { "X-Evil": "a\r\nHost: evil" } },
          e: { url: "https://x.example", headers: { "Idempotency-Key": "mine" } },
          f: null
        },
        timeoutMs: 0
      })?.problems
    ).toEqual([
      "endpoints.a.url must be an http: or https: URL",
      "endpoints.b.url must be an http: or https: URL",
      "endpoints.c.secret must be a string of at least 16 characters",
      "endpoints.d.headers.X-Evil must be a string without CR, LF or NUL",
      "endpoints.e.headers: Idempotency-Key is set by the transport",
      "endpoints.f must be an object with a url",
      "timeoutMs must be a positive integer"
    ])
  })
})
