/**
 * Belgian enterprise / VAT numbers: `BE` followed by 10 digits, the first 0 or 1, whose last two
 * digits are 97 − (first 8 digits mod 97). Valid: `BE0403170701`, `BE0476388378`.
 */
import { Schema } from "effect"

/** Whether `value` is a well-formed Belgian VAT number with a correct mod-97 check. */
export const isBelgianVat = (value: string): boolean => {
  const match = /^BE([01]\d{9})$/.exec(value)
  if (match === null) return false
  const digits = match[1] as string
  return 97 - (Number(digits.slice(0, 8)) % 97) === Number(digits.slice(8))
}

/** A Belgian VAT number (decoding fails with a message naming the rule that does not hold). */
export const BelgianVat = Schema.String.check(
  Schema.makeFilter<string>(
    (value) =>
      !/^BE[01]\d{9}$/.test(value)
        ? "must be BE followed by 10 digits, the first 0 or 1 (e.g. BE0403170701)"
        : isBelgianVat(value) || "has a wrong check number (the last two digits must be 97 − the first eight mod 97)",
    { expected: "a Belgian VAT number" }
  )
)
