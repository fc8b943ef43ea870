/**
 * The BSP's own form fields: contact services, the application's sworn statement and the volume
 * prequalification (the delivery-point fields it shares with the ESP pack are in the base).
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@workflow-manager/core"
import { choiceList } from "@workflow-manager/templates-base"

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
  // choiceList checks `products` (1–100 distinct values, else TemplateInvalid)
  const checked = (choiceList("Products", products).item as { readonly values: ReadonlyArray<string> }).values
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
