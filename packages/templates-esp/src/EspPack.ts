/**
 * The ESP template pack: ESP onboarding and ESP portfolio management for an {@link EspConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { EspConfig } from "./EspConfig.js"
import { espOnboarding } from "./EspOnboarding.js"
import { espPortfolio } from "./EspPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const ESP_PACK_VERSION = "0.1.0"

/**
 * The ESP template pack (`@workflow-manager/templates-esp`): `esp-onboarding` and `esp-portfolio`.
 *
 * @example
 * ```ts
 * import { espPack } from "@workflow-manager/templates-esp"
 *
 * // await engine.publishPack({ pack: espPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const espPack: TemplatePack<EspConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-esp",
  version: ESP_PACK_VERSION,
  configSchema: EspConfig,
  templates: (config) => [espOnboarding(config), espPortfolio(config)]
})
