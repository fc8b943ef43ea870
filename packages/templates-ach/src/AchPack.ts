/**
 * The ACH template pack: ACH onboarding and ACH portfolio management for an {@link AchConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { AchConfig } from "./AchConfig.js"
import { achOnboarding } from "./AchOnboarding.js"
import { achPortfolio } from "./AchPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const ACH_PACK_VERSION = "0.1.0"

/**
 * The ACH template pack (`@workflow-manager/templates-ach`): `ach-onboarding` and `ach-portfolio`.
 *
 * @example
 * ```ts
 * import { achPack } from "@workflow-manager/templates-ach"
 *
 * // await engine.publishPack({ pack: achPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const achPack: TemplatePack<AchConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-ach",
  version: ACH_PACK_VERSION,
  configSchema: AchConfig,
  templates: (config) => [achOnboarding(config), achPortfolio(config)]
})
