/**
 * Form fields the base templates share and role packs reuse (as data, for the `form` handler of
 * `@workflow-manager/handler-form`): company identification, a contact, a financial guarantee, a
 * metering or access point. Each is a plain JSON object a `configure` change can deep-merge into.
 *
 * @since 0.1.0
 */
import { type JsonObject, TemplateInvalid } from "@workflow-manager/core"
import { guarded } from "./internal/guard.js"

/** An e-mail address (the form handler has no named validator for it). */
const email = (label: string, required: boolean): JsonObject => ({
  type: "string",
  label,
  required,
  max: 254,
  pattern: "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$",
  patternMessage: "is not an e-mail address"
})

/**
 * An e-mail field.
 *
 * @since 0.1.0
 * @category fields
 */
export const emailField = (label = "E-mail", required = true): JsonObject => email(label, required)

/**
 * A phone number in international form (`+32 2 546 70 11`).
 *
 * @since 0.1.0
 * @category fields
 */
export const phoneField: JsonObject = {
  type: "string",
  label: "Phone",
  pattern: "^\\+[0-9][0-9 ]{6,19}$",
  patternMessage: "is not an international phone number (+32 ...)"
}

/**
 * A postal address (street and number, postcode, city, ISO country code).
 *
 * @since 0.1.0
 * @category fields
 */
export const addressField = (label: string, required: boolean): JsonObject => ({
  type: "object",
  label,
  required,
  fields: {
    street: { type: "string", label: "Street and number", required: true, min: 2, max: 200 },
    postcode: {
      type: "string",
      label: "Postcode",
      required: true,
      pattern: "^[0-9A-Z][0-9A-Z -]{2,9}$",
      patternMessage: "is not a postcode"
    },
    city: { type: "string", label: "City", required: true, min: 1, max: 100 },
    country: {
      type: "string",
      label: "Country (ISO 3166-1 alpha-2)",
      required: true,
      pattern: "^[A-Z]{2}$",
      patternMessage: "is not an ISO country code such as BE"
    }
  }
})

/**
 * Company identification: legal name and form, Belgian enterprise/VAT number (`be-vat`), EIC party
 * code (`eic:X`, optional here — role packs that trade make it required), head office, bank account
 * (`iban`) and registration details.
 *
 * @since 0.1.0
 * @category fields
 */
export const companyFields: JsonObject = {
  legalName: { type: "string", label: "Legal name", required: true, min: 2, max: 200 },
  legalForm: { type: "string", label: "Legal form (NV/SA, BV/SRL, ...)", max: 50 },
  vat: {
    type: "string",
    label: "Enterprise / VAT number",
    required: true,
    validator: "be-vat",
    help: "BE followed by 10 digits, e.g. BE0476388378"
  },
  eic: {
    type: "string",
    label: "EIC party code",
    validator: "eic:X",
    help: "16 characters, X-type, e.g. 10X1001A1001A094"
  },
  headOffice: addressField("Head office", true),
  bankAccount: { type: "string", label: "Bank account (IBAN)", required: true, validator: "iban" }
}

/**
 * One contact: service, language, title, names, function, address, phone, e-mail.
 *
 * @since 0.1.0
 * @category fields
 */
export const contactField = (services: ReadonlyArray<string>, languages: ReadonlyArray<string>): JsonObject => ({
  type: "object",
  fields: {
    service: { type: "enum", label: "Service", values: [...services], required: true },
    language: { type: "enum", label: "Language", values: [...languages], required: true },
    title: { type: "enum", label: "Title", values: ["mr", "ms", "mx", "dr"] },
    firstName: { type: "string", label: "First name", required: true, min: 1, max: 100 },
    lastName: { type: "string", label: "Last name", required: true, min: 1, max: 100 },
    function: { type: "string", label: "Function", max: 100 },
    address: addressField("Address (when not the head office)", false),
    phone: phoneField,
    email: email("E-mail", true)
  }
})

/**
 * The services a contact can be for in the base templates.
 *
 * @since 0.1.0
 * @category fields
 */
export const baseContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "operations",
  "technical",
  "legal"
]

/**
 * A financial guarantee: bank guarantee or deposit, amount in euro, issuing bank and its rating,
 * reference, issue and expiry dates.
 *
 * @since 0.1.0
 * @category fields
 */
export const guaranteeFields: JsonObject = {
  kind: { type: "enum", label: "Kind", values: ["bank-guarantee", "deposit"], required: true },
  amount: { type: "number", label: "Amount (EUR)", required: true, min: 0, max: 1_000_000_000 },
  issuer: { type: "string", label: "Issuing bank", max: 200 },
  issuerRating: { type: "string", label: "Issuing bank's long-term rating", max: 10 },
  reference: { type: "string", label: "Guarantee reference", required: true, min: 1, max: 100 },
  issuedOn: { type: "date", label: "Issued on", required: true },
  expiresOn: { type: "date", label: "Expires on", required: true }
}

/**
 * A point of the portfolio: its EAN-GSRN-18 code (`ean-gsrn:BE`), what to do with it, its name and
 * address, and from which month.
 *
 * @since 0.1.0
 * @category fields
 */
export const pointField: JsonObject = {
  type: "object",
  fields: {
    ean: { type: "string", label: "EAN-GSRN code", required: true, validator: "ean-gsrn:BE" },
    action: { type: "enum", label: "Action", values: ["add", "remove"], required: true },
    name: { type: "string", label: "Site name", max: 200 },
    address: addressField("Site address", false),
    firstMonth: { type: "date", label: "From (first day of the month)", required: true }
  }
}

/**
 * The extension change that sets the services a contact can be for in a step's `contacts` list
 * (the onboarding's and the portfolio's `contacts` step by default) — what every role pack does.
 *
 * @example
 * ```ts
 * import { contactServices } from "@workflow-manager/templates-base"
 *
 * const change = contactServices(["management", "contract", "nominations"])
 * // { op: "configure", stepId: "contacts", config: { fields: { contacts: { item: { fields: { service: { values: [...] } } } } } } }
 * ```
 *
 * @throws TemplateInvalid when `services` is not a list of 1–50 strings or `stepId` not a string
 *
 * @since 0.1.0
 * @category fields
 */
export const contactServices = (
  services: ReadonlyArray<string>,
  stepId = "contacts"
): { readonly op: "configure"; readonly stepId: string; readonly config: JsonObject } => {
  return guarded("contactServices", () => {
    if (
      !Array.isArray(services) ||
      services.length < 1 ||
      services.length > 50 ||
      !services.every((service) => typeof service === "string")
    ) {
      throw new TemplateInvalid({
        templateId: "(contacts)",
        issues: [{ path: "services", message: "must be a list of 1–50 service names" }]
      })
    }
    if (typeof stepId !== "string") {
      throw new TemplateInvalid({
        templateId: "(contacts)",
        issues: [{ path: "stepId", message: "must be a step id" }]
      })
    }
    return {
      op: "configure",
      stepId,
      config: { fields: { contacts: { item: { fields: { service: { values: [...services] } } } } } }
    }
  })
}
