/**
 * ESP onboarding — the base Contract Onboarding extended for an Energy / Flexibility Service
 * Provider (the Transfer of Energy rules, the FSP contract for the day-ahead / intraday flexibility
 * service, the supplier data contract):
 *
 * company and contacts → the flexibility service (day-ahead, intraday; how the transferred energy
 * is settled with suppliers) → **bank guarantee** (amount per the regulator's mechanism) → IT
 * prerequisites → **FSP contract** and supplier data contract → delivery points → on a
 * distribution grid: **the agreement and the regional data-access contract with each DSO**, the
 * points sent to the DSOs, and **the DSO's approval** → the operator's approval → registration.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import {
  choiceList,
  contactServices,
  contractOnboarding,
  deliveryPointsStep,
  dsoContractsField,
  dsoSteps,
  type Extension,
  extendTemplate,
  onboardingSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { checkEspConfig, type EspConfig } from "./EspConfig.js"
import { espContactServices, espDsoSteps } from "./EspSteps.js"

/**
 * The id of the ESP onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const ESP_ONBOARDING = "esp-onboarding"

/**
 * The steps the ESP onboarding adds to the base.
 *
 * @since 0.1.0
 * @category templates
 */
export const espOnboardingSteps = {
  deliveryPoints: "delivery-points",
  dsoAgreements: "dso-agreements",
  dsoConsultation: dsoSteps.consultation,
  dsoApproval: dsoSteps.approval
} as const

const e = espOnboardingSteps

/**
 * The ESP onboarding as an extension of the base Contract Onboarding (data: core's changes).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { EspConfig, espOnboardingExtension } from "@workflow-manager/templates-esp"
 *
 * const config = Schema.decodeUnknownSync(EspConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = espOnboardingExtension(config).changes // the service, the guarantee, the DSOs, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not an ESP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const espOnboardingExtension = (given: EspConfig): Extension => {
  const config = checkEspConfig(given)
  return {
    id: ESP_ONBOARDING,
    name: "ESP onboarding",
    description:
      "Onboarding of an Energy / Flexibility Service Provider under the Transfer of Energy rules: the FSP contract " +
      "for the day-ahead / intraday flexibility service and its bank guarantee, delivery points, and on a " +
      "distribution grid the agreement and data-access contract with each DSO and the DSO's approval.",
    marketRole: "ESP",
    changes: [
      { op: "configure", stepId: s.company, config: { fields: { eic: { required: true } } } },
      contactServices(espContactServices),
      { op: "patch", stepId: s.roleData, name: "Flexibility service" },
      {
        op: "configure",
        stepId: s.roleData,
        config: {
          title: "The flexibility service (Transfer of Energy)",
          fields: {
            services: choiceList("Flexibility services", config.services),
            energyTransfer: {
              type: "enum",
              label: "Energy transferred settled with the suppliers by",
              values: ["supplier-agreement", "regulated-price-formula"],
              required: true
            }
          }
        }
      },
      { op: "patch", stepId: s.financialSecurity, name: "Bank guarantee (regulator's mechanism)" },
      {
        op: "configure",
        stepId: s.financialSecurity,
        config: { fields: { kind: { values: [...config.guaranteeKinds] }, issuer: { required: true } } }
      },
      { op: "patch", stepId: s.contract, name: "FSP contract and supplier data contract" },
      {
        op: "configure",
        stepId: s.contract,
        config: {
          title: "FSP contract (flexibility service)",
          fields: {
            supplierDataContract: {
              type: "string",
              label: "Supplier data contract reference",
              required: true,
              min: 1,
              max: 100
            }
          }
        }
      },
      {
        op: "insertAfter",
        after: s.contract,
        steps: [
          deliveryPointsStep({ products: config.services, toDso: e.dsoAgreements, next: s.applicationReceived }),
          {
            id: e.dsoAgreements,
            type: "form",
            name: "DSO agreements and data-access contracts",
            config: {
              title: "Agreement and data-access contract with each DSO where flexibility is activated",
              fields: {
                agreements: dsoContractsField({
                  region: {
                    type: "enum",
                    label: "Region",
                    values: ["flanders", "wallonia", "brussels"],
                    required: true
                  },
                  agreementReference: {
                    type: "string",
                    label: "Flexibility agreement",
                    required: true,
                    min: 1,
                    max: 100
                  },
                  dataAccessContract: {
                    type: "string",
                    label: "Data-access contract (regional)",
                    required: true,
                    min: 1,
                    max: 100
                  },
                  signedOn: { type: "date", label: "Signed on", required: true }
                })
              }
            }
          },
          ...espDsoSteps(config, {
            pointsStep: e.deliveryPoints,
            approves: [e.deliveryPoints, e.dsoAgreements],
            rejected: s.rejectionNotice,
            next: s.applicationReceived
          })
        ]
      },
      { op: "patch", stepId: s.review, name: "Operator approval (guarantee received)" },
      { op: "configure", stepId: s.activation, config: { body: { deliveryPoints: "{{step.delivery-points}}" } } },
      { op: "patch", stepId: s.activation, name: "Registration of the ESP and its delivery points" }
    ]
  }
}

/**
 * The ESP onboarding template: {@link espOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not an ESP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const espOnboarding = (given: EspConfig): Template => {
  const config = checkEspConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), espOnboardingExtension(config)))
}
