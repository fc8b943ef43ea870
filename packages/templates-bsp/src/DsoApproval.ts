/**
 * The DSO's approval of delivery points on its grid, shared by the BSP and ESP packs: the operator
 * sends the delivery points to the DSOs (a webhook the deployer names) for their network
 * flexibility study, then records each DSO's answer as an approval step. Core lets only
 * `market_ops` act on a participant's tenant, so the operator's DSO desk records the decision.
 *
 * @since 0.1.0
 */
import { type Condition, type Deadline, Duration, Identifier, type JsonObject, type Step } from "@workflow-manager/core"
import { approvalStep, configChecker, type Extension, portfolioSteps as p } from "@workflow-manager/templates-base"
import { Schema } from "effect"
import { connectionField, deliveryPointField } from "./BspFields.js"

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
 * import { dsoApprovalSteps } from "@workflow-manager/templates-bsp"
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
        body: {
          request: "{{instance.id}}",
          tenant: "{{instance.tenantId}}",
          marketRole: "{{instance.marketRole}}",
          connection: `{{steps.${options.pointsStep}.data.connection}}`,
          points: `{{steps.${options.pointsStep}.data.points}}`
        }
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
 * import { deliveryPointsFields } from "@workflow-manager/templates-bsp"
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
 * import { dsoPortfolioChanges } from "@workflow-manager/templates-bsp"
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
 * import { deliveryPointsStep } from "@workflow-manager/templates-bsp"
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
