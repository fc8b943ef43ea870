/**
 * A realistic grid user — an industrial site connected at 150 kV — and its ACH (identifiers
 * computed with DOMAIN.md's checks), and the people on both sides: the grid user's administrator,
 * the operator's connection engineers (market ops users) and approvers.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "aperam-genk"

export const applicant = participant("u-sofie", tenantId)

/** The operator's connection engineer: a `market_ops` user (the only role core lets act on a participant's tenant). */
export const engineer = operator("u-cara")
export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Aperam Stainless Belgium",
  legalForm: "NV/SA",
  vat: "BE0403027278",
  headOffice: { street: "Swinnenwijerweg 5", postcode: "3600", city: "Genk", country: "BE" },
  bankAccount: "BE31435411161155"
}

export const contacts = {
  contacts: [
    {
      service: "contract",
      language: "nl",
      title: "ms",
      firstName: "Sofie",
      lastName: "Janssens",
      function: "Plant manager",
      phone: "+32 89 30 21 11",
      email: "sofie.janssens@aperam.example"
    },
    {
      service: "operations",
      language: "nl",
      firstName: "Koen",
      lastName: "Peeters",
      function: "Electrical maintenance",
      email: "dispatch@aperam.example"
    }
  ]
}

export const connectionRequest = {
  requestedStart: "2026-09-01",
  site: {
    name: "Genk melt shop",
    address: { street: "Swinnenwijerweg 5", postcode: "3600", city: "Genk", country: "BE" }
  },
  request: "modification",
  existingAccessPoint: "541449500000012346",
  installationType: "mixed",
  requestedCapacityMva: 120,
  maxOfftakeMw: 110,
  maxInjectionMw: 12,
  requestedVoltageKv: "150",
  specificationsRef: "APR-SLD-2026-04",
  inDepthStudy: true
}

export const study = {
  studyReference: "IDS-2026-0042",
  conclusion: "feasible-with-reinforcement",
  reportRef: "IDS-2026-0042-R1",
  completedOn: "2026-04-10"
}

export const assessment = {
  substantialModernisation: "yes",
  voltageKv: "150",
  connectionPoint: { substation: "Genk Zuid", bay: "F12" },
  connectionCapacityMva: 120,
  accessPoint: "541449500000012346"
}

export const installation = {
  units: [
    { name: "Electric arc furnace", technology: "load", capacityMw: 95 },
    { name: "Rooftop PV", technology: "solar", capacityMw: 12 }
  ],
  protectionSchemeRef: "APR-PROT-2026-02",
  meteringSchemeRef: "APR-MET-2026-01"
}

export const contract = {
  contractReference: "CC-2026-0207",
  signatory: "Sofie Janssens",
  signatoryFunction: "Plant manager",
  signedOn: "2026-04-20",
  terms: "accepted"
}

export const appointment = {
  accessPoint: "541449500000012346",
  ach: { legalName: "Luminus", vat: "BE0471811661", eic: "22XLUMINUS-----I" },
  from: "2026-09-01"
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
