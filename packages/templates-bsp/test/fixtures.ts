/**
 * A realistic BSP applicant — an aggregator of industrial flexibility with delivery points on the
 * transmission grid and on Fluvius's grid (identifiers with their check digits computed as
 * DOMAIN.md describes) — and the people on both sides: the BSP's administrator, the operator's
 * financial screening, DSO desk, prequalification team and market ops.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "flexpower-be"

export const applicant = participant("u-lena", tenantId)

export const screener = operator("u-sam")
export const dsoDesk = operator("u-dirk")
export const prequalifier = operator("u-pia")
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Flexpower Aggregation",
  legalForm: "NV/SA",
  vat: "BE0712345630",
  eic: "10XFLEXPOWER--AC",
  headOffice: { street: "Kunstlaan 21", postcode: "1000", city: "Brussels", country: "BE" },
  bankAccount: "BE48320070184927"
}

const person = (service: string, firstName: string, lastName: string, email: string) => ({
  service,
  language: "nl",
  title: "ms",
  firstName,
  lastName,
  function: "Flexibility manager",
  phone: "+32 2 555 12 34",
  email
})

export const contacts = {
  contacts: [
    person("contract", "Lena", "Maes", "lena.maes@flexpower.example"),
    { ...person("real-time-operations", "Tom", "Janssens", "dispatch@flexpower.example"), title: "mr" },
    person("metering-data", "Sofie", "Wouters", "metering@flexpower.example")
  ]
}

export const application = {
  requestedStart: "2026-06-01",
  products: ["aFRR", "mFRR"],
  firstBidDate: "2026-05-15",
  swornStatement: {
    noBankruptcy: "declared",
    noCriminalRecord: "declared",
    signatory: "Lena Maes",
    signedOn: "2026-03-02"
  }
}

export const tcSignature = {
  contractReference: "TC-BSP-2026-031",
  signatory: "Pieter Vermeulen",
  signatoryFunction: "Managing director",
  signedOn: "2026-03-20",
  terms: "accepted",
  products: ["aFRR", "mFRR"]
}

export const itInterfaces = {
  itContact: "it@flexpower.example",
  certificateThumbprint: "9C1E5B7A3D2F40618E7C5B3A19D2F4068E7C5B3A19D2F4068E7C5B3A19D2F406",
  testsPassed: true
}

export const deliveryPoints = {
  connection: "both",
  points: [
    {
      ean: "541453000001000012",
      siteName: "Cold store Antwerp",
      address: { street: "Haven 1025", postcode: "2030", city: "Antwerp", country: "BE" },
      grid: "transmission",
      products: ["aFRR", "mFRR"],
      maxPowerMw: 12.5
    },
    {
      ean: "541453000002000035",
      siteName: "Greenhouses Hoogstraten",
      address: { street: "Loenhoutseweg 80", postcode: "2320", city: "Hoogstraten", country: "BE" },
      grid: "distribution",
      dso: "Fluvius",
      products: ["mFRR"],
      maxPowerMw: 3.2
    }
  ]
}

export const dsoContracts = {
  contracts: [{ dso: "Fluvius", contractReference: "FSP-DSO-FLU-2026-117", signedOn: "2026-03-27" }]
}

export const prequalificationTest = {
  tests: [
    { product: "aFRR", testedOn: "2026-04-14", offeredMw: 10, deliveredMw: 10.2, testReport: "PQ-aFRR-2026-044" },
    { product: "mFRR", testedOn: "2026-04-15", offeredMw: 15, deliveredMw: 15.4, testReport: "PQ-mFRR-2026-045" }
  ]
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
