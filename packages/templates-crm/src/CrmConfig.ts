/**
 * The CRM pack's configuration: the base settings plus the capacity mechanism's decision window,
 * eligibility threshold, financial security and the people who decide. DOMAIN.md's months are
 * calendar months; core has no working-day calendar.
 *
 * @since 0.1.0
 */
import { Duration } from "@workflow-manager/core"
import { BaseConfig, configChecker, RoleList, UserList, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/**
 * The CRM pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `prequalificationDecisionWithin` | `"P3M"` | the operator decides on the prequalification files within 3 months |
 * | `minimumDeratedMw` | `1` | a capacity market unit is eligible from 1 MW after derating |
 * | `financialSecurity` | `true` | whether a capacity provider gives a financial security ((?) in DOMAIN.md) |
 * | `maxContractYears` | `15` | the longest capacity contract a bid may ask for |
 * | `prequalificationRoles`, `prequalifiers` | `["market_ops"]`, anyone | who decides the prequalification |
 * | `regulatorDeskRoles`, `regulatorDesk` | `["market_ops"]`, anyone | who records the regulator's decision on an investment file |
 *
 * @since 0.1.0
 * @category configuration
 */
export const CrmConfig = Schema.Struct({
  ...BaseConfig.fields,
  prequalificationDecisionWithin: withDefault(
    Duration.check(Schema.isPattern(/^P/, { expected: "a positive ISO-8601 duration such as P3M" })),
    "P3M"
  ),
  minimumDeratedMw: withDefault(Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1000 })), 1),
  financialSecurity: withDefault(Schema.Boolean, true),
  maxContractYears: withDefault(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 30 })), 15),
  prequalificationRoles: withDefault(RoleList, ["market_ops"]),
  prequalifiers: Schema.optionalKey(UserList),
  regulatorDeskRoles: withDefault(RoleList, ["market_ops"]),
  regulatorDesk: Schema.optionalKey(UserList)
})

/**
 * The CRM configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type CrmConfig = typeof CrmConfig.Type

/**
 * `config` decoded as a `CrmConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not a CRM configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkCrmConfig: (config: unknown) => CrmConfig = configChecker(CrmConfig, "a CRM configuration")
