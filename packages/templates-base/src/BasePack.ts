/**
 * The base pack: the generic Contract Onboarding and Portfolio Management templates, for a
 * participant of any role (role packs publish their own composed versions).
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { BaseConfig } from "./BaseConfig.js"
import { contractOnboarding } from "./ContractOnboarding.js"
import { portfolioManagement } from "./PortfolioManagement.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const BASE_PACK_VERSION = "0.1.0"

/**
 * The base template pack (`@workflow-manager/templates-base`): `contract-onboarding` and
 * `portfolio-management` for a `BaseConfig`.
 *
 * @example
 * ```ts
 * import { basePack } from "@workflow-manager/templates-base"
 *
 * // await engine.publishPack({ pack: basePack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const basePack: TemplatePack<BaseConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-base",
  version: BASE_PACK_VERSION,
  configSchema: BaseConfig,
  templates: (config) => [contractOnboarding(config), portfolioManagement(config)]
})
