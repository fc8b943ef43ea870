/**
 * DSO onboarding — the base Contract Onboarding extended for a Distribution System Operator's
 * cooperation with the operator (DOMAIN.md found no text (?): the steps follow the DSO access
 * request it describes):
 *
 * DSO identification (EIC party code, **EAN-GLN**) → contacts → **access request** (its BRP,
 * interconnection points, start date) → **cooperation declaration** → financial guarantee →
 * **data exchanges** (access register per EAN-GSRN with ACH and BRP; distribution allocations for
 * the BRPs' perimeters) and IT prerequisites → cooperation agreement signature → notification →
 * the operator's approval → **entry in the DSO register** → welcome notice.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import {
  contactServices,
  contractOnboarding,
  type Extension,
  extendTemplate,
  onboardingSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { checkDsoConfig, type DsoConfig } from "./DsoConfig.js"
import {
  cooperationDeclarationFields,
  dataExchangeFields,
  dsoAccessRequestFields,
  dsoContactServices,
  glnField
} from "./DsoFields.js"

/**
 * The id of the DSO onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const DSO_ONBOARDING = "dso-onboarding"

/**
 * The ids of the steps the DSO onboarding adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoOnboardingSteps = {
  cooperationDeclaration: "cooperation-declaration"
} as const

/**
 * The DSO onboarding as an extension of the base Contract Onboarding.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { DsoConfig, dsoOnboardingExtension } from "@workflow-manager/templates-dso"
 *
 * const config = Schema.decodeUnknownSync(DsoConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = dsoOnboardingExtension(config).changes // EAN-GLN, the access request, the declaration, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a DSO configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoOnboardingExtension = (given: DsoConfig): Extension => {
  const config = checkDsoConfig(given)
  return {
    id: DSO_ONBOARDING,
    name: "DSO onboarding",
    description:
      "A Distribution System Operator's cooperation with the operator: identification (EIC, EAN-GLN), access " +
      "request (BRP, interconnection points, start date), cooperation declaration, financial guarantee, data " +
      "exchanges (access register, distribution allocations) and entry in the DSO register.",
    marketRole: "DSO",
    changes: [
      {
        op: "configure",
        stepId: s.company,
        config: { title: "DSO identification", fields: { eic: { required: true }, gln: glnField } }
      },
      contactServices(dsoContactServices),
      { op: "patch", stepId: s.roleData, name: "Access request" },
      {
        op: "configure",
        stepId: s.roleData,
        config: {
          title: "Access request",
          fields: { ...dsoAccessRequestFields, requestedStart: { label: "Start date" } }
        }
      },
      {
        op: "insertAfter",
        after: s.roleData,
        steps: [
          {
            id: dsoOnboardingSteps.cooperationDeclaration,
            type: "form",
            name: "Cooperation declaration",
            config: { title: "Cooperation declaration", fields: cooperationDeclarationFields }
          }
        ]
      },
      { op: "patch", stepId: s.technical, name: "Data exchanges and IT prerequisites" },
      { op: "configure", stepId: s.technical, config: { fields: dataExchangeFields } },
      { op: "patch", stepId: s.contract, name: "Cooperation agreement signature" },
      {
        op: "patch",
        stepId: s.review,
        deadlines: [
          {
            id: "start-notice",
            from: { step: s.roleData, path: "requestedStart" },
            offset: `-${config.startNotice}`,
            escalation: {
              kind: "notify",
              topic: "dso-start-at-risk",
              payload: {
                rule: "the DSO's access request at least 1 month before its start date (?)",
                notice: config.startNotice
              }
            }
          }
        ]
      },
      { op: "patch", stepId: s.activation, name: "Entry in the DSO register" },
      {
        op: "configure",
        stepId: s.activation,
        config: {
          body: {
            declaration: `{{step.${dsoOnboardingSteps.cooperationDeclaration}}}`,
            dataExchanges: "{{step.technical}}"
          }
        }
      }
    ]
  }
}

/**
 * The DSO onboarding template: {@link dsoOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a DSO configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoOnboarding = (given: DsoConfig): Template => {
  const config = checkDsoConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), dsoOnboardingExtension(config)))
}
