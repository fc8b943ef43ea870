/**
 * The DSO's part in a flexibility provider's (BSP's or ESP's) onboarding and portfolio: delivery
 * points identified by their meter, where they are connected, and — for points on a distribution
 * grid — the webhook that sends them to the DSOs for their network flexibility study and the DSO's
 * approval. The webhook body uses the field names of the `flexibility-request` form of
 * `@workflow-manager/templates-dso`'s `dso-delivery-point-approval` template (`operatorReference`,
 * `provider.role`, `deliveryPoints[]` with `ean`, `siteName`, `maxPowerMw`, ...), so a DSO running
 * that template records the request as it arrives. Core lets only `market_ops` act on a
 * participant's tenant, so the operator's DSO desk records the DSO's decision.
 *
 * @since 0.1.0
 */
import { type Condition, type Deadline, Duration, Identifier, type JsonObject, type Step } from "@workflow-manager/core"
import { Schema } from "effect"
import { configChecker } from "./BaseConfig.js"
import type { Extension } from "./extendTemplate.js"
import { addressField } from "./Fields.js"
import { portfolioSteps as p } from "./PortfolioManagement.js"
import { approvalStep } from "./Steps.js"

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
 * The Belgian distribution system operators whose grids host delivery points.
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const belgianDsos: ReadonlyArray<string> = ["Fluvius", "ORES", "Sibelga", "RESA", "AIEG", "AIESH", "REW"]

/**
 * A list of 1..n of `values` (the products applied for, prequalified, ...).
 *
 * @throws TemplateInvalid when given what the signature does not allow
 *
 * @since 0.1.0
 * @category DSO approval
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
 * Where a set of delivery points is connected: only to the transmission grid, or (also) to a
 * distribution grid — where each hosting DSO must approve them.
 *
 * @since 0.1.0
 * @category DSO approval
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
 * @category DSO approval
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
    siteName: { type: "string", label: "Site name", required: true, min: 1, max: 200 },
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
 * @category DSO approval
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
 * The ids of the DSO steps.
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const dsoSteps = {
  consultation: "dso-consultation",
  approval: "dso-approval"
} as const

/**
 * A form's `connection` field says that some delivery points sit on a distribution grid.
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const onDistributionGrid: Condition = { op: "in", field: "connection", value: ["distribution", "both"] }

/**
 * The body of the webhook to the DSOs: a flexibility request with the field names of the
 * `flexibility-request` form of `@workflow-manager/templates-dso`'s `dso-delivery-point-approval`
 * template — `operatorReference` (this instance), `provider.role` (BSP or ESP) and
 * `provider.tenant` (its account at the operator), `connection`, and `deliveryPoints`: the points as collected in `pointsStep`
 * ({@link deliveryPointField}: `ean`, `siteName`, `address`, `grid`, `dso`, `lowVoltage`,
 * `products`, `maxPowerMw`), which that form accepts as they are.
 *
 * @example
 * ```ts
 * import { dsoRequestBody } from "@workflow-manager/templates-base"
 *
 * const body = dsoRequestBody("delivery-points")
 * // { operatorReference: "{{instance.id}}", provider: { role: "{{instance.marketRole}}", tenant: ... }, ... }
 * ```
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const dsoRequestBody = (pointsStep: string): JsonObject => ({
  operatorReference: "{{instance.id}}",
  provider: { role: "{{instance.marketRole}}", tenant: "{{instance.tenantId}}" },
  connection: `{{steps.${String(pointsStep)}.data.connection}}`,
  deliveryPoints: `{{steps.${String(pointsStep)}.data.points}}`
})

/**
 * Options of {@link dsoApprovalSteps}.
 *
 * @since 0.1.0
 * @category DSO approval
 */
export interface DsoApprovalOptions {
  /** The step whose data lists the delivery points (`points`, `connection`). */
  readonly pointsStep: string
  /** The steps the DSO approves (steps before it). */
  readonly approves: ReadonlyArray<string>
  /** Where a request for changes goes (the points to correct). */
  readonly changesRequested: string
  /** Where a refusal goes (a notice). */
  readonly rejected: string
  /** The step after the approval. */
  readonly next: string
  /** The webhook endpoint (named by the deployer) that reaches the DSOs. */
  readonly endpoint: string
  /** Who records the DSO's decision. */
  readonly approverRoles: ReadonlyArray<string>
  readonly approvers?: ReadonlyArray<string> | undefined
  /** The DSO's answer is due within this duration (no deadline when absent). */
  readonly decisionWithin?: string | undefined
}

const Ids = Schema.Array(Identifier).check(Schema.isMaxLength(100))
const checkOptions = configChecker(
  Schema.Struct({
    pointsStep: Identifier,
    approves: Ids,
    changesRequested: Identifier,
    rejected: Identifier,
    next: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200)),
    endpoint: Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)),
    approverRoles: Ids,
    approvers: Schema.optional(Ids),
    decisionWithin: Schema.optional(Duration)
  }),
  "DSO approval options"
)

/**
 * The two DSO steps: `dso-consultation` (a webhook with the delivery points to the DSOs for their
 * network flexibility study) and `dso-approval` (the DSO's decision, quorum 1, four-eyes).
 *
 * @example
 * ```ts
 * import { dsoApprovalSteps } from "@workflow-manager/templates-base"
 *
 * const steps = dsoApprovalSteps({
 *   pointsStep: "delivery-points",
 *   approves: ["delivery-points"],
 *   changesRequested: "delivery-points",
 *   rejected: "rejection-notice",
 *   next: "prequalification-test",
 *   endpoint: "dso-flexibility-requests",
 *   approverRoles: ["market_ops"]
 * })
 * ```
 *
 * @throws TemplateInvalid when `options` are not DSO approval options
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const dsoApprovalSteps = (given: DsoApprovalOptions): ReadonlyArray<Step> => {
  const options = checkOptions(given)
  const deadlines: ReadonlyArray<Deadline> =
    options.decisionWithin === undefined
      ? []
      : [
          {
            id: "dso-decision",
            offset: options.decisionWithin,
            escalation: {
              kind: "notify",
              topic: "dso-decision-overdue",
              payload: { rule: "the DSO's answer on the delivery points", within: options.decisionWithin }
            }
          }
        ]
  return [
    {
      id: dsoSteps.consultation,
      type: "notification",
      name: "Delivery points to the DSOs (network flexibility study)",
      config: {
        channel: "webhook",
        key: "dso-consultation",
        endpoint: options.endpoint,
        // the field names of the DSO's `flexibility-request` form (templates-dso)
        body: dsoRequestBody(options.pointsStep)
      }
    },
    {
      ...approvalStep({
        id: dsoSteps.approval,
        name: "DSO approval of the delivery points",
        roles: options.approverRoles,
        ...(options.approvers === undefined ? {} : { users: options.approvers }),
        quorum: 1,
        approves: options.approves,
        changesRequested: options.changesRequested,
        rejected: options.rejected,
        next: options.next,
        ...(deadlines.length === 0 ? {} : { deadlines })
      }),
      description:
        "Each DSO hosting delivery points approves them after its network flexibility study; the operator's DSO " +
        "desk records the answer."
    }
  ]
}

/**
 * The fields of a delivery-points form: where the points are connected, and 1–500 points (each
 * {@link deliveryPointField} with `products`).
 *
 * @example
 * ```ts
 * import { deliveryPointsFields } from "@workflow-manager/templates-base"
 *
 * const fields = deliveryPointsFields(["aFRR", "mFRR"]) // { connection, points }
 * ```
 *
 * @throws TemplateInvalid when `products` is not a list of 1–100 distinct values
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const deliveryPointsFields = (products: ReadonlyArray<string>): JsonObject => ({
  connection: connectionField,
  points: {
    type: "array",
    label: "Delivery points",
    required: true,
    min: 1,
    max: 500,
    item: deliveryPointField(products)
  }
})

/**
 * The changes that give the base Portfolio Management's points step delivery points and send an
 * added point on a distribution grid to its DSO ({@link dsoApprovalSteps}) before the operator's
 * approval — shared by the BSP and ESP portfolios.
 *
 * @example
 * ```ts
 * import { dsoPortfolioChanges } from "@workflow-manager/templates-base"
 *
 * const changes = dsoPortfolioChanges({
 *   products: ["day-ahead", "intraday"],
 *   endpoint: "dso-flexibility-requests",
 *   approverRoles: ["market_ops"]
 * })
 * ```
 *
 * @throws TemplateInvalid when the options are not DSO approval options
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const dsoPortfolioChanges = (
  options: Pick<DsoApprovalOptions, "endpoint" | "approverRoles" | "approvers" | "decisionWithin"> & {
    readonly products: ReadonlyArray<string>
  }
): Extension["changes"] => {
  // anything but an object fails in deliveryPointField / dsoApprovalSteps with TemplateInvalid
  const o: Partial<typeof options> = typeof options === "object" && options !== null ? options : {}
  return [
    {
      op: "configure",
      stepId: p.points,
      config: {
        title: "Delivery points",
        fields: {
          connection: connectionField,
          points: { item: deliveryPointField(o.products as ReadonlyArray<string>) }
        }
      }
    },
    {
      op: "patch",
      stepId: p.points,
      name: "Add or remove delivery points",
      routes: [
        {
          when: { all: [onDistributionGrid, { op: "eq", step: p.request, field: "change", value: "add-points" }] },
          to: dsoSteps.consultation
        }
      ]
    },
    {
      op: "insertAfter",
      after: p.points,
      steps: dsoApprovalSteps({
        endpoint: o.endpoint as string,
        approverRoles: o.approverRoles as ReadonlyArray<string>,
        approvers: o.approvers,
        decisionWithin: o.decisionWithin,
        pointsStep: p.points,
        approves: [p.points],
        changesRequested: p.points,
        rejected: p.rejectionNotice,
        next: p.review
      })
    }
  ]
}

/**
 * The delivery-points form step (`delivery-points`, {@link deliveryPointsFields}): on a distribution
 * grid it leads to `toDso` (the DSO agreements), otherwise to `next`.
 *
 * @example
 * ```ts
 * import { deliveryPointsStep } from "@workflow-manager/templates-base"
 *
 * const step = deliveryPointsStep({ products: ["mFRR"], toDso: "fsp-dso-contracts", next: "prequalification-test" })
 * ```
 *
 * @throws TemplateInvalid when `products` is not a list of 1–100 distinct values
 *
 * @since 0.1.0
 * @category DSO approval
 */
export const deliveryPointsStep = (options: {
  readonly products: ReadonlyArray<string>
  readonly toDso: string
  readonly next: string
}): Step => {
  const o: Partial<typeof options> = typeof options === "object" && options !== null ? options : {}
  return {
    id: "delivery-points",
    type: "form",
    name: "Delivery points",
    config: {
      title: "Delivery points (identified by their meter)",
      fields: deliveryPointsFields(o.products as ReadonlyArray<string>)
    },
    routes: [{ when: onDistributionGrid, to: String(o.toDso) }],
    next: String(o.next)
  }
}
