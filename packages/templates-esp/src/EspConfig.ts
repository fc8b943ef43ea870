/**
 * The ESP pack's configuration: the base settings plus the flexibility services, the guarantee's
 * forms and the DSO settings it shares with the BSP pack.
 *
 * @since 0.1.0
 */
import { BaseConfig, configChecker, RoleList, UserList, Window, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/**
 * The ESP pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `services` | `["day-ahead", "intraday"]` | the flexibility services of the FSP contract |
 * | `guaranteeKinds` | `["bank-guarantee"]` | the forms of financial security accepted (a bank guarantee, amount per the regulator's mechanism) |
 * | `dsoDeskRoles`, `dsoDesk` | `["market_ops"]`, anyone | who records the DSO's approval |
 * | `dsoDecisionWithin` | none | a deadline on the DSO's answer (DOMAIN.md gives none) |
 * | `dsoEndpoint` | `"dso-flexibility-requests"` | the webhook endpoint (named by the deployer) that reaches the DSOs |
 *
 * The guarantee's renewal is the base's `guaranteeRenewalLead` (`P3M` before expiry).
 *
 * @since 0.1.0
 * @category configuration
 */
export const EspConfig = Schema.Struct({
  ...BaseConfig.fields,
  services: withDefault(
    Schema.Array(Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9-]{0,39}$/))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(10),
      Schema.isUnique()
    ),
    ["day-ahead", "intraday"]
  ),
  guaranteeKinds: withDefault(
    Schema.Array(Schema.Literals(["bank-guarantee", "deposit"])).check(Schema.isMinLength(1), Schema.isUnique()),
    ["bank-guarantee"]
  ),
  dsoDeskRoles: withDefault(RoleList, ["market_ops"]),
  dsoDesk: Schema.optionalKey(UserList),
  dsoDecisionWithin: Schema.optionalKey(Window),
  dsoEndpoint: withDefault(
    Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { expected: "a webhook endpoint name" })),
    "dso-flexibility-requests"
  )
})

/**
 * The ESP configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type EspConfig = typeof EspConfig.Type

/**
 * `config` decoded as an `EspConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not an ESP configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkEspConfig: (config: unknown) => EspConfig = configChecker(EspConfig, "an ESP configuration")
