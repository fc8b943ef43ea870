/**
 * The cache of validated documents (src/graphql/documents.ts): bounded, least recently used out
 * first, long texts never kept.
 */
import { parse } from "graphql"
import { describe, expect, it } from "vitest"
import { makeDocumentCache } from "../src/graphql/documents.ts"

describe("the document cache", () => {
  it("keeps at most max documents, dropping the least recently used", () => {
    const cache = makeDocumentCache(2, 100)
    const a = parse("{ a }")
    cache.set("{ a }", a)
    cache.set("{ b }", parse("{ b }"))
    expect(cache.get("{ a }")).toBe(a)
    cache.set("{ c }", parse("{ c }"))
    expect(cache.size()).toBe(2)
    expect(cache.get("{ b }")).toBeUndefined()
    expect(cache.get("{ a }")).toBe(a)
  })

  it("never keeps a text longer than maxLength, and nothing when max is 0", () => {
    const cache = makeDocumentCache(2, 5)
    cache.set("{ abc }", parse("{ abc }"))
    expect(cache.size()).toBe(0)
    const none = makeDocumentCache(0, 100)
    none.set("{ a }", parse("{ a }"))
    expect(none.get("{ a }")).toBeUndefined()
  })
})
