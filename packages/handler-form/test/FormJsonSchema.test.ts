/**
 * The exported JSON Schema, checked with a real JSON Schema validator (Ajv 8, draft 2020-12, with
 * ajv-formats): it accepts what the handler accepts and refuses what the handler refuses — except
 * what only a named validator can know (check digits), which it marks with `x-validator`.
 */
import { fc, test } from "@fast-check/vitest"
import { Ajv2020 } from "ajv/dist/2020.js"
import addFormatsModule from "ajv-formats"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { checkForm, type FormConfig, formJsonSchema, formLimits } from "../src/index.js"
import { companyForm, portfolioForm, validCompany, validPortfolio } from "./fixtures.js"

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }))
ajv.addVocabulary(["x-validator", "x-help"])

const schemaOf = (config: FormConfig) => Result.getOrThrow(formJsonSchema(config))
const validatorOf = (config: FormConfig) => ajv.compile(schemaOf(config))
const handlerAccepts = (config: FormConfig, data: unknown) => Result.isSuccess(checkForm(config, data))

describe("formJsonSchema", () => {
  it("renders titles, required, types, formats, patterns, bounds and x-validator", () => {
    // biome-ignore lint/suspicious/noExplicitAny: reading into the generated document by keyword
    const schema = schemaOf(companyForm) as Record<string, any>
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema")
    expect(schema.title).toBe("Company identification")
    expect(schema.additionalProperties).toBe(false)
    expect(schema.required).toEqual(["company", "marketRole", "contacts", "iban", "termsAccepted"])
    expect(schema.properties.company.properties.vat).toEqual({
      type: "string",
      title: "VAT number",
      "x-help": "BE + 10 digits",
      "x-validator": "be-vat",
      maxLength: formLimits.defaultStringMax
    })
    expect(schema.properties.company.properties.founded).toMatchObject({ type: "string", format: "date" })
    expect(schema.properties.company.properties.headOffice.properties.postcode).toMatchObject({
      pattern: "^[1-9][0-9]{3}$"
    })
    expect(schema.properties.contacts).toMatchObject({ type: "array", minItems: 1, maxItems: 5 })
    expect(schema.properties.contacts.items.required).toEqual(["service", "language", "name", "email"])
    expect(schema.properties.marketRole).toMatchObject({
      type: "string",
      enum: ["BRP", "BSP", "ACH", "GU", "CRM", "ESP"]
    })
    expect(schema.properties.guaranteeAmount).toEqual({
      type: "number",
      title: "Bank guarantee (EUR)",
      minimum: 0,
      maximum: 1e9
    })
    expect(schema.properties.nominationServices).toMatchObject({ type: "integer", minimum: 1, maximum: 5 })
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
  })

  it("Ajv accepts the valid inputs", () => {
    const company = validatorOf(companyForm)
    expect(company(validCompany), JSON.stringify(company.errors)).toBe(true)
    expect(validatorOf(portfolioForm)(validPortfolio)).toBe(true)
  })

  it("Ajv refuses the invalid inputs the handler refuses (all but check digits)", () => {
    const company = validatorOf(companyForm)
    const invalid: ReadonlyArray<unknown> = [
      {},
      { ...validCompany, fax: "+32" },
      { ...validCompany, marketRole: "TSO" },
      { ...validCompany, contacts: [] },
      { ...validCompany, contacts: Array.from({ length: 6 }, () => validCompany.contacts[0]) },
      { ...validCompany, contacts: [{ ...validCompany.contacts[0], email: "nope" }] },
      { ...validCompany, contacts: [{ ...validCompany.contacts[0], language: "es" }] },
      { ...validCompany, company: { ...validCompany.company, founded: "2025-02-29" } },
      { ...validCompany, company: { ...validCompany.company, founded: "2025-2-1" } },
      { ...validCompany, company: { ...validCompany.company, legalName: "X" } },
      { ...validCompany, company: { ...validCompany.company, vat: 476388378 } },
      {
        ...validCompany,
        company: { ...validCompany.company, headOffice: { ...validCompany.company.headOffice, postcode: "0999" } }
      },
      { ...validCompany, guaranteeAmount: -1 },
      { ...validCompany, nominationServices: 2.5 },
      { ...validCompany, termsAccepted: "yes" },
      { ...validCompany, iban: null },
      [validCompany],
      null
    ]
    for (const data of invalid) {
      expect(handlerAccepts(companyForm, data), JSON.stringify(data)).toBe(false)
      expect(company(data), JSON.stringify(data)).toBe(false)
    }
    // what only the named validators know: the schema says x-validator, the handler refuses
    for (const data of [
      { ...validCompany, iban: "BE31435411161156" },
      { ...validCompany, company: { ...validCompany.company, vat: "BE0476388377" } }
    ]) {
      expect(company(data)).toBe(true)
      expect(handlerAccepts(companyForm, data)).toBe(false)
    }
  })

  it("refuses an invalid config with TemplateInvalid", () => {
    const result = formJsonSchema({ fields: { a: { type: "string", pattern: "(?<=x)" } } })
    expect(Result.isFailure(result) && result.failure).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [{ path: "config.fields.a.pattern" }]
    })
    expect(Result.isFailure(formJsonSchema(null as never))).toBe(true)
  })
})

/** A form with every type and bound and no named validator: Ajv and the handler must always agree. */
const agreementForm = {
  fields: {
    name: { type: "string", required: true, min: 2, max: 8, pattern: "^[A-Z]" },
    count: { type: "integer", min: -3, max: 3 },
    ratio: { type: "number", min: 0, max: 1 },
    flag: { type: "boolean" },
    day: { type: "date" },
    kind: { type: "enum", values: ["a", "b"] },
    inner: { type: "object", fields: { x: { type: "string", required: true, max: 3 } } },
    list: { type: "array", min: 1, max: 3, item: { type: "integer", min: 0 } }
  }
} as const satisfies FormConfig

const value = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom("Ab", "ABCDEFGH", "ABCDEFGHI", "a", "2024-02-29", "2023-02-29", "2026-12-31", "2026-13-01", "😀😀"),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("a", "b", "c"),
  fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom("x", "y"), fc.oneof(fc.string({ maxLength: 4 }), fc.integer()))
)
const keys = fc.constantFrom(...Object.keys(agreementForm.fields), "extra", "__proto__")

describe("Ajv and the handler agree", () => {
  const ajvValidate = validatorOf(agreementForm)
  /** Mostly right, sometimes just wrong. */
  const pick = <A, B>(right: fc.Arbitrary<A>, wrong: fc.Arbitrary<B>) =>
    fc.oneof({ arbitrary: right, weight: 8 }, { arbitrary: wrong, weight: 1 })
  /** Each field absent, right, or just wrong — so that every boundary is met by otherwise valid inputs. */
  const nearlyValid = fc
    .record(
      {
        name: pick(fc.constantFrom("Ab", "Abcdefgh", "A😀"), fc.constantFrom("Abcdefghi", "ab", "A")),
        count: pick(fc.integer({ min: -3, max: 3 }), fc.constantFrom(4, -4, 1.5, "1")),
        ratio: pick(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(-0.1, 1.1, "0.5")),
        flag: pick(fc.boolean(), fc.constant("true")),
        day: pick(
          fc.constantFrom("2024-02-29", "2026-12-31"),
          fc.constantFrom("2023-02-29", "2026-13-01", "2026-1-01", "2026-04-31")
        ),
        kind: pick(fc.constantFrom("a", "b"), fc.constantFrom("c", "")),
        inner: pick(fc.constantFrom({ x: "ab" }, { x: "" }), fc.constantFrom({ x: "abcd" }, {}, { x: "a", y: 1 }, [])),
        list: pick(
          fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
          fc.constantFrom([], [1, 2, 3, 4], [-1])
        ),
        extra: fc.constant(1)
      },
      { requiredKeys: ["name"] }
    )
    .map(({ extra, ...rest }) => (extra !== undefined && rest.count === 0 ? { ...rest, extra } : rest))
  const inputs = fc.oneof(fc.dictionary(keys, value, { maxKeys: 9 }), { arbitrary: nearlyValid, weight: 3 })

  test.prop([inputs], { numRuns: 2_000 })("on generated inputs without named validators", (data) => {
    expect(handlerAccepts(agreementForm, data)).toBe(ajvValidate(data))
  })

  it("the generated inputs are both accepted and refused (the agreement is not vacuous)", () => {
    const sample = fc.sample(inputs, { numRuns: 2_000, seed: 42 })
    const accepted = sample.filter((data) => handlerAccepts(agreementForm, data)).length
    expect(accepted).toBeGreaterThan(100)
    expect(sample.length - accepted).toBeGreaterThan(100)
  })
})
