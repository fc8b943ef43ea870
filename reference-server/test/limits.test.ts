/**
 * The document limits (src/graphql/limits.ts), without a server.
 */
import { getIntrospectionQuery, parse } from "graphql"
import { describe, expect, it } from "vitest"
import { type Limits, loadConfig } from "../src/config.ts"
import { checkLimits } from "../src/graphql/limits.ts"

const limits: Limits = { bodyBytes: 1024, depth: 5, aliases: 3, tokens: 1000, cost: 500, pageSize: 50 }

const limitOf = (query: string, variables?: Record<string, unknown>, operationName?: string): string => {
  try {
    checkLimits(parse(query), operationName, variables, limits)
    return "ok"
  } catch (error) {
    return String((error as { extensions?: { limit?: unknown } }).extensions?.limit)
  }
}

describe("document limits", () => {
  it("counts depth through fragments and inline fragments", () => {
    expect(limitOf("{ a { b { c { d { e } } } } }")).toBe("ok")
    expect(limitOf("{ a { b { c { d { e { f } } } } } }")).toBe("depth")
    expect(limitOf("{ a { ...F } } fragment F on T { b { c { ... on T { d { e { f } } } } } }")).toBe("depth")
  })

  it("lets a client's introspection query through at the default limits, not a deep walk of the schema", () => {
    const defaults = loadConfig({}).limits
    // GraphiQL's query: a chain of ofType (a single type, never a list) nine deep
    const graphiql = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true })
    expect(() => checkLimits(parse(graphiql), "IntrospectionQuery", {}, defaults)).not.toThrow()
    // the ofType chain is not free of the other limits, and what fans out still counts
    expect(limitOf("{ __schema { types { ofType { ofType { ofType { ofType { ofType { name } } } } } } } }")).toBe("ok")
    expect(limitOf("{ __schema { types { fields { type { fields { name } } } } } }")).toBe("depth")
    expect(limitOf("{ __schema { types { ofType { fields { type { ofType { fields { name } } } } } } } }")).toBe(
      "depth"
    )
  })

  it("does not loop on a fragment cycle", () => {
    expect(limitOf("{ a { ...F } } fragment F on T { b { ...F } }")).toBe("ok")
  })

  it("counts aliases, also through a fragment spread twice", () => {
    expect(limitOf("{ x: a y: a z: a }")).toBe("ok")
    expect(limitOf("{ x: a y: a z: a w: a }")).toBe("aliases")
    expect(limitOf("{ ...F ...F } fragment F on T { x: a y: a }")).toBe("aliases")
  })

  it("checks page sizes as literals and variables, and multiplies cost by them", () => {
    expect(limitOf("{ list(first: 50) { id } }")).toBe("ok")
    expect(limitOf("{ list(first: 51) { id } }")).toBe("pageSize")
    expect(limitOf("{ list(first: 1e9) { id } }")).toBe("pageSize")
    expect(limitOf("query ($n: Int) { list(first: $n) { id } }", { n: 1e9 })).toBe("pageSize")
    expect(limitOf("{ list(first: 50) { items(first: 50) { id } } }")).toBe("cost")
  })

  it("allows one sign-in per document, however it is aliased or spread", () => {
    expect(limitOf('mutation { login(email: "a", password: "b") { token } }')).toBe("ok")
    expect(
      limitOf(
        'mutation { a: login(email: "a", password: "b") { token } b: login(email: "a", password: "c") { token } }'
      )
    ).toBe("signIns")
    expect(
      limitOf('mutation { ...L ...L } fragment L on Mutation { login(email: "a", password: "b") { token } }')
    ).toBe("signIns")
  })

  it("checks only the operation chosen by name", () => {
    const document = "query A { a } query B { x: a y: a z: a w: a }"
    expect(limitOf(document, undefined, "A")).toBe("ok")
    expect(limitOf(document, undefined, "B")).toBe("aliases")
    expect(limitOf(document)).toBe("aliases")
  })
})
