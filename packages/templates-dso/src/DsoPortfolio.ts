/**
 * DSO portfolio management — the base Portfolio Management for a Distribution System Operator:
 * add or remove **interconnection points**, **update the access register** (per EAN-GSRN, the ACH
 * and BRP from a first to a last month), update contacts, renew the guarantee. Points and access
 * register entries are sent to the register with the change.
 *
 * @since 0.1.0
 */
import { findStep, type JsonObject, type Step, type Template } from "@workflow-manager/core"
import { approvalRoutes } from "@workflow-manager/handler-approval"
import {
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
  applyPoints: "apply-points",
  applyAccessRegister: "apply-access-register"
} as const

/** The base's register call under another id, sending `data` beside the change request. */
const applyWith = (apply: Step, id: string, name: string, data: JsonObject): Step => ({
  ...apply,
  id,
  name,
  config: { ...apply.config, body: { ...(apply.config.body as JsonObject), ...data } },
  next: s.confirmation
})

const approved = (changes: ReadonlyArray<string>, to: string) => ({
  when: {
    all: [
      { op: "eq" as const, field: "outcome", value: "approved" },
      { op: "in" as const, step: s.request, field: "change", value: [...changes] }
    ]
  },
  to
})

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
  const apply = findStep(portfolioManagement(config), s.apply) as Step
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
      {
        op: "configure",
        stepId: s.contacts,
        config: { fields: { contacts: { item: { fields: { service: { values: [...dsoContactServices] } } } } } }
      },
      {
        op: "patch",
        stepId: s.review,
        routes: [
          approved(["add-points", "remove-points"], dsoPortfolioSteps.applyPoints),
          approved(["change-designations"], dsoPortfolioSteps.applyAccessRegister),
          ...approvalRoutes({ changesRequested: s.request, rejected: s.rejectionNotice })
        ]
      },
      { op: "patch", stepId: s.apply, name: "Apply in the DSO register", next: s.confirmation },
      // an api-call fails on a variable of a step that did not run: each kind with data has its own call
      {
        op: "insertAfter",
        after: s.apply,
        steps: [
          applyWith(apply, dsoPortfolioSteps.applyPoints, "Apply the interconnection points", {
            points: `{{step.${s.points}.points}}`
          }),
          applyWith(apply, dsoPortfolioSteps.applyAccessRegister, "Apply the access register entries", {
            accessRegister: `{{step.${s.designations}.designations}}`
          })
        ]
      },
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
