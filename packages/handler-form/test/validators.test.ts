/**
 * The identifier validators: DOMAIN.md's valid examples pass; every single-character substitution of
 * each (every position, every other character of the alphabet) fails; generated codes with computed
 * check characters pass and a changed check character fails; the canonical forms.
 */
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import {
  checkBelgianEnterpriseNumber,
  checkEanGsrn,
  checkEic,
  checkIban,
  formatBelgianEnterpriseNumber,
  formatBelgianVat,
  formatIban
} from "../src/index.js"

const DIGITS = "0123456789"
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
/** Every character a code could be mistyped with: digits, capitals, lower case, separators. */
const ALPHABET = `${DIGITS}${UPPER}${UPPER.toLowerCase()}-. `

/** Every string that differs from `code` in exactly one position. */
const substitutions = (code: string): Array<string> =>
  [...code].flatMap((original, i) =>
    [...ALPHABET].filter((c) => c !== original).map((c) => code.slice(0, i) + c + code.slice(i + 1))
  )

const examples = {
  vat: ["BE0476388378", "BE0428759497"],
  eic: ["10X1001A1001A094", "10YBE----------2"],
  ean: ["541448965001060702", "541449500000012346"],
  iban: ["BE31435411161155", "BE48320070184927"]
} as const

const checks: ReadonlyArray<readonly [string, ReadonlyArray<string>, (code: string) => string | undefined]> = [
  ["Belgian enterprise/VAT number", examples.vat, checkBelgianEnterpriseNumber],
  ["EIC", examples.eic, (code) => checkEic(code)],
  ["EAN-GSRN", examples.ean, (code) => checkEanGsrn(code)],
  ["IBAN", examples.iban, (code) => checkIban(code)]
]

describe.each(checks)("%s", (_name, valid, check) => {
  it("accepts DOMAIN.md's valid examples", () => {
    for (const code of valid) expect(check(code), code).toBeUndefined()
  })

  it("refuses every single-character substitution of each example", () => {
    for (const code of valid) {
      const mutants = substitutions(code)
      expect(mutants.length).toBe(code.length * (ALPHABET.length - 1))
      const accepted = mutants.filter((mutant) => check(mutant) === undefined)
      expect(accepted, code).toEqual([])
    }
  })

  it("refuses non-strings, the empty string and very long strings with a message", () => {
    for (const value of [undefined, null, 42, {}, [], "", "x".repeat(100_000)]) {
      expect(typeof check(value as string)).toBe("string")
    }
  })
})

// Oracles written from DOMAIN.md, independently of the sources.
const vatCheck = (eight: string): string => String(97 - (Number(eight) % 97)).padStart(2, "0")
const EIC_ALPHABET = `${DIGITS}${UPPER}-`
const eicCheck = (first15: string): string => {
  const s = [...first15].reduce((sum, c, i) => sum + EIC_ALPHABET.indexOf(c) * (17 - (i + 1)), 0)
  return EIC_ALPHABET[36 - ((s - 1) % 37)] as string
}
const gsrnCheck = (first17: string): string => {
  const s = [...first17].reverse().reduce((sum, c, i) => sum + Number(c) * (i % 2 === 0 ? 3 : 1), 0)
  return String((10 - (s % 10)) % 10)
}
const ibanCheck = (country: string, bban: string): string => {
  const numeric = [...`${bban}${country}00`].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join("")
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, "0")
}
const beNational = (ten: string): string => String(Number(ten) % 97 || 97).padStart(2, "0")

/** A different character of the alphabet at the last position. */
const otherLast = (code: string, alphabet: string, shift: number): string => {
  const last = code.at(-1) as string
  const others = [...alphabet].filter((c) => c !== last)
  return code.slice(0, -1) + others[shift % others.length]
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...DIGITS), minLength: n, maxLength: n })

describe("generated codes with computed check characters", () => {
  test.prop([fc.constantFrom("0", "1"), digits(7), fc.nat()])("Belgian enterprise numbers", (first, rest, shift) => {
    const eight = first + rest
    const code = `BE${eight}${vatCheck(eight)}`
    expect(checkBelgianEnterpriseNumber(code)).toBeUndefined()
    expect(checkBelgianEnterpriseNumber(otherLast(code, DIGITS, shift))).toBeDefined()
  })

  test.prop([
    fc.string({ unit: fc.constantFrom(...DIGITS, ...UPPER), minLength: 2, maxLength: 2 }),
    fc.constantFrom("X", "Y", "Z", "W", "T", "V", "A"),
    fc.string({ unit: fc.constantFrom(...EIC_ALPHABET), minLength: 12, maxLength: 12 }),
    fc.nat()
  ])("EICs", (office, type, body, shift) => {
    const first15 = `${office}${type}${body}`
    const check = eicCheck(first15)
    const code = first15 + check
    if (check === "-") {
      expect(checkEic(code)).toBeDefined()
      return
    }
    expect(checkEic(code)).toBeUndefined()
    expect(checkEic(code, type)).toBeUndefined()
    expect(checkEic(otherLast(code, EIC_ALPHABET, shift))).toBeDefined()
  })

  test.prop([digits(13), fc.nat()])("Belgian EAN-GSRN-18s", (rest, shift) => {
    const first17 = `5414${rest}`
    const code = first17 + gsrnCheck(first17)
    expect(checkEanGsrn(code)).toBeUndefined()
    expect(checkEanGsrn(code, "5414")).toBeUndefined()
    expect(checkEanGsrn(otherLast(code, DIGITS, shift))).toBeDefined()
  })

  test.prop([digits(3), digits(7), fc.nat()])("Belgian IBANs", (bank, account, shift) => {
    const ten = bank + account
    const bban = ten + beNational(ten)
    const code = `BE${ibanCheck("BE", bban)}${bban}`
    expect(checkIban(code)).toBeUndefined()
    expect(checkIban(code, "BE")).toBeUndefined()
    expect(checkIban(otherLast(code, DIGITS, shift))).toBeDefined()
  })

  test.prop([fc.constantFrom(["DE", 18], ["NL", 14], ["FR", 23], ["GB", 18], ["NO", 11]), fc.nat(), fc.nat()])(
    "IBANs of other countries (numeric BBANs of the country's length)",
    ([country, length], seed, shift) => {
      const bban = String(seed).padStart(length, "7").slice(0, length)
      const code = `${country}${ibanCheck(country, bban)}${bban}`
      expect(checkIban(code)).toBeUndefined()
      expect(checkIban(otherLast(code, DIGITS, shift))).toBeDefined()
    }
  )
})

describe("rules beyond the check characters", () => {
  it("Belgian numbers: the first digit is 0 or 1, BE in capitals, spaces and dots only", () => {
    expect(checkBelgianEnterpriseNumber("0476388378")).toBeUndefined()
    expect(checkBelgianEnterpriseNumber("BE 0476.388.378")).toBeUndefined()
    expect(checkBelgianEnterpriseNumber("be0476388378")).toBeDefined()
    expect(checkBelgianEnterpriseNumber("BE0476-388-378")).toBeDefined()
    // 2 + 8 digits with a valid mod 97 but a first digit of 2
    const eight = "24763883"
    expect(checkBelgianEnterpriseNumber(`BE${eight}${vatCheck(eight)}`)).toMatch(/first of the 10 digits is 0 or 1/)
  })

  it("EIC: the type letter, and a type asked for", () => {
    expect(checkEic("10YBE----------2", "Y")).toBeUndefined()
    expect(checkEic("10YBE----------2", "X")).toBe("is an EIC of type Y, not X (a party code)")
    expect(checkEic("10X1001A1001A094", "X")).toBeUndefined()
    const first15 = "10B1001A1001A09"
    expect(checkEic(first15 + eicCheck(first15))).toMatch(/unknown EIC type letter 'B'/)
  })

  it("EAN-GSRN: a required prefix", () => {
    expect(checkEanGsrn("541448965001060702", "5414")).toBeUndefined()
    const first17 = "87123456789012345"
    const foreign = first17 + gsrnCheck(first17)
    expect(checkEanGsrn(foreign)).toBeUndefined()
    expect(checkEanGsrn(foreign, "5414")).toBe("does not start with 5414")
  })

  it("IBAN: the country's length, an unknown country, the Belgian national check, a country asked for", () => {
    expect(checkIban("BE31 4354 1116 1155")).toBeUndefined()
    expect(checkIban("BE31435411161155", "NL")).toBe("is not a NL IBAN")
    expect(checkIban("BE3143541116115")).toMatch(/15 characters; a BE IBAN has 16/)
    expect(checkIban(`QQ${ibanCheck("QQ", "12345678901234")}12345678901234`)).toMatch(/unknown IBAN country code QQ/)
    // mod 97 right, national check wrong: BBAN 4354111611 + 00
    const bban = "435411161100"
    expect(checkIban(`BE${ibanCheck("BE", bban)}${bban}`)).toMatch(/Belgian account check/)
    expect(checkIban("__proto__00")).toBeDefined()
  })

  it("canonical forms", () => {
    expect(formatBelgianVat("0476.388.378")).toBe("BE0476388378")
    expect(formatBelgianVat("BE 0476 388 378")).toBe("BE0476388378")
    expect(formatBelgianEnterpriseNumber("BE0476388378")).toBe("0476.388.378")
    expect(formatBelgianVat("BE0476388377")).toBeUndefined()
    expect(formatIban("BE31 4354 1116 1155")).toBe("BE31435411161155")
    expect(formatIban("BE31 4354 1116 1156")).toBeUndefined()
  })
})
