/**
 * The handler on core's plugin harness: input checked against the config with every failing field
 * at its exact path, unknown fields refused, the output normalised; `validate` at submission;
 * `compensate`; `checkForm` outside the engine; hostile input as typed issues.
 */

import { checkStepInput, compensateStep, runStep, validateStep } from "@workflow-manager/core/testing"
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
  makeFormHandler,
  stringValidator
} from "../src/index.js"
import { companyForm, normalisedCompany, validCompany } from "./fixtures.js"

const check = (config: unknown, input: unknown, handler = formHandler) =>
  Effect.runPromise(checkStepInput(handler, { config, input }))
const failure = (effect: Effect.Effect<unknown, unknown>) => Effect.runPromise(Effect.flip(effect))

describe("checkInput", () => {
  it("accepts the valid company data", async () => {
    expect(await check(companyForm, validCompany)).toEqual([])
  })

  it("three invalid fields → one ValidationFailed listing all three paths (runStep)", async () => {
    const input = {
      ...validCompany,
      company: { ...validCompany.company, vat: "BE0476388377" },
      contacts: [validCompany.contacts[0], validCompany.contacts[1], { ...validCompany.contacts[1], email: "nope" }],
      iban: "BE31435411161156"
    }
    const issues = await check(companyForm, input)
    expect(issues).toEqual([
      { path: "company.vat", message: "fails its check digits (97 − the first 8 digits mod 97): a typo?" },
      { path: "contacts[2].email", message: expect.stringContaining("must match the pattern") },
      { path: "iban", message: "fails its check digits (ISO 13616 mod 97): a typo?" }
    ])
    expect(await failure(runStep(formHandler, { config: companyForm, input }))).toMatchObject({
      _tag: "ValidationFailed",
      issues
    })
  })

  it("names every kind of problem with a human message", async () => {
    const issues = await check(companyForm, {
      company: {
        legalName: "X",
        vat: 476388378,
        founded: "2025-02-29",
        headOffice: { street: "Rue", postcode: "0999", city: "B".repeat(101), country: "UK" }
      },
      marketRole: "BRPX",
      contacts: [],
      iban: "BE31 4354 1116 1155",
      guaranteeAmount: -1,
      nominationServices: 2.5,
      termsAccepted: "yes",
      fax: "+32"
    })
    expect(issues).toEqual([
      { path: "fax", message: "is not a field of this form" },
      { path: "company.legalName", message: "must be at least 2 characters" },
      { path: "company.vat", message: "must be text, not number" },
      { path: "company.founded", message: "is not a real date (2025-02-29)" },
      { path: "company.headOffice.postcode", message: "is not a postcode" },
      { path: "company.headOffice.city", message: "must be at most 100 characters" },
      { path: "company.headOffice.country", message: "must be one of BE, NL, FR, DE, LU" },
      { path: "marketRole", message: "must be one of BRP, BSP, ACH, GU, CRM, ESP" },
      { path: "contacts", message: "must have at least 1 item" },
      { path: "guaranteeAmount", message: "must be at least 0" },
      { path: "nominationServices", message: "must be a whole number" },
      { path: "termsAccepted", message: "must be true or false, not string" }
    ])
  })

  it("required fields, at every level", async () => {
    expect(await check(companyForm, { company: { headOffice: {} }, contacts: [{}] })).toEqual([
      { path: "company.legalName", message: "is required" },
      { path: "company.vat", message: "is required" },
      { path: "company.headOffice.street", message: "is required" },
      { path: "company.headOffice.postcode", message: "is required" },
      { path: "company.headOffice.city", message: "is required" },
      { path: "company.headOffice.country", message: "is required" },
      { path: "marketRole", message: "is required" },
      { path: "contacts[0].service", message: "is required" },
      { path: "contacts[0].language", message: "is required" },
      { path: "contacts[0].name", message: "is required" },
      { path: "contacts[0].email", message: "is required" },
      { path: "iban", message: "is required" },
      { path: "termsAccepted", message: "is required" }
    ])
  })

  it("dates: the format and real days (leap years)", async () => {
    const config = { fields: { d: { type: "date" } } }
    for (const d of ["2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01"])
      expect(await check(config, { d })).toEqual([])
    for (const d of ["2023-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-00-10", "2026-01-00"]) {
      expect(await check(config, { d }), d).toEqual([{ path: "d", message: `is not a real date (${d})` }])
    }
    for (const d of ["2026-1-01", "20260101", "2026-01-01T00:00:00Z", " 2026-01-01", 20260101]) {
      expect(await check(config, { d }), String(d)).toEqual([{ path: "d", message: "must be a date (YYYY-MM-DD)" }])
    }
  })

  it("array bounds and item paths", async () => {
    const config = {
      fields: { eans: { type: "array", min: 1, max: 3, item: { type: "string", validator: "ean-gsrn" } } }
    }
    expect(await check(config, { eans: ["541448965001060702", "x", "541449500000012346"] })).toEqual([
      { path: "eans[1]", message: "is not an EAN-GSRN (18 digits, e.g. 541448965001060702)" }
    ])
    expect(await check(config, { eans: ["1", "2", "3", "4"] })).toEqual([
      { path: "eans", message: "must have at most 3 items" }
    ])
  })

  it("null is a wrong value, not an absent one; an empty string is a string", async () => {
    const config = { fields: { a: { type: "string", min: 1 }, b: { type: "string" } } }
    expect(await check(config, { a: null, b: "" })).toEqual([{ path: "a", message: "must be text, not null" }])
    expect(await check(config, { a: "", b: "" })).toEqual([{ path: "a", message: "must be at least 1 character" }])
  })

  it("a named validator that throws is an issue, not a crash", async () => {
    const handler = makeFormHandler({
      validators: {
        boom: stringValidator("explodes", () => {
          throw new Error("bug")
        })
      }
    })
    expect(await check({ fields: { a: { type: "string", validator: "boom" } } }, { a: "x" }, handler)).toEqual([
      { path: "a", message: 'cannot be checked: the validator "boom" failed (Error: bug)' }
    ])
  })
})

describe("execute", () => {
  it("outputs the normalised data: declared fields, validators' canonical forms", async () => {
    expect(await Effect.runPromise(runStep(formHandler, { config: companyForm, input: validCompany }))).toEqual(
      normalisedCompany
    )
  })

  it("a user validator's canonical form, merged with the defaults", async () => {
    const handler = makeFormHandler({
      validators: {
        "upper-code": stringValidator(
          "a code",
          (v) => (/^[a-z]{3}$/i.test(v) ? undefined : "is not a code"),
          (v) => v.toUpperCase()
        )
      }
    })
    const config = {
      fields: { code: { type: "string", validator: "upper-code" }, vat: { type: "string", validator: "be-enterprise" } }
    }
    expect(await Effect.runPromise(runStep(handler, { config, input: { code: "abc", vat: "BE0476388378" } }))).toEqual({
      code: "ABC",
      vat: "0476.388.378"
    })
  })

  it("execute itself refuses invalid data (StepRefused), should checkInput be skipped", async () => {
    const execute = formHandler.execute as (args: unknown) => Effect.Effect<unknown, unknown>
    expect(await failure(execute({ config: companyForm, input: { marketRole: "X" }, context: {} }))).toMatchObject({
      _tag: "StepRefused",
      reason: "invalid",
      issues: ["company", "marketRole", "contacts", "iban", "termsAccepted"].map((path) => ({ path }))
    })
  })
})

describe("validate and compensate", () => {
  it("validate re-checks the recorded data", async () => {
    expect(
      await Effect.runPromise(
        validateStep(formHandler, { config: companyForm, input: validCompany, output: normalisedCompany })
      )
    ).toEqual([])
    expect(
      await Effect.runPromise(
        validateStep(formHandler, {
          config: companyForm,
          input: validCompany,
          output: { ...normalisedCompany, iban: "BE00" }
        })
      )
    ).toMatchObject([{ path: "iban" }])
    expect(
      await Effect.runPromise(validateStep(formHandler, { config: companyForm, input: null, output: null }))
    ).toEqual([{ path: "", message: "must be an object of fields, not null" }])
  })

  it("compensate records which fields the rollback clears", async () => {
    expect(
      await Effect.runPromise(
        compensateStep(formHandler, { config: companyForm, input: validCompany, output: normalisedCompany })
      )
    ).toEqual({ cleared: Object.keys(normalisedCompany) })
    expect(
      await Effect.runPromise(compensateStep(formHandler, { config: companyForm, input: null, output: null }))
    ).toEqual({
      cleared: []
    })
  })
})

describe("checkForm (outside the engine)", () => {
  it("the normalised data, ValidationFailed, or TemplateInvalid for a bad config", () => {
    expect(Result.getOrThrow(checkForm(companyForm, validCompany))).toEqual(normalisedCompany)
    expect(Result.isFailure(checkForm(companyForm, {}))).toBe(true)
    const bad = checkForm({ fields: { a: { type: "string", pattern: "(" } } }, { a: "x" })
    expect(Result.isFailure(bad) && bad.failure).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "config.fields.a.pattern" }]
    })
    const badValidators = checkForm(companyForm, validCompany, { validators: { "": null } as never })
    expect(Result.isFailure(badValidators) && badValidators.failure).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "options" }]
    })
  })
})

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
