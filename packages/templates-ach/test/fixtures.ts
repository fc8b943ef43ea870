/**
 * A realistic Access Contract Holder and its annexes (identifiers computed with DOMAIN.md's
 * checks), and the people on both sides: the holder's administrator, the operator's market ops.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "luminus"

export const applicant = participant("u-lea", tenantId)

export const opsCara = operator("u-cara")
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Luminus",
  legalForm: "NV/SA",
  vat: "BE0471811661",
  eic: "22XLUMINUS-----I",
  headOffice: { street: "Koning Albert II-laan 7", postcode: "1210", city: "Brussels", country: "BE" },
  bankAccount: "BE48320070184927"
}

export const contacts = {
  contacts: [
    {
      service: "contract",
      language: "nl",
      title: "ms",
      firstName: "Els",
      lastName: "Wouters",
      function: "Key account manager",
      phone: "+32 2 229 19 50",
      email: "els.wouters@luminus.example"
    },
    {
      service: "access-points",
      language: "fr",
      title: "mr",
      firstName: "Marc",
      lastName: "Lambert",
      function: "Access management",
      email: "access@luminus.example"
    }
  ]
}

export const accessRequest = {
  requestedStart: "2026-05-01",
  gridUser: {
    legalName: "Aperam Stainless Belgium",
    vat: "BE0403027278",
    headOffice: { street: "Swinnenwijerweg 5", postcode: "3600", city: "Genk", country: "BE" }
  },
  customerId: "CUST-204118",
  solvencyAttestation: { documentRef: "ATT-2026-0071", issuedBy: "ING Belgium", issuedOn: "2026-02-20" }
}

export const guaranteeAmount = {
  estimatedYearlyAccessFees: 1_440_000,
  requiredGuarantee: 120_000,
  computedOn: "2026-03-04"
}

export const guarantee = {
  kind: "bank-guarantee",
  amount: 120_000,
  issuer: "ING Belgium",
  issuerRating: "A+",
  reference: "BG-2026-01188",
  issuedOn: "2026-03-10",
  expiresOn: "2027-04-30"
}

export const gridUserAgreement = {
  representative: { name: "Sofie Janssens", function: "Plant manager" },
  signedOn: "2026-03-12",
  agreement: "agreed"
}

const address = (street: string, postcode: string, city: string) => ({ street, postcode, city, country: "BE" })

export const engie = {
  legalName: "Engie Electrabel",
  eic: "10X1001A1001A094",
  headOffice: address("Boulevard Simon Bolivar 34", "1000", "Brussels"),
  registrationNumber: "RPR Brussels",
  vat: "BE0476388378",
  representative: { name: "Jean Martin", function: "Head of balancing" }
}

export const designation = (ean: string, siteName: string) => ({
  ean,
  siteName,
  siteAddress: address("Swinnenwijerweg 5", "3600", "Genk"),
  voltageKv: 150,
  firstMonth: "2026-05",
  brp: engie,
  supplier: { legalName: "Luminus", eic: "22XLUMINUS-----I" }
})

export const designations = {
  accessPoints: [
    designation("541449300000123451", "Aperam Genk — melt shop"),
    designation("541449300000123468", "Aperam Genk — cold rolling")
  ]
}

export const contract = {
  contractReference: "AC-2026-0318",
  signatory: "Grégoire Dallemagne",
  signatoryFunction: "Chief Executive Officer",
  signedOn: "2026-03-16",
  terms: "accepted"
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
