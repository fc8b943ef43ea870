/**
 * The handler through core's plugin harness (`runStep`, `compensateStep`) against real HTTP servers
 * on 127.0.0.1: retries within an attempt under one idempotency key, response mapping, failures
 * mapped to retryable or final `StepHandlerError`s, timeouts within their bound, the size caps, and
 * secret headers that reach the server and nothing else.
 */
import { isStepResult, type Json, type StepHandlerError } from "@workflow-manager/core"
import { compensateStep, runStep } from "@workflow-manager/core/testing"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { makeApiCallHandler, secretsFromMap } from "../src/index.js"
import { failThen, hang, json, serversPerTest, type TestServer } from "./support/servers.js"

const serve = serversPerTest()

const handlerFor = (server: TestServer, extra: Parameters<typeof makeApiCallHandler>[0] = {}) =>
  makeApiCallHandler({ allow: [`127.0.0.1:${server.port}`], ...extra })

const failure = async (effect: Effect.Effect<unknown, unknown>): Promise<StepHandlerError> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") throw new Error(`expected a typed failure: ${String(exit.cause)}`)
  return error.error as StepHandlerError
}

const output = (value: unknown): Json => (isStepResult(value) ? (value.output ?? null) : (value as Json))

describe("retries within one attempt", () => {
  it("500 three times then 200: exactly 4 requests, one Idempotency-Key, the response mapped", async () => {
    const server = await serve(failThen(3, 500, json(200, { company: { name: "Engie Belgium", vat: "BE0403170701" } })))
    const result = await Effect.runPromise(
      runStep(handlerFor(server), {
        stepId: "registry",
        config: {
          method: "POST",
          url: `${server.origin}/companies/{{metadata.vat}}?q={{metadata.name}}`,
          body: { vat: "{{metadata.vat}}", note: "for {{metadata.name}}", nested: ["{{metadata.count}}"] },
          response: { name: "/company/name", vat: "company.vat", missing: "/nope" },
          retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20 }
        },
        input: null,
        state: stateWith({ vat: "BE0403170701", name: "Engie & co/BE", count: 3 })
      })
    )
    expect(output(result)).toEqual({ name: "Engie Belgium", vat: "BE0403170701", missing: null })
    expect(server.requests).toHaveLength(4)
    const keys = new Set(server.requests.map((r) => r.headers["idempotency-key"]))
    expect([...keys]).toEqual(["test-instance:registry:2:1"])
    const last = server.requests[3]
    expect(last?.path).toBe("/companies/BE0403170701?q=Engie%20%26%20co%2FBE")
    expect(JSON.parse(last?.body ?? "")).toEqual({ vat: "BE0403170701", note: "for Engie & co/BE", nested: [3] })
    expect(last?.headers["content-type"]).toBe("application/json")
    expect(last?.headers.host).toBe(`127.0.0.1:${server.port}`)
  })

  it("exhausted retries on 503 → a retryable StepHandlerError with the status as code", async () => {
    const server = await serve(failThen(99, 503, json(200, {})))
    const error = await failure(
      runStep(handlerFor(server), {
        config: {
          method: "GET",
          url: `${server.origin}/`,
          retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 }
        },
        input: null
      })
    )
    expect(error).toMatchObject({ _tag: "StepHandlerError", code: "503", retryable: true })
    expect(error.message).toContain("after 3 tries")
    expect(server.requests).toHaveLength(3)
  })

  it("a 4xx (other than 408/429) is final at once: one request, non-retryable, status as code", async () => {
    const server = await serve(json(404, { error: "no such company" }))
    const error = await failure(
      runStep(handlerFor(server), {
        config: { method: "GET", url: `${server.origin}/x`, retry: { maxAttempts: 5, initialDelayMs: 1 } },
        input: null
      })
    )
    expect(error).toMatchObject({ code: "404", retryable: false })
    expect(server.requests).toHaveLength(1)
  })

  it("429 with Retry-After is retried, waiting at most the deployer's backoff cap", async () => {
    const server = await serve(failThen(1, 429, json(200, { ok: true }), { "retry-after": "3600" }))
    const started = Date.now()
    const result = await Effect.runPromise(
      runStep(handlerFor(server, { maxDelayMs: 50 }), {
        config: { method: "GET", url: `${server.origin}/`, response: { ok: "ok" }, retry: { maxAttempts: 2 } },
        input: null
      })
    )
    expect(output(result)).toEqual({ ok: true })
    expect(server.requests).toHaveLength(2)
    // a generous bound: the server asked for an hour, the cap is 50 ms
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it("without a response mapping the output is the status; a non-JSON body is then fine", async () => {
    const server = await serve((_r, _i, res) => res.writeHead(204).end())
    const result = await Effect.runPromise(
      runStep(handlerFor(server), { config: { method: "DELETE", url: `${server.origin}/a` }, input: null })
    )
    expect(output(result)).toEqual({ status: 204 })
  })
})

describe("timeouts and caps", () => {
  it("a hanging server → a retryable Timeout within timeout × attempts + backoff", async () => {
    const server = await serve(hang)
    const started = Date.now()
    const error = await failure(
      runStep(handlerFor(server), {
        config: {
          method: "GET",
          url: `${server.origin}/slow`,
          timeoutMs: 200,
          retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 }
        },
        input: null
      })
    )
    const elapsed = Date.now() - started
    expect(error).toMatchObject({ code: "Timeout", retryable: true })
    expect(server.requests).toHaveLength(2)
    expect(elapsed).toBeGreaterThanOrEqual(400)
    // the bound is 2 × 200 + 10 ms; generous for a loaded machine
    expect(elapsed).toBeLessThan(10_000)
  })

  it("the head timeout ends a request whose headers never come, well before the request timeout", async () => {
    const server = await serve(hang)
    const error = await failure(
      runStep(handlerFor(server, { headersTimeoutMs: 100 }), {
        config: { method: "GET", url: `${server.origin}/`, timeoutMs: 60_000, retry: { maxAttempts: 1 } },
        input: null
      })
    )
    expect(error).toMatchObject({ code: "Timeout", retryable: true })
    expect(error.message).toContain("no response headers within 100 ms")
  })

  it("a body that trickles forever ends at the request timeout", async () => {
    const server = await serve((_r, _i, res) => {
      res.writeHead(200, { "content-type": "application/json" })
      res.write("[")
    })
    const error = await failure(
      runStep(handlerFor(server), {
        config: {
          method: "GET",
          url: `${server.origin}/`,
          timeoutMs: 200,
          retry: { maxAttempts: 1 },
          response: { a: "a" }
        },
        input: null
      })
    )
    expect(error).toMatchObject({ code: "Timeout", retryable: true })
    expect(error.message).toContain("no complete response within 200 ms")
  })

  it("a failing resolver is a retryable DnsFailed; a resolver that never answers ends at the timeout", async () => {
    const failing = makeApiCallHandler({ lookup: () => Effect.fail("SERVFAIL") })
    const silent = makeApiCallHandler({ lookup: () => Effect.never })
    const config = { method: "GET", url: "http://registry.test/", timeoutMs: 200, retry: { maxAttempts: 1 } }
    expect(await failure(runStep(failing, { config, input: null }))).toMatchObject({
      code: "DnsFailed",
      retryable: true
    })
    expect(await failure(runStep(silent, { config, input: null }))).toMatchObject({ code: "Timeout", retryable: true })
  })

  it("a response over the size cap is aborted with ResponseTooLarge (streamed and declared)", async () => {
    const streamed = await serve((_r, _i, res) => {
      res.writeHead(200, { "content-type": "application/json" })
      res.write("x".repeat(64 * 1024))
      res.write("x".repeat(64 * 1024))
      res.end()
    })
    const declared = await serve((_r, _i, res) => {
      res.writeHead(200, { "content-length": String(10 * 1024 * 1024) })
      res.write("x")
    })
    for (const server of [streamed, declared]) {
      const error = await failure(
        runStep(handlerFor(server, { maxResponseBytes: 1024 }), {
          config: { method: "GET", url: `${server.origin}/big`, response: { a: "a" } },
          input: null
        })
      )
      expect(error).toMatchObject({ code: "ResponseTooLarge", retryable: false })
    }
  })

  it("response headers over the cap → HeadersTooLarge", async () => {
    const server = await serve((_r, _i, res) => {
      res.writeHead(200, { "x-big": "y".repeat(8 * 1024) })
      res.end("{}")
    })
    const error = await failure(
      runStep(handlerFor(server, { maxHeaderBytes: 1024 }), {
        config: { method: "GET", url: `${server.origin}/` },
        input: null
      })
    )
    expect(error).toMatchObject({ code: "HeadersTooLarge", retryable: false })
  })

  it("a request body over the deployer's cap is refused before any connection", async () => {
    const server = await serve(json(200, {}))
    const error = await failure(
      runStep(handlerFor(server, { maxRequestBytes: 100 }), {
        config: { method: "POST", url: `${server.origin}/`, body: { data: "{{input.blob}}" } },
        input: { blob: "z".repeat(1000) }
      })
    )
    expect(error).toMatchObject({ code: "RequestTooLarge", retryable: false })
    expect(server.connections).toBe(0)
  })
})

describe("secrets by reference", () => {
  const secret = "s3cr3t-Registry-T0ken-9f8e7d"

  it("reach the server as header values; missing ones fail with SecretNotFound naming only the secret", async () => {
    const server = await serve(json(200, { ok: true }))
    const handler = handlerFor(server, { secrets: secretsFromMap({ "registry-token": secret }) })
    await Effect.runPromise(
      runStep(handler, {
        config: {
          method: "GET",
          url: `${server.origin}/`,
          headers: { authorization: { secret: "registry-token" }, "x-tenant": "{{instance.tenantId}}" }
        },
        input: null
      })
    )
    expect(server.requests[0]?.headers.authorization).toBe(secret)
    expect(server.requests[0]?.headers["x-tenant"]).toBe("test-tenant")
    const error = await failure(
      runStep(handler, {
        config: { method: "GET", url: `${server.origin}/`, headers: { authorization: { secret: "other" } } },
        input: null
      })
    )
    expect(error).toMatchObject({ code: "SecretNotFound", retryable: false })
    expect(error.message).toContain('"other"')
    expect(server.requests).toHaveLength(1)
  })

  it("a failure after sending a secret never carries it (the value is scrubbed from messages)", async () => {
    const server = await serve(json(500, { echo: secret }))
    const handler = handlerFor(server, { secrets: secretsFromMap({ token: secret }) })
    const error = await failure(
      runStep(handler, {
        config: {
          method: "GET",
          url: `${server.origin}/`,
          headers: { "x-api-key": { secret: "token" } },
          retry: { maxAttempts: 1 }
        },
        input: null
      })
    )
    expect(JSON.stringify(error)).not.toContain(secret)
    expect(String(error)).not.toContain(secret)
  })
})

describe("compensation", () => {
  it("sends the compensation request with the original output and the compensation's own key", async () => {
    const server = await serve(json(200, { cancelled: true }))
    const result = await Effect.runPromise(
      compensateStep(handlerFor(server), {
        stepId: "register",
        config: {
          method: "POST",
          url: `${server.origin}/registrations`,
          compensate: {
            method: "DELETE",
            url: `${server.origin}/registrations/{{output.id}}`,
            body: { why: "rollback" }
          }
        },
        input: null,
        output: { id: "reg 42" }
      })
    )
    expect(result).toEqual({ status: 200 })
    expect(server.requests.map((r) => [r.method, r.path, r.headers["idempotency-key"]])).toEqual([
      ["DELETE", "/registrations/reg%2042", "test-instance:register:compensate:2"]
    ])
  })

  it("a step without a compensation request compensates to null without a request", async () => {
    const server = await serve(json(200, {}))
    const result = await Effect.runPromise(
      compensateStep(handlerFor(server), {
        config: { method: "POST", url: `${server.origin}/` },
        input: null,
        output: { status: 200 }
      })
    )
    expect(result).toBeNull()
    expect(server.connections).toBe(0)
  })
})

/** The harness's default state with instance metadata. */
const stateWith = (metadata: Record<string, Json>) => ({
  schemaVersion: 1 as const,
  instanceId: "test-instance",
  tenantId: "test-tenant",
  templateId: "test-template",
  templateVersion: 1,
  marketRole: "BRP",
  status: "IN_PROGRESS" as const,
  currentStepId: "registry",
  entered: { sequence: 2, at: "2026-01-01T00:00:00.000Z" },
  stepStates: {},
  metadata,
  version: 2,
  createdAt: "2026-01-01T00:00:00.000Z",
  createdBy: "test-user",
  updatedAt: "2026-01-01T00:00:00.000Z"
})
