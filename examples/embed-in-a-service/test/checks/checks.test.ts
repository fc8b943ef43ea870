import { Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { BelgianVat, isBelgianVat } from "../../src/checks/belgianVat.ts"
import { eicCheckCharacter, isPartyEic } from "../../src/checks/eic.ts"
import { Gsrn, gs1CheckDigit, isBelgianGsrn } from "../../src/checks/gsrn.ts"

describe("Belgian VAT numbers (mod 97)", () => {
  it("accepts valid numbers and refuses wrong checks and shapes", () => {
    for (const vat of ["BE0403170701", "BE0476388378", "BE0428759497"]) expect(isBelgianVat(vat)).toBe(true)
    for (const vat of ["BE0403170702", "BE2403170701", "BE040317070", "FR0403170701", "be0403170701"]) {
      expect(isBelgianVat(vat)).toBe(false)
    }
  })

  it("says which rule fails", () => {
    const decode = Schema.decodeUnknownResult(BelgianVat)
    expect(Result.isSuccess(decode("BE0476388378"))).toBe(true)
    expect(String(Result.getFailure(decode("BE0476388379")))).toContain("wrong check number")
    expect(String(Result.getFailure(decode("BE123")))).toContain("BE followed by 10 digits")
  })
})

describe("EAN-GSRN-18 (GS1 mod 10)", () => {
  it("accepts valid codes and refuses wrong check digits and prefixes", () => {
    for (const ean of ["541448965001060702", "541449500000012346", "541449000000000010"])
      expect(isBelgianGsrn(ean)).toBe(true)
    for (const ean of ["541448965001060703", "641448965001060702", "54144896500106070"])
      expect(isBelgianGsrn(ean)).toBe(false)
    expect(gs1CheckDigit("54144896500106070")).toBe(2)
    expect(String(Result.getFailure(Schema.decodeUnknownResult(Gsrn)("541448965001060709")))).toContain("expected 2")
  })
})

describe("EIC party codes", () => {
  it("computes the check character", () => {
    expect(eicCheckCharacter("10X1001A1001A09")).toBe("4")
    expect(eicCheckCharacter("10YBE----------")).toBe("2")
    expect(isPartyEic("10X1001A1001A094")).toBe(true)
    expect(isPartyEic("22XENGIE-BE----P")).toBe(true)
    expect(isPartyEic("22XENGIE-BE----Q")).toBe(false)
    expect(isPartyEic("10YBE----------2")).toBe(false) // an area (Y), not a party (X)
  })
})
