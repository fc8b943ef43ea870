/**
 * Hostile config, input, options and responses: every one a typed error — `TemplateInvalid` for a
 * step config, `ValidationFailed` for input, `InvalidApiCallOptions` for a deployer's settings, a
 * final `StepHandlerError` for a request that cannot be rendered or a response that cannot be
 * mapped — and never a crash.
 */
import { runStep } from "@workflow-manager/core/testing"
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  InvalidApiCallOptions,
  makeApiCallHandler,
  makeHttpClient,
  secretsFromEnv,
  secretsFromMap
} from "../src/index.js"
import { json, startServer, type TestServer } from "./support/servers.js"

let server: TestServer
beforeAll(async () => {
  server = await startServer((request, index, res) => {
    if (request.path === "/deep") {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(`{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`)
    } else if (request.path === "/text") res.writeHead(200).end("<html>not json</html>")
    else if (request.path === "/proto") {
      res.writeHead(200).end('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"ok":1}')
    } else json(200, { ok: true })(request, index, res)
  })
})
afterAll(() => server.close())

const handler = () => makeApiCallHandler({ allow: [`127.0.0.1:${server.port}`] })

/** The tag and (for a handler error) the code a run fails with. */
const failureOf = async (config: unknown, input: unknown = null) => {
  const exit = await Effect.runPromiseExit(runStep(handler(), { config, input }))
  if (Exit.isSuccess(exit)) return { tag: "success", value: exit.value }
  const reason = exit.cause.reasons[0]
  if (reason?._tag !== "Fail") throw new Error(`a defect, not a typed failure: ${String(exit.cause)}`)
  const error = reason.error as { _tag: string; code?: string; message: string; retryable?: boolean }
  return { tag: error._tag, code: error.code, retryable: error.retryable, message: error.message }
}

const deep = (levels: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

describe("hostile step config → TemplateInvalid", () => {
  const url = () => `${server.origin}/`
  const bad: ReadonlyArray<readonly [string, () => unknown]> = [
    ["not an object", () => "GET /"],
    ["null", () => null],
    ["unknown method", () => ({ method: "TRACE", url: url() })],
    ["lower-case method", () => ({ method: "get", url: url() })],
    ["bad URL", () => ({ method: "GET", url: "not a url" })],
    ["ftp scheme", () => ({ method: "GET", url: "ftp://example.com/x" })],
    ["file scheme", () => ({ method: "GET", url: "file:///etc/passwd" })],
    ["javascript scheme", () => ({ method: "GET", url: "javascript:alert(1)" })],
    ["a template in the scheme", () => ({ method: "GET", url: "{{input.scheme}}://example.com/" })],
    ["a variable host", () => ({ method: "GET", url: "https://{{input.host}}/x" })],
    ["a variable port", () => ({ method: "GET", url: "https://registry.example:{{input.port}}/x" })],
    [
      "a variable after the host without a slash",
      () => ({ method: "GET", url: "https://registry.example{{input.x}}" })
    ],
    ["unbalanced braces", () => ({ method: "GET", url: `${url()}{{step.a.b` })],
    ["an unknown variable root", () => ({ method: "GET", url: `${url()}{{process.env.HOME}}` })],
    ["an expression", () => ({ method: "GET", url: `${url()}{{step.a.b + 1}}` })],
    ["a huge URL", () => ({ method: "GET", url: `${url()}${"a".repeat(5000)}` })],
    ["a wrong-typed URL", () => ({ method: "GET", url: 42 })],
    ["a reserved header", () => ({ method: "GET", url: url(), headers: { Host: "internal" } })],
    ["an Idempotency-Key header", () => ({ method: "GET", url: url(), headers: { "Idempotency-Key": "mine" } })],
    ["a header name with a space", () => ({ method: "GET", url: url(), headers: { "x bad": "v" } })],
    ["a CRLF header value", () => ({ method: "GET", url: url(), headers: { "x-a": "v\r\nx-injected: 1" } })],
    ["a secret ref with a bad name", () => ({ method: "GET", url: url(), headers: { "x-a": { secret: "../etc" } } })],
    ["a secret ref with extra keys only", () => ({ method: "GET", url: url(), headers: { "x-a": { vault: "x" } } })],
    ["a __proto__ header", () => ({ method: "GET", url: url(), headers: JSON.parse('{"__proto__":"x"}') })],
    ["a huge body", () => ({ method: "POST", url: url(), body: { blob: "x".repeat(70 * 1024) } })],
    ["a deep body", () => ({ method: "POST", url: url(), body: deep(10_000) })],
    [
      "a cyclic body",
      () => {
        const cycle: Record<string, unknown> = {}
        cycle.self = cycle
        return { method: "POST", url: url(), body: cycle }
      }
    ],
    ["a non-JSON body", () => ({ method: "POST", url: url(), body: { at: new Date(0) } })],
    ["a bad template in the body", () => ({ method: "POST", url: url(), body: { a: ["{{step}"] } })],
    ["a bad response pointer", () => ({ method: "GET", url: url(), response: { a: "/x~2" } })],
    ["a __proto__ output field", () => ({ method: "GET", url: url(), response: JSON.parse('{"__proto__":"a"}') })],
    ["an empty dot path segment", () => ({ method: "GET", url: url(), response: { a: "data..x" } })],
    ["a negative timeout", () => ({ method: "GET", url: url(), timeoutMs: -1 })],
    ["a fractional timeout", () => ({ method: "GET", url: url(), timeoutMs: 1.5 })],
    ["too many attempts", () => ({ method: "GET", url: url(), retry: { maxAttempts: 1000 } })],
    ["an unknown run mode", () => ({ method: "GET", url: url(), run: "later" })],
    ["a compensation without URL", () => ({ method: "GET", url: url(), compensate: { method: "DELETE" } })]
  ]
  for (const [name, config] of bad) {
    it(name, async () => {
      const before = server.connections
      expect(await failureOf(config())).toMatchObject({ tag: "TemplateInvalid" })
      expect(server.connections).toBe(before)
    })
  }
})

describe("hostile input and runtime values → typed errors", () => {
  it("deep, oversized or non-object input → ValidationFailed", async () => {
    const config = { method: "GET", url: `${server.origin}/` }
    for (const input of [deep(10_000), { blob: "x".repeat(2 * 1024 * 1024) }, [1, 2], "text", 42]) {
      expect(await failureOf(config, input), typeof input).toMatchObject({ tag: "ValidationFailed" })
    }
  })

  it("a variable that is missing, an object, or reached through __proto__ → final InvalidRequest, no request", async () => {
    const before = server.connections
    const cases: ReadonlyArray<readonly [string, unknown]> = [
      [`${server.origin}/{{input.missing}}`, { other: 1 }],
      [`${server.origin}/{{input.obj}}`, { obj: { a: 1 } }],
      [`${server.origin}/{{input.__proto__}}`, {}],
      [`${server.origin}/{{input.constructor}}`, {}],
      [`${server.origin}/{{step.nothing.here}}`, null],
      [`${server.origin}/a/{{input.v}}/admin`, { v: ".." }],
      [`${server.origin}/a/{{input.v}}`, { v: "." }]
    ]
    for (const [url, input] of cases) {
      expect(await failureOf({ method: "GET", url }, input), url).toMatchObject({
        tag: "StepHandlerError",
        code: "InvalidRequest",
        retryable: false
      })
    }
    expect(server.connections).toBe(before)
  })

  it("substituted values cannot change the URL's host, path or query structure", async () => {
    const result = await failureOf(
      { method: "GET", url: `${server.origin}/c/{{input.v}}?q={{input.v}}`, response: { ok: "ok" } },
      { v: "x/../../admin?y=1#@evil.example:80" }
    )
    expect(result).toMatchObject({ tag: "success", value: { ok: true } })
    expect(server.requests.at(-1)?.path).toBe(
      "/c/x%2F..%2F..%2Fadmin%3Fy%3D1%23%40evil.example%3A80?q=x%2F..%2F..%2Fadmin%3Fy%3D1%23%40evil.example%3A80"
    )
  })

  it("a caller's Host, Content-Length or Transfer-Encoding header is dropped by the client", async () => {
    const client = makeHttpClient({ allow: [`127.0.0.1:${server.port}`] })
    const response = await Effect.runPromise(
      client.request({
        method: "POST",
        url: `${server.origin}/framing`,
        headers: { Host: "internal.example", "Content-Length": "1", "Transfer-Encoding": "chunked" },
        body: new TextEncoder().encode('{"a":1}'),
        timeoutMs: 5000
      })
    )
    expect(response.status).toBe(200)
    const seen = server.requests.at(-1)
    expect(seen?.headers.host).toBe(`127.0.0.1:${server.port}`)
    expect(seen?.headers["content-length"]).toBe("7")
    expect(seen?.headers["transfer-encoding"]).toBeUndefined()
    expect(seen?.body).toBe('{"a":1}')
  })

  it("a header value rendered with CR/LF from data → InvalidRequest, nothing sent", async () => {
    const before = server.connections
    expect(
      await failureOf(
        { method: "GET", url: `${server.origin}/`, headers: { "x-vat": "{{input.v}}" } },
        { v: "BE1\r\nx-injected: yes" }
      )
    ).toMatchObject({ code: "InvalidRequest", retryable: false })
    expect(server.connections).toBe(before)
  })

  it("a non-JSON or too deep response where a mapping needs JSON → final InvalidResponse", async () => {
    expect(await failureOf({ method: "GET", url: `${server.origin}/text`, response: { a: "a" } })).toMatchObject({
      code: "InvalidResponse",
      retryable: false
    })
    expect(await failureOf({ method: "GET", url: `${server.origin}/deep`, response: { a: "a" } })).toMatchObject({
      code: "InvalidResponse",
      retryable: false
    })
  })

  it("__proto__ and constructor in a response are plain data, never a prototype", async () => {
    const result = await failureOf({
      method: "GET",
      url: `${server.origin}/proto`,
      response: { p: "/__proto__", c: "constructor.prototype", ok: "ok", inherited: "toString" }
    })
    expect(result).toMatchObject({
      tag: "success",
      value: { p: { polluted: true }, c: { x: 1 }, ok: 1, inherited: null }
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe("hostile deployer options → InvalidApiCallOptions at start-up", () => {
  it("lists every bad setting", () => {
    const attempt = () =>
      makeApiCallHandler({
        allow: ["10.0.0.0/99", "no-port.example", 7 as unknown as string, "[zz::1]:80", "host:99999"],
        maxResponseBytes: -1,
        defaultTimeoutMs: Number.NaN,
        maxAttempts: 1e9,
        secrets: {} as never,
        lookup: "dns" as never,
        ca: "not a certificate"
      })
    expect(attempt).toThrow(InvalidApiCallOptions)
    try {
      attempt()
    } catch (e) {
      const problems = (e as InvalidApiCallOptions).problems
      expect(problems).toHaveLength(11)
      expect(problems.join("\n")).toMatch(/allow\[0\][\s\S]*allow\[4\][\s\S]*maxResponseBytes/)
    }
  })

  it("a non-object or a non-array allow-list, and a bad env prefix, are typed too", () => {
    expect(() => makeApiCallHandler(null as never)).not.toThrow()
    expect(() => makeHttpClient({ allow: "127.0.0.1" as never })).toThrow(InvalidApiCallOptions)
    expect(() => secretsFromEnv("BAD PREFIX")).toThrow(InvalidApiCallOptions)
  })

  it("a client request with a garbage URL or scheme → InvalidUrl, never a TypeError", async () => {
    const client = makeHttpClient()
    for (const url of ["", "::::", "gopher://x/", "http://user:pw@example.com/", 7 as unknown as string]) {
      const exit = await Effect.runPromiseExit(client.request({ method: "GET", url, timeoutMs: 1000 }))
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause), String(url)).toContain('"reason":"InvalidUrl"')
    }
  })

  it("a malformed client request → InvalidRequest, never a TypeError or a defect", async () => {
    const client = makeHttpClient({ allow: [`127.0.0.1:${server.port}`] })
    const url = `${server.origin}/`
    const bad: ReadonlyArray<unknown> = [
      null,
      "GET /",
      { method: "GET\r\nX: 1", url, timeoutMs: 1000 },
      { method: 7, url, timeoutMs: 1000 },
      { method: "GET", url, timeoutMs: 0 },
      { method: "GET", url, timeoutMs: Number.POSITIVE_INFINITY },
      { method: "POST", url, timeoutMs: 1000, body: "text" },
      { method: "GET", url, timeoutMs: 1000, headers: "x" },
      { method: "GET", url, timeoutMs: 1000, headers: { "x-a": { nested: 1 } } },
      { method: "GET", url, timeoutMs: 1000, headers: { "x-a": "v\r\nInjected: 1" } },
      { method: "GET", url, timeoutMs: 1000, headers: { "bad name": "v" } },
      { method: "GET", url, timeoutMs: 1000, sensitiveHeaders: "x-a" }
    ]
    const before = server.connections
    for (const request of bad) {
      const exit = await Effect.runPromiseExit(client.request(request as never))
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause), JSON.stringify(request)).toContain(
        '"reason":"InvalidRequest"'
      )
    }
    expect(server.connections).toBe(before)
  })

  it("a secret map with odd entries keeps only string values; unknown or inherited names are not found", async () => {
    const secrets = secretsFromMap(JSON.parse('{"__proto__":"x","ok":"v","n":1}'))
    expect(await Effect.runPromise(Effect.flip(secrets.resolve("toString")))).toMatchObject({ _tag: "SecretNotFound" })
    expect(await Effect.runPromise(Effect.flip(secrets.resolve("n")))).toMatchObject({ _tag: "SecretNotFound" })
  })
})
