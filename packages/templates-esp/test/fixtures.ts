/**
 * A realistic ESP — a flexibility service provider activating heat pumps and batteries on
 * Fluvius's and ORES's grids (identifiers with their check digits computed as DOMAIN.md describes)
 * — and the people on both sides: the ESP's administrator, the operator's DSO desk and market ops.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "voltflex-be"

export const applicant = participant("u-noor", tenantId)

export const dsoDesk = operator("u-dirk")
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Voltflex Services",
  legalForm: "NV/SA",
  vat: "BE0876543270",
  eic: "10XVOLTFLEX---AY",
  headOffice: { street: "Brusselsesteenweg 250", postcode: "9050", city: "Ghent", country: "BE" },
  bankAccount: "BE75068234567851"
}

export const contacts = {
  contacts: [
    {
      service: "contract",
      language: "nl",
      title: "ms",
      firstName: "Noor",
      lastName: "De Smet",
      function: "Head of flexibility",
      phone: "+32 9 555 44 33",
      email: "noor.desmet@voltflex.example"
    },
    {
      service: "flexibility-operations",
      language: "fr",
      firstName: "Luc",
      lastName: "Renard",
      phone: "+32 81 55 44 33",
      email: "dispatch@voltflex.example"
    }
  ]
}

export const flexibilityService = {
  requestedStart: "2026-07-01",
  services: ["day-ahead", "intraday"],
  energyTransfer: "regulated-price-formula"
}

export const guarantee = {
  kind: "bank-guarantee",
  amount: 75_000,
  issuer: "ING Belgium",
  issuerRating: "AA-",
  reference: "BG-ESP-2026-0031",
  issuedOn: "2026-03-10",
  expiresOn: "2027-06-30"
}

export const technical = {
  itContact: "it@voltflex.example",
  certificateThumbprint: "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9",
  testsPassed: true
}

export const fspContract = {
  contractReference: "FSP-DAID-2026-007",
  signatory: "Noor De Smet",
  signatoryFunction: "Managing director",
  signedOn: "2026-03-16",
  terms: "accepted",
  supplierDataContract: "SDC-2026-0012"
}

export const deliveryPoints = {
  connection: "distribution",
  points: [
    {
      ean: "541448965001060702",
      siteName: "Heat pumps Ghent North",
      address: { street: "Pantserschipstraat 3", postcode: "9000", city: "Ghent", country: "BE" },
      grid: "distribution",
      dso: "Fluvius",
      products: ["day-ahead", "intraday"],
      maxPowerMw: 1.8
    },
    {
      ean: "541449500000012346",
      siteName: "Battery Namur",
      address: { street: "Chaussée de Louvain 510", postcode: "5004", city: "Namur", country: "BE" },
      grid: "distribution",
      dso: "ORES",
      products: ["intraday"],
      maxPowerMw: 2.5
    }
  ]
}

export const dsoAgreements = {
  agreements: [
    {
      dso: "Fluvius",
      region: "flanders",
      agreementReference: "FLU-FSP-2026-0088",
      dataAccessContract: "FLU-DATA-2026-0088",
      signedOn: "2026-03-20"
    },
    {
      dso: "ORES",
      region: "wallonia",
      agreementReference: "ORES-FSP-2026-0031",
      dataAccessContract: "ORES-ACC-2026-0031",
      signedOn: "2026-03-23"
    }
  ]
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
