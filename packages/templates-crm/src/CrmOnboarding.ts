/**
 * CRM onboarding — the base Contract Onboarding extended for a capacity provider in the Capacity
 * Remuneration Mechanism (the CRM functioning rules; a capacity contract after the auction):
 *
 * company and contacts → **application for the CRM IT interface** (with the auction applied for and
 * its calendar) → **one prequalification file per capacity market unit** (existing, additional or
 * virtual; eligible from 1 MW after derating, no variable operating aid; due 15 June) → **the
 * operator's prequalification decision** within 3 months → for a multi-year contract: the
 * **investment file** and **the regulator's approval** → **bid** (price, volume, duration; due 30
 * September) → financial security (configurable) → **capacity contract** → the operator's approval →
 * entry in the CRM register.
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
import { type CrmConfig, checkCrmConfig } from "./CrmConfig.js"
import { auctionFields, bidField, cmuField, crmContactServices, investmentFileField } from "./CrmFields.js"

/**
 * The id of the CRM onboarding template.
 *
 * @since 0.1.0
 * @category templates
 */
export const CRM_ONBOARDING = "crm-onboarding"

/**
 * The steps the CRM onboarding adds to the base.
 *
 * @since 0.1.0
 * @category templates
 */
export const crmOnboardingSteps = {
  prequalificationDecision: "prequalification-decision",
  investmentFile: "investment-file",
  regulatorApproval: "regulator-approval",
  bid: "bid"
} as const

const c = crmOnboardingSteps

const list = (label: string, item: Step["config"], max: number) => ({
  type: "array",
  label,
  required: true,
  min: 1,
  max,
  item
})

/**
 * The CRM onboarding as an extension of the base Contract Onboarding (data: core's changes).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CrmConfig, crmOnboardingExtension } from "@workflow-manager/templates-crm"
 *
 * const config = Schema.decodeUnknownSync(CrmConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = crmOnboardingExtension(config).changes // the IT interface first, the files, ...
 * ```
 *
 * @throws TemplateInvalid when `config` is not a CRM configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const crmOnboardingExtension = (given: CrmConfig): Extension => {
  const config = checkCrmConfig(given)
  const technical = findStep(contractOnboarding(config), s.technical) as Step
  const decision = approvalStep({
    id: c.prequalificationDecision,
    name: "Prequalification decision (operator)",
    roles: config.prequalificationRoles,
    ...(config.prequalifiers === undefined ? {} : { users: config.prequalifiers }),
    quorum: 1,
    approves: [s.technical, s.roleData],
    changesRequested: s.roleData,
    rejected: s.rejectionNotice,
    next: c.bid,
    deadlines: [
      {
        id: "prequalification-decision",
        offset: config.prequalificationDecisionWithin,
        escalation: {
          kind: "notify",
          topic: "prequalification-decision-overdue",
          payload: { rule: "the operator decides within 3 months", within: config.prequalificationDecisionWithin }
        }
      }
    ]
  })
  const windowCloses = (id: string, path: string, topic: string, rule: string) => ({
    id,
    from: { step: s.technical, path },
    offset: "P0D",
    escalation: { kind: "notify" as const, topic, payload: { rule } }
  })
  return {
    id: CRM_ONBOARDING,
    name: "CRM onboarding",
    description:
      "Onboarding of a capacity provider in the Capacity Remuneration Mechanism: the CRM IT interface, one " +
      "prequalification file per capacity market unit, the operator's decision, the regulator's approval of an " +
      "investment file for a multi-year contract, the bid and the capacity contract.",
    marketRole: "CRM",
    changes: [
      { op: "configure", stepId: s.company, config: { fields: { eic: { required: true } } } },
      contactServices(crmContactServices),
      // the application for the CRM IT interface comes first
      { op: "remove", stepId: s.technical },
      {
        op: "insertAfter",
        after: s.contacts,
        steps: [
          {
            ...technical,
            name: "Application for the CRM IT interface",
            config: {
              ...technical.config,
              title: "CRM IT interface application and the auction applied for",
              fields: {
                ...(technical.config.fields as object),
                interfaceUsers: list(
                  "Users of the CRM IT interface",
                  {
                    type: "object",
                    fields: {
                      name: { type: "string", label: "Name", required: true, min: 2, max: 200 },
                      email: {
                        type: "string",
                        label: "E-mail",
                        required: true,
                        max: 254,
                        pattern: "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$",
                        patternMessage: "is not an e-mail address"
                      }
                    }
                  },
                  20
                ),
                ...auctionFields
              }
            }
          }
        ]
      },
      { op: "patch", stepId: s.roleData, name: "Prequalification files" },
      {
        op: "configure",
        stepId: s.roleData,
        config: {
          title: "One prequalification file per capacity market unit",
          fields: {
            units: list("Capacity market units", cmuField(config.minimumDeratedMw), 100),
            multiYear: {
              type: "boolean",
              label: "A multi-year contract is sought (investment file)",
              required: true
            }
          }
        }
      },
      {
        op: "patch",
        stepId: s.roleData,
        deadlines: [
          windowCloses(
            "prequalification-window",
            "prequalificationCloses",
            "prequalification-window-closed",
            "prequalification files from 15 May to 15 June"
          )
        ]
      },
      {
        op: "insertAfter",
        after: s.roleData,
        steps: [
          {
            ...decision,
            // approved: a multi-year contract needs the regulator's approval of its investment file
            routes: [
              ...(decision.routes ?? []),
              {
                when: { op: "eq", step: s.roleData, field: "multiYear", value: true },
                to: c.investmentFile
              }
            ]
          },
          {
            id: c.investmentFile,
            type: "form",
            name: "Investment file",
            config: {
              title: "Investment file per unit (multi-year contract)",
              fields: { files: list("Investment files", investmentFileField(config.maxContractYears), 100) }
            }
          },
          {
            ...approvalStep({
              id: c.regulatorApproval,
              name: "Regulator's approval of the investment file",
              roles: config.regulatorDeskRoles,
              ...(config.regulatorDesk === undefined ? {} : { users: config.regulatorDesk }),
              quorum: 1,
              approves: [c.investmentFile],
              changesRequested: s.roleData,
              rejected: s.rejectionNotice,
              next: c.bid
            }),
            description:
              "The regulator approves the investment file; the operator records its decision (a request for changes " +
              "goes back to the files, e.g. to drop the multi-year request)."
          },
          {
            id: c.bid,
            type: "form",
            name: "Bid",
            config: {
              title: "Bids (price, volume, duration)",
              fields: { bids: list("Bids", bidField(config.maxContractYears), 100) }
            },
            deadlines: [
              windowCloses("bid-window", "bidWindowCloses", "bid-window-closed", "bids from 15 to 30 September")
            ]
          }
        ]
      },
      ...(config.financialSecurity ? [] : [{ op: "remove" as const, stepId: s.financialSecurity }]),
      { op: "patch", stepId: s.contract, name: "Capacity contract (after the auction)" },
      {
        op: "configure",
        stepId: s.contract,
        config: {
          title: "Capacity contract",
          fields: {
            auctionResult: { type: "string", label: "Auction result reference", required: true, min: 1, max: 100 },
            contractedMw: { type: "number", label: "Contracted capacity (MW)", required: true, min: 0, max: 10_000 }
          }
        }
      },
      { op: "patch", stepId: s.review, name: "Operator approval (capacity contract)" },
      {
        op: "configure",
        stepId: s.activation,
        config: { body: { units: "{{step.role-data}}", bids: "{{step.bid}}", contract: "{{step.contract}}" } }
      },
      { op: "patch", stepId: s.activation, name: "Entry in the CRM register" }
    ]
  }
}

/**
 * The CRM onboarding template: {@link crmOnboardingExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a CRM configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const crmOnboarding = (given: CrmConfig): Template => {
  const config = checkCrmConfig(given)
  return Result.getOrThrow(extendTemplate(contractOnboarding(config), crmOnboardingExtension(config)))
}
