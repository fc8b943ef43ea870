/**
 * ACH portfolio management — the base Portfolio Management for an Access Contract Holder: **add
 * access points** (each with its designation; the operator confirms within 15 working days (?)),
 * remove access points, **change the BRP or supplier** of access points (at least 5 working days
 * before it takes effect (?); several BRPs only at 150 kV or more), update contacts, renew the
 * guarantee.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"
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
import { type AchConfig, checkAchConfig } from "./AchConfig.js"
import { achContactServices, designationsField } from "./AchFields.js"

/**
 * The id of the ACH portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const ACH_PORTFOLIO = "ach-portfolio"

/**
 * The ids of the steps the ACH portfolio adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const achPortfolioSteps = {
  newAccessPoints: "new-access-points",
  accessPointConfirmation: "access-point-confirmation",
  applyAccessPoints: "apply-access-points"
} as const

/**
 * The kinds of change of an ACH's portfolio and the step each routes to.
 *
 * @since 0.1.0
 * @category templates
 */
export const achChanges: Readonly<Record<string, string>> = {
  "add-points": achPortfolioSteps.newAccessPoints,
  "remove-points": s.points,
  "change-designations": s.designations,
  "update-contacts": s.contacts,
  "renew-guarantee": s.guarantee
}

/**
 * The kinds of change the operator's change review routes to a register call, and the call (an
 * added access point is applied after its own confirmation, in `apply-access-points`).
 *
 * @since 0.1.0
 * @category templates
 */
export const achApplies: Readonly<Record<string, string>> = {
  "remove-points": s.applyPoints,
  "change-designations": s.applyDesignations,
  "update-contacts": s.applyContacts,
  "renew-guarantee": s.applyGuarantee
}

/**
 * The ACH portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { AchConfig, achPortfolioExtension } from "@workflow-manager/templates-ach"
 *
 * const config = Schema.decodeUnknownSync(AchConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = achPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not an ACH configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const achPortfolioExtension = (given: AchConfig): Extension => {
  const config = checkAchConfig(given)
  return {
    id: ACH_PORTFOLIO,
    name: "ACH portfolio management",
    description:
      "A change to an ACH's access points (added with their designation, removed), to the BRP or supplier designated " +
      "per access point, to its contacts or guarantee, approved by the operator and applied in the access register.",
    marketRole: "ACH",
    changes: [
      { op: "configure", stepId: s.request, config: { fields: { change: { values: Object.keys(achChanges) } } } },
      { op: "patch", stepId: s.request, routes: changeRoutes(achChanges) },
      {
        op: "insertBefore",
        before: s.points,
        steps: [
          {
            id: achPortfolioSteps.newAccessPoints,
            type: "form",
            name: "Add access points",
            description: "Each new access point with its designation of BRP and supplier.",
            config: {
              title: "New access points",
              fields: { accessPoints: designationsField(config.multipleBrpFromKv) }
            }
          },
          {
            id: achPortfolioSteps.accessPointConfirmation,
            type: "approval",
            name: "Operator confirms the access points",
            config: {
              approverRoles: [...config.operatorRoles],
              quorum: config.changeQuorum,
              approves: [achPortfolioSteps.newAccessPoints],
              fourEyes: true
            },
            routes: approvalRoutes({
              changesRequested: achPortfolioSteps.newAccessPoints,
              rejected: s.rejectionNotice
            }),
            compensation: { strategy: "handler" },
            deadlines: [
              {
                id: "confirmation",
                offset: config.pointConfirmationWithin,
                escalation: {
                  kind: "notify",
                  topic: "access-point-confirmation-overdue",
                  payload: {
                    rule: "the operator confirms added access points within 15 working days (?)",
                    within: config.pointConfirmationWithin
                  }
                }
              }
            ],
            next: achPortfolioSteps.applyAccessPoints
          }
        ]
      },
      { op: "patch", stepId: s.points, name: "Remove access points" },
      {
        op: "configure",
        stepId: s.points,
        config: {
          title: "Access points to remove",
          fields: { points: { item: { fields: { action: { values: ["remove"] } } } } }
        }
      },
      {
        op: "replace",
        stepId: s.designations,
        step: {
          id: s.designations,
          type: "form",
          name: "Change BRP or supplier",
          description: "The new designation per access point, at least 5 working days (?) before it takes effect.",
          config: {
            title: "New designations per access point",
            fields: { accessPoints: designationsField(config.multipleBrpFromKv) }
          },
          deadlines: [
            {
              id: "designation-notice",
              from: { step: s.request, path: "effectiveFrom" },
              offset: `-${config.designationNotice}`,
              escalation: {
                kind: "notify",
                topic: "designation-change-short-notice",
                payload: {
                  rule: "a change of BRP or supplier at least 5 working days before it takes effect (?)",
                  notice: config.designationNotice
                }
              }
            }
          ],
          next: s.review
        }
      },
      contactServices(achContactServices),
      { op: "patch", stepId: s.apply, name: "Apply in the access register", next: s.confirmation },
      {
        op: "configure",
        stepId: s.confirmation,
        config: {
          // the register's change id comes from one of three calls: the notice does without it
          text:
            "Change {{instance.id}} ({{steps.change-request.data.change}}, effective " +
            "{{steps.change-request.data.effectiveFrom}}) is applied in the access register."
        }
      },
      ...applyCalls(config.register, {
        applies: achApplies,
        calls: [
          {
            id: achPortfolioSteps.applyAccessPoints,
            name: "Add the access points in the access register",
            data: { accessPoints: `{{step.${achPortfolioSteps.newAccessPoints}.accessPoints}}` }
          },
          {
            id: s.applyDesignations,
            name: "Apply the designations in the access register",
            data: { accessPoints: `{{step.${s.designations}.accessPoints}}` }
          }
        ]
      })
    ]
  }
}

/**
 * The ACH portfolio-management template: {@link achPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not an ACH configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const achPortfolio = (given: AchConfig): Template => {
  const config = checkAchConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), achPortfolioExtension(config)))
}
