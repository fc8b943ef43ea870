/**
 * The BSP template pack: BSP onboarding and BSP portfolio management for a {@link BspConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { BspConfig } from "./BspConfig.js"
import { bspOnboarding } from "./BspOnboarding.js"
import { bspPortfolio } from "./BspPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const BSP_PACK_VERSION = "0.1.0"

/**
 * The BSP template pack (`@workflow-manager/templates-bsp`): `bsp-onboarding` and `bsp-portfolio`.
 *
 * @example
 * ```ts
 * import { bspPack } from "@workflow-manager/templates-bsp"
 *
 * // await engine.publishPack({ pack: bspPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const bspPack: TemplatePack<BspConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-bsp",
  version: BSP_PACK_VERSION,
  configSchema: BspConfig,
  templates: (config) => [bspOnboarding(config), bspPortfolio(config)]
})
