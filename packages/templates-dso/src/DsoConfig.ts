import { BaseConfig, configChecker, RoleList, Window, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

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
  startNotice: withDefault(Window, "P1M"),
  dsoApproverRoles: withDefault(RoleList, ["dso_approver"]),
  dsoDecisionWithin: withDefault(Window, "P30D")
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
