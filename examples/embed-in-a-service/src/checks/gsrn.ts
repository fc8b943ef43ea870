/**
 * EAN-GSRN-18 codes of Belgian access and metering points: 18 digits starting with 5414, the last
 * one a GS1 mod-10 check digit (weights 3, 1, 3, … from the rightmost data digit).
 * Valid: `541448965001060702`, `541449500000012346`.
 */
import { Schema } from "effect"

/** The GS1 check digit of 17 data digits. */
export const gs1CheckDigit = (data: string): number => {
  let sum = 0
  for (let i = 0; i < data.length; i++) sum += Number(data[data.length - 1 - i]) * (i % 2 === 0 ? 3 : 1)
  return (10 - (sum % 10)) % 10
}

/** Whether `value` is a Belgian EAN-GSRN-18 with a correct check digit. */
export const isBelgianGsrn = (value: string): boolean =>
  /^5414\d{14}$/.test(value) && gs1CheckDigit(value.slice(0, 17)) === Number(value[17])

/** A Belgian EAN-GSRN-18 access point code. */
export const Gsrn = Schema.String.check(
  Schema.makeFilter<string>(
    (value) =>
      !/^5414\d{14}$/.test(value)
        ? "must be 18 digits starting with 5414 (an EAN-GSRN of a Belgian access point)"
        : isBelgianGsrn(value) || `has a wrong check digit (expected ${gs1CheckDigit(value.slice(0, 17))})`,
    { expected: "an EAN-GSRN-18 code" }
  )
)
