/**
 * The CRM template pack: CRM onboarding and CRM portfolio management for a {@link CrmConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { CrmConfig } from "./CrmConfig.js"
import { crmOnboarding } from "./CrmOnboarding.js"
import { crmPortfolio } from "./CrmPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const CRM_PACK_VERSION = "0.1.0"

/**
 * The CRM template pack (`@workflow-manager/templates-crm`): `crm-onboarding` and `crm-portfolio`.
 *
 * @example
 * ```ts
 * import { crmPack } from "@workflow-manager/templates-crm"
 *
 * // await engine.publishPack({ pack: crmPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const crmPack: TemplatePack<CrmConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-crm",
  version: CRM_PACK_VERSION,
  configSchema: CrmConfig,
  templates: (config) => [crmOnboarding(config), crmPortfolio(config)]
})
