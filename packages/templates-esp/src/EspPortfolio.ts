/**
 * ESP portfolio management — the base Portfolio Management for an ESP: add or remove delivery
 * points (an added point on a distribution grid goes to its DSO for approval first), update
 * contacts, renew the bank guarantee (proven 3 calendar months before expiry). No designations.
 *
 * @since 0.1.0
 */
import type { Template } from "@workflow-manager/core"
import {
  applyCalls,
  changeRoutes,
  contactServices,
  dsoPortfolioChanges,
  type Extension,
  extendTemplate,
  portfolioManagement,
  portfolioSteps as s
} from "@workflow-manager/templates-base"
import { Result } from "effect"
import { checkEspConfig, type EspConfig } from "./EspConfig.js"
import { espContactServices } from "./EspSteps.js"

/**
 * The id of the ESP portfolio-management template.
 *
 * @since 0.1.0
 * @category templates
 */
export const ESP_PORTFOLIO = "esp-portfolio"

/**
 * The kinds of change of an ESP's portfolio and the step each routes to.
 *
 * @since 0.1.0
 * @category templates
 */
export const espChanges: Readonly<Record<string, string>> = {
  "add-points": s.points,
  "remove-points": s.points,
  "update-contacts": s.contacts,
  "renew-guarantee": s.guarantee
}

/**
 * The kinds of change of an ESP's portfolio and the base register call that applies each, with
 * the data its step collected.
 *
 * @since 0.1.0
 * @category templates
 */
export const espApplies: Readonly<Record<string, string>> = {
  "add-points": s.applyPoints,
  "remove-points": s.applyPoints,
  "update-contacts": s.applyContacts,
  "renew-guarantee": s.applyGuarantee
}

/**
 * The ESP portfolio management as an extension of the base Portfolio Management.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { EspConfig, espPortfolioExtension } from "@workflow-manager/templates-esp"
 *
 * const config = Schema.decodeUnknownSync(EspConfig)({ register: { url: "https://register.tso.example/api" } })
 * const changes = espPortfolioExtension(config).changes
 * ```
 *
 * @throws TemplateInvalid when `config` is not an ESP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const espPortfolioExtension = (given: EspConfig): Extension => {
  const config = checkEspConfig(given)
  return {
    id: ESP_PORTFOLIO,
    name: "ESP portfolio management",
    description:
      "A change to an ESP's portfolio (delivery points, contacts, bank guarantee), approved by the DSO where it " +
      "concerns its grid and by the operator, and applied in the operator's register.",
    marketRole: "ESP",
    changes: [
      { op: "configure", stepId: s.request, config: { fields: { change: { values: Object.keys(espChanges) } } } },
      { op: "patch", stepId: s.request, routes: changeRoutes(espChanges) },
      { op: "remove", stepId: s.designations },
      ...dsoPortfolioChanges({
        products: config.services,
        endpoint: config.dsoEndpoint,
        approverRoles: config.dsoDeskRoles,
        approvers: config.dsoDesk,
        decisionWithin: config.dsoDecisionWithin
      }),
      contactServices(espContactServices),
      {
        op: "configure",
        stepId: s.guarantee,
        config: { fields: { kind: { values: [...config.guaranteeKinds] }, issuer: { required: true } } }
      },
      { op: "patch", stepId: s.apply, name: "Apply in the operator's register" },
      ...applyCalls(config.register, { applies: espApplies })
    ]
  }
}

/**
 * The ESP portfolio-management template: {@link espPortfolioExtension} composed onto the base.
 *
 * @throws TemplateInvalid when `config` is not an ESP configuration
 *
 * @since 0.1.0
 * @category templates
 */
export const espPortfolio = (given: EspConfig): Template => {
  const config = checkEspConfig(given)
  return Result.getOrThrow(extendTemplate(portfolioManagement(config), espPortfolioExtension(config)))
}
