import { BaseConfig, configChecker, Window, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/**
 * The voltage levels (kV) of the operator's grid a grid user connects to (380 kV down to 30 kV).
 *
 * @since 0.1.0
 * @category configuration
 */
export const transmissionVoltages: ReadonlyArray<string> = ["380", "220", "150", "110", "70", "36", "30"]

/**
 * The GU pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `accessNotice` | `"P1M"` | the ACH is appointed (or the access contract signed) at least 1 month before the connection starts |
 * | `voltageLevels` | `380` … `30` kV | the voltage levels a connection may be requested and contracted at |
 *
 * @since 0.1.0
 * @category configuration
 */
export const GuConfig = Schema.Struct({
  ...BaseConfig.fields,
  accessNotice: withDefault(Window, "P1M"),
  voltageLevels: withDefault(
    Schema.Array(Schema.String.check(Schema.isPattern(/^[1-9][0-9]{0,3}(\.[0-9])?$/))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(30),
      Schema.isUnique()
    ),
    [...transmissionVoltages]
  )
})

/**
 * The GU configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type GuConfig = typeof GuConfig.Type

/**
 * `config` decoded as a `GuConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not a GU configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkGuConfig: (config: unknown) => GuConfig = configChecker(GuConfig, "a GU configuration")
