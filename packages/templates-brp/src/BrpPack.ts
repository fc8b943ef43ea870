/**
 * The BRP template pack: BRP onboarding and BRP portfolio management for a {@link BrpConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { BrpConfig } from "./BrpConfig.js"
import { brpOnboarding } from "./BrpOnboarding.js"
import { brpPortfolio } from "./BrpPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const BRP_PACK_VERSION = "0.1.0"

/**
 * The BRP template pack (`@workflow-manager/templates-brp`): `brp-onboarding` and `brp-portfolio`.
 *
 * @example
 * ```ts
 * import { brpPack } from "@workflow-manager/templates-brp"
 *
 * // await engine.publishPack({ pack: brpPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const brpPack: TemplatePack<BrpConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-brp",
  version: BRP_PACK_VERSION,
  configSchema: BrpConfig,
  templates: (config) => [brpOnboarding(config), brpPortfolio(config)]
})
