/**
 * The DSO pack's configuration: the base settings plus the DSO's timers and roles. DOMAIN.md found
 * no text for the TSO–DSO cooperation (?): every DSO timer is a setting, its default borrowed from
 * the nearest rule DOMAIN.md has (an access request at least 1 month before the start), and stated
 * in calendar days (core has no working-day calendar yet).
 *
 * @since 0.1.0
 */
import { Duration } from "@workflow-manager/core"
import { BaseConfig, configChecker } from "@workflow-manager/templates-base"
import { Effect, Schema } from "effect"

const Lead = Duration.check(Schema.isPattern(/^P/, { expected: "a positive ISO-8601 duration such as P30D" }))
const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

const Roles = Schema.Array(Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9_:-]{0,99}$/))).check(
  Schema.isMinLength(1),
  Schema.isMaxLength(20)
)

/**
 * The DSO pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `startNotice` | `"P1M"` | the DSO's access request at least 1 month before its start date (?) |
 * | `dsoApproverRoles` | `["dso_approver"]` | the DSO's roles that decide on a BSP's or ESP's delivery points on its grid |
 * | `dsoDecisionWithin` | `"P30D"` | the DSO decides on delivery points within 30 days of the request (?) |
 *
 * @since 0.1.0
 * @category configuration
 */
export const DsoConfig = Schema.Struct({
  ...BaseConfig.fields,
  startNotice: withDefault(Lead, "P1M"),
  dsoApproverRoles: withDefault(Roles, ["dso_approver"]),
  dsoDecisionWithin: withDefault(Lead, "P30D")
})

/**
 * The DSO configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type DsoConfig = typeof DsoConfig.Type

/**
 * `config` decoded as a `DsoConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not a DSO configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkDsoConfig: (config: unknown) => DsoConfig = configChecker(DsoConfig, "a DSO configuration")
