/**
 * A realistic capacity provider — a battery and a demand-response pool for the Y-4 auction
 * (identifiers with their check digits computed as DOMAIN.md describes) — and the people on both
 * sides: the provider's administrator, the operator's prequalification team, the desk recording
 * the regulator's decisions, and market ops.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "nordcap-be"

export const applicant = participant("u-ines", tenantId)

export const prequalifier = operator("u-pia")
export const regulatorDesk = operator("u-rik")
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Nordcap Energy Storage",
  legalForm: "BV/SRL",
  vat: "BE0654321022",
  eic: "10XNORDCAP----AU",
  headOffice: { street: "Rue de la Loi 42", postcode: "1040", city: "Brussels", country: "BE" },
  bankAccount: "BE73735012345660"
}

export const contacts = {
  contacts: [
    {
      service: "prequalification",
      language: "fr",
      title: "ms",
      firstName: "Ines",
      lastName: "Lambert",
      function: "Market access manager",
      phone: "+32 2 555 98 76",
      email: "ines.lambert@nordcap.example"
    },
    {
      service: "bidding",
      language: "en",
      firstName: "Marc",
      lastName: "Dupont",
      phone: "+32 2 555 98 77",
      email: "bids@nordcap.example"
    }
  ]
}

export const itApplication = {
  itContact: "it@nordcap.example",
  testsPassed: true,
  interfaceUsers: [
    { name: "Ines Lambert", email: "ines.lambert@nordcap.example" },
    { name: "Marc Dupont", email: "bids@nordcap.example" }
  ],
  auction: "Y-4",
  deliveryPeriodStart: "2030-11-01",
  prequalificationCloses: "2026-06-15",
  bidWindowCloses: "2026-09-30"
}

export const battery = {
  name: "Ghent battery 1",
  kind: "additional",
  technology: "storage",
  nominalMw: 50,
  deratedMw: 22.5,
  deliveryPoints: ["541453000001000029"],
  operatingAid: "none",
  fileReference: "PQ-2026-0311"
}

export const prequalificationFiles = {
  requestedStart: "2030-11-01",
  multiYear: true,
  units: [
    battery,
    {
      name: "Nordcap DR pool",
      kind: "virtual",
      technology: "demand-response",
      nominalMw: 8,
      deratedMw: 4.2,
      operatingAid: "none",
      fileReference: "PQ-2026-0312"
    }
  ]
}

export const investmentFile = {
  files: [
    {
      unit: "Ghent battery 1",
      capexEur: 31_500_000,
      requestedYears: 15,
      fileReference: "INV-2026-0044",
      submittedOn: "2026-06-10"
    }
  ]
}

export const bids = {
  bids: [
    { unit: "Ghent battery 1", priceEurPerMwYear: 38_500, volumeMw: 22.5, durationYears: 15 },
    { unit: "Nordcap DR pool", priceEurPerMwYear: 12_000, volumeMw: 4.2, durationYears: 1 }
  ]
}

export const guarantee = {
  kind: "bank-guarantee",
  amount: 450_000,
  issuer: "KBC Bank",
  issuerRating: "A+",
  reference: "BG-CRM-2026-0078",
  issuedOn: "2026-09-20",
  expiresOn: "2031-12-31"
}

export const capacityContract = {
  contractReference: "CRM-CC-2026-0191",
  signatory: "Ines Lambert",
  signatoryFunction: "Managing director",
  signedOn: "2026-11-05",
  terms: "accepted",
  auctionResult: "Y4-2026-RES-0191",
  contractedMw: 26.7
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
