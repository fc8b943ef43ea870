/**
 * GU portfolio management — the base Portfolio Management for a Grid User: **modify the
 * installation** (the operator checks for a substantial modernisation), **appoint another ACH** for
 * an access point, update contacts. A grid user gives no guarantee, and a new connection point is a
 * new connection request (onboarding), so those kinds are removed.
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
  portfolioManagement,
  portfolioSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { checkGuConfig, type GuConfig } from "./GuConfig.js"
import { achAppointmentFields, guContactServices, installationFields } from "./GuFields.js"

/**
 * The id of the GU portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const GU_PORTFOLIO = "gu-portfolio"

/**
 * The ids of the steps the GU portfolio adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const guPortfolioSteps = {
  installationChange: "installation-change",
  modernisationCheck: "modernisation-check",
  achChange: "ach-change",
  applyInstallation: "apply-installation",
  applyAch: "apply-ach"
} as const

const g = guPortfolioSteps

/**
 * The kinds of change of a grid user's portfolio and the step each routes to.
 *
 * @since 0.1.0
 * @category templates
 */
export const guChanges: Readonly<Record<string, string>> = {
  "modify-installation": g.installationChange,
  "change-ach": g.achChange,
  "update-contacts": s.contacts
}

/**
 * The kinds of change of a grid user's portfolio and the register call that applies each, with
 * the data its steps collected.
 *
 * @since 0.1.0
 * @category templates
 */
export const guApplies: Readonly<Record<string, string>> = {
  "modify-installation": g.applyInstallation,
  "change-ach": g.applyAch,
  "update-contacts": s.applyContacts
}

/**
 * The GU portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GuConfig, guPortfolioExtension } from "@workflow-manager/templates-gu"
 *
 * const config = Schema.decodeUnknownSync(GuConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = guPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not a GU configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const guPortfolioExtension = (given: GuConfig): Extension => {
  const config = checkGuConfig(given)
  return {
    id: GU_PORTFOLIO,
    name: "GU portfolio management",
    description:
      "A change to a grid user's connection: its installation (checked for a substantial modernisation), the ACH " +
      "appointed per access point, or its contacts, approved by the operator and applied in its register.",
    marketRole: "GU",
    changes: [
      { op: "configure", stepId: s.request, config: { fields: { change: { values: Object.keys(guChanges) } } } },
      { op: "patch", stepId: s.request, routes: changeRoutes(guChanges) },
      { op: "remove", stepId: s.points },
      { op: "remove", stepId: s.guarantee },
      {
        op: "replace",
        stepId: s.designations,
        step: {
          id: g.achChange,
          type: "form",
          name: "Appoint another ACH",
          config: { title: "Appointed Access Contract Holder", fields: achAppointmentFields },
          next: s.review
        }
      },
      {
        op: "insertBefore",
        before: g.achChange,
        steps: [
          {
            id: g.installationChange,
            type: "form",
            name: "Modify the installation",
            config: {
              title: "Modified installation",
              fields: {
                description: { type: "string", label: "What changes", required: true, min: 1, max: 2000 },
                ...installationFields
              }
            }
          },
          {
            id: g.modernisationCheck,
            type: "form",
            name: "Substantial modernisation check (operator)",
            config: {
              title: "Substantial modernisation check (operator)",
              fields: {
                substantialModernisation: {
                  type: "enum",
                  label: "Substantial modernisation",
                  values: ["yes", "no"],
                  required: true
                },
                rationale: { type: "string", label: "Rationale", required: true, min: 1, max: 2000 }
              }
            },
            next: s.review
          }
        ]
      },
      contactServices(guContactServices),
      { op: "patch", stepId: s.apply, name: "Apply in the connection register", next: s.confirmation },
      ...applyCalls(config.register, {
        applies: guApplies,
        calls: [
          {
            id: g.applyInstallation,
            name: "Apply the installation change",
            data: {
              installation: `{{step.${g.installationChange}}}`,
              modernisation: `{{step.${g.modernisationCheck}}}`
            }
          },
          { id: g.applyAch, name: "Apply the ACH appointment", data: { appointment: `{{step.${g.achChange}}}` } }
        ]
      }),
      {
        op: "configure",
        stepId: s.confirmation,
        config: {
          text:
            "Change {{instance.id}} ({{steps.change-request.data.change}}, effective " +
            "{{steps.change-request.data.effectiveFrom}}) is applied in the connection register."
        }
      }
    ]
  }
}

/**
 * The GU portfolio-management template: {@link guPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a GU configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const guPortfolio = (given: GuConfig): Template => {
  const config = checkGuConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), guPortfolioExtension(config)))
}
