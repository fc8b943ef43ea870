/**
 * BRP onboarding — the base Contract Onboarding extended for a Balance Responsible Party (BRP
 * contract under the operator's T&C BRP):
 *
 * company identification (EIC X-type party code required) → portal invitation by the operator
 * (within 2 working days of the form) → contacts per service and up to 5 nomination recipients →
 * proof of solvency → **solvency check** by customer support (~3 weeks) → technical / IT
 * prerequisites (nomination channel) → contract signature → **financial guarantee** (the contract
 * only takes effect after it; issuing bank rated BBB/Baa2 or better) → notification → the
 * operator's approval → **entry in the BRP register** → welcome notice.
 *
 * @since 0.1.0
 */
import { findStep, type Step, type Template } from "@workflow-manager/core"
import {
  approvalStep,
  contactServices,
  contractOnboarding,
  type Extension,
  extendTemplate,
  onboardingSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { type BrpConfig, checkBrpConfig } from "./BrpConfig.js"
import {
  brpContactServices,
  nominationChannelField,
  nominationRecipientsField,
  ratedIssuer,
  solvencyProofField
} from "./BrpFields.js"

/**
 * The id of the BRP onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const BRP_ONBOARDING = "brp-onboarding"

/**
 * The steps the BRP onboarding adds to the base.
 *
 * @since 0.1.0
 * @category templates
 */
export const brpOnboardingSteps = {
  portalInvitation: "portal-invitation",
  solvencyCheck: "solvency-check"
} as const

/**
 * The BRP onboarding as an extension of the base Contract Onboarding (data: core's changes).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BrpConfig, brpOnboardingExtension } from "@workflow-manager/templates-brp"
 *
 * const config = Schema.decodeUnknownSync(BrpConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = brpOnboardingExtension(config).changes // configure company, insert the portal invitation, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a BRP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const brpOnboardingExtension = (given: BrpConfig): Extension => {
  const config = checkBrpConfig(given)
  const base = contractOnboarding(config)
  const guarantee = findStep(base, s.financialSecurity) as Step
  return {
    id: BRP_ONBOARDING,
    name: "BRP onboarding",
    description:
      "Onboarding of a Balance Responsible Party under the operator's T&C BRP: company form, portal invitation, " +
      "solvency check, contract, financial guarantee (before the contract takes effect) and entry in the BRP register.",
    marketRole: "BRP",
    changes: [
      {
        op: "configure",
        stepId: s.company,
        config: { title: "BRP company onboarding form", fields: { eic: { required: true } } }
      },
      {
        op: "insertAfter",
        after: s.company,
        steps: [
          {
            id: brpOnboardingSteps.portalInvitation,
            type: "form",
            name: "Invitation to the customer portal",
            description: "The operator invites the applicant to apply in its customer portal.",
            config: {
              title: "Portal invitation (operator)",
              fields: {
                invitedOn: { type: "date", label: "Invitation sent on", required: true },
                portalAccount: { type: "string", label: "Customer portal account", required: true, min: 1, max: 100 }
              }
            },
            deadlines: [
              {
                id: "portal-invitation",
                offset: config.invitationWithin,
                escalation: {
                  kind: "notify",
                  topic: "portal-invitation-overdue",
                  payload: {
                    rule: "portal invitation within 2 working days of the form",
                    within: config.invitationWithin
                  }
                }
              }
            ]
          }
        ]
      },
      contactServices(brpContactServices),
      { op: "configure", stepId: s.contacts, config: { fields: { nominationRecipients: nominationRecipientsField } } },
      { op: "patch", stepId: s.roleData, name: "Proof of solvency" },
      { op: "configure", stepId: s.roleData, config: { fields: { solvencyProof: solvencyProofField } } },
      {
        op: "insertAfter",
        after: s.roleData,
        steps: [
          approvalStep({
            id: brpOnboardingSteps.solvencyCheck,
            name: "Solvency check (customer support)",
            roles: config.solvencyCheckRoles,
            ...(config.solvencyCheckers === undefined ? {} : { users: config.solvencyCheckers }),
            quorum: 1,
            approves: [s.company, s.roleData],
            changesRequested: s.roleData,
            rejected: s.rejectionNotice,
            deadlines: [
              {
                id: "solvency-decision",
                offset: config.solvencyDecisionWithin,
                escalation: {
                  kind: "notify",
                  topic: "solvency-decision-overdue",
                  payload: { rule: "about 3 weeks from a valid application", within: config.solvencyDecisionWithin }
                }
              }
            ]
          })
        ]
      },
      { op: "configure", stepId: s.technical, config: { fields: { nominationChannel: nominationChannelField } } },
      // the contract only takes effect after the guarantee: it moves after the signature
      { op: "remove", stepId: s.financialSecurity },
      {
        op: "insertAfter",
        after: s.contract,
        steps: [{ ...guarantee, name: "Financial guarantee (before the contract takes effect)" }]
      },
      { op: "configure", stepId: s.financialSecurity, config: ratedIssuer(config.acceptedRatings) },
      { op: "patch", stepId: s.review, name: "Operator approval (guarantee received)" },
      { op: "patch", stepId: s.activation, name: "Entry in the BRP register" }
    ]
  }
}

/**
 * The BRP onboarding template: {@link brpOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a BRP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const brpOnboarding = (given: BrpConfig): Template => {
  const config = checkBrpConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), brpOnboardingExtension(config)))
}
