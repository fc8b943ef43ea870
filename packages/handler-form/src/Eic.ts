/**
 * The ENTSO-E Energy Identification Code: 16 characters of `0-9`, `A-Z` and `-` — a 2-character
 * issuing office (`10` ENTSO-E, `22` the Belgian TSO's office, ...), a type letter, 12 characters and
 * a check character. Pure functions with no imports, so a browser shows the same messages as the
 * server.
 *
 * @since 0.1.0
 */

/**
 * The EIC object types: X party, Y area, Z measurement point, W resource, T tie-line, V location,
 * A substation.
 *
 * @since 0.1.0
 * @category validators
 */
export const eicTypes = ["X", "Y", "Z", "W", "T", "V", "A"] as const

/**
 * An EIC type letter.
 *
 * @since 0.1.0
 * @category validators
 */
export type EicType = (typeof eicTypes)[number]

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"

/**
 * The check character of the first 15 characters of an EIC (`undefined` when one is outside the
 * alphabet): S = Σ value(cᵢ)·(17−i), check = the character of 36 − ((S − 1) mod 37). A result of
 * `-` means no valid code starts with these 15 characters.
 */
const checkCharacter = (first15: string): string | undefined => {
  let sum = 0
  for (let i = 0; i < 15; i++) {
    const value = ALPHABET.indexOf(first15[i] ?? "")
    if (value < 0) return undefined
    sum += value * (16 - i)
  }
  return ALPHABET[36 - ((sum - 1) % 37)]
}

/**
 * Checks an EIC, optionally of one type (`"X"` for a party code): `undefined` when valid, otherwise
 * a message.
 *
 * @example
 * ```ts
 * import { checkEic } from "@workflow-manager/handler-form"
 *
 * checkEic("10X1001A1001A094") // undefined
 * checkEic("10YBE----------2", "X") // "is an EIC of type Y, not X (a party code)"
 * ```
 *
 * @since 0.1.0
 * @category validators
 */
export const checkEic = (code: string, type?: EicType): string | undefined => {
  if (typeof code !== "string") return "must be a string"
  if (type !== undefined && !(eicTypes as ReadonlyArray<unknown>).includes(type)) {
    return `cannot be checked: ${String(type).slice(0, 20)} is not an EIC type (${eicTypes.join(", ")})`
  }
  if (!/^[0-9A-Z]{2}[A-Z][0-9A-Z-]{13}$/.test(code)) {
    return "is not an EIC (16 characters: 0-9, A-Z or '-', e.g. 10X1001A1001A094)"
  }
  const letter = code[2] as string
  if (!(eicTypes as ReadonlyArray<string>).includes(letter)) {
    return `has an unknown EIC type letter '${letter}' (one of ${eicTypes.join(", ")})`
  }
  if (type !== undefined && letter !== type) return `is an EIC of type ${letter}, not ${type} (${typeNames[type]})`
  const expected = checkCharacter(code.slice(0, 15))
  if (expected === "-") return "cannot be an EIC: no check character is valid for its first 15 characters"
  return code[15] === expected ? undefined : "fails its check character: a typo?"
}

const typeNames: Readonly<Record<EicType, string>> = {
  X: "a party code",
  Y: "an area code",
  Z: "a measurement point code",
  W: "a resource code",
  T: "a tie-line code",
  V: "a location code",
  A: "a substation code"
}
