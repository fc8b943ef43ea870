/**
 * The DSO template pack: DSO onboarding, DSO portfolio management and the DSO's approval of
 * delivery points, for a {@link DsoConfig}.
 *
 * @since 0.1.0
 */
import { defineTemplatePack, type TemplatePack } from "@workflow-manager/core"
import { DsoConfig } from "./DsoConfig.js"
import { dsoDeliveryPointApproval } from "./DsoDeliveryPointApproval.js"
import { dsoOnboarding } from "./DsoOnboarding.js"
import { dsoPortfolio } from "./DsoPortfolio.js"

/**
 * The version of this package's templates (recorded in each published template's `metadata.pack`).
 *
 * @since 0.1.0
 * @category packs
 */
export const DSO_PACK_VERSION = "0.1.0"

/**
 * The DSO template pack (`@workflow-manager/templates-dso`): `dso-onboarding`, `dso-portfolio` and
 * `dso-delivery-point-approval`.
 *
 * @example
 * ```ts
 * import { dsoPack } from "@workflow-manager/templates-dso"
 *
 * // await engine.publishPack({ pack: dsoPack, config: { register: { url: "https://register.tso.example/api" } } })
 * ```
 *
 * @since 0.1.0
 * @category packs
 */
export const dsoPack: TemplatePack<DsoConfig> = defineTemplatePack({
  name: "@workflow-manager/templates-dso",
  version: DSO_PACK_VERSION,
  configSchema: DsoConfig,
  templates: (config) => [dsoOnboarding(config), dsoPortfolio(config), dsoDeliveryPointApproval(config)]
})
