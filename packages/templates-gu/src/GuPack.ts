/**
 * The GU template pack: GU onboarding and GU portfolio management for a {@link GuConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { GuConfig } from "./GuConfig.js"
import { guOnboarding } from "./GuOnboarding.js"
import { guPortfolio } from "./GuPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const GU_PACK_VERSION = "0.1.0"

/**
 * The GU template pack (`@workflow-manager/templates-gu`): `gu-onboarding` and `gu-portfolio`.
 *
 * @example
 * ```ts
 * import { guPack } from "@workflow-manager/templates-gu"
 *
 * // await engine.publishPack({ pack: guPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const guPack: TemplatePack<GuConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-gu",
  version: GU_PACK_VERSION,
  configSchema: GuConfig,
  templates: (config) => [guOnboarding(config), guPortfolio(config)]
})
