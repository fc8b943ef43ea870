/**
 * Conditions on step data, as data (never code), so that templates stay serialisable,
 * diffable and safe to load from a database.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { type Json, Json as JsonSchema } from "./Json.js"

/**
 * A comparison of one field of a step's data with a value. `field` is a dot path into the data
 * (`address.country`); `step` names the step whose data is read (the completing step by default).
 *
 * @since 0.1.0
 * @category conditions
 */
export interface Comparison {
  readonly op: "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "exists" | "notExists"
  readonly field: string
  readonly step?: string
  readonly value?: Json
}

/**
 * A condition: a comparison, or `all` / `any` / `not` of conditions.
 *
 * @since 0.1.0
 * @category conditions
 */
export type Condition =
  | Comparison
  | { readonly all: ReadonlyArray<Condition> }
  | { readonly any: ReadonlyArray<Condition> }
  | { readonly not: Condition }

const ComparisonSchema = Schema.Struct({
  op: Schema.Literals(["eq", "ne", "gt", "gte", "lt", "lte", "in", "exists", "notExists"]),
  field: Schema.NonEmptyString,
  step: Schema.optionalKey(Schema.NonEmptyString),
  value: Schema.optionalKey(JsonSchema)
})

/**
 * Schema of the `Condition` type (a comparison, or `all` / `any` / `not` of conditions).
 *
 * @since 0.1.0
 * @category conditions
 */
export const Condition: Schema.Codec<Condition> = Schema.Union([
  ComparisonSchema,
  Schema.Struct({ all: Schema.Array(Schema.suspend((): Schema.Codec<Condition> => Condition)) }),
  Schema.Struct({ any: Schema.Array(Schema.suspend((): Schema.Codec<Condition> => Condition)) }),
  Schema.Struct({ not: Schema.suspend((): Schema.Codec<Condition> => Condition) })
]).annotate({ identifier: "Condition" })

/**
 * Reads a dot path (`a.b.0.c`) from a JSON value; `undefined` when any segment is missing.
 *
 * @since 0.1.0
 * @category conditions
 */
export const readPath = (value: Json | undefined, path: string): Json | undefined => {
  let current: Json | undefined = value
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined
    current = Array.isArray(current)
      ? (current as ReadonlyArray<Json>)[Number(segment)]
      : Object.hasOwn(current, segment)
        ? (current as { readonly [k: string]: Json })[segment]
        : undefined
  }
  return current
}

const jsonEquals = (a: Json | undefined, b: Json | undefined): boolean => {
  if (a === b) return true
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => jsonEquals((a as Record<string, Json>)[k], (b as Record<string, Json>)[k]))
}

const order = (a: Json | undefined, b: Json | undefined): number | undefined =>
  (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string")
    ? a < b
      ? -1
      : a > b
        ? 1
        : 0
    : undefined

/**
 * Evaluates a condition. `dataOf(step)` returns a step's data (`undefined` for the completing step
 * when `step` is omitted is resolved by the caller). Comparisons of incomparable values are false.
 *
 * @since 0.1.0
 * @category conditions
 */
export const evaluate = (condition: Condition, dataOf: (step: string | undefined) => Json | undefined): boolean => {
  if ("all" in condition) return condition.all.every((c) => evaluate(c, dataOf))
  if ("any" in condition) return condition.any.some((c) => evaluate(c, dataOf))
  if ("not" in condition) return !evaluate(condition.not, dataOf)
  const actual = readPath(dataOf(condition.step), condition.field)
  const expected = condition.value
  switch (condition.op) {
    case "exists":
      return actual !== undefined && actual !== null
    case "notExists":
      return actual === undefined || actual === null
    case "eq":
      return jsonEquals(actual, expected)
    case "ne":
      return !jsonEquals(actual, expected)
    case "in":
      return Array.isArray(expected) && (expected as ReadonlyArray<Json>).some((v) => jsonEquals(actual, v))
    default: {
      const c = order(actual, expected)
      if (c === undefined) return false
      return condition.op === "gt" ? c > 0 : condition.op === "gte" ? c >= 0 : condition.op === "lt" ? c < 0 : c <= 0
    }
  }
}

/**
 * Renders a condition as a short human-readable label (used by diagrams).
 *
 * @since 0.1.0
 * @category conditions
 */
export const describe = (condition: Condition): string => {
  if ("all" in condition) return condition.all.map(describe).join(" and ")
  if ("any" in condition) return condition.any.map(describe).join(" or ")
  if ("not" in condition) return `not (${describe(condition.not)})`
  const field = condition.step ? `${condition.step}.${condition.field}` : condition.field
  const symbols = { eq: "=", ne: "≠", gt: ">", gte: "≥", lt: "<", lte: "≤", in: "in" } as const
  if (condition.op === "exists") return `${field} set`
  if (condition.op === "notExists") return `${field} not set`
  return `${field} ${symbols[condition.op]} ${JSON.stringify(condition.value)}`
}
