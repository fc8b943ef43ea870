/**
 * CRM portfolio management — the base Portfolio Management for a capacity provider: an
 * **opt-out** notification, a **secondary-market** trade, a **unit status** change, the
 * **quarterly and permit reports**, contacts, and (with a financial security) its renewal. No
 * points and no designations: a capacity provider's portfolio is its capacity market units.
 *
 * @since 0.1.0
 */
import type { JsonObject, Template } from "@workflow-manager/core"
import {
  applyCalls,
  changeRoutes,
  contactServices,
  type Extension,
  extendTemplate,
  portfolioManagement,
  portfolioSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { type CrmConfig, checkCrmConfig } from "./CrmConfig.js"
import { crmContactServices } from "./CrmFields.js"

/**
 * The id of the CRM portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const CRM_PORTFOLIO = "crm-portfolio"

const unit: JsonObject = { type: "string", label: "Capacity market unit", required: true, min: 1, max: 100 }

/**
 * The kinds of change of a capacity provider's portfolio and the step each routes to (without
 * `renew-guarantee` when the pack is configured without a financial security).
 *
 * @example
 * ```ts
 * import { crmChanges } from "@workflow-manager/templates-crm"
 *
 * const kinds = Object.keys(crmChanges(true)) // opt-out, secondary-market, ...
 * ```
 *
 * @since 0.1.0
 * @category templates
 */
export const crmChanges = (financialSecurity: boolean): Readonly<Record<string, string>> => ({
  "opt-out": "opt-out",
  "secondary-market": "secondary-market",
  "unit-status": "unit-status",
  "quarterly-report": "report",
  "permit-report": "report",
  "update-contacts": s.contacts,
  ...(financialSecurity === true ? { "renew-guarantee": s.guarantee } : {})
})

/**
 * The kinds of change of a capacity provider's portfolio and the register call that applies each,
 * with the data its step collected (without `renew-guarantee` when the pack is configured without a
 * financial security).
 *
 * @since 0.1.0
 * @category templates
 */
export const crmApplies = (financialSecurity: boolean): Readonly<Record<string, string>> => ({
  "opt-out": "apply-opt-out",
  "secondary-market": "apply-secondary-market",
  "unit-status": "apply-unit-status",
  "quarterly-report": "apply-report",
  "permit-report": "apply-report",
  "update-contacts": s.applyContacts,
  ...(financialSecurity === true ? { "renew-guarantee": s.applyGuarantee } : {})
})

/**
 * The CRM portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CrmConfig, crmPortfolioExtension } from "@workflow-manager/templates-crm"
 *
 * const config = Schema.decodeUnknownSync(CrmConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = crmPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not a CRM configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const crmPortfolioExtension = (given: CrmConfig): Extension => {
  const config = checkCrmConfig(given)
  const changes = crmChanges(config.financialSecurity)
  return {
    id: CRM_PORTFOLIO,
    name: "CRM portfolio management",
    description:
      "A change to a capacity provider's portfolio (opt-out, secondary-market trade, unit status, reports, contacts, " +
      "financial security), approved by the operator and applied in the CRM register.",
    marketRole: "CRM",
    changes: [
      { op: "configure", stepId: s.request, config: { fields: { change: { values: Object.keys(changes) } } } },
      { op: "patch", stepId: s.request, routes: changeRoutes(changes) },
      { op: "remove", stepId: s.designations },
      ...(config.financialSecurity ? [] : [{ op: "remove" as const, stepId: s.guarantee }]),
      {
        op: "replace",
        stepId: s.points,
        step: {
          id: "opt-out",
          type: "form",
          name: "Opt-out notification",
          description: "A unit above the threshold that does not take part in an auction notifies its opt-out.",
          config: {
            title: "Opt-out",
            fields: {
              unit,
              deratedMw: { type: "number", label: "Capacity after derating (MW)", required: true, min: 0, max: 10_000 },
              auction: { type: "enum", label: "Auction", values: ["Y-4", "Y-1"], required: true },
              reason: {
                type: "enum",
                label: "Reason",
                values: ["closure-planned", "not-available", "other"],
                required: true
              },
              explanation: { type: "string", label: "Explanation", max: 2000 }
            }
          },
          next: s.review
        }
      },
      {
        op: "insertAfter",
        after: "opt-out",
        steps: [
          {
            id: "secondary-market",
            type: "form",
            name: "Secondary-market trade",
            config: {
              title: "Secondary-market trade of a capacity obligation",
              fields: {
                side: { type: "enum", label: "Side", values: ["buyer", "seller"], required: true },
                unit,
                counterpartyEic: { type: "string", label: "Counterparty (EIC)", required: true, validator: "eic:X" },
                volumeMw: { type: "number", label: "Volume (MW)", required: true, min: 0, max: 10_000 },
                from: { type: "date", label: "From", required: true },
                to: { type: "date", label: "To", required: true }
              }
            },
            next: s.review
          },
          {
            id: "unit-status",
            type: "form",
            name: "Unit status change",
            config: {
              title: "Status of a capacity market unit",
              fields: {
                unit,
                status: {
                  type: "enum",
                  label: "New status",
                  values: ["in-construction", "commissioned", "unavailable", "closed"],
                  required: true
                },
                effectiveFrom: { type: "date", label: "From", required: true }
              }
            },
            next: s.review
          },
          {
            id: "report",
            type: "form",
            name: "Quarterly or permit report",
            config: {
              title: "Report",
              fields: {
                unit,
                period: {
                  type: "string",
                  label: "Period (quarter)",
                  pattern: "^[0-9]{4}-Q[1-4]$",
                  patternMessage: "is not a quarter such as 2027-Q1"
                },
                reportReference: { type: "string", label: "Report reference", required: true, min: 1, max: 100 },
                summary: { type: "string", label: "Progress, permits obtained or awaited", max: 5000 }
              }
            },
            next: s.review
          }
        ]
      },
      contactServices(crmContactServices),
      { op: "patch", stepId: s.apply, name: "Apply in the CRM register" },
      ...applyCalls(config.register, {
        applies: crmApplies(config.financialSecurity),
        calls: [
          { id: "apply-opt-out", name: "Apply the opt-out", data: { optOut: "{{step.opt-out}}" } },
          {
            id: "apply-secondary-market",
            name: "Apply the secondary-market transaction",
            data: { transaction: "{{step.secondary-market}}" }
          },
          { id: "apply-unit-status", name: "Apply the unit status", data: { unitStatus: "{{step.unit-status}}" } },
          { id: "apply-report", name: "Record the report", data: { report: "{{step.report}}" } }
        ]
      })
    ]
  }
}

/**
 * The CRM portfolio-management template: {@link crmPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a CRM configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const crmPortfolio = (given: CrmConfig): Template => {
  const config = checkCrmConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), crmPortfolioExtension(config)))
}
