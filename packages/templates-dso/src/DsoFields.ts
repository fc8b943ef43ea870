/**
 * The DSO's own form fields: contact services, the EAN-GLN, the access request (BRP identity,
 * interconnection points), the cooperation declaration, the data exchanges (access register,
 * distribution allocations), and a BSP's or ESP's delivery points on the DSO's grid.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@workflow-manager/core"
import { connectionField, deliveryPointField } from "@workflow-manager/templates-base"

/**
 * The services a DSO's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const dsoContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "access-register",
  "allocations",
  "grid-operations",
  "technical"
]

/**
 * The DSO's EAN-GLN (GS1 global location number: 13 digits, Belgian prefix 54). The form handler
 * has no GLN validator: the pattern checks the shape, not the check digit.
 *
 * @since 0.1.0
 * @category fields
 */
export const glnField: JsonObject = {
  type: "string",
  label: "EAN-GLN",
  required: true,
  pattern: "^54[0-9]{11}$",
  patternMessage: "is not an EAN-GLN (13 digits starting with 54)",
  help: "13 digits, e.g. 5414492000007"
}

const ean = (label: string): JsonObject => ({
  type: "string",
  label,
  required: true,
  validator: "ean-gsrn:BE",
  help: "18 digits starting with 5414"
})

/**
 * The DSO's access request (beside the base's start date): its BRP and its interconnection points
 * with the operator's grid.
 *
 * @since 0.1.0
 * @category fields
 */
export const dsoAccessRequestFields: JsonObject = {
  brp: {
    type: "object",
    label: "BRP (balance responsible for the DSO's grid losses)",
    required: true,
    fields: {
      legalName: { type: "string", label: "Company", required: true, min: 2, max: 200 },
      eic: { type: "string", label: "EIC party code", required: true, validator: "eic:X" },
      vat: { type: "string", label: "Enterprise / VAT number", required: true, validator: "be-vat" }
    }
  },
  interconnectionPoints: {
    type: "array",
    label: "Interconnection points with the operator's grid",
    required: true,
    min: 1,
    max: 500,
    item: {
      type: "object",
      fields: {
        ean: ean("Access point EAN-GSRN"),
        substation: { type: "string", label: "Substation", required: true, min: 1, max: 100 },
        voltageKv: { type: "number", label: "Voltage (kV)", required: true, min: 1, max: 400 }
      }
    }
  }
}

/**
 * The DSO's cooperation declaration: who signs it, and when.
 *
 * @since 0.1.0
 * @category fields
 */
export const cooperationDeclarationFields: JsonObject = {
  declaration: {
    type: "enum",
    label: "The DSO declares it cooperates with the operator (access register, allocations, flexibility)",
    values: ["declared"],
    required: true
  },
  signatory: { type: "string", label: "Signatory (name)", required: true, min: 2, max: 200 },
  signatoryFunction: { type: "string", label: "Signatory's function", required: true, min: 2, max: 100 },
  signedOn: { type: "date", label: "Signed on", required: true }
}

/**
 * The DSO's data exchanges with the operator: its access register (per EAN-GSRN, with the ACH and
 * BRP) and the distribution allocations that feed the BRPs' perimeters.
 *
 * @since 0.1.0
 * @category fields
 */
export const dataExchangeFields: JsonObject = {
  accessRegisterChannel: {
    type: "enum",
    label: "Access register (per EAN-GSRN, with ACH and BRP) sent by",
    values: ["b2b-xml", "web"],
    required: true
  },
  allocationChannel: {
    type: "enum",
    label: "Distribution allocations (feeding the BRPs' perimeters) sent by",
    values: ["b2b-xml", "web"],
    required: true
  }
}

/**
 * The products and services a delivery point on a DSO's grid may deliver: the BSP's balancing
 * products and the ESP's flexibility services (their packs' defaults).
 *
 * @since 0.1.0
 * @category fields
 */
export const flexibilityProducts: ReadonlyArray<string> = ["FCR", "aFRR", "mFRR", "day-ahead", "intraday"]

/** The base's delivery point (what a BSP or ESP collects and the webhook sends), and its meter number. */
const deliveryPointOnGrid: JsonObject = (() => {
  const point = deliveryPointField(flexibilityProducts) as { readonly fields: JsonObject }
  return {
    ...point,
    fields: {
      ...point.fields,
      meterId: {
        type: "string",
        label: "Meter number",
        pattern: "^[0-9A-Z][0-9A-Z-]{3,29}$",
        patternMessage: "is not a meter number (capitals, digits and -)"
      }
    }
  }
})()

/**
 * A flexibility provider's request for its delivery points on the DSO's grid: the provider (BSP or
 * ESP, EIC), the product, the operator's reference, the FSP–DSO contract, where the points are
 * connected and the delivery points — with the field names of the webhook body BSP and ESP send
 * (`dsoRequestBody` of `@workflow-manager/templates-base`: `operatorReference`, `provider.role`,
 * `connection`, `deliveryPoints[]` as the base's `deliveryPointField` — EAN-GSRN, site name and
 * address, grid, DSO, products, maximum power), plus the meter number.
 *
 * @since 0.1.0
 * @category fields
 */
export const flexibilityRequestFields: JsonObject = {
  receivedOn: { type: "date", label: "Request received on", required: true },
  operatorReference: { type: "string", label: "The operator's reference", required: true, min: 1, max: 100 },
  provider: {
    type: "object",
    label: "Flexibility service provider",
    required: true,
    fields: {
      role: { type: "enum", label: "Role", values: ["BSP", "ESP"], required: true },
      legalName: { type: "string", label: "Company", required: true, min: 2, max: 200 },
      eic: { type: "string", label: "EIC party code", required: true, validator: "eic:X" },
      tenant: { type: "string", label: "Provider's account at the operator", max: 100 }
    }
  },
  product: {
    type: "enum",
    label: "Product / service",
    values: ["FCR", "aFRR", "mFRR", "DA-ID flexibility"],
    required: true
  },
  fspDsoContract: {
    type: "object",
    label: "FSP–DSO contract",
    required: true,
    fields: {
      reference: { type: "string", label: "Reference", required: true, min: 1, max: 100 },
      signedOn: { type: "date", label: "Signed on", required: true }
    }
  },
  connection: { ...connectionField, required: false },
  deliveryPoints: {
    type: "array",
    label: "Delivery points on the DSO's grid",
    required: true,
    min: 1,
    max: 500,
    item: deliveryPointOnGrid
  }
}

/**
 * The DSO's network flexibility study of the delivery points.
 *
 * @since 0.1.0
 * @category fields
 */
export const flexibilityStudyFields: JsonObject = {
  studyReference: { type: "string", label: "Study reference", required: true, min: 1, max: 100 },
  result: {
    type: "enum",
    label: "Result",
    values: ["no-constraint", "with-limits", "not-possible"],
    required: true
  },
  limits: {
    type: "array",
    label: "Limits per delivery point",
    max: 500,
    item: {
      type: "object",
      fields: {
        ean: ean("Access point EAN-GSRN"),
        maxActivationMw: { type: "number", label: "Maximum activation (MW)", required: true, min: 0, max: 1000 }
      }
    }
  },
  completedOn: { type: "date", label: "Completed on", required: true }
}
