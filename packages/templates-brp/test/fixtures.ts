/**
 * A realistic BRP applicant (identifiers from DOMAIN.md, checked by computation there) and the
 * people on both sides: the BRP's administrator, the operator's customer support and market ops.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "engie-be"

export const applicant = participant("u-bob", tenantId)

/** Customer support: a `market_ops` user (core lets only that role act on a participant's tenant). */
export const support = operator("u-cara")
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Engie Electrabel",
  legalForm: "NV/SA",
  vat: "BE0476388378",
  eic: "10X1001A1001A094",
  headOffice: { street: "Boulevard Simon Bolivar 34", postcode: "1000", city: "Brussels", country: "BE" },
  bankAccount: "BE31435411161155"
}

export const portalInvitation = { invitedOn: "2026-03-03", portalAccount: "CP-104233" }

const person = (service: string, firstName: string, lastName: string, email: string) => ({
  service,
  language: "nl",
  title: "mr",
  firstName,
  lastName,
  function: "Trader",
  phone: "+32 2 518 61 11",
  email
})

export const contacts = {
  contacts: [
    { ...person("contract", "Claire", "Dubois", "claire.dubois@engie.example"), language: "fr", title: "ms" },
    person("nominations", "Pieter", "Claes", "nominations@engie.example"),
    person("settlement", "Jan", "Peeters", "settlement@engie.example")
  ],
  nominationRecipients: [
    { service: "Day-ahead desk", email: "da-desk@engie.example" },
    { service: "Intraday desk", email: "id-desk@engie.example" }
  ]
}

export const solvency = {
  requestedStart: "2026-05-01",
  solvencyProof: { kind: "annual-accounts", documentRef: "NBB-2025-0476388378", issuedOn: "2026-02-15" }
}

export const technical = {
  itContact: "it-ops@engie.example",
  certificateThumbprint: "3F8A1C0D9B7E6F5A4C3B2A1908F7E6D5C4B3A29180F7E6D5C4B3A2918071625A",
  testsPassed: true,
  nominationChannel: "b2b-xml"
}

export const contract = {
  contractReference: "BRP-2026-0112",
  signatory: "Jean Martin",
  signatoryFunction: "Chief Executive Officer",
  signedOn: "2026-03-20",
  terms: "accepted"
}

export const guarantee = {
  kind: "bank-guarantee",
  amount: 500000,
  issuer: "BNP Paribas Fortis",
  issuerRating: "A+",
  reference: "BG-2026-00417",
  issuedOn: "2026-03-25",
  expiresOn: "2027-03-31"
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
