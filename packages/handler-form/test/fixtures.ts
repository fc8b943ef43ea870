/**
 * A realistic BRP onboarding: the company form (identity, head office, contacts per service) and the
 * portfolio form (access points), with data that passes and data with problems.
 */
import type { FormConfig } from "../src/index.js"

export const companyForm = {
  title: "Company identification",
  fields: {
    company: {
      type: "object",
      label: "Company",
      required: true,
      fields: {
        legalName: { type: "string", label: "Legal name", required: true, min: 2, max: 200 },
        vat: { type: "string", label: "VAT number", required: true, validator: "be-vat", help: "BE + 10 digits" },
        eic: { type: "string", label: "EIC party code", validator: "eic:X" },
        founded: { type: "date", label: "Founded on" },
        headOffice: {
          type: "object",
          required: true,
          fields: {
            street: { type: "string", required: true, max: 200 },
            postcode: {
              type: "string",
              required: true,
              pattern: "^[1-9][0-9]{3}$",
              patternMessage: "is not a postcode"
            },
            city: { type: "string", required: true, max: 100 },
            country: { type: "enum", values: ["BE", "NL", "FR", "DE", "LU"], required: true }
          }
        }
      }
    },
    marketRole: {
      type: "enum",
      label: "Market role",
      values: ["BRP", "BSP", "ACH", "GU", "CRM", "ESP"],
      required: true
    },
    contacts: {
      type: "array",
      label: "Contacts",
      required: true,
      min: 1,
      max: 5,
      item: {
        type: "object",
        fields: {
          service: {
            type: "enum",
            values: ["nominations", "settlement", "invoicing", "operations", "legal"],
            required: true
          },
          language: { type: "enum", values: ["nl", "fr", "de", "en"], required: true },
          name: { type: "string", required: true, max: 200 },
          email: { type: "string", required: true, pattern: "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", max: 254 },
          phone: { type: "string", pattern: "^\\+[0-9 ]{8,20}$" }
        }
      }
    },
    iban: { type: "string", label: "Bank account", required: true, validator: "iban:BE" },
    guaranteeAmount: { type: "number", label: "Bank guarantee (EUR)", min: 0, max: 1e9 },
    nominationServices: { type: "integer", label: "Services receiving nominations", min: 1, max: 5 },
    termsAccepted: { type: "boolean", label: "I accept the T&C BRP", required: true }
  }
} as const satisfies FormConfig

export const validCompany = {
  company: {
    legalName: "Engie Electrabel",
    vat: "BE 0476.388.378",
    eic: "10X1001A1001A094",
    founded: "1990-02-28",
    headOffice: { street: "Boulevard Simon Bolivar 34", postcode: "1000", city: "Brussels", country: "BE" }
  },
  marketRole: "BRP",
  contacts: [
    {
      service: "nominations",
      language: "fr",
      name: "Ops desk",
      email: "nominations@example.be",
      phone: "+32 2 518 61 11"
    },
    { service: "settlement", language: "nl", name: "Settlement team", email: "settlement@example.be" }
  ],
  iban: "BE31 4354 1116 1155",
  guaranteeAmount: 250000.5,
  nominationServices: 2,
  termsAccepted: true
}

/** What the step records for {@link validCompany}: validators' canonical forms. */
export const normalisedCompany = {
  ...validCompany,
  company: { ...validCompany.company, vat: "BE0476388378" },
  iban: "BE31435411161155"
}

export const portfolioForm = {
  fields: {
    accessPoints: {
      type: "array",
      required: true,
      min: 1,
      item: {
        type: "object",
        fields: {
          ean: { type: "string", required: true, validator: "ean-gsrn:BE", label: "Access point EAN" },
          siteName: { type: "string", required: true },
          firstMonth: { type: "date", required: true }
        }
      }
    }
  }
} as const satisfies FormConfig

export const validPortfolio = {
  accessPoints: [
    { ean: "541448965001060702", siteName: "Drogenbos", firstMonth: "2027-01-01" },
    { ean: "541449500000012346", siteName: "Ruien", firstMonth: "2027-02-01" }
  ]
}

export const onboardingTemplate = {
  schemaVersion: 1,
  id: "brp-onboarding",
  version: 1,
  name: "BRP onboarding",
  marketRole: "BRP",
  steps: [
    { id: "company", type: "form", name: "Company identification", config: companyForm },
    { id: "portfolio", type: "form", name: "Portfolio", config: portfolioForm }
  ]
}
