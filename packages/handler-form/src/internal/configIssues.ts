/**
 * Checking a form config: every problem with its path (`fields.vat.pattern`), walking at most
 * `formLimits.maxDepth` levels and `formLimits.maxFields` fields whatever the input, with no key
 * outside the ones each field type knows.
 */
import { type Issue, TemplateInvalid } from "@workflow-manager/core"
import { Result } from "effect"
import { type FieldType, type FormConfig, fieldTypes, formLimits } from "../FormConfig.js"
import type { FormValidator } from "../FormValidator.js"
import { compilePattern } from "./pattern.js"
import { registryOf } from "./registry.js"
import { isRecord, keyForPath } from "./values.js"

/** A config problem: a path as segments (for a Schema filter) and a message. */
export interface ConfigIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** Field names: a letter, then letters, digits or `_` (never `__proto__`, never a path separator). */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/

const common = ["type", "label", "description", "help", "required", "validator"]
const settings: Readonly<Record<FieldType, ReadonlyArray<string>>> = {
  string: [...common, "min", "max", "pattern", "patternMessage"],
  number: [...common, "min", "max"],
  integer: [...common, "min", "max"],
  boolean: common,
  date: common,
  enum: [...common, "values"],
  object: [...common, "fields"],
  array: [...common, "item", "min", "max"]
}

type Path = ReadonlyArray<string | number>

interface Walk {
  readonly issues: Array<ConfigIssue>
  readonly validators: ReadonlyMap<string, FormValidator>
  fields: number
}

const text = (walk: Walk, value: unknown, path: Path, max: number): void => {
  if (value === undefined) return
  if (typeof value !== "string") walk.issues.push({ path, message: "must be a string" })
  else if (value.length > max) walk.issues.push({ path, message: `must be at most ${max} characters` })
}

/** Checks an optional `min`/`max` pair: integers in [0, limit] (`limit` given) or finite numbers, min ≤ max. */
const bounds = (walk: Walk, field: Readonly<Record<string, unknown>>, path: Path, limit?: number): void => {
  const ok = (key: "min" | "max"): boolean => {
    const value = field[key]
    if (value === undefined) return true
    const good =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (limit === undefined || (Number.isInteger(value) && value >= 0 && value <= limit))
    if (!good) {
      walk.issues.push({
        path: [...path, key],
        message: limit === undefined ? "must be a finite number" : `must be a whole number from 0 to ${limit}`
      })
    }
    return good
  }
  const min = ok("min")
  const max = ok("max")
  if (min && max && typeof field.min === "number" && typeof field.max === "number" && field.min > field.max) {
    walk.issues.push({ path: [...path, "min"], message: `must not be above max (${field.max})` })
  }
}

const checkField = (walk: Walk, field: unknown, path: Path, depth: number): void => {
  walk.fields++
  if (walk.fields > formLimits.maxFields) {
    if (walk.fields === formLimits.maxFields + 1) {
      walk.issues.push({ path, message: `is one field too many: a form has at most ${formLimits.maxFields} fields` })
    }
    return
  }
  if (!isRecord(field)) {
    walk.issues.push({ path, message: "must be a field (an object with a type)" })
    return
  }
  const type = field.type
  if (typeof type !== "string" || !(fieldTypes as ReadonlyArray<string>).includes(type)) {
    walk.issues.push({ path: [...path, "type"], message: `must be one of ${fieldTypes.join(", ")}` })
    return
  }
  const known = settings[type as FieldType]
  for (const key of Object.keys(field)) {
    if (!known.includes(key)) {
      walk.issues.push({
        path: [...path, keyForPath(key)],
        message: `is not a setting of a ${type} field (known: ${known.join(", ")})`
      })
    }
  }
  for (const key of ["label", "description", "help"]) text(walk, field[key], [...path, key], formLimits.maxTextLength)
  if (field.required !== undefined && typeof field.required !== "boolean") {
    walk.issues.push({ path: [...path, "required"], message: "must be true or false" })
  }
  if (field.validator !== undefined) {
    const validator = typeof field.validator === "string" ? walk.validators.get(field.validator) : undefined
    if (validator === undefined) {
      walk.issues.push({
        path: [...path, "validator"],
        message: `must name a known validator (${[...walk.validators.keys()].join(", ") || "none"})`
      })
    } else if (!validator.types.includes(type as FieldType)) {
      walk.issues.push({
        path: [...path, "validator"],
        message: `applies to ${validator.types.join(" or ")} fields, not ${type}`
      })
    }
  }
  switch (type as FieldType) {
    case "string":
      bounds(walk, field, path, formLimits.maxStringLength)
      text(walk, field.patternMessage, [...path, "patternMessage"], formLimits.maxTextLength)
      checkPattern(walk, field.pattern, [...path, "pattern"])
      return
    case "number":
    case "integer":
      bounds(walk, field, path)
      return
    case "array":
      bounds(walk, field, path, formLimits.maxItems)
      nested(walk, path, depth, () => checkField(walk, field.item, [...path, "item"], depth + 1))
      return
    case "object":
      nested(walk, path, depth, () => checkFields(walk, field.fields, [...path, "fields"], depth + 1))
      return
    case "enum":
      checkValues(walk, field.values, [...path, "values"])
      return
    default:
      return
  }
}

const nested = (walk: Walk, path: Path, depth: number, next: () => void): void => {
  if (depth >= formLimits.maxDepth) {
    walk.issues.push({ path, message: `nests fields more than ${formLimits.maxDepth} levels deep` })
  } else {
    next()
  }
}

const checkPattern = (walk: Walk, pattern: unknown, path: Path): void => {
  if (pattern === undefined) return
  if (typeof pattern !== "string") {
    walk.issues.push({ path, message: "must be a string (a regular expression)" })
  } else if (pattern.length > formLimits.maxPatternLength) {
    walk.issues.push({ path, message: `must be at most ${formLimits.maxPatternLength} characters` })
  } else {
    const compiled = compilePattern(pattern)
    if (typeof compiled === "string") walk.issues.push({ path, message: compiled })
  }
}

const checkValues = (walk: Walk, values: unknown, path: Path): void => {
  if (!Array.isArray(values) || values.length === 0 || values.length > formLimits.maxEnumValues) {
    walk.issues.push({ path, message: `must be a list of 1 to ${formLimits.maxEnumValues} strings` })
    return
  }
  const seen = new Set<string>()
  values.forEach((value: unknown, i) => {
    if (typeof value !== "string" || value.length === 0 || value.length > formLimits.maxEnumValueLength) {
      walk.issues.push({
        path: [...path, i],
        message: `must be a string of 1 to ${formLimits.maxEnumValueLength} characters`
      })
    } else if (seen.has(value)) {
      walk.issues.push({ path: [...path, i], message: `repeats the value "${value}"` })
    } else {
      seen.add(value)
    }
  })
}

const checkFields = (walk: Walk, fields: unknown, path: Path, depth: number): void => {
  if (!isRecord(fields)) {
    walk.issues.push({ path, message: "must be an object of fields by name" })
    return
  }
  const names = Object.keys(fields)
  if (names.length === 0) walk.issues.push({ path, message: "must declare at least one field" })
  for (const name of names) {
    if (walk.fields > formLimits.maxFields) return
    if (!FIELD_NAME.test(name)) {
      walk.issues.push({
        path: [...path, keyForPath(name)],
        message: "is not a field name (a letter, then up to 63 letters, digits or _)"
      })
    } else {
      checkField(walk, fields[name], [...path, name], depth)
    }
  }
}

/** Every problem of a form config, each with its path; none when it is valid. */
export const configIssues = (
  config: unknown,
  validators: ReadonlyMap<string, FormValidator>
): ReadonlyArray<ConfigIssue> => {
  const walk: Walk = { issues: [], validators, fields: 0 }
  if (!isRecord(config)) return [{ path: [], message: "must be a form config (an object with fields)" }]
  for (const key of Object.keys(config)) {
    if (key !== "title" && key !== "description" && key !== "fields") {
      walk.issues.push({
        path: [keyForPath(key)],
        message: "is not a form setting (known: title, description, fields)"
      })
    }
  }
  text(walk, config.title, ["title"], formLimits.maxTextLength)
  text(walk, config.description, ["description"], formLimits.maxTextLength)
  checkFields(walk, config.fields, ["fields"], 0)
  const extra = walk.issues.length - formLimits.maxIssues
  return extra > 0
    ? [...walk.issues.slice(0, formLimits.maxIssues), { path: [], message: `and ${extra} more problems` }]
    : walk.issues
}

/** A config issue as a core issue under `config` (`config.fields.vat.pattern`). */
const toIssue = (issue: ConfigIssue): Issue => ({
  path: issue.path.reduce<string>(
    (out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : `${out}.${segment}`),
    "config"
  ),
  message: issue.message
})

/**
 * Checks a config outside the engine (for `formJsonSchema` and `checkForm`): the options' validators,
 * then the config; `TemplateInvalid` with the issues under `config` (or `options`). A config that
 * cannot even be read (a throwing getter) is an issue too, never an exception.
 */
export const checkConfig = (
  config: unknown,
  options: unknown
): Result.Result<
  { readonly config: FormConfig; readonly validators: ReadonlyMap<string, FormValidator> },
  TemplateInvalid
> => {
  const validators = registryOf(options)
  if (typeof validators === "string") {
    return Result.fail(
      new TemplateInvalid({ templateId: "(form)", issues: [{ path: "options", message: validators }] })
    )
  }
  let issues: ReadonlyArray<ConfigIssue>
  try {
    issues = configIssues(config, validators)
  } catch (error) {
    issues = [{ path: [], message: `could not be read: ${String(error).slice(0, 200)}` }]
  }
  return issues.length > 0
    ? Result.fail(new TemplateInvalid({ templateId: "(form)", issues: issues.map(toIssue) }))
    : Result.succeed({ config: config as FormConfig, validators })
}
