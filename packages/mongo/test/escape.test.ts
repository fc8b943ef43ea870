/**
 * Key escaping: every key core allows round-trips, and no stored key is one MongoDB refuses.
 */
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { escapeKey, escapeKeys, unescapeKey, unescapeKeys } from "../src/internal/escape.js"

describe("key escaping", () => {
  it.each([
    [".", "%2E"],
    ["$ne", "%24ne"],
    ["%", "%25"],
    ["", "%"],
    ["__proto__", "%5F_proto__"],
    ["a\u0000b", "a%00b"],
    ["%2E", "%252E"],
    ["plain", "plain"]
  ])("%j is stored as %j", (key, stored) => {
    expect(escapeKey(key)).toBe(stored)
    expect(unescapeKey(stored)).toBe(key)
  })

  test.prop([fc.string({ unit: "binary" })])("round-trips any key, and stores none MongoDB refuses", (key) => {
    const stored = escapeKey(key)
    expect(unescapeKey(stored)).toBe(key)
    expect(stored).not.toBe("")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters a MongoDB key may not hold
    expect(stored).not.toMatch(/[.$\u0000]/)
  })

  test.prop([fc.jsonValue()])("round-trips JSON values, keeping __proto__ an own key", (value) => {
    expect(unescapeKeys(escapeKeys(value))).toEqual(value)
  })

  it("never changes a prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}}') as object
    const back = unescapeKeys(escapeKeys(value)) as Record<string, unknown>
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.hasOwn(back, "__proto__")).toBe(true)
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
  })
})
