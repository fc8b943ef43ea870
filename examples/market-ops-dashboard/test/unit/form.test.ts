/**
 * The browser's form checks agree with the server's: for the demo template's forms and a form using
 * every field type, the dashboard's `checkInput` over the fields read from the handler's JSON
 * Schema gives exactly the issues (paths and messages) of the handler's own `checkForm` — on chosen
 * inputs and on generated ones. And the form's values round-trip recorded data.
 */
import { fc, test as property } from "@fast-check/vitest"
import { checkForm, type FormConfig, formJsonSchema } from "@workflow-manager/handler-form"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { checkInput } from "../../src/lib/form/check.ts"
import { fieldsOf } from "../../src/lib/form/fields.ts"
import { emptyValues, formInput, valuesOf } from "../../src/lib/form/values.ts"

const company: FormConfig = {
  fields: {
    companyName: { type: "string", label: "Legal name", required: true, min: 2, max: 200 },
    vatNumber: { type: "string", label: "Enterprise / VAT number", required: true, validator: "be-vat" },
    eic: { type: "string", label: "EIC party code", required: true, validator: "eic:X" }
  }
}
const portfolio: FormConfig = {
  fields: {
    accessPoints: {
      type: "array",
      label: "Access points (EAN-GSRN)",
      min: 1,
      max: 50,
      item: { type: "string", validator: "ean-gsrn:BE" }
    }
  }
}
const everything: FormConfig = {
  title: "Everything",
  fields: {
    company: {
      type: "object",
      label: "Company",
      required: true,
      fields: {
        legalName: { type: "string", required: true, min: 2, max: 20 },
        founded: { type: "date", label: "Founded on" },
        postcode: { type: "string", pattern: "^[1-9][0-9]{3}$", patternMessage: "is not a Belgian postcode" },
        code: { type: "string", pattern: "^[A-Z]{2}$" }
      }
    },
    marketRole: { type: "enum", values: ["BRP", "BSP", "ACH"], required: true },
    contacts: {
      type: "array",
      required: true,
      min: 1,
      max: 3,
      item: {
        type: "object",
        fields: {
          language: { type: "enum", values: ["nl", "fr", "de", "en"], required: true },
          email: { type: "string", required: true, max: 254, pattern: "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$" }
        }
      }
    },
    iban: { type: "string", label: "Bank account", validator: "iban:BE" },
    guaranteeAmount: { type: "number", min: 0, max: 1000000 },
    sites: { type: "integer", min: 1, max: 12 },
    termsAccepted: { type: "boolean", required: true },
    enterprise: { type: "string", validator: "be-enterprise" },
    anyEic: { type: "string", validator: "eic" },
    ean: { type: "string", validator: "ean-gsrn" },
    anyIban: { type: "string", validator: "iban" }
  }
}

const serverIssues = (config: FormConfig, input: unknown) => {
  const checked = checkForm(config, input)
  return Result.isSuccess(checked) ? [] : (checked.failure as { issues: ReadonlyArray<unknown> }).issues
}
const fieldsOfConfig = (config: FormConfig) => fieldsOf(Result.getOrThrow(formJsonSchema(config)), config)
const browserIssues = (config: FormConfig, input: unknown) => checkInput(fieldsOfConfig(config), input)

const agree = (config: FormConfig, input: unknown) => {
  expect(browserIssues(config, input)).toEqual(serverIssues(config, input))
}

describe("the browser's checks say what the server says", () => {
  it.each([
    ["valid", { companyName: "Electrabel Demo NV", vatNumber: "BE0403170701", eic: "22XENGIE-BE----P" }],
    [
      "a wrong VAT check number",
      { companyName: "Electrabel Demo NV", vatNumber: "BE0403170702", eic: "22XENGIE-BE----P" }
    ],
    ["missing fields", { companyName: "E" }],
    ["a wrong EIC and a number for a name", { companyName: 42, vatNumber: "0403.170.701", eic: "22XENGIE-BE----Q" }],
    ["an unknown field", { companyName: "Electrabel", vatNumber: "BE0403170701", eic: "22XENGIE-BE----P", x: 1 }],
    ["not an object", ["a list"]]
  ])("company information: %s", (_, input) => {
    agree(company, input)
  })

  it.each([
    ["valid", { accessPoints: ["541448965001060702", "541449500000012346"] }],
    ["no access point", { accessPoints: [] }],
    ["a wrong check digit and a foreign prefix", { accessPoints: ["541448965001060703", "871687120000000000"] }],
    ["not a list", { accessPoints: "541448965001060702" }],
    ["absent (optional)", {}]
  ])("portfolio: %s", (_, input) => {
    agree(portfolio, input)
  })

  it.each([
    [
      "valid",
      {
        company: { legalName: "Wind CV", founded: "2024-02-29", postcode: "9000", code: "BE" },
        marketRole: "BSP",
        contacts: [{ language: "nl", email: "ops@wind.example" }],
        iban: "BE31 4354 1116 1155",
        guaranteeAmount: 1500.5,
        sites: 3,
        termsAccepted: true
      }
    ],
    [
      "every kind of mistake",
      {
        company: { legalName: "W", founded: "2025-02-29", postcode: "0123", code: "be" },
        marketRole: "XYZ",
        contacts: [
          { language: "es", email: "nope" },
          { email: "a@b.example" },
          3,
          { language: "fr", email: "x@y.example" }
        ],
        iban: "BE31 4354 1116 1156",
        guaranteeAmount: -1,
        sites: 2.5,
        termsAccepted: "yes",
        enterprise: "0403.170.700",
        anyEic: "10X1001A1001A09-",
        ean: "541448965001060703",
        anyIban: "GB00WEST12345698765432"
      }
    ],
    [
      "dates and numbers of the wrong type",
      { company: { legalName: "Wind", founded: "29/02/2024" }, guaranteeAmount: "12", sites: 13, contacts: {} }
    ],
    ["nothing", {}],
    ["null values", { company: null, marketRole: null, termsAccepted: null }]
  ])("a form with every field type: %s", (_, input) => {
    agree(everything, input)
  })

  it("and the chosen mistakes are many, each named", () => {
    const input = {
      company: { legalName: "W", founded: "2025-02-29", postcode: "0123" },
      marketRole: "XYZ",
      contacts: [{ language: "es", email: "nope" }],
      iban: "BE31 4354 1116 1156",
      termsAccepted: "yes"
    }
    const issues = browserIssues(everything, input)
    expect(issues.map((i) => i.path)).toEqual([
      "company.legalName",
      "company.founded",
      "company.postcode",
      "marketRole",
      "contacts[0].language",
      "contacts[0].email",
      "iban",
      "termsAccepted"
    ])
    expect(issues.find((i) => i.path === "company.postcode")?.message).toBe("is not a Belgian postcode")
    expect(issues.find((i) => i.path === "company.founded")?.message).toBe("is not a real date (2025-02-29)")
  })

  const value = fc.oneof(
    fc.constantFrom(
      "",
      "BE0403170701",
      "0403.170.701",
      "BE0403170702",
      "22XENGIE-BE----P",
      "541448965001060702",
      "BE31 4354 1116 1155",
      "9000",
      "2024-02-30",
      "BRP",
      "nl",
      "a@b.example"
    ),
    fc.string({ maxLength: 30 }),
    fc.double({ noNaN: true }),
    fc.integer({ min: -5, max: 20 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constant("541449500000012346")), { maxLength: 4 })
  )
  const names = [
    "company",
    "marketRole",
    "contacts",
    "iban",
    "guaranteeAmount",
    "sites",
    "termsAccepted",
    "enterprise",
    "anyEic",
    "ean",
    "anyIban",
    "other"
  ]

  property.prop([fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 8 })], { numRuns: 300 })(
    "generated inputs: the same issues",
    (input) => {
      agree(everything, input)
    }
  )
  property.prop([fc.record({ companyName: value, vatNumber: value, eic: value }, { requiredKeys: [] })], {
    numRuns: 300
  })("generated company information: the same issues", (input) => {
    agree(company, input)
  })
})

describe("the form's values", () => {
  it("round-trip recorded data into the form and back", () => {
    const fields = fieldsOfConfig(everything)
    const data = {
      company: { legalName: "Wind CV", founded: "2024-02-29", postcode: "9000" },
      marketRole: "BSP",
      contacts: [{ language: "nl", email: "ops@wind.example" }],
      guaranteeAmount: 1500.5,
      sites: 3,
      termsAccepted: true
    }
    expect(formInput(fields, valuesOf(fields, data))).toEqual(data)
  })

  it("leave empty boxes out, so that a required one is reported as the server reports it", () => {
    const fields = fieldsOfConfig(company)
    const input = formInput(fields, emptyValues(fields))
    expect(input).toEqual({})
    expect(checkInput(fields, input).map((i) => i.message)).toEqual(["is required", "is required", "is required"])
  })

  it("send a number that does not read as one as typed, for the server's own message", () => {
    const fields = fieldsOfConfig(everything)
    const input = formInput(fields, { ...emptyValues(fields), sites: "twelve" })
    expect(input.sites).toBe("twelve")
    expect(checkInput(fields, input).find((i) => i.path === "sites")?.message).toBe("must be a number, not string")
  })

  it("read the fields from the JSON Schema: labels, required, kinds, bounds, validators and the pattern's message", () => {
    const fields = fieldsOfConfig(everything)
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]))
    expect(byName.company).toMatchObject({ kind: "object", label: "Company", required: true })
    expect(byName.marketRole).toMatchObject({ kind: "enum", values: ["BRP", "BSP", "ACH"], required: true })
    expect(byName.contacts).toMatchObject({ kind: "array", min: 1, max: 3, item: { kind: "object" } })
    expect(byName.iban).toMatchObject({ kind: "string", label: "Bank account", validator: "iban:BE", required: false })
    expect(byName.sites).toMatchObject({ kind: "integer", min: 1, max: 12 })
    const company = byName.company as { fields: ReadonlyArray<{ name: string; patternMessage?: string; kind: string }> }
    expect(company.fields.find((f) => f.name === "postcode")?.patternMessage).toBe("is not a Belgian postcode")
    expect(company.fields.find((f) => f.name === "founded")?.kind).toBe("date")
  })
})
