/**
 * The ACH's own form fields: contact services, the access request (grid user, customer id,
 * solvency attestation), the guarantee the operator computes, the grid user's agreement and the
 * designation of a BRP and a supplier per access point (the annex of the Access Contract).
 *
 * @since 0.1.0
 */
import { type JsonObject, TemplateInvalid } from "@workflow-manager/core"
import { addressField } from "@workflow-manager/templates-base"

/**
 * The services an ACH's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const achContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "access-points",
  "metering-data",
  "operations"
]

/** A calendar month `YYYY-MM` (designations run from a first to a last month). */
const month = (label: string, required: boolean): JsonObject => ({
  type: "string",
  label,
  required,
  pattern: "^20[0-9]{2}-(0[1-9]|1[0-2])$",
  patternMessage: "is not a month (YYYY-MM)"
})

const person = (label: string): JsonObject => ({
  type: "object",
  label,
  required: true,
  fields: {
    name: { type: "string", label: "Name", required: true, min: 2, max: 200 },
    function: { type: "string", label: "Function", required: true, min: 2, max: 100 }
  }
})

/**
 * The access request's own fields (beside the base's requested start): the grid user's identity,
 * the holder's customer id at the operator and the solvency attestation.
 *
 * @since 0.1.0
 * @category fields
 */
export const accessRequestFields: JsonObject = {
  gridUser: {
    type: "object",
    label: "Grid user (the company connected at the access points)",
    required: true,
    fields: {
      legalName: { type: "string", label: "Legal name", required: true, min: 2, max: 200 },
      vat: { type: "string", label: "Enterprise / VAT number", required: true, validator: "be-vat" },
      headOffice: addressField("Head office", true)
    }
  },
  customerId: {
    type: "string",
    label: "Customer id at the operator",
    required: true,
    pattern: "^[A-Z0-9][A-Z0-9-]{2,29}$",
    patternMessage: "is not a customer id (capitals, digits and -)"
  },
  solvencyAttestation: {
    type: "object",
    label: "Solvency attestation",
    required: true,
    fields: {
      documentRef: { type: "string", label: "Document reference", required: true, min: 1, max: 200 },
      issuedBy: { type: "string", label: "Issued by", required: true, min: 2, max: 200 },
      issuedOn: { type: "date", label: "Issued on", required: true }
    }
  }
}

/**
 * The operator's computation of the guarantee: 1/12 of the estimated yearly access fees.
 *
 * @since 0.1.0
 * @category fields
 */
export const guaranteeComputationFields: JsonObject = {
  estimatedYearlyAccessFees: {
    type: "number",
    label: "Estimated yearly access fees (EUR)",
    required: true,
    min: 0,
    max: 10_000_000_000
  },
  requiredGuarantee: {
    type: "number",
    label: "Required guarantee (EUR): 1/12 of the estimated yearly access fees",
    required: true,
    min: 0,
    max: 1_000_000_000
  },
  computedOn: { type: "date", label: "Computed on", required: true }
}

/**
 * The grid user's agreement (annex of the Access Contract): who signs for the grid user, and when.
 *
 * @since 0.1.0
 * @category fields
 */
export const gridUserAgreementFields: JsonObject = {
  representative: person("Signing for the grid user"),
  signedOn: { type: "date", label: "Signed on", required: true },
  agreement: {
    type: "enum",
    label: "The grid user agrees that the holder holds access at its access points",
    values: ["agreed"],
    required: true
  }
}

const party = (label: string, withRepresentative: boolean): JsonObject => ({
  type: "object",
  label,
  required: true,
  fields: {
    legalName: { type: "string", label: "Company", required: true, min: 2, max: 200 },
    eic: { type: "string", label: "EIC party code", required: true, validator: "eic:X" },
    ...(withRepresentative
      ? {
          headOffice: addressField("Head office", true),
          registrationNumber: { type: "string", label: "Registration number", max: 50 },
          vat: { type: "string", label: "Enterprise / VAT number", required: true, validator: "be-vat" },
          representative: person("Representative")
        }
      : {})
  }
})

/** `kv` when it is a voltage in kV (an integer 1–1000); a `TemplateInvalid` otherwise, never a `TypeError`. */
const checkKv = (kv: unknown): number => {
  if (typeof kv === "number" && Number.isInteger(kv) && kv >= 1 && kv <= 1000) return kv
  throw new TemplateInvalid({
    templateId: "(fields)",
    issues: [{ path: "multipleBrpFromKv", message: "must be a voltage in kV (an integer from 1 to 1000)" }]
  })
}

/**
 * One designation of the annex: an access point (EAN-GSRN, site name and address), the months it
 * runs, the BRP (company, EIC, head office, registration number, VAT, representative) and the
 * supplier. `additionalBrps` are for access points at or above `multipleBrpFromKv`.
 *
 * @throws TemplateInvalid when `multipleBrpFromKv` is not an integer from 1 to 1000
 *
 * @since 0.1.0
 * @category fields
 */
export const designationField = (multipleBrpFromKv: number): JsonObject => ({
  type: "object",
  fields: {
    ean: {
      type: "string",
      label: "Access point EAN-GSRN",
      required: true,
      validator: "ean-gsrn:BE",
      help: "18 digits starting with 5414, e.g. 541448965001060702"
    },
    siteName: { type: "string", label: "Site name", required: true, min: 1, max: 200 },
    siteAddress: addressField("Site address", true),
    voltageKv: { type: "number", label: "Connection voltage (kV)", min: 0, max: 1000 },
    firstMonth: month("First month", true),
    lastMonth: month("Last month (open-ended when empty)", false),
    brp: party("BRP", true),
    additionalBrps: {
      type: "array",
      label: `Further BRPs (only for an access point at ${checkKv(multipleBrpFromKv)} kV or more)`,
      min: 1,
      max: 4,
      item: party("BRP", false)
    },
    supplier: party("Supplier", false)
  }
})

/**
 * The designations of the annex: 1 to 500 access points.
 *
 * @throws TemplateInvalid when `multipleBrpFromKv` is not an integer from 1 to 1000
 *
 * @since 0.1.0
 * @category fields
 */
export const designationsField = (multipleBrpFromKv: number): JsonObject => ({
  type: "array",
  label: "Designation of BRP and supplier per access point",
  required: true,
  min: 1,
  max: 500,
  item: designationField(multipleBrpFromKv)
})
