/**
 * The form handler's checks, in the browser, with the server's messages: required fields, types,
 * lengths in characters (code points), bounds, patterns (a `u` regular expression, as the handler's
 * patterns are valid), real dates, choices, item counts, and the named validators from
 * `@workflow-manager/handler-form/validators` (pure functions, the very ones the server runs). A
 * validator the browser does not know (a server's own) is left to the server. The unit tests check
 * that every message and path agrees with the handler's `checkForm`.
 */
import {
  checkBelgianEnterpriseNumber,
  checkEanGsrn,
  checkEic,
  checkIban,
  type EicType,
  eicTypes
} from "@workflow-manager/handler-form/validators"
import type { Issue } from "../errors.ts"
import type { Field } from "./fields.ts"

const NAMED: Readonly<Record<string, (value: string) => string | undefined>> = {
  "be-vat": checkBelgianEnterpriseNumber,
  "be-enterprise": checkBelgianEnterpriseNumber,
  eic: (value) => checkEic(value),
  ...Object.fromEntries(eicTypes.map((type: EicType) => [`eic:${type}`, (value: string) => checkEic(value, type)])),
  "ean-gsrn": (value) => checkEanGsrn(value),
  "ean-gsrn:BE": (value) => checkEanGsrn(value, "5414"),
  iban: (value) => checkIban(value),
  "iban:BE": (value) => checkIban(value, "BE")
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

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

const listOf = (values: ReadonlyArray<string>): string =>
  values.length <= 10 ? values.join(", ") : `${values.slice(0, 10).join(", ")}, … (${values.length} values)`

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const pathOf = (base: string, key: string): string => (base === "" ? key : `${base}.${key}`)

const patternMatches = (pattern: string, value: string): boolean | undefined => {
  try {
    return new RegExp(pattern, "u").test(value)
  } catch {
    return undefined // a pattern the browser cannot compile: the server decides
  }
}

type Report = (path: string, message: string) => undefined

const checkString = (field: Field & { kind: "string" }, value: string, path: string, report: Report): boolean => {
  const length = Array.from(value).length
  const max = field.max ?? 10_000
  if (field.min !== undefined && length < field.min) {
    report(path, `must be at least ${plural(field.min, "character")}`)
    return false
  }
  if (length > max) {
    report(path, `must be at most ${max} characters`)
    return false
  }
  if (field.pattern !== undefined && patternMatches(field.pattern, value) === false) {
    report(path, field.patternMessage ?? `must match the pattern ${field.pattern}`)
    return false
  }
  return true
}

const checkValue = (field: Field, value: unknown, path: string, report: Report): undefined => {
  switch (field.kind) {
    case "string": {
      if (typeof value !== "string") return report(path, `must be text, not ${typeName(value)}`)
      if (!checkString(field, value, path, report)) return
      const named = field.validator === undefined ? undefined : NAMED[field.validator]
      const problem = named?.(value)
      if (problem !== undefined) report(path, problem === "" ? "is not valid" : problem)
      return
    }
    case "number":
    case "integer":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return report(path, `must be a number, not ${typeName(value)}`)
      }
      if (field.kind === "integer" && !Number.isInteger(value)) return report(path, "must be a whole number")
      if (field.min !== undefined && value < field.min) return report(path, `must be at least ${field.min}`)
      if (field.max !== undefined && value > field.max) return report(path, `must be at most ${field.max}`)
      return
    case "boolean":
      if (typeof value !== "boolean") report(path, `must be true or false, not ${typeName(value)}`)
      return
    case "date":
      if (typeof value !== "string" || !DATE.test(value)) return report(path, "must be a date (YYYY-MM-DD)")
      if (!isRealDate(value)) report(path, `is not a real date (${value})`)
      return
    case "enum":
      if (typeof value !== "string" || !field.values.includes(value)) {
        report(path, `must be one of ${listOf(field.values)}`)
      }
      return
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return report(path, `must be an object, not ${typeName(value)}`)
      }
      return checkFields(field.fields, value as Record<string, unknown>, path, report)
    case "array": {
      if (!Array.isArray(value)) return report(path, `must be a list, not ${typeName(value)}`)
      const max = field.max ?? 1000
      if (field.min !== undefined && value.length < field.min) {
        return report(path, `must have at least ${plural(field.min, "item")}`)
      }
      if (value.length > max) return report(path, `must have at most ${max} items`)
      value.forEach((item, i) => {
        checkValue(field.item, item, `${path}[${i}]`, report)
      })
      return
    }
  }
}

const checkFields = (
  fields: ReadonlyArray<Field>,
  value: Readonly<Record<string, unknown>>,
  path: string,
  report: Report
): undefined => {
  const names = new Set(fields.map((f) => f.name))
  for (const key of Object.keys(value)) {
    if (!names.has(key)) report(pathOf(path, key), "is not a field of this form")
  }
  for (const field of fields) {
    const fieldPath = pathOf(path, field.name)
    if (!Object.hasOwn(value, field.name) || value[field.name] === undefined) {
      if (field.required) report(fieldPath, "is required")
      continue
    }
    checkValue(field, value[field.name], fieldPath, report)
  }
}

/** At most this many issues, then "and N more problems" (as the server). */
const MAX_ISSUES = 100

/** Every problem of a step input, with the server's paths and messages; empty when it may be sent. */
export const checkInput = (fields: ReadonlyArray<Field>, input: unknown): ReadonlyArray<Issue> => {
  const issues: Array<Issue> = []
  let dropped = 0
  const report: Report = (path, message) => {
    if (issues.length < MAX_ISSUES) issues.push({ path, message })
    else dropped++
    return undefined
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    report("", `must be an object of fields, not ${typeName(input)}`)
  } else {
    checkFields(fields, input as Record<string, unknown>, "", report)
  }
  if (dropped > 0) issues.push({ path: "", message: `and ${dropped} more problems` })
  return issues
}
