/**
 * The handler on core's plugin harness: input checked against the config with every failing field
 * at its exact path, unknown fields refused, the output normalised; `validate` at submission;
 * `compensate`; `checkForm` outside the engine.
 */
import { checkStepInput, compensateStep, runStep, validateStep } from "@workflow-manager/core/testing"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { checkForm, formHandler, makeFormHandler, stringValidator } from "../src/index.js"
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
