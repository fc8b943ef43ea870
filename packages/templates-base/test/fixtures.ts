/**
 * Test data: the applicant's and the operator's people, and a realistic participant (identifiers
 * from DOMAIN.md, checked by computation there).
 */
import { operator, participant } from "../src/testing.js"

export const tenantId = "engie-be"

/** The participant's administrator: creates the instances and fills in the forms. */
export const applicant = participant("u-bob", tenantId)

/** The operator's market operations people (core lets only `market_ops` act on a participant's tenant). */
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Engie Electrabel",
  legalForm: "NV/SA",
  vat: "BE 0476.388.378",
  eic: "10X1001A1001A094",
  headOffice: { street: "Boulevard Simon Bolivar 34", postcode: "1000", city: "Brussels", country: "BE" },
  bankAccount: "BE31 4354 1116 1155"
}

export const contact = {
  service: "contract",
  language: "fr",
  title: "ms",
  firstName: "Claire",
  lastName: "Dubois",
  function: "Head of market access",
  phone: "+32 2 518 61 11",
  email: "claire.dubois@engie.example"
}

export const guarantee = {
  kind: "bank-guarantee",
  amount: 250000,
  issuer: "KBC Bank",
  issuerRating: "A",
  reference: "BG-2026-00417",
  issuedOn: "2026-03-01",
  expiresOn: "2027-02-28"
}

export const technical = {
  itContact: "it-ops@engie.example",
  certificateThumbprint: "3F8A1C0D9B7E6F5A4C3B2A1908F7E6D5C4B3A29180F7E6D5C4B3A2918071625A",
  testsPassed: true
}

export const contract = {
  contractReference: "TSO-CTR-2026-0112",
  signatory: "Jean Martin",
  signatoryFunction: "Chief Executive Officer",
  signedOn: "2026-03-05",
  terms: "accepted"
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
