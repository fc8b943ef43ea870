/**
 * The BSP's own form fields — and the delivery-point fields the ESP pack shares: contact services,
 * the application's sworn statement, a delivery point (its meter's EAN-GSRN, the grid it sits on
 * and, on a distribution grid, its DSO), the FSP–DSO contracts and the volume prequalification.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@workflow-manager/core"
import { addressField, configChecker } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/** Enum values a builder is given: 1–100 distinct non-empty strings (else `TemplateInvalid`). */
const checkValues = configChecker(
  Schema.Array(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))).check(
    Schema.isMinLength(1),
    Schema.isMaxLength(100),
    Schema.isUnique()
  ),
  "a list of 1-100 distinct values"
)
const checkLabel = configChecker(Schema.String.check(Schema.isMaxLength(2000)), "a label")
const checkFields = configChecker(Schema.Record(Schema.String, Schema.Unknown), "form fields")

/**
 * The services a BSP's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const bspContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "bidding",
  "real-time-operations",
  "metering-data",
  "technical"
]

/**
 * The Belgian distribution system operators whose grids host delivery points.
 *
 * @since 0.1.0
 * @category fields
 */
export const belgianDsos: ReadonlyArray<string> = ["Fluvius", "ORES", "Sibelga", "RESA", "AIEG", "AIESH", "REW"]

/**
 * A list of 1..n of `values` (the products applied for, prequalified, ...).
 *
 * @throws TemplateInvalid when given what the signature does not allow
 *
 * @since 0.1.0
 * @category fields
 */
export const choiceList = (label: string, values: ReadonlyArray<string>): JsonObject => {
  const checked = checkValues(values)
  return {
    type: "array",
    label: checkLabel(label),
    required: true,
    min: 1,
    max: checked.length,
    item: { type: "enum", values: [...checked] }
  }
}

/**
 * The sworn statement of the application: no bankruptcy, no criminal record (the grounds for
 * exclusion at the financial screening), signed by a representative.
 *
 * @since 0.1.0
 * @category fields
 */
export const swornStatementField: JsonObject = {
  type: "object",
  label: "Sworn statement",
  required: true,
  fields: {
    noBankruptcy: {
      type: "enum",
      label: "The company is not bankrupt nor in a similar procedure",
      values: ["declared"],
      required: true
    },
    noCriminalRecord: {
      type: "enum",
      label: "The company and its managers have no criminal record excluding them",
      values: ["declared"],
      required: true
    },
    signatory: { type: "string", label: "Signed by", required: true, min: 2, max: 200 },
    signedOn: { type: "date", label: "Signed on", required: true }
  }
}

/**
 * Where a set of delivery points is connected: only to the transmission grid, or (also) to a
 * distribution grid — where each hosting DSO must approve them.
 *
 * @since 0.1.0
 * @category fields
 */
export const connectionField: JsonObject = {
  type: "enum",
  label: "The delivery points are connected to",
  values: ["transmission", "distribution", "both"],
  required: true,
  help: "a delivery point on a distribution grid needs its DSO's approval"
}

/**
 * One delivery point: identified by its meter's EAN-GSRN-18 (`ean-gsrn:BE`), its site, the grid it
 * sits on and its DSO, the products it delivers and its maximum flexible power.
 *
 * @throws TemplateInvalid when given what the signature does not allow
 *
 * @since 0.1.0
 * @category fields
 */
export const deliveryPointField = (products: ReadonlyArray<string>): JsonObject => ({
  // choiceList checks `products`
  type: "object",
  fields: {
    ean: {
      type: "string",
      label: "Meter EAN-GSRN (identifies the delivery point)",
      required: true,
      validator: "ean-gsrn:BE"
    },
    name: { type: "string", label: "Site name", required: true, min: 1, max: 200 },
    address: addressField("Site address", true),
    grid: { type: "enum", label: "Grid", values: ["transmission", "distribution"], required: true },
    dso: { type: "enum", label: "DSO (on a distribution grid)", values: [...belgianDsos] },
    lowVoltage: { type: "boolean", label: "Low-voltage head meter" },
    products: choiceList("Products", products),
    maxPowerMw: { type: "number", label: "Maximum flexible power (MW)", required: true, min: 0, max: 10_000 }
  }
})

/**
 * The contracts with each DSO hosting delivery points (an FSP–DSO contract for a BSP; the
 * flexibility agreement and the regional data-access contract for an ESP).
 *
 * @throws TemplateInvalid when given what the signature does not allow
 *
 * @since 0.1.0
 * @category fields
 */
export const dsoContractsField = (contracts: JsonObject): JsonObject => ({
  type: "array",
  label: "Per DSO hosting delivery points",
  required: true,
  min: 1,
  max: belgianDsos.length,
  item: {
    type: "object",
    fields: {
      dso: { type: "enum", label: "DSO", values: [...belgianDsos], required: true },
      ...(checkFields(contracts) as JsonObject)
    }
  }
})

/**
 * The result of a volume prequalification test, per product.
 *
 * @throws TemplateInvalid when given what the signature does not allow
 *
 * @since 0.1.0
 * @category fields
 */
export const prequalificationTestField = (products: ReadonlyArray<string>): JsonObject => {
  const checked = checkValues(products)
  return {
    type: "array",
    label: "Tests per product",
    required: true,
    min: 1,
    max: checked.length,
    item: {
      type: "object",
      fields: {
        product: { type: "enum", label: "Product", values: [...checked], required: true },
        testedOn: { type: "date", label: "Tested on", required: true },
        offeredMw: { type: "number", label: "Volume offered (MW)", required: true, min: 0, max: 10_000 },
        deliveredMw: {
          type: "number",
          label: "Volume delivered in the test (MW)",
          required: true,
          min: 0,
          max: 10_000
        },
        testReport: { type: "string", label: "Test report reference", required: true, min: 1, max: 100 }
      }
    }
  }
}
