/**
 * A form declared as data: the `config` of a `form` step. Each field has a type, optional UI text
 * (label, description, help), `required`, bounds and, for strings, a `pattern`; any field may name a
 * validator (`"be-vat"`, `"eic:X"`, ...). Objects nest fields, arrays repeat an item field.
 *
 * @since 0.1.0
 */

/**
 * The field types.
 *
 * @since 0.1.0
 * @category config
 */
export const fieldTypes = ["string", "number", "integer", "boolean", "date", "enum", "object", "array"] as const

/**
 * A field type.
 *
 * @since 0.1.0
 * @category config
 */
export type FieldType = (typeof fieldTypes)[number]

/**
 * What every field may say: UI text, whether it is required, a named validator.
 *
 * @since 0.1.0
 * @category config
 */
export interface FieldCommon {
  /** A short caption (the JSON Schema `title`). */
  readonly label?: string
  /** What the field is for (the JSON Schema `description`). */
  readonly description?: string
  /** A hint shown next to the input (`x-help` in the JSON Schema). */
  readonly help?: string
  /** Whether the field must be present (default `false`). Ignored on an array's item. */
  readonly required?: boolean
  /** A named validator run after the built-in checks; its canonical form is what the step records. */
  readonly validator?: string
}

/**
 * Text: `min`/`max` count characters (code points); `pattern` is an RE2 regular expression that must
 * match somewhere in the value (anchor it with `^…$`).
 *
 * @since 0.1.0
 * @category config
 */
export interface StringField extends FieldCommon {
  /** The field type. */
  readonly type: "string"
  /** The fewest characters (code points). */
  readonly min?: number
  /** Default {@link formLimits}.defaultStringMax. */
  readonly max?: number
  /** An RE2 regular expression (also valid as a JavaScript `u` regex), at most 500 characters. */
  readonly pattern?: string
  /** The message when `pattern` does not match (default: "must match the pattern …"). */
  readonly patternMessage?: string
}

/**
 * A number (`number`) or a whole number (`integer`), `min`/`max` inclusive.
 *
 * @since 0.1.0
 * @category config
 */
export interface NumberField extends FieldCommon {
  /** The field type. */
  readonly type: "number" | "integer"
  /** The smallest value allowed. */
  readonly min?: number
  /** The largest value allowed. */
  readonly max?: number
}

/**
 * `true` or `false`.
 *
 * @since 0.1.0
 * @category config
 */
export interface BooleanField extends FieldCommon {
  /** The field type. */
  readonly type: "boolean"
}

/**
 * An ISO calendar date, `YYYY-MM-DD`, that exists (no 2025-02-29).
 *
 * @since 0.1.0
 * @category config
 */
export interface DateField extends FieldCommon {
  /** The field type. */
  readonly type: "date"
}

/**
 * One of a list of strings.
 *
 * @since 0.1.0
 * @category config
 */
export interface EnumField extends FieldCommon {
  /** The field type. */
  readonly type: "enum"
  /** The allowed values: 1 to 1,000 distinct non-empty strings. */
  readonly values: ReadonlyArray<string>
}

/**
 * Nested fields.
 *
 * @since 0.1.0
 * @category config
 */
export interface ObjectField extends FieldCommon {
  /** The field type. */
  readonly type: "object"
  /** The nested fields, by name. */
  readonly fields: FormFields
}

/**
 * A list of `item`s; `min`/`max` count items.
 *
 * @since 0.1.0
 * @category config
 */
export interface ArrayField extends FieldCommon {
  /** The field type. */
  readonly type: "array"
  /** The field each item must be (its `required` is ignored). */
  readonly item: FormField
  /** The fewest items. */
  readonly min?: number
  /** Default {@link formLimits}.defaultItemsMax. */
  readonly max?: number
}

/**
 * A field.
 *
 * @since 0.1.0
 * @category config
 */
export type FormField = StringField | NumberField | BooleanField | DateField | EnumField | ObjectField | ArrayField

/**
 * Fields by name. A name is a letter then up to 63 letters, digits or `_`.
 *
 * @since 0.1.0
 * @category config
 */
export interface FormFields {
  readonly [name: string]: FormField
}

/**
 * The config of a `form` step.
 *
 * @since 0.1.0
 * @category config
 */
export interface FormConfig {
  /** The form's title (the JSON Schema `title`). */
  readonly title?: string
  /** What the form is for. */
  readonly description?: string
  /** The fields, by name (at least one). */
  readonly fields: FormFields
}

/**
 * The bounds a form config and its input are held to, so that a hostile template or input cannot make
 * checking expensive. A config beyond them is `TemplateInvalid`.
 *
 * @since 0.1.0
 * @category config
 */
export const formLimits = {
  /** The deepest nesting of object and array fields. */
  maxDepth: 8,
  /** The most fields in one form, nested fields and array items included. */
  maxFields: 500,
  /** The longest `pattern`. */
  maxPatternLength: 500,
  /** The longest label, description, help or pattern message. */
  maxTextLength: 2_000,
  /** The most values of an enum, and the longest value. */
  maxEnumValues: 1_000,
  maxEnumValueLength: 200,
  /** The largest `max` of a string field, and the `max` of one that sets none. */
  maxStringLength: 1_000_000,
  defaultStringMax: 10_000,
  /** The largest `max` of an array field, and the `max` of one that sets none. */
  maxItems: 10_000,
  defaultItemsMax: 1_000,
  /** The most issues reported for one input; the rest are counted in a last issue. */
  maxIssues: 100
} as const
