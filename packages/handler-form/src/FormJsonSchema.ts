/**
 * The JSON Schema (draft 2020-12) of a form, for a UI to render it and pre-validate what the user
 * types: titles, descriptions, `required`, types and formats, patterns, lengths and bounds (with the
 * handler's default maxima), `additionalProperties: false` (unknown fields are refused), and two
 * keywords of our own — `x-validator` (the named validator the server runs) and `x-help`. A JSON
 * Schema validator must be told about them (Ajv: `ajv.addVocabulary(["x-validator", "x-help"])`).
 * What the schema cannot say — check digits, real dates beyond `format: "date"` — the server
 * checks; the validators are exported as plain functions for a UI to run too.
 *
 * @since 0.1.0
 */
import type { TemplateInvalid } from "@workflow-manager/core"
import { Result } from "effect"
import { type FormConfig, type FormField, type FormFields, formLimits } from "./FormConfig.js"
import type { FormValidator } from "./FormValidator.js"
import { checkConfig } from "./internal/configIssues.js"

/**
 * A JSON Schema document (an object of keywords).
 *
 * @since 0.1.0
 * @category json schema
 */
export interface JsonSchema {
  readonly [keyword: string]: unknown
}

const annotations = (field: FormField | FormConfig): Record<string, unknown> => ({
  ...("label" in field && field.label !== undefined ? { title: field.label } : {}),
  ...("title" in field && field.title !== undefined ? { title: field.title } : {}),
  ...(field.description === undefined ? {} : { description: field.description }),
  ...("help" in field && field.help !== undefined ? { "x-help": field.help } : {}),
  ...("validator" in field && field.validator !== undefined ? { "x-validator": field.validator } : {})
})

const fieldSchema = (field: FormField): JsonSchema => {
  const base = annotations(field)
  switch (field.type) {
    case "string":
      return {
        type: "string",
        ...base,
        ...(field.min === undefined ? {} : { minLength: field.min }),
        maxLength: field.max ?? formLimits.defaultStringMax,
        ...(field.pattern === undefined ? {} : { pattern: field.pattern })
      }
    case "number":
    case "integer":
      return {
        type: field.type,
        ...base,
        ...(field.min === undefined ? {} : { minimum: field.min }),
        ...(field.max === undefined ? {} : { maximum: field.max })
      }
    case "boolean":
      return { type: "boolean", ...base }
    case "date":
      return { type: "string", format: "date", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", ...base }
    case "enum":
      return { type: "string", enum: [...field.values], ...base }
    case "object":
      return { ...objectSchema(field.fields), ...base }
    case "array":
      return {
        type: "array",
        ...base,
        items: fieldSchema(field.item),
        ...(field.min === undefined ? {} : { minItems: field.min }),
        maxItems: field.max ?? formLimits.defaultItemsMax
      }
  }
}

const objectSchema = (fields: FormFields): JsonSchema => {
  const entries = Object.entries(fields)
  const required = entries.filter(([, field]) => field.required === true).map(([name]) => name)
  return {
    type: "object",
    properties: Object.fromEntries(entries.map(([name, field]) => [name, fieldSchema(field)])),
    ...(required.length === 0 ? {} : { required }),
    additionalProperties: false
  }
}

/**
 * The JSON Schema of a form config, or `TemplateInvalid` (issues under `config`) when the config is
 * not valid. `validators` are the extra validators the handler was made with, so that their names
 * are known.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { formJsonSchema } from "@workflow-manager/handler-form"
 *
 * const schema = formJsonSchema({
 *   fields: { vat: { type: "string", label: "VAT number", required: true, validator: "be-vat" } }
 * })
 * // Result.getOrThrow(schema).properties.vat → { type: "string", title: "VAT number", "x-validator": "be-vat", … }
 * ```
 *
 * @since 0.1.0
 * @category json schema
 */
export const formJsonSchema = (
  config: FormConfig,
  options: { readonly validators?: Readonly<Record<string, FormValidator>> } = {}
): Result.Result<JsonSchema, TemplateInvalid> => {
  const checked = checkConfig(config, options)
  if (Result.isFailure(checked)) return checked
  return Result.succeed({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...annotations(config),
    ...objectSchema(config.fields)
  })
}
