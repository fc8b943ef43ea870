/**
 * A form step's fields, read from the JSON Schema the server derives from the step's config with
 * the form handler's `formJsonSchema` (`TemplateStep.formSchema`): titles, help, `required`, types
 * and formats, lengths, bounds, patterns and `x-validator`. The one thing the schema does not carry,
 * a pattern's own message (`patternMessage`), is read from the step's config.
 */
export type Field =
  | (Common & {
      readonly kind: "string"
      readonly min?: number
      readonly max?: number
      readonly pattern?: string
      readonly patternMessage?: string
      readonly validator?: string
    })
  | (Common & { readonly kind: "number" | "integer"; readonly min?: number; readonly max?: number })
  | (Common & { readonly kind: "boolean" })
  | (Common & { readonly kind: "date" })
  | (Common & { readonly kind: "enum"; readonly values: ReadonlyArray<string> })
  | (Common & { readonly kind: "object"; readonly fields: ReadonlyArray<Field> })
  | (Common & { readonly kind: "array"; readonly item: Field; readonly min?: number; readonly max?: number })

interface Common {
  /** The key in the data (`""` for an array's item). */
  readonly name: string
  readonly label: string
  readonly description?: string
  readonly help?: string
  readonly required: boolean
}

type Schema = Readonly<Record<string, unknown>>

const isRecord = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const numberOf = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined)
const textOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

const common = (name: string, schema: Schema, required: boolean): Common => {
  const description = textOf(schema.description)
  const help = textOf(schema["x-help"])
  return {
    name,
    label: textOf(schema.title) ?? name,
    required,
    ...(description === undefined ? {} : { description }),
    ...(help === undefined ? {} : { help })
  }
}

/** Drops the keys whose value is `undefined` (exact optional properties). */
const defined = (value: Record<string, unknown>): Field =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as unknown as Field

const fieldOf = (name: string, schema: Schema, required: boolean, config: Schema | undefined): Field => {
  const base = common(name, schema, required)
  if (Array.isArray(schema.enum)) return { ...base, kind: "enum", values: schema.enum.map(String) }
  switch (schema.type) {
    case "string":
      if (schema.format === "date") return { ...base, kind: "date" }
      return defined({
        ...base,
        kind: "string" as const,
        min: numberOf(schema.minLength),
        max: numberOf(schema.maxLength),
        pattern: textOf(schema.pattern),
        patternMessage: textOf(config?.patternMessage),
        validator: textOf(schema["x-validator"])
      })
    case "number":
    case "integer":
      return defined({ ...base, kind: schema.type, min: numberOf(schema.minimum), max: numberOf(schema.maximum) })
    case "boolean":
      return { ...base, kind: "boolean" }
    case "object":
      return { ...base, kind: "object", fields: fieldsOfObject(schema, isRecord(config?.fields) ? config.fields : {}) }
    case "array": {
      const item = isRecord(schema.items) ? schema.items : {}
      return defined({
        ...base,
        kind: "array" as const,
        item: fieldOf("", item, true, isRecord(config?.item) ? config.item : undefined),
        min: numberOf(schema.minItems),
        max: numberOf(schema.maxItems)
      })
    }
    default:
      return defined({ ...base, kind: "string" as const })
  }
}

const fieldsOfObject = (schema: Schema, configFields: Schema): ReadonlyArray<Field> => {
  const properties = isRecord(schema.properties) ? schema.properties : {}
  const required = Array.isArray(schema.required) ? schema.required.map(String) : []
  return Object.entries(properties).flatMap(([name, property]) =>
    isRecord(property)
      ? [
          fieldOf(
            name,
            property,
            required.includes(name),
            isRecord(configFields[name]) ? configFields[name] : undefined
          )
        ]
      : []
  )
}

/**
 * The fields of a form step, from its JSON Schema (`formSchema`) and its config (for
 * `patternMessage` only).
 */
export const fieldsOf = (formSchema: unknown, config: unknown): ReadonlyArray<Field> => {
  if (!isRecord(formSchema)) return []
  const fields = isRecord(config) && isRecord(config.fields) ? config.fields : {}
  return fieldsOfObject(formSchema, fields)
}
