/**
 * ENTSO-E EIC codes: 16 characters of `[0-9A-Z-]` — issuing office (2), object type (1), 12
 * characters and a check character. Check: with 0–9 → 0–9, A–Z → 10–35, `-` → 36 and
 * S = Σ value(cᵢ)·(17 − i) over the first 15, the check is the character of 36 − ((S − 1) mod 37);
 * `-` is never a valid check character. Valid: `10X1001A1001A094`, `10YBE----------2`.
 */
import { Schema } from "effect"

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"

/** The check character of the first 15 characters of an EIC. */
export const eicCheckCharacter = (first15: string): string => {
  let sum = 0
  for (let i = 0; i < 15; i++) sum += ALPHABET.indexOf(first15[i] as string) * (16 - i)
  return ALPHABET[36 - ((sum - 1) % 37)] as string
}

/** Whether `value` is an EIC party code (type `X`) with a correct check character. */
export const isPartyEic = (value: string): boolean =>
  /^[0-9A-Z]{2}X[0-9A-Z-]{12}[0-9A-Z]$/.test(value) && eicCheckCharacter(value.slice(0, 15)) === value[15]

/** An EIC party code (X type), e.g. `22XENGIE-BE----P`. */
export const PartyEic = Schema.String.check(
  Schema.makeFilter<string>(
    (value) =>
      !/^[0-9A-Z]{2}X[0-9A-Z-]{12}[0-9A-Z]$/.test(value)
        ? "must be a 16-character EIC party code (two characters, X, twelve characters, a check character)"
        : isPartyEic(value) || `has a wrong check character (expected ${eicCheckCharacter(value.slice(0, 15))})`,
    { expected: "an EIC party code" }
  )
)
