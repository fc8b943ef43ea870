/**
 * GU onboarding — the base Contract Onboarding extended for a Grid User (Connection Contract, plus
 * its own access contract or an appointed ACH):
 *
 * grid user identification → contacts → **connection request** (technical specifications) →
 * **in-depth study** at the regulated tariff (only when requested) → the operator's **assessment**
 * (substantial modernisation, voltage level, connection point, access point) → **installation
 * description** → signature of the Connection Contract → **access**: appoint an ACH or sign an own
 * access contract (at least 1 month before the connection starts) → notification → the operator's
 * approval → **entry in the connection register** → welcome notice. A grid user gives no financial
 * security.
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
import { checkGuConfig, type GuConfig } from "./GuConfig.js"
import {
  achAppointmentFields,
  connectionAssessmentFields,
  connectionRequestFields,
  guContactServices,
  inDepthStudyFields,
  installationFields
} from "./GuFields.js"

/**
 * The id of the GU onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const GU_ONBOARDING = "gu-onboarding"

/**
 * The ids of the steps the GU onboarding adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const guOnboardingSteps = {
  inDepthStudy: "in-depth-study",
  assessment: "connection-assessment",
  installation: "installation",
  access: "access",
  achAppointment: "ach-appointment",
  accessContract: "access-contract"
} as const

const g = guOnboardingSteps

/** The access is arranged at least `notice` before the connection starts. */
const accessNotice = (notice: string): Deadline => ({
  id: "access-notice",
  from: { step: s.roleData, path: "requestedStart" },
  offset: `-${notice}`,
  escalation: {
    kind: "notify",
    topic: "access-not-arranged",
    payload: { rule: "access requested at least 1 month before the connection starts", notice }
  }
})

/**
 * The GU onboarding as an extension of the base Contract Onboarding.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GuConfig, guOnboardingExtension } from "@workflow-manager/templates-gu"
 *
 * const config = Schema.decodeUnknownSync(GuConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = guOnboardingExtension(config).changes // the connection request, the study, the assessment, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a GU configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const guOnboardingExtension = (given: GuConfig): Extension => {
  const config = checkGuConfig(given)
  return {
    id: GU_ONBOARDING,
    name: "GU onboarding",
    description:
      "Onboarding of a Grid User under the operator's Connection Contract: connection request, optional in-depth " +
      "study, assessment (substantial modernisation, connection and access point), installation, contract, and " +
      "an appointed ACH or an own access contract.",
    marketRole: "GU",
    changes: [
      { op: "configure", stepId: s.company, config: { title: "Grid user identification" } },
      contactServices(guContactServices),
      {
        op: "patch",
        stepId: s.roleData,
        name: "Connection request",
        routes: [{ when: { op: "eq", field: "inDepthStudy", value: true }, to: g.inDepthStudy }],
        next: g.assessment
      },
      {
        op: "configure",
        stepId: s.roleData,
        config: {
          title: "Connection request (technical specifications)",
          fields: {
            ...connectionRequestFields(config.voltageLevels),
            requestedStart: { label: "Requested connection date" }
          }
        }
      },
      {
        op: "insertAfter",
        after: s.roleData,
        steps: [
          {
            id: g.inDepthStudy,
            type: "form",
            name: "In-depth study (operator, regulated tariff)",
            config: { title: "In-depth study (operator)", fields: inDepthStudyFields }
          },
          {
            id: g.assessment,
            type: "form",
            name: "Connection assessment (operator)",
            description: "Substantial modernisation check; voltage level, connection point and access point.",
            config: {
              title: "Connection assessment (operator)",
              fields: connectionAssessmentFields(config.voltageLevels)
            }
          }
        ]
      },
      // a grid user gives no financial security; the installation takes the IT step's place
      { op: "remove", stepId: s.financialSecurity },
      { op: "remove", stepId: s.technical },
      {
        op: "insertBefore",
        before: s.contract,
        steps: [
          {
            id: g.installation,
            type: "form",
            name: "Installation description",
            config: { title: "Installation description", fields: installationFields }
          }
        ]
      },
      { op: "patch", stepId: s.contract, name: "Connection Contract signature" },
      {
        op: "insertAfter",
        after: s.contract,
        steps: [
          {
            id: g.access,
            type: "form",
            name: "Access: appoint an ACH or sign an access contract",
            config: {
              title: "Access to the grid",
              fields: {
                access: {
                  type: "enum",
                  label: "Access",
                  values: ["appoint-ach", "own-access-contract"],
                  required: true
                }
              }
            },
            routes: [
              { when: { op: "eq", field: "access", value: "appoint-ach" }, to: g.achAppointment },
              { when: { op: "eq", field: "access", value: "own-access-contract" }, to: g.accessContract }
            ]
          },
          {
            id: g.achAppointment,
            type: "form",
            name: "Appointment of the ACH",
            config: { title: "Appointed Access Contract Holder", fields: achAppointmentFields },
            deadlines: [accessNotice(config.accessNotice)],
            next: s.applicationReceived
          },
          {
            id: g.accessContract,
            type: "form",
            name: "Own access contract",
            description: "The grid user holds access itself: its Access Contract (see the ACH pack).",
            config: {
              title: "Own access contract",
              fields: {
                accessContractReference: {
                  type: "string",
                  label: "Access Contract reference",
                  required: true,
                  min: 1,
                  max: 100
                },
                signedOn: { type: "date", label: "Signed on", required: true }
              }
            },
            deadlines: [accessNotice(config.accessNotice)],
            next: s.applicationReceived
          }
        ]
      },
      { op: "patch", stepId: s.activation, name: "Entry in the connection register" },
      {
        op: "configure",
        stepId: s.activation,
        config: {
          body: {
            assessment: `{{step.${g.assessment}}}`,
            installation: `{{step.${g.installation}}}`,
            access: `{{step.${g.access}}}`
          }
        }
      }
    ]
  }
}

/**
 * The GU onboarding template: {@link guOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a GU configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const guOnboarding = (given: GuConfig): Template => {
  const config = checkGuConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), guOnboardingExtension(config)))
}
