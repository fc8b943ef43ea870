/**
 * The Belgian enterprise number (KBO/BCE) and the VAT number built on it: 10 digits, the first 0 or
 * 1, the last two = 97 − (the first 8 mod 97). Written `BE0476388378` (VAT), `0476.388.378`
 * (enterprise number) or anything in between: an optional `BE` prefix (capitals), and spaces or dots
 * between the digits, which are dropped. Pure functions with no imports, so a browser shows the same
 * messages as the server.
 *
 * @since 0.1.0
 */

const MAX_INPUT = 64

/** The 10 digits of a well-formed number (prefix, spaces and dots removed), or a message. */
const digitsOf = (value: string): { readonly digits: string } | { readonly problem: string } => {
  if (value.length > MAX_INPUT) return { problem: "is too long to be a Belgian enterprise number" }
  const compact = value.replace(/[ .]/g, "")
  const digits = compact.startsWith("BE") ? compact.slice(2) : compact
  if (!/^\d{10}$/.test(digits)) {
    return { problem: "is not a Belgian enterprise number (BE followed by 10 digits, e.g. BE0476388378)" }
  }
  if (digits[0] !== "0" && digits[0] !== "1") {
    return { problem: "is not a Belgian enterprise number (the first of the 10 digits is 0 or 1)" }
  }
  return { digits }
}

/**
 * Checks a Belgian enterprise or VAT number: `undefined` when valid, otherwise a message.
 *
 * @example
 * ```ts
 * import { checkBelgianEnterpriseNumber } from "@workflow-manager/handler-form"
 *
 * checkBelgianEnterpriseNumber("BE0476388378") // undefined
 * checkBelgianEnterpriseNumber("0476.388.378") // undefined (the same number)
 * checkBelgianEnterpriseNumber("BE0476388377") // "fails its check digits (97 − the first 8 digits mod 97)"
 * ```
 *
 * @since 0.1.0
 * @category validators
 */
export const checkBelgianEnterpriseNumber = (value: string): string | undefined => {
  if (typeof value !== "string") return "must be a string"
  const parsed = digitsOf(value)
  if ("problem" in parsed) return parsed.problem
  const check = 97 - (Number(parsed.digits.slice(0, 8)) % 97)
  return Number(parsed.digits.slice(8)) === check
    ? undefined
    : "fails its check digits (97 − the first 8 digits mod 97): a typo?"
}

/**
 * A valid Belgian enterprise number in its VAT form, `BE` + 10 digits (`BE0476388378`);
 * `undefined` when it is not valid.
 *
 * @since 0.1.0
 * @category validators
 */
export const formatBelgianVat = (value: string): string | undefined => {
  if (checkBelgianEnterpriseNumber(value) !== undefined) return undefined
  const parsed = digitsOf(value)
  return "digits" in parsed ? `BE${parsed.digits}` : undefined
}

/**
 * A valid Belgian enterprise number in its register form, `0476.388.378`; `undefined` when it is
 * not valid.
 *
 * @since 0.1.0
 * @category validators
 */
export const formatBelgianEnterpriseNumber = (value: string): string | undefined => {
  if (checkBelgianEnterpriseNumber(value) !== undefined) return undefined
  const parsed = digitsOf(value)
  return "digits" in parsed
    ? `${parsed.digits.slice(0, 4)}.${parsed.digits.slice(4, 7)}.${parsed.digits.slice(7)}`
    : undefined
}
