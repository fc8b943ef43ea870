/**
 * The first thing every operation does: decode its whole input — after a bounded walk that
 * refuses what is not JSON, too deep or too large — into a typed value, or fail with
 * `InvalidInput` naming the fields. And the fingerprint a keyed command records with its key.
 */
import { createHash } from "node:crypto"
import { Effect, Result, Schema } from "effect"
import type { Actor } from "../../Actor.js"
import { InvalidInput } from "../../DomainError.js"
import type { Limits } from "../../Limits.js"
import { checkJsonValue } from "../guard.js"
import { fromSchemaIssue } from "../issues.js"

const decoders = new WeakMap<object, (input: unknown) => Result.Result<unknown, Schema.SchemaError>>()

const decoderOf = <S extends Schema.Decoder<unknown>>(schema: S) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    const compiled = Schema.decodeUnknownResult(schema)
    decode = (input: unknown) => compiled(input, { errors: "all" })
    decoders.set(schema, decode)
  }
  return decode as (input: unknown) => Result.Result<S["Type"], Schema.SchemaError>
}

/** Decodes an operation's input, or fails with `InvalidInput`. */
export const decodeInput = <S extends Schema.Decoder<unknown>>(
  operation: string,
  schema: S,
  input: unknown,
  limits: Limits,
  options: { readonly allowDate?: boolean } = {}
): Effect.Effect<S["Type"], InvalidInput> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return Effect.fail(
      new InvalidInput({ operation, issues: [{ path: "(input)", message: "the input must be an object" }] })
    )
  }
  const problem = checkJsonValue(input, limits, "", options)
  if (problem !== undefined) return Effect.fail(new InvalidInput({ operation, issues: [problem] }))
  const decoded = decoderOf(schema)(input)
  return Result.isSuccess(decoded)
    ? Effect.succeed(decoded.success)
    : Effect.fail(new InvalidInput({ operation, issues: fromSchemaIssue("", decoded.failure.issue) }))
}

/** JSON with object keys sorted, so that equal values have one text. */
export const canonical = (value: unknown): string => {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null"
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  const keys = Object.keys(value).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`
}

/**
 * SHA-256 of (operation, instance, actor, arguments): recorded with a keyed command's events, so
 * that the same key reused for another command is told apart from a repeat.
 */
export const fingerprint = (operation: string, instanceId: string, actor: Actor, args: unknown): string =>
  createHash("sha256")
    .update(canonical([operation, instanceId, actor.userId, args]))
    .digest("base64url")
