import { BaseConfig, configChecker, RoleList, UserList, Window, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/**
 * The balancing products of the T&C BSP.
 *
 * @since 0.1.0
 * @category configuration
 */
export const bspProducts: ReadonlyArray<string> = ["FCR", "aFRR", "mFRR"]

/**
 * The BSP pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `products` | `["FCR", "aFRR", "mFRR"]` | the products a BSP may apply for (one T&C BSP each) |
 * | `screeningDecisionWithin` | `"P14D"` | the operator decides on the financial screening within 2 weeks |
 * | `signatureBeforeBidding` | `"P1D"` | the T&C BSP are signed at the latest the day before the first bid |
 * | `completenessWithin` | `"P56D"` | completeness of the prequalification file confirmed within 8 weeks |
 * | `missingInformationWithin` | `"P28D"` | missing information within 4 weeks, or the application is withdrawn |
 * | `prequalificationDecisionWithin` | `"P3M"` | the prequalification decision within 3 months |
 * | `reassessmentEvery` | `"P5Y"` | a prequalification is re-assessed at least every 5 years |
 * | `dsoDecisionWithin` | none | the DSO's answer on its delivery points (DOMAIN.md gives no window) |
 * | `screeningRoles`, `screeners` | `["market_ops"]`, anyone | who does the financial screening |
 * | `dsoDeskRoles`, `dsoDesk` | `["market_ops"]`, anyone | who records the DSO's approval |
 * | `prequalificationRoles`, `prequalifiers` | `["market_ops"]`, anyone | who decides the prequalification |
 * | `dsoEndpoint` | `"dso-flexibility-requests"` | the webhook endpoint (named by the deployer) the delivery points go to for the DSO's study |
 *
 * Core lets only `market_ops` act on a participant's tenant, so the DSO's decision is recorded by
 * the operator's DSO desk: list its users in `dsoDesk`.
 *
 * @since 0.1.0
 * @category configuration
 */
export const BspConfig = Schema.Struct({
  ...BaseConfig.fields,
  products: withDefault(
    Schema.Array(Schema.String.check(Schema.isPattern(/^[A-Za-z][A-Za-z0-9_-]{0,19}$/))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(10),
      Schema.isUnique()
    ),
    [...bspProducts]
  ),
  screeningDecisionWithin: withDefault(Window, "P14D"),
  signatureBeforeBidding: withDefault(Window, "P1D"),
  completenessWithin: withDefault(Window, "P56D"),
  missingInformationWithin: withDefault(Window, "P28D"),
  prequalificationDecisionWithin: withDefault(Window, "P3M"),
  reassessmentEvery: withDefault(Window, "P5Y"),
  dsoDecisionWithin: Schema.optionalKey(Window),
  screeningRoles: withDefault(RoleList, ["market_ops"]),
  screeners: Schema.optionalKey(UserList),
  dsoDeskRoles: withDefault(RoleList, ["market_ops"]),
  dsoDesk: Schema.optionalKey(UserList),
  prequalificationRoles: withDefault(RoleList, ["market_ops"]),
  prequalifiers: Schema.optionalKey(UserList),
  dsoEndpoint: withDefault(
    Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { expected: "a webhook endpoint name" })),
    "dso-flexibility-requests"
  )
})

/**
 * The BSP configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type BspConfig = typeof BspConfig.Type

/**
 * `config` decoded as a `BspConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not a BSP configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkBspConfig: (config: unknown) => BspConfig = configChecker(BspConfig, "a BSP configuration")
