/**
 * What the person types, and the step input it becomes. Text, numbers, dates and choices are kept
 * as typed (strings); an empty box leaves the field out, so a required one is reported "is required"
 * exactly as the server says it; a number that does not read as one is sent as typed, and refused
 * as the server refuses it.
 */
import type { Field } from "./fields.ts"

export type FormValue = string | boolean | FormValue[] | { [name: string]: FormValue }

/** The empty value of a field (an array starts with as many items as its minimum, at least one). */
export const emptyValue = (field: Field): FormValue => {
  switch (field.kind) {
    case "boolean":
      return false
    case "object":
      return Object.fromEntries(field.fields.map((f) => [f.name, emptyValue(f)]))
    case "array":
      return Array.from({ length: Math.max(1, field.min ?? 0) }, () => emptyValue(field.item))
    default:
      return ""
  }
}

/** The form's empty values. */
export const emptyValues = (fields: ReadonlyArray<Field>): { [name: string]: FormValue } =>
  Object.fromEntries(fields.map((field) => [field.name, emptyValue(field)]))

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Fills the form from recorded data (a step done before, shown again). */
export const fieldValueOf = (field: Field, data: unknown): FormValue => {
  switch (field.kind) {
    case "boolean":
      return data === true
    case "object":
      return Object.fromEntries(
        field.fields.map((f) => [f.name, fieldValueOf(f, isObject(data) ? data[f.name] : undefined)])
      )
    case "array":
      return Array.isArray(data) && data.length > 0
        ? data.map((item) => fieldValueOf(field.item, item))
        : emptyValue(field)
    default:
      return data === undefined || data === null ? "" : String(data)
  }
}

/** The form's values from recorded data. */
export const valuesOf = (fields: ReadonlyArray<Field>, data: unknown): { [name: string]: FormValue } =>
  Object.fromEntries(
    fields.map((field) => [field.name, fieldValueOf(field, isObject(data) ? data[field.name] : undefined)])
  )

/** The JSON a field's value becomes; `undefined` leaves the field out. */
export const inputOf = (field: Field, value: FormValue | undefined): unknown => {
  switch (field.kind) {
    case "boolean":
      return value === true
    case "number":
    case "integer": {
      if (typeof value !== "string" || value.trim() === "") return undefined
      const parsed = Number(value)
      return Number.isFinite(parsed) ? parsed : value
    }
    case "object":
      return objectInput(field.fields, isObject(value) ? (value as { [name: string]: FormValue }) : {})
    case "array":
      return Array.isArray(value) ? value.map((item) => inputOf(field.item, item) ?? "") : []
    default:
      return typeof value === "string" && value !== "" ? value : undefined
  }
}

const objectInput = (fields: ReadonlyArray<Field>, values: { [name: string]: FormValue }) => {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const input = inputOf(field, values[field.name])
    if (input !== undefined) out[field.name] = input
  }
  return out
}

/** The step input of the form's values. */
export const formInput = (
  fields: ReadonlyArray<Field>,
  values: { [name: string]: FormValue }
): Record<string, unknown> => objectInput(fields, values)
