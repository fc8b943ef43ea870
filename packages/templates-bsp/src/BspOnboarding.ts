/**
 * BSP onboarding — the base Contract Onboarding extended for a Balancing Service Provider (the T&C
 * BSP of each product: FCR, aFRR, mFRR):
 *
 * application form and sworn statement → **financial screening** by the operator (decided within 2
 * weeks; exclusion on bankruptcy or a criminal record) → signature of the T&C BSP (at the latest the
 * day before the first bid) → IT interfaces → delivery points (identified by their meter) → on a
 * distribution grid: the FSP–DSO contracts, the points sent to the DSOs for their network
 * flexibility study, and **the DSO's approval** → volume **prequalification** test and decision
 * (completeness within 8 weeks, missing information within 4 weeks or the application is
 * withdrawn, decision within 3 months) → the operator's approval → registration.
 *
 * @since 0.1.0
 */
import { findStep, type Step, type Template } from "@workflow-manager/core"
import {
  approvalStep,
  choiceList,
  contactServices,
  contractOnboarding,
  deliveryPointsStep,
  dsoApprovalSteps,
  dsoContractsField,
  dsoSteps,
  type Extension,
  emailNotice,
  extendTemplate,
  onboardingSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { type BspConfig, checkBspConfig } from "./BspConfig.js"
import { bspContactServices, prequalificationTestField, swornStatementField } from "./BspFields.js"

/**
 * The id of the BSP onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const BSP_ONBOARDING = "bsp-onboarding"

/**
 * The steps the BSP onboarding adds to the base.
 *
 * @since 0.1.0
 * @category templates
 */
export const bspOnboardingSteps = {
  financialScreening: "financial-screening",
  deliveryPoints: "delivery-points",
  dsoContracts: "fsp-dso-contracts",
  dsoConsultation: dsoSteps.consultation,
  dsoApproval: dsoSteps.approval,
  prequalificationTest: "prequalification-test",
  prequalification: "prequalification",
  missingInformation: "missing-information",
  withdrawalNotice: "withdrawal-notice"
} as const

const b = bspOnboardingSteps

const notify = (topic: string, rule: string, within: string) =>
  ({ kind: "notify", topic, payload: { rule, within } }) as const

/**
 * The BSP onboarding as an extension of the base Contract Onboarding (data: core's changes).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BspConfig, bspOnboardingExtension } from "@workflow-manager/templates-bsp"
 *
 * const config = Schema.decodeUnknownSync(BspConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = bspOnboardingExtension(config).changes // the application, the screening, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a BSP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const bspOnboardingExtension = (given: BspConfig): Extension => {
  const config = checkBspConfig(given)
  const technical = findStep(contractOnboarding(config), s.technical) as Step
  return {
    id: BSP_ONBOARDING,
    name: "BSP onboarding",
    description:
      "Onboarding of a Balancing Service Provider under the T&C BSP of each product: application and sworn " +
      "statement, financial screening, T&C signature, IT interfaces, delivery points (with the DSO's approval on a " +
      "distribution grid), volume prequalification and registration.",
    marketRole: "BSP",
    changes: [
      {
        op: "configure",
        stepId: s.company,
        config: { title: "BSP application form", fields: { eic: { required: true } } }
      },
      contactServices(bspContactServices),
      { op: "patch", stepId: s.roleData, name: "Application and sworn statement" },
      {
        op: "configure",
        stepId: s.roleData,
        config: {
          title: "Application per product and sworn statement",
          fields: {
            products: choiceList("Products applied for", config.products),
            firstBidDate: {
              type: "date",
              label: "First bidding day",
              required: true,
              help: "the T&C BSP must be signed at the latest the day before"
            },
            swornStatement: swornStatementField
          }
        }
      },
      // a BSP gives no guarantee: the operator screens its finances instead
      { op: "remove", stepId: s.financialSecurity },
      {
        op: "insertAfter",
        after: s.roleData,
        steps: [
          {
            ...approvalStep({
              id: b.financialScreening,
              name: "Financial screening (operator)",
              roles: config.screeningRoles,
              ...(config.screeners === undefined ? {} : { users: config.screeners }),
              quorum: 1,
              approves: [s.company, s.roleData],
              changesRequested: s.roleData,
              rejected: s.rejectionNotice,
              deadlines: [
                {
                  id: "screening-decision",
                  offset: config.screeningDecisionWithin,
                  escalation: notify(
                    "screening-decision-overdue",
                    "the operator decides on the financial screening within 2 weeks",
                    config.screeningDecisionWithin
                  )
                }
              ]
            }),
            description: "Exclusion on bankruptcy or a criminal record; the operator decides within 2 weeks."
          }
        ]
      },
      // the T&C BSP are signed before the IT interfaces are set up
      { op: "remove", stepId: s.technical },
      { op: "patch", stepId: s.contract, name: "Signature of the T&C BSP" },
      {
        op: "configure",
        stepId: s.contract,
        config: {
          title: "T&C BSP signature",
          fields: { products: choiceList("T&C BSP signed for", config.products) }
        }
      },
      {
        op: "patch",
        stepId: s.contract,
        deadlines: [
          {
            id: "tc-signature",
            from: { step: s.roleData, path: "firstBidDate" },
            offset: `-${config.signatureBeforeBidding}`,
            escalation: notify(
              "tc-signature-due",
              "the T&C BSP signed at the latest the day before the first bid",
              config.signatureBeforeBidding
            )
          }
        ]
      },
      {
        op: "insertAfter",
        after: s.contract,
        steps: [
          { ...technical, name: "IT interfaces" },
          deliveryPointsStep({ products: config.products, toDso: b.dsoContracts, next: b.prequalificationTest }),
          {
            id: b.dsoContracts,
            type: "form",
            name: "FSP–DSO contracts",
            config: {
              title: "FSP–DSO contract with each DSO hosting delivery points",
              fields: {
                contracts: dsoContractsField({
                  contractReference: { type: "string", label: "FSP–DSO contract", required: true, min: 1, max: 100 },
                  signedOn: { type: "date", label: "Signed on", required: true }
                })
              }
            }
          },
          ...dsoApprovalSteps({
            pointsStep: b.deliveryPoints,
            approves: [b.deliveryPoints, b.dsoContracts],
            changesRequested: b.deliveryPoints,
            rejected: s.rejectionNotice,
            next: b.prequalificationTest,
            endpoint: config.dsoEndpoint,
            approverRoles: config.dsoDeskRoles,
            approvers: config.dsoDesk,
            decisionWithin: config.dsoDecisionWithin
          }),
          {
            id: b.prequalificationTest,
            type: "form",
            name: "Volume prequalification test",
            config: { title: "Prequalification test", fields: { tests: prequalificationTestField(config.products) } }
          },
          approvalStep({
            id: b.prequalification,
            name: "Prequalification decision (operator)",
            roles: config.prequalificationRoles,
            ...(config.prequalifiers === undefined ? {} : { users: config.prequalifiers }),
            quorum: 1,
            approves: [b.deliveryPoints, b.prequalificationTest],
            changesRequested: b.missingInformation,
            rejected: s.rejectionNotice,
            next: s.applicationReceived,
            deadlines: [
              {
                id: "completeness",
                offset: config.completenessWithin,
                escalation: notify(
                  "prequalification-completeness-overdue",
                  "completeness of the application confirmed within 8 weeks",
                  config.completenessWithin
                )
              },
              {
                id: "prequalification-decision",
                offset: config.prequalificationDecisionWithin,
                escalation: notify(
                  "prequalification-decision-overdue",
                  "the prequalification decided within 3 months",
                  config.prequalificationDecisionWithin
                )
              }
            ]
          })
        ]
      },
      { op: "patch", stepId: s.review, name: "Operator approval (T&C signed, volume prequalified)" },
      {
        op: "configure",
        stepId: s.activation,
        config: {
          body: { deliveryPoints: "{{step.delivery-points}}", prequalification: "{{step.prequalification-test}}" }
        }
      },
      { op: "patch", stepId: s.activation, name: "Registration of the BSP and its delivery points" },
      {
        op: "append",
        steps: [
          {
            id: b.missingInformation,
            type: "form",
            name: "Missing information",
            description: "Within 4 weeks of the request, or the application is withdrawn.",
            config: {
              title: "Missing information for the prequalification",
              fields: {
                documents: { type: "string", label: "Documents supplied", required: true, min: 1, max: 2000 },
                suppliedOn: { type: "date", label: "Supplied on", required: true }
              }
            },
            next: b.prequalification,
            deadlines: [
              {
                id: "missing-information",
                offset: config.missingInformationWithin,
                escalation: {
                  kind: "route",
                  to: b.withdrawalNotice,
                  reason: "the missing information was not supplied in time: the application is withdrawn"
                }
              }
            ]
          },
          emailNotice({
            id: b.withdrawalNotice,
            name: "Withdrawal notice",
            key: "withdrawal",
            to: [
              { address: "{{steps.contacts.data.contacts.0.email}}" },
              ...config.operatorRoles.map((role) => ({ role }))
            ],
            subject: "Your BSP application {{instance.id}} is withdrawn",
            text:
              "The information missing from the prequalification file of {{steps.company.data.legalName}} was not " +
              "supplied in time: the application is withdrawn.",
            next: "$end"
          })
        ]
      }
    ]
  }
}

/**
 * The BSP onboarding template: {@link bspOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a BSP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const bspOnboarding = (given: BspConfig): Template => {
  const config = checkBspConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), bspOnboardingExtension(config)))
}
