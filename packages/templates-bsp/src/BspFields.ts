/**
 * The BSP's own form fields — and the delivery-point fields the ESP pack shares: contact services,
 * the application's sworn statement, a delivery point (its meter's EAN-GSRN, the grid it sits on
 * and, on a distribution grid, its DSO), the FSP–DSO contracts and the volume prequalification.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@workflow-manager/core"
import { configChecker } from "@workflow-manager/templates-base"
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
