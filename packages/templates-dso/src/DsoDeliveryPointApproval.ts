/**
 * The DSO's approval of a flexibility provider's delivery points on its grid — the touchpoint where
 * a BSP's (or ESP's) onboarding needs the DSO: the DSO records the request (provider, product,
 * FSP–DSO contract, delivery points by EAN-GSRN and meter) → performs its **network flexibility
 * study** → **decides** (its own approvers, four-eyes, within 30 days (?) of the request) → the
 * decision goes to the operator's register and market ops are told. A refusal is told to market ops.
 *
 * The instance runs in the DSO's tenant; link it to the provider's instance at the operator with
 * the base's `followsMetadata`.
 *
 * @since 0.1.0
 */
import type { Deadline, Step, Template } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"
import { changeCall, emailNotice } from "@workflow-manager/templates-base"
import { checkDsoConfig, type DsoConfig } from "./DsoConfig.js"
import { flexibilityRequestFields, flexibilityStudyFields } from "./DsoFields.js"

/**
 * The id of the DSO's delivery-point approval template.
 *
 * @since 0.1.0
 * @category templates
 */
export const DSO_DELIVERY_POINT_APPROVAL = "dso-delivery-point-approval"

/**
 * The ids of the delivery-point approval's steps.
 *
 * @since 0.1.0
 * @category templates
 */
export const deliveryPointApprovalSteps = {
  request: "flexibility-request",
  study: "network-flexibility-study",
  decision: "dso-decision",
  register: "register-decision",
  decisionNotice: "decision-notice",
  refusalNotice: "refusal-notice"
} as const

const s = deliveryPointApprovalSteps

const decisionDue = (within: string): Deadline => ({
  id: "dso-decision",
  from: { step: s.request, path: "receivedOn" },
  offset: within,
  escalation: {
    kind: "notify",
    topic: "dso-decision-overdue",
    payload: { rule: "the DSO decides on delivery points within 30 days of the request (?)", within }
  }
})

const notice = (id: string, roles: ReadonlyArray<string>, subject: string, text: string): Step =>
  emailNotice({
    id,
    name: id === s.decisionNotice ? "Decision notice to the operator" : "Refusal notice to the operator",
    to: roles.map((role) => ({ role })),
    subject,
    text,
    next: "$end"
  })

/**
 * The DSO's delivery-point approval template for a configuration.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { DsoConfig, dsoDeliveryPointApproval } from "@workflow-manager/templates-dso"
 *
 * const config = Schema.decodeUnknownSync(DsoConfig)({ register: { url: "https://register.tso.example/api" } })
 * const template = dsoDeliveryPointApproval(config) // flexibility-request, network-flexibility-study, dso-decision, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a DSO configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoDeliveryPointApproval = (given: DsoConfig): Template => {
  const config = checkDsoConfig(given)
  const provider = "{{steps.flexibility-request.data.provider.legalName}}"
  return {
    schemaVersion: 1,
    id: DSO_DELIVERY_POINT_APPROVAL,
    version: 1,
    name: "DSO approval of delivery points",
    description:
      "A DSO's decision on a BSP's or ESP's delivery points on its grid: the request, the DSO's network " +
      "flexibility study, its approval, and the decision sent to the operator.",
    marketRole: "DSO",
    steps: [
      {
        id: s.request,
        type: "form",
        name: "Delivery points on the DSO's grid",
        config: { title: "Flexibility provider's request", fields: flexibilityRequestFields }
      },
      {
        id: s.study,
        type: "form",
        name: "Network flexibility study (DSO)",
        config: { title: "Network flexibility study", fields: flexibilityStudyFields },
        deadlines: [decisionDue(config.dsoDecisionWithin)]
      },
      {
        id: s.decision,
        type: "approval",
        name: "DSO decision",
        config: {
          approverRoles: [...config.dsoApproverRoles],
          quorum: 1,
          approves: [s.request, s.study],
          fourEyes: true
        },
        routes: approvalRoutes({ changesRequested: s.study, rejected: s.refusalNotice }),
        compensation: { strategy: "handler" },
        deadlines: [decisionDue(config.dsoDecisionWithin)]
      },
      {
        ...changeCall(config.register, {
          id: s.register,
          name: "Decision to the operator's register",
          data: {
            kind: "dso-delivery-point-approval",
            request: `{{step.${s.request}}}`,
            study: `{{step.${s.study}}}`,
            decision: `{{step.${s.decision}.outcome}}`
          }
        }),
        next: s.decisionNotice
      },
      notice(
        s.decisionNotice,
        config.operatorRoles,
        `DSO approval of ${provider}'s delivery points ({{steps.flexibility-request.data.operatorReference}})`,
        `The DSO {{instance.tenantId}} approved the delivery points of ${provider} for ` +
          "{{steps.flexibility-request.data.product}}: study {{steps.network-flexibility-study.data.studyReference}} " +
          "({{steps.network-flexibility-study.data.result}})."
      ),
      notice(
        s.refusalNotice,
        config.operatorRoles,
        `DSO refusal of ${provider}'s delivery points ({{steps.flexibility-request.data.operatorReference}})`,
        `The DSO {{instance.tenantId}} did not approve the delivery points of ${provider}.`
      )
    ]
  }
}
