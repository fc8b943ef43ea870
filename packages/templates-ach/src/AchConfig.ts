import { BaseConfig, configChecker, Window, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/**
 * The ACH pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `requestNotice` | `"P1M"` | the access request comes at least 1 month before the start of access |
 * | `pointConfirmationWithin` | `"P15D"` | the operator confirms added access points within 15 working days (?) |
 * | `designationNotice` | `"P5D"` | a change of BRP or supplier comes at least 5 working days before it takes effect (?) |
 * | `multipleBrpFromKv` | `150` | the voltage (kV) from which an access point may have several BRPs |
 *
 * @since 0.1.0
 * @category configuration
 */
export const AchConfig = Schema.Struct({
  ...BaseConfig.fields,
  requestNotice: withDefault(Window, "P1M"),
  pointConfirmationWithin: withDefault(Window, "P15D"),
  designationNotice: withDefault(Window, "P5D"),
  multipleBrpFromKv: withDefault(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })), 150)
})

/**
 * The ACH configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type AchConfig = typeof AchConfig.Type

/**
 * `config` decoded as an `AchConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not an ACH configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkAchConfig: (config: unknown) => AchConfig = configChecker(AchConfig, "an ACH configuration")
