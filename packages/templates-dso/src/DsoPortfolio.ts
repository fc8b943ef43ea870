/**
 * DSO portfolio management — the base Portfolio Management for a Distribution System Operator:
 * add or remove **interconnection points**, **update the access register** (per EAN-GSRN, the ACH
 * and BRP from a first to a last month), update contacts, renew the guarantee. Points and access
 * register entries are sent to the register with the change.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import {
  applyCalls,
  contactServices,
  type Extension,
  extendTemplate,
  portfolioManagement,
  portfolioSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { checkDsoConfig, type DsoConfig } from "./DsoConfig.js"
import { dsoContactServices } from "./DsoFields.js"

/**
 * The id of the DSO portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const DSO_PORTFOLIO = "dso-portfolio"

/**
 * The ids of the steps the DSO portfolio adds to the base's.
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoPortfolioSteps = {
  applyAccessRegister: "apply-access-register"
} as const

/**
 * The kinds of change of a DSO's portfolio and the register call that applies each.
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoApplies: Readonly<Record<string, string>> = {
  "add-points": s.applyPoints,
  "remove-points": s.applyPoints,
  "change-designations": dsoPortfolioSteps.applyAccessRegister,
  "update-contacts": s.applyContacts,
  "renew-guarantee": s.applyGuarantee
}

/**
 * The DSO portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { DsoConfig, dsoPortfolioExtension } from "@workflow-manager/templates-dso"
 *
 * const config = Schema.decodeUnknownSync(DsoConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = dsoPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not a DSO configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoPortfolioExtension = (given: DsoConfig): Extension => {
  const config = checkDsoConfig(given)
  return {
    id: DSO_PORTFOLIO,
    name: "DSO portfolio management",
    description:
      "A change to a DSO's interconnection points, access register (ACH and BRP per EAN-GSRN), contacts or " +
      "guarantee, approved by the operator and applied in its register.",
    marketRole: "DSO",
    changes: [
      { op: "patch", stepId: s.points, name: "Add or remove interconnection points" },
      { op: "configure", stepId: s.points, config: { title: "Interconnection points" } },
      { op: "patch", stepId: s.designations, name: "Update the access register" },
      {
        op: "configure",
        stepId: s.designations,
        config: {
          title: "Access register entries (per EAN-GSRN)",
          fields: {
            designations: {
              label: "Access register entries",
              item: {
                fields: {
                  brpEic: { required: true },
                  supplierEic: { label: "ACH / supplier (EIC)", required: true }
                }
              }
            }
          }
        }
      },
      contactServices(dsoContactServices),
      { op: "patch", stepId: s.apply, name: "Apply in the DSO register", next: s.confirmation },
      ...applyCalls(config.register, {
        applies: dsoApplies,
        calls: [
          {
            id: s.applyPoints,
            name: "Apply the interconnection points",
            data: { points: `{{step.${s.points}.points}}` }
          },
          {
            id: dsoPortfolioSteps.applyAccessRegister,
            name: "Apply the access register entries",
            data: { accessRegister: `{{step.${s.designations}.designations}}` }
          }
        ]
      }),
      {
        op: "configure",
        stepId: s.confirmation,
        config: {
          text:
            "Change {{instance.id}} ({{steps.change-request.data.change}}, effective " +
            "{{steps.change-request.data.effectiveFrom}}) is applied in the DSO register."
        }
      }
    ]
  }
}

/**
 * The DSO portfolio-management template: {@link dsoPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not a DSO configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const dsoPortfolio = (given: DsoConfig): Template => {
  const config = checkDsoConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), dsoPortfolioExtension(config)))
}
