/**
 * A realistic DSO (identifiers computed with DOMAIN.md's checks) and a flexibility provider with
 * delivery points on its grid, and the people: the DSO's administrator, grid engineer and
 * approver (DSO roles in the DSO's tenant), and the operator's market ops.
 */
import { operator, participant } from "@workflow-manager/templates-base/testing"

export const tenantId = "fluvius"

export const applicant = participant("u-eva", tenantId)
/** The DSO's grid engineer, who performs the network flexibility study. */
export const gridEngineer = participant("u-tom", tenantId, "dso_engineer")
/** The DSO's approver of delivery points. */
export const dsoApprover = participant("u-lies", tenantId, "dso_approver")

export const opsAnn = operator("u-ann")
export const opsAva = operator("u-ava")
export const opsMax = operator("u-max")

export const company = {
  legalName: "Fluvius System Operator",
  legalForm: "CV/SC",
  vat: "BE0477445084",
  eic: "22XFLUVIUS-----V",
  gln: "5414492000007",
  headOffice: { street: "Brusselsesteenweg 199", postcode: "9090", city: "Melle", country: "BE" },
  bankAccount: "BE48320070184927"
}

export const contacts = {
  contacts: [
    {
      service: "contract",
      language: "nl",
      title: "ms",
      firstName: "Eva",
      lastName: "De Smet",
      function: "Regulatory affairs",
      email: "eva.desmet@fluvius.example"
    },
    {
      service: "access-register",
      language: "nl",
      firstName: "Bart",
      lastName: "Maes",
      function: "Market processes",
      phone: "+32 78 35 35 34",
      email: "access-register@fluvius.example"
    }
  ]
}

export const engie = { legalName: "Engie Electrabel", eic: "10X1001A1001A094", vat: "BE0476388378" }

export const accessRequest = {
  requestedStart: "2026-07-01",
  brp: engie,
  interconnectionPoints: [
    { ean: "541449300000990015", substation: "Merelbeke", voltageKv: 36 },
    { ean: "541449300000990022", substation: "Eeklo Noord", voltageKv: 36 }
  ]
}

export const declaration = {
  declaration: "declared",
  signatory: "Frank Vanbrabant",
  signatoryFunction: "Chief Executive Officer",
  signedOn: "2026-03-09"
}

export const guarantee = {
  kind: "bank-guarantee",
  amount: 250_000,
  issuer: "Belfius Bank",
  issuerRating: "A-",
  reference: "BG-2026-FSO-01",
  issuedOn: "2026-03-10",
  expiresOn: "2027-06-30"
}

export const technical = {
  itContact: "b2b@fluvius.example",
  certificateThumbprint: "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90",
  testsPassed: true,
  accessRegisterChannel: "b2b-xml",
  allocationChannel: "b2b-xml"
}

export const contract = {
  contractReference: "COOP-FSO-2026",
  signatory: "Frank Vanbrabant",
  signatoryFunction: "Chief Executive Officer",
  signedOn: "2026-03-16",
  terms: "accepted"
}

export const flexibilityRequest = {
  receivedOn: "2026-03-02",
  operatorReference: "wf-bsp-0042",
  provider: { role: "BSP", legalName: "Eneco Belgium", eic: "22XENECO-------6" },
  product: "mFRR",
  fspDsoContract: { reference: "FSP-DSO-2026-017", signedOn: "2026-02-20" },
  deliveryPoints: [
    {
      ean: "541448965001060702",
      meterId: "1SAG1100012345",
      siteName: "Cold store Ghent",
      address: { street: "Skaldenstraat 7", postcode: "9042", city: "Ghent", country: "BE" },
      grid: "distribution",
      dso: "Fluvius",
      products: ["mFRR"],
      maxPowerMw: 2.5
    }
  ]
}

export const study = {
  studyReference: "NFS-2026-0031",
  result: "with-limits",
  limits: [{ ean: "541448965001060702", maxActivationMw: 2 }],
  completedOn: "2026-03-20"
}

/** The example configuration the docs and snapshots are generated with. */
export const docsConfig = { register: { url: "https://register.tso.example/api", secret: "register-token" } }
