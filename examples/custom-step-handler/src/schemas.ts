/**
 * The shapes of the bank-guarantee step: its config (in the template), its input (from the person
 * lodging the guarantee) and its output (recorded in the step's data).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { isIsoDate } from "./internal/dates.js"

/**
 * A calendar date, `YYYY-MM-DD`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const IsoDate = Schema.String.check(
  Schema.makeFilter<string>((value) => isIsoDate(value) || "must be a calendar date written YYYY-MM-DD", {
    expected: "a date such as 2027-12-31"
  })
)

/**
 * A bank identifier code (ISO 9362): 8 or 11 characters, e.g. `KREDBEBB`, `GEBABEBB`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Bic = Schema.String.check(
  Schema.isPattern(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/u, { expected: "a BIC such as KREDBEBB" })
)

/**
 * A guarantee reference as the bank writes it: 3 to 40 capital letters, digits and dashes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GuaranteeReference = Schema.String.check(
  Schema.isPattern(/^[A-Z0-9][A-Z0-9-]{2,39}$/u, { expected: "a guarantee reference such as KBC-BG-2026-0042" })
)

const Amount = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1_000_000_000_000 }))

// #region config-schema
/**
 * The step's `config` in a template.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BankGuaranteeConfig = Schema.Struct({
  /** The least amount the guarantee must cover, in euro. */
  minimumAmountEur: Amount,
  /** How many days the guarantee must still run when it is lodged (and when the workflow is submitted). */
  minimumValidityDays: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3650 })),
  /** The banks whose guarantees are accepted (BICs); any bank when absent. */
  acceptedBanks: Schema.optionalKey(Schema.Array(Bic).check(Schema.isMinLength(1), Schema.isMaxLength(100))),
  /** The roles that may lodge a guarantee (enforced by `bankGuaranteePolicy`); any role when absent. */
  lodgedBy: Schema.optionalKey(
    Schema.Array(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(100))).check(
      Schema.isMinLength(1),
      Schema.isMaxLength(20)
    )
  ),
  /** Queue a renewal reminder this many days before the guarantee expires. */
  renewalNoticeDays: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 365 }))),
  /** `deferred`: the input is checked and queued, and a worker checks the register (under a lease). */
  run: Schema.optionalKey(Schema.Literals(["inline", "deferred"]))
})
// #endregion config-schema

/**
 * The decoded config.
 *
 * @since 0.1.0
 * @category schemas
 */
export type BankGuaranteeConfig = typeof BankGuaranteeConfig.Type

// #region input-schema
/**
 * What the person lodging the guarantee submits.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BankGuaranteeInput = Schema.Struct({
  reference: GuaranteeReference,
  bic: Bic,
  amountEur: Amount,
  expiresOn: IsoDate
})
// #endregion input-schema

/**
 * The decoded input.
 *
 * @since 0.1.0
 * @category schemas
 */
export type BankGuaranteeInput = typeof BankGuaranteeInput.Type

/**
 * The step's output: the guarantee as checked, and the pledge that lodges it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BankGuaranteeOutput = Schema.Struct({
  ...BankGuaranteeInput.fields,
  pledgeId: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))
})

/**
 * The step's output.
 *
 * @since 0.1.0
 * @category schemas
 */
export type BankGuaranteeOutput = typeof BankGuaranteeOutput.Type
