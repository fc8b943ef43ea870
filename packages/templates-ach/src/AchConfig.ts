/**
 * The ACH pack's configuration: the base settings plus the Access Contract's timers. DOMAIN.md's
 * working days are calendar days here (core has no working-day calendar yet): the defaults use the
 * same numbers, so an escalation fires early rather than late. The values DOMAIN.md marks "(?)"
 * (15 working days to confirm added access points, 5 working days' notice of a designation change)
 * are settings with those defaults.
 *
 * @since 0.1.0
 */
import { Duration } from "@workflow-manager/core"
import { BaseConfig, configChecker } from "@workflow-manager/templates-base"
import { Effect, Schema } from "effect"

const Lead = Duration.check(Schema.isPattern(/^P/, { expected: "a positive ISO-8601 duration such as P15D" }))
const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

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
  requestNotice: withDefault(Lead, "P1M"),
  pointConfirmationWithin: withDefault(Lead, "P15D"),
  designationNotice: withDefault(Lead, "P5D"),
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
