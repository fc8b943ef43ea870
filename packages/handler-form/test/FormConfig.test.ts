/**
 * The form config, checked at template validation: every problem is `TemplateInvalid` with its path
 * under `steps[i].config`; patterns must compile as RE2 (linear-time matching, so no ReDoS) and as
 * JavaScript `u` regexes; hostile configs (deep, wide, huge, `__proto__`, wrong types) are bounded
 * typed issues.
 */
import { makeRegistry, validateTemplate } from "@workflow-manager/core"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { checkForm, formHandler, formJsonSchema, formLimits, makeFormHandler, stringValidator } from "../src/index.js"
import { companyForm, onboardingTemplate } from "./fixtures.js"

const registry = makeRegistry([formHandler])

/** The issues of a template whose second step is a form with `config` (none when it is valid). */
const issuesOf = (config: unknown, handlers = registry) => {
  const template = {
    ...onboardingTemplate,
    steps: [onboardingTemplate.steps[0], { id: "vat", type: "form", name: "VAT", config }]
  }
  const result = validateTemplate(template, handlers)
  return Result.isSuccess(result) ? [] : result.failure.issues
}

describe("form config", () => {
  it("the onboarding template is valid", () => {
    expect(Result.isSuccess(validateTemplate(onboardingTemplate, registry))).toBe(true)
  })

  it("a bad pattern is TemplateInvalid at steps[1].config.fields.vat.pattern", () => {
    const result = validateTemplate(
      {
        ...onboardingTemplate,
        steps: [
          onboardingTemplate.steps[0],
          { id: "vat", type: "form", name: "VAT", config: { fields: { vat: { type: "string", pattern: "^(BE" } } } }
        ]
      },
      registry
    )
    expect(Result.isFailure(result) && result.failure).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "steps[1].config.fields.vat.pattern", message: expect.stringContaining("missing closing )") }]
    })
  })

  it("refuses patterns that backtrack in JavaScript only when RE2 cannot run them (backreferences, lookarounds)", () => {
    expect(issuesOf({ fields: { a: { type: "string", pattern: "^(a)\\1$" } } })).toMatchObject([
      { path: "steps[1].config.fields.a.pattern", message: expect.stringContaining("RE2 syntax") }
    ])
    expect(issuesOf({ fields: { a: { type: "string", pattern: "^(?=a)" } } })).toHaveLength(1)
    // nested quantifiers compile: RE2 matches them in linear time (see FormHandler.test.ts)
    expect(issuesOf({ fields: { a: { type: "string", pattern: "^(a+)+$" } } })).toEqual([])
  })

  it("refuses a pattern RE2 takes but a JavaScript u regex does not, and one too long", () => {
    expect(issuesOf({ fields: { a: { type: "string", pattern: "\\C" } } })).toHaveLength(1)
    expect(
      issuesOf({ fields: { a: { type: "string", pattern: "a".repeat(formLimits.maxPatternLength + 1) } } })
    ).toEqual([
      { path: "steps[1].config.fields.a.pattern", message: `must be at most ${formLimits.maxPatternLength} characters` }
    ])
  })

  it("lists every problem, each at its path", () => {
    const issues = issuesOf({
      title: 7,
      fields: {
        name: { type: "string", min: -1, max: 2.5, requried: true },
        age: { type: "integer", min: 10, max: 5 },
        kind: { type: "enum", values: ["a", "a", ""] },
        when: { type: "datetime" },
        vat: { type: "string", validator: "no-such" },
        flag: { type: "boolean", validator: "be-vat" },
        items: { type: "array", item: { type: "object", fields: {} } },
        "bad name": { type: "string" }
      },
      extra: true
    })
    expect(issues.map((i) => i.path)).toEqual([
      "steps[1].config.extra",
      "steps[1].config.title",
      "steps[1].config.fields.name.requried",
      "steps[1].config.fields.name.min",
      "steps[1].config.fields.name.max",
      "steps[1].config.fields.age.min",
      "steps[1].config.fields.kind.values[1]",
      "steps[1].config.fields.kind.values[2]",
      "steps[1].config.fields.when.type",
      "steps[1].config.fields.vat.validator",
      "steps[1].config.fields.flag.validator",
      "steps[1].config.fields.items.item.fields",
      "steps[1].config.fields.bad name"
    ])
    expect(issues.find((i) => i.path.endsWith("flag.validator"))?.message).toBe("applies to string fields, not boolean")
  })

  it("refuses what is not a config", () => {
    for (const config of [null, "form", 42, [], {}, { fields: [] }, { fields: { a: null } }, { fields: { a: [] } }]) {
      const issues = issuesOf(config)
      expect(issues.length, JSON.stringify(config)).toBeGreaterThan(0)
      expect(issues[0]?.path.startsWith("steps[1].config")).toBe(true)
    }
  })

  it("bounds nesting: a form nested deeper than the limit is one issue", () => {
    let field: unknown = { type: "string" }
    for (let i = 0; i < 20; i++) field = { type: "object", fields: { inner: field } }
    const issues = issuesOf({ fields: { outer: field } })
    expect(issues).toHaveLength(1)
    expect(issues[0]?.message).toBe(`nests fields more than ${formLimits.maxDepth} levels deep`)
    expect((issues[0]?.path ?? "").split(".inner").length - 1).toBe(formLimits.maxDepth)
  })

  it("bounds nesting outside the engine too: 100,000 levels are one issue from formJsonSchema and checkForm", () => {
    let field: unknown = { type: "string" }
    for (let i = 0; i < 100_000; i++) field = { type: "array", item: field }
    const config = { fields: { outer: field } } as never
    for (const result of [formJsonSchema(config), checkForm(config, {})]) {
      expect(Result.isFailure(result) && result.failure).toMatchObject({
        _tag: "TemplateInvalid",
        issues: [{ message: `nests fields more than ${formLimits.maxDepth} levels deep` }]
      })
    }
  })

  it("bounds width: more fields than the limit is one issue, and the walk stops", () => {
    const fields = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, { type: "string" }]))
    const issues = issuesOf({ fields })
    expect(issues).toEqual([
      {
        path: `steps[1].config.fields.f${formLimits.maxFields}`,
        message: `is one field too many: a form has at most ${formLimits.maxFields} fields`
      }
    ])
  })

  it("bounds the issues of a config with thousands of unknown settings", () => {
    const field = Object.fromEntries([["type", "string"], ...Array.from({ length: 3_000 }, (_, i) => [`x${i}`, 1])])
    const issues = issuesOf({ fields: { a: field } })
    expect(issues).toHaveLength(formLimits.maxIssues + 1)
    expect(issues.at(-1)?.message).toBe(`and ${3_000 - formLimits.maxIssues} more problems`)
  })

  it("refuses __proto__ and constructor keys as field names or settings, without touching prototypes", () => {
    const config = JSON.parse(
      '{"fields":{"__proto__":{"type":"string"},"a":{"type":"string","__proto__":{"required":true}}},"__proto__":{"x":1}}'
    )
    const issues = issuesOf(config)
    expect(issues.map((i) => i.path)).toEqual([
      "steps[1].config.__proto__",
      "steps[1].config.fields.__proto__",
      "steps[1].config.fields.a.__proto__"
    ])
    expect(({} as Record<string, unknown>).required).toBeUndefined()
    expect(issuesOf({ fields: { constructor: { type: "string" }, toString: { type: "number" } } })).toEqual([])
  })

  it("caps string and array maxima and texts", () => {
    expect(
      issuesOf({
        fields: {
          s: { type: "string", max: formLimits.maxStringLength + 1 },
          l: { type: "array", item: { type: "string" }, max: formLimits.maxItems + 1 },
          t: { type: "string", label: "x".repeat(formLimits.maxTextLength + 1) }
        }
      }).map((i) => i.path)
    ).toEqual(["steps[1].config.fields.s.max", "steps[1].config.fields.l.max", "steps[1].config.fields.t.label"])
  })

  it("knows the validators a handler was made with", () => {
    const custom = makeRegistry([
      makeFormHandler({ validators: { "be-postcode": stringValidator("a postcode", () => undefined) } })
    ])
    const config = { fields: { postcode: { type: "string", validator: "be-postcode" } } }
    expect(issuesOf(config, custom)).toEqual([])
    expect(issuesOf(config)).toMatchObject([{ path: "steps[1].config.fields.postcode.validator" }])
  })

  it("makeFormHandler refuses bad validators with a clear error", () => {
    expect(() => makeFormHandler({ validators: { "Bad Name": stringValidator("x", () => undefined) } })).toThrow(
      /is not a validator name/
    )
    expect(() => makeFormHandler({ validators: { ok: { check: 1 } as never } })).toThrow(/needs a check function/)
    expect(() => makeFormHandler({ validators: { ok: { check: () => undefined, types: ["uuid"] } as never } })).toThrow(
      /needs a check function/
    )
    expect(() => makeFormHandler({ validators: 5 as never })).toThrow(/must be an object/)
  })

  it("the company form of the fixtures is within every limit", () => {
    expect(issuesOf(companyForm)).toEqual([])
  })
})
