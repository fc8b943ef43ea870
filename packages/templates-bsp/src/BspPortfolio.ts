/**
 * BSP portfolio management — the base Portfolio Management for a BSP: add or remove delivery
 * points (with the DSO's approval of added points on a distribution grid), prequalify more volume
 * (re-assessed at least every 5 years), declare low-voltage head meters, update contacts. A BSP has
 * no designations and gives no guarantee.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import {
  applyCalls,
  changeRoutes,
  contactServices,
  dsoPortfolioChanges,
  dsoSteps,
  type Extension,
  extendTemplate,
  portfolioManagement,
  portfolioSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { type BspConfig, checkBspConfig } from "./BspConfig.js"
import { bspContactServices, prequalificationTestField } from "./BspFields.js"

/**
 * The id of the BSP portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const BSP_PORTFOLIO = "bsp-portfolio"

/**
 * The kinds of change of a BSP's portfolio and the step each routes to.
 *
 * @since 0.1.0
 * @category templates
 */
export const bspChanges: Readonly<Record<string, string>> = {
  "add-points": s.points,
  "remove-points": s.points,
  "prequalify-volume": "volume-prequalification",
  "low-voltage-head-meters": "head-meters",
  "update-contacts": s.contacts
}

/**
 * The kinds of change of a BSP's portfolio and the register call that applies each, with the data
 * its step collected.
 *
 * @since 0.1.0
 * @category templates
 */
export const bspApplies: Readonly<Record<string, string>> = {
  "add-points": s.applyPoints,
  "remove-points": s.applyPoints,
  "prequalify-volume": "apply-volume-prequalification",
  "low-voltage-head-meters": "apply-head-meters",
  "update-contacts": s.applyContacts
}

/**
 * The BSP portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { BspConfig, bspPortfolioExtension } from "@workflow-manager/templates-bsp"
 *
 * const config = Schema.decodeUnknownSync(BspConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = bspPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not a BSP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const bspPortfolioExtension = (given: BspConfig): Extension => {
  const config = checkBspConfig(given)
  return {
    id: BSP_PORTFOLIO,
    name: "BSP portfolio management",
    description:
      "A change to a BSP's portfolio (delivery points, prequalified volume, low-voltage head meters, contacts), " +
      "approved by the DSO where it concerns its grid and by the operator, and applied in the operator's register.",
    marketRole: "BSP",
    changes: [
      {
        op: "configure",
        stepId: s.request,
        config: {
          fields: {
            change: { values: Object.keys(bspChanges) },
            lastPrequalifiedOn: {
              type: "date",
              label: "Date of the last prequalification",
              help: "for a volume prequalification: the re-assessment is due 5 years after it"
            }
          }
        }
      },
      { op: "patch", stepId: s.request, routes: changeRoutes(bspChanges) },
      { op: "remove", stepId: s.designations },
      { op: "remove", stepId: s.guarantee },
      ...dsoPortfolioChanges({
        products: config.products,
        endpoint: config.dsoEndpoint,
        approverRoles: config.dsoDeskRoles,
        approvers: config.dsoDesk,
        decisionWithin: config.dsoDecisionWithin
      }),
      {
        op: "insertAfter",
        after: dsoSteps.approval,
        steps: [
          {
            id: "volume-prequalification",
            type: "form",
            name: "Prequalify volume",
            config: { title: "Volume prequalification", fields: { tests: prequalificationTestField(config.products) } },
            deadlines: [
              {
                id: "reassessment",
                from: { step: s.request, path: "lastPrequalifiedOn" },
                offset: config.reassessmentEvery,
                escalation: {
                  kind: "notify",
                  topic: "prequalification-reassessment-due",
                  payload: { rule: "re-assessment at least every 5 years", every: config.reassessmentEvery }
                }
              }
            ],
            next: s.review
          },
          {
            id: "head-meters",
            type: "form",
            name: "Low-voltage head meters",
            config: {
              title: "Low-voltage head meters",
              fields: {
                meters: {
                  type: "array",
                  label: "Head meters",
                  required: true,
                  min: 1,
                  max: 500,
                  item: {
                    type: "object",
                    fields: {
                      ean: { type: "string", label: "Head meter EAN-GSRN", required: true, validator: "ean-gsrn:BE" },
                      deliveryPoint: {
                        type: "string",
                        label: "Delivery point (meter EAN-GSRN)",
                        required: true,
                        validator: "ean-gsrn:BE"
                      },
                      firstMonth: { type: "date", label: "From (first day of the month)", required: true }
                    }
                  }
                }
              }
            },
            next: s.review
          }
        ]
      },
      contactServices(bspContactServices),
      { op: "patch", stepId: s.apply, name: "Apply in the operator's register" },
      ...applyCalls(config.register, {
        applies: bspApplies,
        calls: [
          {
            id: "apply-volume-prequalification",
            name: "Apply the prequalified volume",
            data: { prequalification: "{{step.volume-prequalification}}" }
          },
          { id: "apply-head-meters", name: "Apply the head meters", data: { headMeters: "{{step.head-meters}}" } }
        ]
      })
    ]
  }
}

/**
 * The BSP portfolio-management template: {@link bspPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a BSP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const bspPortfolio = (given: BspConfig): Template => {
  const config = checkBspConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), bspPortfolioExtension(config)))
}
