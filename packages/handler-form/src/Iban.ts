/**
 * The IBAN (ISO 13616): a country code, 2 check digits and the country's BBAN, of the length the
 * SWIFT IBAN registry gives for the country. Check: move the first 4 characters to the end, letters
 * → 10–35, the number mod 97 = 1. Belgian IBANs also carry the national check: the first 10 BBAN
 * digits mod 97 (0 → 97) = the last 2. Written in groups of 4 or not: spaces are dropped; letters
 * are capitals. Pure functions with no imports, so a browser shows the same messages as the server.
 *
 * @since 0.1.0
 */

/** IBAN lengths by country (SWIFT IBAN registry, 2025). */
// biome-ignore format: a table reads better in rows
const lengths: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30
}

const MAX_INPUT = 64

/** `mod 97` of a string of digits and capitals, letters counted as 10–35, without big integers. */
const mod97 = (text: string): number => {
  let rest = 0
  for (const c of text) {
    const value = c >= "A" ? c.charCodeAt(0) - 55 : c.charCodeAt(0) - 48
    rest = (rest * (value >= 10 ? 100 : 10) + value) % 97
  }
  return rest
}

/**
 * Checks an IBAN, optionally of one country (`"BE"`): `undefined` when valid, otherwise a message.
 *
 * @example
 * ```ts
 * import { checkIban } from "@workflow-manager/handler-form"
 *
 * checkIban("BE31 4354 1116 1155") // undefined
 * checkIban("BE31435411161156") // "fails its check digits (ISO 13616 mod 97): a typo?"
 * ```
 *
 * @since 0.1.0
 * @category validators
 */
export const checkIban = (iban: string, country?: string): string | undefined => {
  if (typeof iban !== "string") return "must be a string"
  if (iban.length > MAX_INPUT) return "is too long to be an IBAN"
  const compact = iban.replace(/ /g, "")
  if (!/^[A-Z]{2}\d{2}[0-9A-Z]{11,30}$/.test(compact)) {
    return "is not an IBAN (a country code, 2 check digits and the account, e.g. BE31 4354 1116 1155)"
  }
  const code = compact.slice(0, 2)
  if (country !== undefined && code !== country) return `is not a ${String(country).slice(0, 2)} IBAN`
  const length = lengths[code]
  if (length === undefined || !Object.hasOwn(lengths, code)) return `has an unknown IBAN country code ${code}`
  if (compact.length !== length) return `has ${compact.length} characters; a ${code} IBAN has ${length}`
  if (mod97(compact.slice(4) + compact.slice(0, 4)) !== 1) return "fails its check digits (ISO 13616 mod 97): a typo?"
  if (code === "BE") {
    if (!/^\d{12}$/.test(compact.slice(4))) return "is not a Belgian IBAN (BE, 2 check digits and 12 digits)"
    const national = Number(compact.slice(4, 14)) % 97
    if ((national === 0 ? 97 : national) !== Number(compact.slice(14))) {
      return "fails the Belgian account check (the first 10 digits mod 97 = the last 2)"
    }
  }
  return undefined
}

/**
 * A valid IBAN in its electronic form (no spaces, `BE31435411161155`); `undefined` when it is not
 * valid.
 *
 * @since 0.1.0
 * @category validators
 */
export const formatIban = (iban: string): string | undefined =>
  checkIban(iban) === undefined ? iban.replace(/ /g, "") : undefined
