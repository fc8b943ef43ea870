/**
 * Checking data against a (valid) form config: every problem with its path (`company.vat`,
 * `contacts[2].email`), and the normalised data — declared fields only, in the config's order, each
 * value in its validator's canonical form. Only declared structure is walked (at most
 * `formLimits.maxDepth` levels), whatever the input; at most `formLimits.maxIssues` issues are listed.
 */
import type { Issue, Json, JsonObject } from "@workflow-manager/core"
import { type FormField, type FormFields, formLimits } from "../FormConfig.js"
import type { FormValidator } from "../FormValidator.js"
import { compilePattern } from "./pattern.js"
import { indexOf, isRecord, pathOf } from "./values.js"

interface Walk {
  readonly issues: Array<Issue>
  readonly validators: ReadonlyMap<string, FormValidator>
  dropped: number
}

const report = (walk: Walk, path: string, message: string): undefined => {
  if (walk.issues.length < formLimits.maxIssues) walk.issues.push({ path, message })
  else walk.dropped++
  return undefined
}

/** The number of code points of `value`, counting no further than `limit + 1`. */
const codePoints = (value: string, limit: number): number => {
  let count = 0
  for (let i = 0; i < value.length && count <= limit; i++) {
    const unit = value.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    count++
  }
  return count
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `YYYY-MM-DD` names a day that exists (proleptic Gregorian, as JSON Schema's `date`). */
const isRealDate = (value: string): boolean => {
  const match = DATE.exec(value)
  if (match === null) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return days !== undefined && day >= 1 && day <= days
}

const typeName = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : typeof value

const checkString = (walk: Walk, field: FormField & { type: "string" }, value: string, path: string): boolean => {
  const max = field.max ?? formLimits.defaultStringMax
  const length = codePoints(value, max)
  if (field.min !== undefined && length < field.min) {
    report(walk, path, `must be at least ${field.min} character${field.min === 1 ? "" : "s"}`)
    return false
  }
  if (length > max) {
    report(walk, path, `must be at most ${max} characters`)
    return false
  }
  if (field.pattern !== undefined) {
    const pattern = compilePattern(field.pattern)
    if (typeof pattern === "string" || !pattern.test(value)) {
      report(walk, path, field.patternMessage ?? `must match the pattern ${field.pattern}`)
      return false
    }
  }
  return true
}

const checkNumber = (walk: Walk, field: FormField & { type: "number" | "integer" }, value: number, path: string) => {
  if (field.type === "integer" && !Number.isInteger(value)) return report(walk, path, "must be a whole number")
  if (field.min !== undefined && value < field.min) return report(walk, path, `must be at least ${field.min}`)
  if (field.max !== undefined && value > field.max) return report(walk, path, `must be at most ${field.max}`)
  return true
}

const checkArray = (walk: Walk, field: FormField & { type: "array" }, value: ReadonlyArray<unknown>, path: string) => {
  const max = field.max ?? formLimits.defaultItemsMax
  if (field.min !== undefined && value.length < field.min) {
    return report(walk, path, `must have at least ${field.min} item${field.min === 1 ? "" : "s"}`)
  }
  if (value.length > max) return report(walk, path, `must have at most ${max} items`)
  const out: Array<Json> = []
  let ok = true
  for (let i = 0; i < value.length; i++) {
    const checked = checkValue(walk, field.item, value[i], indexOf(path, i))
    if (checked === undefined) ok = false
    else out.push(checked)
  }
  return ok ? out : undefined
}

/** Runs the field's named validator on a value that passed the built-in checks. */
const runValidator = (walk: Walk, name: string, value: Json, path: string): Json | undefined => {
  const validator = walk.validators.get(name)
  if (validator === undefined) return report(walk, path, `cannot be checked: the validator "${name}" is unknown`)
  try {
    const problem: unknown = validator.check(value)
    if (problem !== undefined && problem !== null) {
      return report(walk, path, typeof problem === "string" && problem !== "" ? problem : "is not valid")
    }
    return validator.normalise === undefined ? value : (validator.normalise(value) ?? value)
  } catch (error) {
    return report(walk, path, `cannot be checked: the validator "${name}" failed (${String(error).slice(0, 200)})`)
  }
}

/** The checked (normalised) value, or `undefined` after reporting its problems. */
const checkValue = (walk: Walk, field: FormField, value: unknown, path: string): Json | undefined => {
  const checked = checkType(walk, field, value, path)
  if (checked === undefined || field.validator === undefined) return checked
  return runValidator(walk, field.validator, checked, path)
}

const checkType = (walk: Walk, field: FormField, value: unknown, path: string): Json | undefined => {
  switch (field.type) {
    case "string":
      if (typeof value !== "string") return report(walk, path, `must be text, not ${typeName(value)}`)
      return checkString(walk, field, value, path) ? value : undefined
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return report(walk, path, `must be a number, not ${typeName(value)}`)
      }
      return checkNumber(walk, field, value, path) ? value : undefined
    case "boolean":
      return typeof value === "boolean" ? value : report(walk, path, `must be true or false, not ${typeName(value)}`)
    case "date":
      if (typeof value !== "string" || !DATE.test(value)) return report(walk, path, "must be a date (YYYY-MM-DD)")
      return isRealDate(value) ? value : report(walk, path, `is not a real date (${value})`)
    case "enum":
      return typeof value === "string" && field.values.includes(value)
        ? value
        : report(walk, path, `must be one of ${listOf(field.values)}`)
    case "object":
      if (!isRecord(value)) return report(walk, path, `must be an object, not ${typeName(value)}`)
      return checkFields(walk, field.fields, value, path)
    case "array":
      if (!Array.isArray(value)) return report(walk, path, `must be a list, not ${typeName(value)}`)
      return checkArray(walk, field, value, path)
    default:
      return report(walk, path, "has an unknown field type")
  }
}

const listOf = (values: ReadonlyArray<string>): string =>
  values.length <= 10 ? values.join(", ") : `${values.slice(0, 10).join(", ")}, … (${values.length} values)`

const checkFields = (
  walk: Walk,
  fields: FormFields,
  value: Readonly<Record<string, unknown>>,
  path: string
): JsonObject | undefined => {
  const out: Record<string, Json> = {}
  let ok = true
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key)) {
      ok = false
      report(walk, pathOf(path, key), "is not a field of this form")
    }
  }
  for (const [name, field] of Object.entries(fields)) {
    const fieldPath = pathOf(path, name)
    if (!Object.hasOwn(value, name) || value[name] === undefined) {
      if (field.required === true) {
        ok = false
        report(walk, fieldPath, "is required")
      }
      continue
    }
    const checked = checkValue(walk, field, value[name], fieldPath)
    if (checked === undefined) ok = false
    else out[name] = checked
  }
  return ok ? out : undefined
}

/** The problems of `data` against a valid config, and the normalised data when there are none. */
export const checkData = (
  fields: FormFields,
  data: unknown,
  validators: ReadonlyMap<string, FormValidator>
): { readonly issues: ReadonlyArray<Issue>; readonly data: JsonObject | undefined } => {
  const walk: Walk = { issues: [], validators, dropped: 0 }
  let checked: JsonObject | undefined
  try {
    checked = isRecord(data)
      ? checkFields(walk, fields, data, "")
      : report(walk, "", `must be an object of fields, not ${typeName(data)}`)
  } catch (error) {
    // only a value that is not JSON (a throwing getter, a proxy) gets here
    return { issues: [{ path: "", message: `could not be read: ${String(error).slice(0, 200)}` }], data: undefined }
  }
  if (walk.dropped > 0) walk.issues.push({ path: "", message: `and ${walk.dropped} more problems` })
  return { issues: walk.issues, data: walk.issues.length === 0 ? checked : undefined }
}
