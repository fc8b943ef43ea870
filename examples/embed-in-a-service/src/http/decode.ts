/**
 * Decodes request bodies and query strings with Effect Schema; what does not decode is a 400 whose
 * `issues` name every path that is wrong.
 */
import { Result, Schema, SchemaIssue } from "effect"
import { HttpError } from "./HttpError.ts"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const pathOf = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)).join(".")

/** The decoded value, or a thrown 400 `BadRequest` listing the issues under `where` (`body`, `query`). */
export const decode = <S extends Schema.Decoder<unknown>>(schema: S, value: unknown, where: string): S["Type"] => {
  const result = Schema.decodeUnknownResult(schema)(value, { errors: "all" })
  if (Result.isSuccess(result)) return result.success
  const issues = formatter(result.failure.issue).issues.map((issue) => ({
    path: [where, pathOf(issue.path)].filter((s) => s !== "").join("."),
    message: issue.message
  }))
  throw new HttpError(400, "BadRequest", `the request ${where} is invalid`, { issues })
}
