/**
 * Conditions as data: evaluation of every operator, paths into step data, other steps' data,
 * combinators, incomparable values, labels — and routing with them.
 */
import { describe, expect, it } from "vitest"
import { describe as describeCondition } from "../../src/Condition.js"
import { Condition, evaluateCondition, type Json, nextStepId, readPath } from "../../src/index.js"
import { routedTemplate } from "../fixtures/index.js"

const data: Json = {
  country: "BE",
  capacity: 25,
  address: { city: "Brussels", zip: "1000" },
  roles: ["BRP", "BSP"],
  nothing: null,
  flags: { active: true }
}
const holds = (c: Condition, steps: Record<string, Json> = {}) =>
  evaluateCondition(c, (s) => (s === undefined ? data : steps[s]))

describe("evaluate", () => {
  it.each<[Condition, boolean]>([
    [{ op: "eq", field: "country", value: "BE" }, true],
    [{ op: "eq", field: "country", value: "NL" }, false],
    [{ op: "eq", field: "address", value: { zip: "1000", city: "Brussels" } }, true],
    [{ op: "eq", field: "roles", value: ["BRP", "BSP"] }, true],
    [{ op: "eq", field: "roles", value: ["BSP", "BRP"] }, false],
    [{ op: "ne", field: "country", value: "NL" }, true],
    [{ op: "ne", field: "missing", value: "x" }, true],
    [{ op: "gt", field: "capacity", value: 10 }, true],
    [{ op: "gte", field: "capacity", value: 25 }, true],
    [{ op: "lt", field: "capacity", value: 25 }, false],
    [{ op: "lte", field: "capacity", value: 25 }, true],
    [{ op: "gt", field: "address.zip", value: "0999" }, true],
    [{ op: "gt", field: "capacity", value: "10" }, false],
    [{ op: "lt", field: "missing", value: 1 }, false],
    [{ op: "in", field: "country", value: ["NL", "BE"] }, true],
    [{ op: "in", field: "country", value: "BE" }, false],
    [{ op: "exists", field: "address.city" }, true],
    [{ op: "exists", field: "nothing" }, false],
    [{ op: "notExists", field: "address.street" }, true],
    [{ op: "eq", field: "roles.1", value: "BSP" }, true],
    [{ op: "eq", field: "flags.active", value: true }, true],
    [
      {
        all: [
          { op: "eq", field: "country", value: "BE" },
          { op: "gt", field: "capacity", value: 1 }
        ]
      },
      true
    ],
    [{ all: [] }, true],
    [
      {
        any: [
          { op: "eq", field: "country", value: "NL" },
          { op: "exists", field: "roles" }
        ]
      },
      true
    ],
    [{ any: [] }, false],
    [{ not: { op: "eq", field: "country", value: "BE" } }, false]
  ])("%j → %s", (condition, expected) => {
    expect(holds(condition)).toBe(expected)
  })

  it("reads another step's data when `step` is given", () => {
    const c: Condition = { op: "eq", step: "company-info", field: "vat", value: "BE0403170701" }
    expect(holds(c, { "company-info": { vat: "BE0403170701" } })).toBe(true)
    expect(holds(c, {})).toBe(false)
  })

  it("does not read inherited properties", () => {
    expect(holds({ op: "exists", field: "constructor" })).toBe(false)
    expect(readPath({ a: [1, 2] }, "a.length")).toBeUndefined()
    expect(readPath("text", "length")).toBeUndefined()
  })
})

describe("describe", () => {
  it("renders short labels", () => {
    expect(
      describeCondition({
        all: [
          { op: "ne", field: "country", value: "BE" },
          {
            any: [
              { op: "exists", step: "portfolio", field: "ean" },
              { not: { op: "in", field: "role", value: ["GU"] } }
            ]
          }
        ]
      })
    ).toBe('country ≠ "BE" and portfolio.ean set or not (role in ["GU"])')
  })
})

describe("routing with conditions", () => {
  it("the first route that holds wins; otherwise next; otherwise the following step; the last ends", () => {
    expect(nextStepId(routedTemplate, "company-info", { country: "NL" })).toBe("foreign-docs")
    expect(nextStepId(routedTemplate, "company-info", { country: "BE" })).toBe("portfolio")
    expect(nextStepId(routedTemplate, "foreign-docs", {})).toBe("portfolio")
    const portfolio = { accessPoints: "541449000000000001" }
    expect(
      nextStepId(routedTemplate, "metering", { kind: "grid-user" }, (s) => (s === "portfolio" ? portfolio : undefined))
    ).toBe("activation")
    expect(nextStepId(routedTemplate, "metering", { kind: "grid-user" })).toBe("approval")
    expect(nextStepId(routedTemplate, "activation", {})).toBeNull()
    expect(nextStepId(routedTemplate, "no-such-step", {})).toBeNull()
  })

  it("a condition survives a JSON round trip and decodes with its schema", async () => {
    const { Schema } = await import("effect")
    const c: Condition = {
      all: [{ op: "eq", field: "a", value: [1, { b: null }] }, { not: { op: "notExists", step: "s", field: "x" } }]
    }
    expect(Schema.decodeUnknownSync(Condition)(JSON.parse(JSON.stringify(c)))).toEqual(c)
  })
})
