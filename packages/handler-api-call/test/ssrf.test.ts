/**
 * The SSRF corpus against a loopback canary (a real server on 127.0.0.1 and one on ::1, counting the
 * TCP connections they accept): every disguise of a loopback, private or metadata address, a DNS
 * name resolving to loopback, a rebinding answer, and a redirect from an allow-listed server — none
 * reaches the canary unless it is allow-listed; with it allow-listed, the same request does connect.
 */
import { runStep } from "@workflow-manager/core/testing"
import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type ApiCallError,
  type HttpClientOptions,
  makeApiCallHandler,
  makeHttpClient,
  systemLookup
} from "../src/index.js"
import { json, startServer, type TestServer } from "./support/servers.js"

let canary: TestServer
let canary6: TestServer
let redirector: TestServer
let redirectTo = ""

const canaryConnections = () => canary.connections + canary6.connections

beforeAll(async () => {
  canary = await startServer(json(200, { reached: "canary" }))
  canary6 = await startServer(json(200, { reached: "canary6" }), "::1")
  redirector = await startServer((_r, _i, res) => {
    res.writeHead(302, { location: redirectTo })
    res.end()
  })
})

afterAll(async () => {
  await Promise.all([canary, canary6, redirector].map((s) => s?.close()))
})

/**
 * The resolver the deployer injects: `canary.test` → 127.0.0.1, `canary6.test` → ::1, `rebind.test` →
 * a public then a loopback address; any other name (localhost) through the system resolver.
 */
const testLookup: HttpClientOptions["lookup"] = (hostname) =>
  hostname === "canary.test"
    ? Effect.succeed(["127.0.0.1"])
    : hostname === "rebind.test"
      ? Effect.succeed(["93.184.215.14", "127.0.0.1"])
      : hostname === "canary6.test"
        ? Effect.succeed(["::1"])
        : systemLookup(hostname)

const send = async (url: string, options: HttpClientOptions = {}) => {
  const client = makeHttpClient({ lookup: testLookup, ...options })
  return Effect.runPromiseExit(client.request({ method: "GET", url, timeoutMs: 5000 }))
}

const refusal = (exit: Exit.Exit<unknown, ApiCallError>): string => {
  if (Exit.isSuccess(exit)) return "connected"
  const reason = exit.cause.reasons.find((r) => r._tag === "Fail")
  return reason?._tag === "Fail" ? `${reason.error.reason}: ${reason.error.message}` : String(exit.cause)
}

/** URLs that point at a canary in disguise, and the allow-list entry that admits each. */
const disguised = (): ReadonlyArray<readonly [string, string, string]> => [
  ["decimal", `http://2130706433:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["hex", `http://0x7f000001:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["octal", `http://0177.0.0.1:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["short", `http://127.1:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["dotted", `http://127.0.0.1:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["IPv6 loopback", `http://[::1]:${canary6.port}/`, `[::1]:${canary6.port}`],
  ["IPv4-mapped dotted", `http://[::ffff:127.0.0.1]:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["IPv4-mapped hex", `http://[::ffff:7f00:1]:${canary.port}/`, `127.0.0.1:${canary.port}`],
  ["unspecified", `http://0.0.0.0:${canary.port}/`, `0.0.0.0:${canary.port}`],
  ["name → 127.0.0.1", `http://canary.test:${canary.port}/`, `canary.test:${canary.port}`],
  ["name → ::1", `http://canary6.test:${canary6.port}/`, `[::1]:${canary6.port}`],
  ["localhost (system resolver)", `http://localhost:${canary.port}/`, `localhost:${canary.port}`]
]

describe("SSRF corpus: 0 connections reach the loopback canary", () => {
  it("every disguise of the canary is refused as Blocked after resolution, before connecting", async () => {
    const before = canaryConnections()
    const outcomes: Array<[string, string]> = []
    for (const [name, url] of disguised()) outcomes.push([name, refusal(await send(url))])
    for (const [name, outcome] of outcomes) expect(outcome, name).toMatch(/^Blocked: .*(loopback|unspecified)/)
    expect(canaryConnections()).toBe(before)
  })

  it("through the handler the same corpus fails each step with a final StepHandlerError coded Blocked", async () => {
    const before = canaryConnections()
    const handler = makeApiCallHandler({ lookup: testLookup })
    for (const [name, url] of disguised()) {
      const exit = await Effect.runPromiseExit(runStep(handler, { config: { method: "GET", url }, input: null }))
      const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
      expect(error?._tag === "Fail" && error.error, name).toMatchObject({ code: "Blocked", retryable: false })
    }
    expect(canaryConnections()).toBe(before)
  })

  it("with the canary allow-listed, the same requests do connect (so the test above can fail)", async () => {
    for (const [name, url, entry] of disguised()) {
      if (name.startsWith("localhost")) continue // localhost may resolve to ::1 first, where the IPv4 canary is not
      const before = canaryConnections()
      const outcome = refusal(await send(url, { allow: [entry] }))
      expect(outcome, name).toBe("connected")
      expect(canaryConnections(), name).toBe(before + 1)
    }
    const before = canaryConnections()
    const cidr = refusal(await send(`http://2130706433:${canary.port}/`, { allow: ["127.0.0.0/8"] }))
    expect(cidr).toBe("connected")
    expect(canaryConnections()).toBe(before + 1)
  })

  it("a name resolving to a public and then a loopback address (rebinding) is refused outright", async () => {
    const before = canaryConnections()
    expect(refusal(await send(`http://rebind.test:${canary.port}/`))).toMatch(/^Blocked: .*loopback/)
    expect(canaryConnections()).toBe(before)
  })

  it("private, link-local, unique-local, CGNAT, benchmarking, multicast, metadata and embedded forms are refused", async () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ["http://169.254.169.254/latest/meta-data/", /cloud metadata/],
      ["http://[fd00:ec2::254]/", /cloud metadata/],
      ["http://100.100.100.200/", /cloud metadata/],
      ["http://[::ffff:169.254.169.254]/", /cloud metadata \(IPv4-mapped\)/],
      ["http://10.1.2.3/", /private/],
      ["http://172.16.0.1/", /private/],
      ["http://192.168.1.1/", /private/],
      ["http://100.64.0.1/", /carrierGradeNat/],
      ["http://198.18.0.1/", /reserved/],
      ["http://224.0.0.1/", /multicast/],
      ["http://255.255.255.255/", /broadcast/],
      ["http://[fe80::1]/", /linkLocal/],
      ["http://[fc00::1]/", /uniqueLocal/],
      ["http://[ff02::1]/", /multicast/],
      ["http://[::]/", /unspecified/],
      [`http://[::127.0.0.1]:${canary.port}/`, /loopback \(IPv4-compatible\)/],
      [`http://[64:ff9b::7f00:1]:${canary.port}/`, /loopback \(NAT64\)/],
      [`http://[2002:7f00:1::]:${canary.port}/`, /loopback \(6to4\)/],
      ["http://[2001:db8::1]/", /reserved/],
      ["http://[2001::1]/", /teredo/]
    ]
    const before = canaryConnections()
    for (const [url, pattern] of cases) {
      const outcome = refusal(await send(url))
      expect(outcome, url).toMatch(/^Blocked: /)
      expect(outcome, url).toMatch(pattern)
    }
    expect(canaryConnections()).toBe(before)
  })

  it("a CIDR allow-list entry never re-admits a metadata address", async () => {
    expect(refusal(await send("http://169.254.169.254/", { allow: ["169.254.0.0/16"] }))).toMatch(/cloud metadata/)
  })
})

describe("redirects", () => {
  const allowRedirector = () => [`127.0.0.1:${redirector.port}`]

  it("off by default: a redirect from an allow-listed server to the canary is not followed", async () => {
    for (const target of [`http://127.0.0.1:${canary.port}/`, `http://2130706433:${canary.port}/x`]) {
      redirectTo = target
      const before = canaryConnections()
      const exit = await send(`${redirector.origin}/go`, { allow: allowRedirector() })
      expect(Exit.isSuccess(exit) && exit.value.status).toBe(302)
      expect(canaryConnections()).toBe(before)
    }
  })

  it("through the handler, an unfollowed redirect is a final StepHandlerError with the status", async () => {
    redirectTo = `http://127.0.0.1:${canary.port}/`
    const before = canaryConnections()
    const handler = makeApiCallHandler({ allow: allowRedirector() })
    const exit = await Effect.runPromiseExit(
      runStep(handler, { config: { method: "GET", url: `${redirector.origin}/go` }, input: null })
    )
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toMatch(/"code":"302".*"retryable":false/)
    expect(canaryConnections()).toBe(before)
  })

  it("on: each hop is checked the same way — the hop to the canary is Blocked", async () => {
    for (const target of [
      `http://127.0.0.1:${canary.port}/`,
      `http://[::ffff:7f00:1]:${canary.port}/`,
      `http://canary.test:${canary.port}/`
    ]) {
      redirectTo = target
      const before = canaryConnections()
      const outcome = refusal(await send(`${redirector.origin}/go`, { allow: allowRedirector(), maxRedirects: 3 }))
      expect(outcome, target).toMatch(/^Blocked: .*loopback/)
      expect(canaryConnections(), target).toBe(before)
    }
  })

  it("on, with the canary allow-listed too, the redirect is followed and reaches it", async () => {
    redirectTo = `http://127.0.0.1:${canary.port}/landed`
    const before = canaryConnections()
    const exit = await send(`${redirector.origin}/go`, {
      allow: [...allowRedirector(), `127.0.0.1:${canary.port}`],
      maxRedirects: 3
    })
    expect(Exit.isSuccess(exit) && exit.value.status).toBe(200)
    expect(canaryConnections()).toBe(before + 1)
    expect(canary.requests.at(-1)?.path).toBe("/landed")
  })

  it("bounded: a redirect loop stops at maxRedirects with TooManyRedirects", async () => {
    redirectTo = `${redirector.origin}/again`
    const seen = redirector.requests.length
    const outcome = refusal(await send(`${redirector.origin}/go`, { allow: allowRedirector(), maxRedirects: 2 }))
    expect(outcome).toMatch(/^TooManyRedirects/)
    expect(redirector.requests.length - seen).toBe(3)
  })

  it("a cross-origin hop drops the secret-bearing headers", async () => {
    redirectTo = `http://localhost:${canary.port}/cross`
    const client = makeHttpClient({
      allow: [...allowRedirector(), `localhost:${canary.port}`],
      lookup: () => Effect.succeed(["127.0.0.1"]),
      maxRedirects: 1
    })
    const exit = await Effect.runPromiseExit(
      client.request({
        method: "GET",
        url: `${redirector.origin}/go`,
        headers: { "x-api-key": "k-123", authorization: "Bearer t", "x-plain": "kept" },
        sensitiveHeaders: ["x-api-key"],
        timeoutMs: 5000
      })
    )
    expect(Exit.isSuccess(exit)).toBe(true)
    const landed = canary.requests.at(-1)
    expect(landed?.path).toBe("/cross")
    expect(landed?.headers["x-api-key"]).toBeUndefined()
    expect(landed?.headers.authorization).toBeUndefined()
    expect(landed?.headers["x-plain"]).toBe("kept")
    expect(landed?.headers.host).toBe(`localhost:${canary.port}`)
  })
})
