/**
 * The pure pieces: template parsing and rendering, JSON Pointer / dot-path picking, and the backoff
 * with `Retry-After` under the cap.
 */
import { describe, expect, it } from "vitest"
import { ApiCallError } from "../src/index.js"
import { pick } from "../src/internal/pick.js"
import { delayAfter, retryAfterMs } from "../src/internal/retry.js"
import { parse, RenderError, renderJson, renderUrl } from "../src/internal/template.js"

describe("templates", () => {
  it("parse literal and variable parts; refuse unknown roots, expressions and stray braces", () => {
    expect(parse("a{{ step.x.y }}b")).toEqual(["a", { path: ["step", "x", "y"], source: "step.x.y" }, "b"])
    expect(parse("{{env.HOME}}")).toMatch(/must start with/)
    expect(parse("{{step.a()}}")).toMatch(/dotted path/)
    expect(parse("{{step}}")).toMatch(/names no field/)
    expect(parse("a }} b")).toMatch(/unbalanced/)
    expect(parse("{{".repeat(3))).toMatch(/unbalanced/)
  })

  it("render URLs percent-encoded and JSON with types kept", () => {
    const scope = { input: { vat: "BE 04/03", n: 3, list: [1, { a: true }] } }
    expect(renderUrl("https://r.example/{{input.vat}}?n={{input.n}}", scope)).toBe("https://r.example/BE%2004%2F03?n=3")
    expect(renderJson({ all: "{{input.list}}", first: "{{input.list.0}}", text: "n={{input.n}}" }, scope)).toEqual({
      all: [1, { a: true }],
      first: 1,
      text: "n=3"
    })
    expect(() => renderUrl("https://r.example/{{input.list}}", scope)).toThrow(RenderError)
    expect(() => renderJson("{{input.nope}}", scope)).toThrow(RenderError)
  })
})

describe("pick", () => {
  const doc = { data: { "a/b": { "~x": 1 }, items: [{ name: "first" }] } }
  it("by JSON Pointer and by dot path, own properties only", () => {
    expect(pick(doc, "/data/a~1b/~0x")).toBe(1)
    expect(pick(doc, "data.items.0.name")).toBe("first")
    expect(pick(doc, "")).toEqual(doc)
    expect(pick(doc, "/data/items/1")).toBeUndefined()
    expect(pick(doc, "data.items.length")).toBeUndefined()
    expect(pick(doc, "data.constructor")).toBeUndefined()
  })
})

describe("backoff", () => {
  const backoff = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 }
  const error = (extra: { retryAfterMs?: number } = {}) =>
    new ApiCallError({ reason: "HttpStatus", status: 503, message: "503", ...extra })

  it("doubles per try up to the cap; Retry-After replaces it, capped too", () => {
    expect([1, 2, 3, 4, 5].map((n) => delayAfter(backoff, n, error(), 0))).toEqual([100, 200, 400, 800, 1000])
    expect(delayAfter(backoff, 1, error({ retryAfterMs: 300 }), 0)).toBe(300)
    expect(delayAfter(backoff, 1, error({ retryAfterMs: 3_600_000 }), 0)).toBe(1000)
    expect(delayAfter({ ...backoff, jitter: 0.5 }, 2, error(), 0.999)).toBeGreaterThanOrEqual(100)
  })

  it("Retry-After in seconds or as an HTTP date (relative to the response's Date)", () => {
    expect(retryAfterMs({ "retry-after": "2" })).toBe(2000)
    expect(
      retryAfterMs({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT", date: "Wed, 21 Oct 2015 07:28:00 GMT" })
    ).toBe(30_000)
    expect(retryAfterMs({ "retry-after": "soon" })).toBeUndefined()
    expect(retryAfterMs({})).toBeUndefined()
  })
})
