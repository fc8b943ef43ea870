/**
 * The capacity provider's own form fields: contact services, the auction it applies for, a
 * capacity market unit's prequalification file, an investment file, a bid.
 *
 * @since 0.1.0
 */
import type { JsonObject } from "@workflow-manager/core"

/**
 * The services a capacity provider's contact can be for.
 *
 * @since 0.1.0
 * @category fields
 */
export const crmContactServices: ReadonlyArray<string> = [
  "management",
  "contract",
  "invoicing",
  "prequalification",
  "bidding",
  "operations",
  "technical"
]

/**
 * The auction a candidate applies for and its calendar (published by the operator each year):
 * prequalification files 15 May–15 June, bids 15–30 September, delivery from 1 November.
 *
 * @since 0.1.0
 * @category fields
 */
export const auctionFields: JsonObject = {
  auction: { type: "enum", label: "Auction", values: ["Y-4", "Y-1"], required: true },
  deliveryPeriodStart: {
    type: "date",
    label: "Delivery period starts",
    required: true,
    help: "1 November; the delivery period runs to 31 October"
  },
  prequalificationCloses: {
    type: "date",
    label: "Prequalification files due",
    required: true,
    help: "15 June of the auction year (files from 15 May)"
  },
  bidWindowCloses: { type: "date", label: "Bids due", required: true, help: "30 September (bids from 15 September)" }
}

/**
 * One capacity market unit's prequalification file: existing, additional or virtual; eligible from
 * `minimumMw` after derating, without variable operating aid.
 *
 * @since 0.1.0
 * @category fields
 */
export const cmuField = (minimumMw: number): JsonObject => ({
  type: "object",
  fields: {
    name: { type: "string", label: "Capacity market unit", required: true, min: 1, max: 100 },
    kind: { type: "enum", label: "Kind", values: ["existing", "additional", "virtual"], required: true },
    technology: {
      type: "enum",
      label: "Technology",
      values: ["production", "storage", "demand-response", "aggregated"],
      required: true
    },
    nominalMw: { type: "number", label: "Nominal reference power (MW)", required: true, min: 0, max: 10_000 },
    deratedMw: {
      type: "number",
      label: "Capacity after derating (MW)",
      required: true,
      min: typeof minimumMw === "number" && Number.isFinite(minimumMw) ? minimumMw : 1,
      max: 10_000
    },
    deliveryPoints: {
      type: "array",
      label: "Delivery points (EAN-GSRN)",
      max: 500,
      item: { type: "string", validator: "ean-gsrn:BE" }
    },
    operatingAid: {
      type: "enum",
      label: "Variable operating aid",
      values: ["none"],
      required: true,
      help: "a unit receiving variable operating aid is not eligible"
    },
    fileReference: { type: "string", label: "Prequalification file", required: true, min: 1, max: 100 }
  }
})

/**
 * One unit's investment file (for a multi-year contract), submitted to the regulator.
 *
 * @since 0.1.0
 * @category fields
 */
export const investmentFileField = (maxYears: number): JsonObject => ({
  type: "object",
  fields: {
    unit: { type: "string", label: "Capacity market unit", required: true, min: 1, max: 100 },
    capexEur: { type: "number", label: "Eligible investment costs (EUR)", required: true, min: 0, max: 1e12 },
    requestedYears: {
      type: "integer",
      label: "Contract duration requested (years)",
      required: true,
      min: 2,
      max: typeof maxYears === "number" && Number.isInteger(maxYears) && maxYears >= 2 ? maxYears : 2
    },
    fileReference: { type: "string", label: "Investment file", required: true, min: 1, max: 100 },
    submittedOn: { type: "date", label: "Submitted to the regulator on", required: true }
  }
})

/**
 * One bid: a unit, its price, volume and contract duration.
 *
 * @since 0.1.0
 * @category fields
 */
export const bidField = (maxYears: number): JsonObject => ({
  type: "object",
  fields: {
    unit: { type: "string", label: "Capacity market unit", required: true, min: 1, max: 100 },
    priceEurPerMwYear: { type: "number", label: "Price (EUR/MW/year)", required: true, min: 0, max: 1_000_000 },
    volumeMw: { type: "number", label: "Volume (MW)", required: true, min: 0, max: 10_000 },
    durationYears: {
      type: "integer",
      label: "Contract duration (years)",
      required: true,
      min: 1,
      max: typeof maxYears === "number" && Number.isInteger(maxYears) && maxYears >= 1 ? maxYears : 1
    }
  }
})
