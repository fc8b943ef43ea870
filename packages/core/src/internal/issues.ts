import { Result, Schema, SchemaIssue } from "effect"
import type { Issue } from "../DomainError.js"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** Renders a path as `steps[3].config.fields.vat`; numeric keys become indexes. */
export const formatPath = (base: string, path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string => {
  let out = base
  for (const segment of path) {
    const key = typeof segment === "object" ? segment.key : segment
    if (typeof key === "number" || (typeof key === "string" && /^\d+$/.test(key))) out += `[${String(key)}]`
    else out += out === "" ? String(key) : `.${String(key)}`
  }
  return out
}

/** Turns a schema issue into path-qualified issues under `base`. */
export const fromSchemaIssue = (base: string, issue: SchemaIssue.Issue): ReadonlyArray<Issue> =>
  formatter(issue).issues.map((i) => ({ path: formatPath(base, i.path ?? []), message: i.message }))

const openOptions = { errors: "all" } as const
const closedOptions = { errors: "all", onExcessProperty: "error" } as const

/**
 * Decodes `input` with `schema`, returning every issue (not only the first) under `base`. A schema
 * that throws (a plugin's filter with a bug) is an issue too, never an exception. `closed` refuses
 * keys a struct does not declare (a step config's typo) instead of dropping them.
 */
export const decodeWithIssues = <S extends Schema.Decoder<unknown>>(
  schema: S,
  input: unknown,
  base: string,
  options: { readonly closed?: boolean } = {}
): Result.Result<S["Type"], ReadonlyArray<Issue>> => {
  try {
    const parse = options.closed === true ? closedOptions : openOptions
    return Result.mapError(Schema.decodeUnknownResult(schema)(input, parse), (e) => fromSchemaIssue(base, e.issue))
  } catch (error) {
    return Result.fail([
      {
        path: base || "(input)",
        message: `could not be decoded: ${error instanceof Error ? error.message : String(error)}`
      }
    ])
  }
}
