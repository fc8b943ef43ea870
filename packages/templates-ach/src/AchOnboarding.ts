/**
 * ACH onboarding — the base Contract Onboarding extended for an Access Contract Holder (Access
 * Contract):
 *
 * holder identification → contacts → **access request** (grid user's identity, customer id,
 * solvency attestation, start of access at least 1 month ahead) → the operator computes the
 * **guarantee: 1/12 of the estimated yearly access fees** → the holder provides it → **grid user's
 * agreement** (annex) → **designation of a BRP and a supplier per access point** (annex) →
 * signature of the Access Contract → notification → the operator's approval → **entry in the
 * access register** → welcome notice.
 *
 * @since 0.1.0
 */
import type { Deadline, Template } from "@workflow-manager/core"
import {
  contactServices,
  contractOnboarding,
  type Extension,
  extendTemplate,
  onboardingSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { type AchConfig, checkAchConfig } from "./AchConfig.js"
import {
  accessRequestFields,
  achContactServices,
  designationsField,
  gridUserAgreementFields,
  guaranteeComputationFields
} from "./AchFields.js"

/**
 * The id of the ACH onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const ACH_ONBOARDING = "ach-onboarding"

/**
 * The ids of the steps the ACH onboarding adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const achOnboardingSteps = {
  guaranteeAmount: "guarantee-amount",
  gridUserAgreement: "grid-user-agreement",
  designations: "designations"
} as const

/** The start of access is nearer than the notice while the onboarding waits on the operator. */
const startAtRisk = (notice: string): Deadline => ({
  id: "start-notice",
  from: { step: s.roleData, path: "requestedStart" },
  offset: `-${notice}`,
  escalation: {
    kind: "notify",
    topic: "access-start-at-risk",
    payload: { rule: "access request at least 1 month before the start of access", notice }
  }
})

/**
 * The ACH onboarding as an extension of the base Contract Onboarding.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { AchConfig, achOnboardingExtension } from "@workflow-manager/templates-ach"
 *
 * const config = Schema.decodeUnknownSync(AchConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = achOnboardingExtension(config).changes // the access request, the guarantee, the annexes, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not an ACH configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const achOnboardingExtension = (given: AchConfig): Extension => {
  const config = checkAchConfig(given)
  return {
    id: ACH_ONBOARDING,
    name: "ACH onboarding",
    description:
      "Onboarding of an Access Contract Holder under the operator's Access Contract: access request, guarantee of " +
      "1/12 of the estimated yearly access fees, grid user's agreement, designation of BRP and supplier per access " +
      "point, signature and entry in the access register.",
    marketRole: "ACH",
    changes: [
      { op: "configure", stepId: s.company, config: { title: "Access Contract Holder identification" } },
      contactServices(achContactServices),
      { op: "patch", stepId: s.roleData, name: "Access request" },
      {
        op: "configure",
        stepId: s.roleData,
        config: {
          title: "Access request",
          fields: {
            ...accessRequestFields,
            requestedStart: {
              label: `Start of access (requested at least ${config.requestNotice} ahead)`
            }
          }
        }
      },
      {
        op: "insertAfter",
        after: s.roleData,
        steps: [
          {
            id: achOnboardingSteps.guaranteeAmount,
            type: "form",
            name: "Guarantee amount (operator)",
            description: "The operator computes the guarantee: 1/12 of the estimated yearly access fees.",
            config: { title: "Guarantee computation (operator)", fields: guaranteeComputationFields },
            deadlines: [startAtRisk(config.requestNotice)]
          }
        ]
      },
      { op: "patch", stepId: s.financialSecurity, name: "Guarantee (1/12 of the yearly access fees)" },
      {
        op: "configure",
        stepId: s.financialSecurity,
        config: { fields: { amount: { label: "Amount (EUR), at least the amount the operator computed" } } }
      },
      // the Access Contract has no IT prerequisites of its own: the annexes take their place
      { op: "remove", stepId: s.technical },
      {
        op: "insertBefore",
        before: s.contract,
        steps: [
          {
            id: achOnboardingSteps.gridUserAgreement,
            type: "form",
            name: "Grid user's agreement (annex)",
            config: { title: "Grid user's agreement", fields: gridUserAgreementFields }
          },
          {
            id: achOnboardingSteps.designations,
            type: "form",
            name: "Designation of BRP and supplier (annex)",
            config: {
              title: "Designation of BRP and supplier per access point",
              fields: { accessPoints: designationsField(config.multipleBrpFromKv) }
            }
          }
        ]
      },
      { op: "patch", stepId: s.contract, name: "Access Contract signature" },
      { op: "patch", stepId: s.review, deadlines: [startAtRisk(config.requestNotice)] },
      { op: "patch", stepId: s.activation, name: "Entry in the access register" },
      {
        op: "configure",
        stepId: s.activation,
        config: { body: { designations: `{{step.${achOnboardingSteps.designations}}}` } }
      }
    ]
  }
}

/**
 * The ACH onboarding template: {@link achOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not an ACH configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const achOnboarding = (given: AchConfig): Template => {
  const config = checkAchConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), achOnboardingExtension(config)))
}
