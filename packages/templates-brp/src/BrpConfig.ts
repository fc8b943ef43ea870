/**
 * The BRP pack's configuration: the base settings plus the BRP timers and roles. DOMAIN.md's
 * working and banking days are calendar days here (core has no working-day calendar yet): the
 * defaults use the same numbers, so an escalation fires early rather than late.
 *
 * @since 0.1.0
 */
import { Identifier } from "@workflow-manager/core"
import { BaseConfig, configChecker, Window, withDefault } from "@workflow-manager/templates-base"
import { Schema } from "effect"

/**
 * The long-term ratings of a bank at or above BBB (S&P, Fitch) / Baa2 (Moody's), the minimum for a
 * BRP's bank guarantee.
 *
 * @since 0.1.0
 * @category configuration
 */
export const investmentGradeRatings: ReadonlyArray<string> = [
  "AAA",
  "AA+",
  "AA",
  "AA-",
  "A+",
  "A",
  "A-",
  "BBB+",
  "BBB",
  "Aaa",
  "Aa1",
  "Aa2",
  "Aa3",
  "A1",
  "A2",
  "A3",
  "Baa1",
  "Baa2"
]

/**
 * The BRP pack's configuration (decoded, with defaults): every `BaseConfig` key, and
 *
 * | key | default | meaning (DOMAIN.md) |
 * | --- | --- | --- |
 * | `invitationWithin` | `"P2D"` | portal invitation within 2 working days of the company form |
 * | `solvencyDecisionWithin` | `"P21D"` | the solvency check, ~3 weeks from a valid application |
 * | `topUpWithin` | `"P15D"` | a guarantee top-up within 15 banking days after a call |
 * | `replacementWithin` | `"P20D"` | a guarantee replaced within 20 banking days after a bank's downgrade |
 * | `solvencyCheckRoles` | `["market_ops"]` | the roles that may perform the solvency check |
 * | `solvencyCheckers` | anyone holding those roles | the users (customer support agents) who may perform it |
 * | `acceptedRatings` | BBB/Baa2 and above | the issuing bank's ratings a guarantee is accepted with |
 *
 * Core lets only `market_ops` act on a participant's tenant, so customer support agents hold that
 * role; `solvencyCheckers` reserves the check to them. The guarantee renewal lead is the base's `guaranteeRenewalLead` (`P3M`: proven at least 3
 * calendar months before expiry).
 *
 * @since 0.1.0
 * @category configuration
 */
export const BrpConfig = Schema.Struct({
  ...BaseConfig.fields,
  invitationWithin: withDefault(Window, "P2D"),
  solvencyDecisionWithin: withDefault(Window, "P21D"),
  topUpWithin: withDefault(Window, "P15D"),
  replacementWithin: withDefault(Window, "P20D"),
  solvencyCheckRoles: withDefault(
    Schema.Array(Schema.String.check(Schema.isPattern(/^[a-z][a-z0-9_:-]{0,99}$/))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(20)
    ),
    ["market_ops"]
  ),
  solvencyCheckers: Schema.optionalKey(
    Schema.Array(Identifier).check(Schema.isMinLength(1), Schema.isMaxLength(100), Schema.isUnique())
  ),
  acceptedRatings: withDefault(
    Schema.Array(Schema.String.check(Schema.isPattern(/^[A-Za-z0-9+-]{1,10}$/))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(50)
    ),
    [...investmentGradeRatings]
  )
})

/**
 * The BRP configuration, decoded.
 *
 * @since 0.1.0
 * @category configuration
 */
export type BrpConfig = typeof BrpConfig.Type

/**
 * `config` decoded as a `BrpConfig` (defaults applied; a decoded one passes unchanged).
 *
 * @throws TemplateInvalid when `config` is not a BRP configuration
 *
 * @since 0.1.0
 * @category configuration
 */
export const checkBrpConfig: (config: unknown) => BrpConfig = configChecker(BrpConfig, "a BRP configuration")
