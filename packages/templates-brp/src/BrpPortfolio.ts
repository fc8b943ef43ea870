/**
 * BRP portfolio management — the base Portfolio Management for a BRP: no designations (an ACH
 * designates its BRP per access point), contacts with the BRP's services and nomination
 * recipients (a contact change needs the operator's approval, as every change), and three
 * guarantee changes: renewal (proven 3 calendar months before expiry), **top-up** after a call
 * (15 banking days) and **replacement** after the issuing bank's downgrade (20 banking days).
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import {
  applyCalls,
  changeRoutes,
  contactServices,
  type Extension,
  extendTemplate,
  guaranteeFields,
  portfolioManagement,
  portfolioSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { type BrpConfig, checkBrpConfig } from "./BrpConfig.js"
import { brpContactServices, nominationRecipientsField, ratedIssuer } from "./BrpFields.js"

/**
 * The id of the BRP portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const BRP_PORTFOLIO = "brp-portfolio"

/**
 * The kinds of change of a BRP's portfolio and the step each routes to.
 *
 * @since 0.1.0
 * @category templates
 */
export const brpChanges: Readonly<Record<string, string>> = {
  "add-points": s.points,
  "remove-points": s.points,
  "update-contacts": s.contacts,
  "renew-guarantee": s.guarantee,
  "top-up-guarantee": "guarantee-top-up",
  "replace-guarantee": "guarantee-replacement"
}

/**
 * The ids of the register calls the BRP portfolio adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const brpPortfolioSteps = {
  applyTopUp: "apply-guarantee-top-up",
  applyReplacement: "apply-guarantee-replacement"
} as const

/**
 * The kinds of change of a BRP's portfolio and the register call that applies each, with the data
 * its step collected.
 *
 * @since 0.1.0
 * @category templates
 */
export const brpApplies: Readonly<Record<string, string>> = {
  "add-points": s.applyPoints,
  "remove-points": s.applyPoints,
  "update-contacts": s.applyContacts,
  "renew-guarantee": s.applyGuarantee,
  "top-up-guarantee": brpPortfolioSteps.applyTopUp,
  "replace-guarantee": brpPortfolioSteps.applyReplacement
}

/**
 * The BRP portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BrpConfig, brpPortfolioExtension } from "@workflow-manager/templates-brp"
 *
 * const config = Schema.decodeUnknownSync(BrpConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = brpPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not a BRP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const brpPortfolioExtension = (given: BrpConfig): Extension => {
  const config = checkBrpConfig(given)
  return {
    id: BRP_PORTFOLIO,
    name: "BRP portfolio management",
    description:
      "A change to a BRP's portfolio (points, contacts, financial guarantee), approved by the operator and applied in the BRP register.",
    marketRole: "BRP",
    changes: [
      {
        op: "configure",
        stepId: s.request,
        config: { fields: { change: { values: Object.keys(brpChanges) } } }
      },
      { op: "patch", stepId: s.request, routes: changeRoutes(brpChanges) },
      { op: "remove", stepId: s.designations },
      contactServices(brpContactServices),
      { op: "configure", stepId: s.contacts, config: { fields: { nominationRecipients: nominationRecipientsField } } },
      { op: "configure", stepId: s.guarantee, config: ratedIssuer(config.acceptedRatings) },
      {
        op: "insertAfter",
        after: s.guarantee,
        steps: [
          {
            id: "guarantee-top-up",
            type: "form",
            name: "Top up the guarantee",
            description: "After the operator's call, within 15 banking days.",
            config: {
              title: "Guarantee top-up",
              fields: {
                callReference: { type: "string", label: "The operator's call", required: true, min: 1, max: 100 },
                amount: { type: "number", label: "Amount added (EUR)", required: true, min: 0, max: 1_000_000_000 },
                reference: {
                  type: "string",
                  label: "Guarantee or payment reference",
                  required: true,
                  min: 1,
                  max: 100
                },
                paidOn: { type: "date", label: "Paid / amended on", required: true }
              }
            },
            deadlines: [
              {
                id: "top-up",
                offset: config.topUpWithin,
                escalation: {
                  kind: "notify",
                  topic: "guarantee-top-up-overdue",
                  payload: { rule: "top-up within 15 banking days after a call", within: config.topUpWithin }
                }
              }
            ],
            next: s.review
          },
          {
            id: "guarantee-replacement",
            type: "form",
            name: "Replace the guarantee (bank downgraded)",
            description:
              "A new guarantee from a bank rated BBB/Baa2 or better, within 20 banking days of the downgrade.",
            config: { title: "Replacement guarantee", fields: guaranteeFields },
            deadlines: [
              {
                id: "replacement",
                offset: config.replacementWithin,
                escalation: {
                  kind: "notify",
                  topic: "guarantee-replacement-overdue",
                  payload: {
                    rule: "replacement within 20 banking days of a downgrade",
                    within: config.replacementWithin
                  }
                }
              }
            ],
            next: s.review
          }
        ]
      },
      { op: "configure", stepId: "guarantee-replacement", config: ratedIssuer(config.acceptedRatings) },
      { op: "patch", stepId: s.apply, name: "Apply in the BRP register" },
      ...applyCalls(config.register, {
        applies: brpApplies,
        calls: [
          {
            id: brpPortfolioSteps.applyTopUp,
            name: "Apply the top-up in the BRP register",
            data: { topUp: "{{step.guarantee-top-up}}" }
          },
          {
            id: brpPortfolioSteps.applyReplacement,
            name: "Apply the replacement guarantee in the BRP register",
            data: { guarantee: "{{step.guarantee-replacement}}" }
          }
        ]
      })
    ]
  }
}

/**
 * The BRP portfolio-management template: {@link brpPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a BRP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const brpPortfolio = (given: BrpConfig): Template => {
  const config = checkBrpConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), brpPortfolioExtension(config)))
}
