/**
 * Hostile input and hostile calls: wrong types, `__proto__` keys, deep nesting, oversize, weird
 * keys, ReDoS-shaped patterns, throwing getters, cycles, bad options — typed issues, never a crash.
 */
import { checkStepInput, runStep } from "@workflow-manager/core/testing"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  checkBelgianEnterpriseNumber,
  checkEanGsrn,
  checkEic,
  checkForm,
  checkIban,
  formatBelgianVat,
  formatIban,
  formHandler,
  formJsonSchema,
  formLimits,
  makeFormHandler
} from "../src/index.js"

const check = (config: unknown, input: unknown, handler = formHandler) =>
  Effect.runPromise(checkStepInput(handler, { config, input }))
const failure = (effect: Effect.Effect<unknown, unknown>) => Effect.runPromise(Effect.flip(effect))

describe("hostile input", () => {
  const config = { fields: { name: { type: "string" }, tags: { type: "array", item: { type: "string" } } } }

  it("wrong-typed input as a whole: typed failures, no crash", async () => {
    for (const input of [null, 42, "x", [], [1, 2], true]) {
      const error = await failure(checkStepInput(formHandler, { config, input }))
      expect(error, JSON.stringify(input)).toMatchObject({ _tag: "ValidationFailed" })
    }
    for (const input of [null, 42, "x", [], true, undefined]) {
      const checked = checkForm(config as never, input)
      expect(Result.isFailure(checked) && checked.failure).toMatchObject({
        _tag: "ValidationFailed",
        issues: [{ path: "", message: expect.stringMatching(/^must be an object of fields/) }]
      })
    }
  })

  it("__proto__, constructor and other unknown keys are refused, prototypes untouched", async () => {
    const input = JSON.parse('{"name":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')
    expect(await check(config, input)).toEqual([
      { path: "__proto__", message: "is not a field of this form" },
      { path: "constructor", message: "is not a field of this form" }
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // a declared field named like an Object.prototype member is read as an own key only
    expect(await check({ fields: { toString: { type: "string", required: true } } }, {})).toEqual([
      { path: "toString", message: "is required" }
    ])
  })

  it("deeply nested values under undeclared or scalar fields are never walked", async () => {
    let deep: unknown = "leaf"
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(await check(config, { name: deep, other: deep })).toEqual([
      { path: "other", message: "is not a field of this form" },
      { path: "name", message: "must be text, not a list" }
    ])
    expect(await check(config, { tags: deep })).toEqual([{ path: "tags[0]", message: "must be text, not a list" }])
  })

  it("oversized input: long strings, many keys, many items — bounded issues", async () => {
    expect(await check(config, { name: "x".repeat(2_000_000) })).toEqual([
      { path: "name", message: `must be at most ${formLimits.defaultStringMax} characters` }
    ])
    const keys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]))
    const issues = await check(config, keys)
    expect(issues).toHaveLength(formLimits.maxIssues + 1)
    expect(issues.at(-1)).toEqual({ path: "", message: `and ${50_000 - formLimits.maxIssues} more problems` })
    expect(await check(config, { tags: Array.from({ length: 5_000 }, () => "t") })).toEqual([
      { path: "tags", message: `must have at most ${formLimits.defaultItemsMax} items` }
    ])
  })

  it("weird keys are quoted and cut in paths", async () => {
    const issues = await check(config, { "a.b[0]": 1, ["k".repeat(10_000)]: 1 })
    expect(issues.map((i) => i.path)).toEqual(['["a.b[0]"]', `["${"k".repeat(64)}…"]`])
  })

  it("a pattern with nested quantifiers runs in linear time (RE2): 100,000 characters finish", async () => {
    const redos = { fields: { a: { type: "string", max: 200_000, pattern: "^(a+)+$" } } }
    expect(await check(redos, { a: `${"a".repeat(100_000)}!` })).toEqual([
      { path: "a", message: "must match the pattern ^(a+)+$" }
    ])
    expect(await check(redos, { a: "a".repeat(100_000) })).toEqual([])
  })

  it("string lengths count code points, like JSON Schema", async () => {
    const config = { fields: { a: { type: "string", max: 2 } } }
    expect(await check(config, { a: "😀😀" })).toEqual([])
    expect(await check(config, { a: "😀😀😀" })).toEqual([{ path: "a", message: "must be at most 2 characters" }])
  })
})

describe("hostile calls of the public functions", () => {
  const config = { fields: { a: { type: "string", validator: "eic" } } } as const

  it("bad options are TemplateInvalid or a clear Error, never a TypeError", () => {
    for (const options of [null, 5, "x", []]) {
      const checked = checkForm(config, { a: "x" }, options as never)
      expect(Result.isFailure(checked) && checked.failure).toMatchObject({
        _tag: "TemplateInvalid",
        issues: [{ path: "options" }]
      })
      const schema = formJsonSchema(config, options as never)
      expect(Result.isFailure(schema) && schema.failure).toMatchObject({ _tag: "TemplateInvalid" })
      expect(() => makeFormHandler(options as never)).toThrow(/^makeFormHandler: /)
    }
  })

  it("a config or data that throws when read is an issue", () => {
    const trap = {
      get fields(): never {
        throw new Error("trap")
      }
    }
    const bad = checkForm(trap as never, {})
    expect(Result.isFailure(bad) && bad.failure).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "config", message: "could not be read: Error: trap" }]
    })
    const data = {
      get a(): never {
        throw new Error("trap")
      }
    }
    const checked = checkForm(config, data)
    expect(Result.isFailure(checked) && checked.failure).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "", message: "could not be read: Error: trap" }]
    })
  })

  it("cyclic configs and data stop at the depth bound", () => {
    const field: { type: "object"; fields: Record<string, unknown> } = { type: "object", fields: {} }
    field.fields.self = field
    expect(Result.isFailure(formJsonSchema({ fields: { root: field } } as never))).toBe(true)
    const cyclic: Record<string, unknown> = {}
    cyclic.a = cyclic
    expect(Result.isFailure(checkForm(config, cyclic))).toBe(true)
  })

  it("the validator functions take anything", () => {
    for (const value of [undefined, null, 1, {}, [], Symbol("s"), "x".repeat(1_000_000)]) {
      for (const check of [checkBelgianEnterpriseNumber, checkEanGsrn, checkEic, checkIban]) {
        expect(typeof check(value as never)).toBe("string")
      }
      expect(formatBelgianVat(value as never)).toBeUndefined()
      expect(formatIban(value as never)).toBeUndefined()
    }
    expect(checkEic("10X1001A1001A094", "Q" as never)).toMatch(/Q is not an EIC type/)
    expect(checkEanGsrn("541448965001060702", 5 as never)).toBe("does not start with 5")
    expect(checkIban("BE31435411161155", {} as never)).toMatch(/^is not a/)
  })

  it("a user validator returning null passes, an empty message fails, a normalise returning nothing keeps the value", async () => {
    const handler = makeFormHandler({
      validators: {
        lenient: {
          description: "",
          types: ["string"],
          check: () => null as never,
          normalise: () => undefined as never
        },
        strict: { description: "", types: ["string"], check: () => "" }
      }
    })
    const form = { fields: { a: { type: "string", validator: "lenient" }, b: { type: "string", validator: "strict" } } }
    expect(await check(form, { a: "x", b: "y" }, handler)).toEqual([{ path: "b", message: "is not valid" }])
    expect(await Effect.runPromise(runStep(handler, { config: form, input: { a: "x" } }))).toEqual({ a: "x" })
  })
})
