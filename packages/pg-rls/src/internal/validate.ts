/**
 * Input checks run before anything is sent: ids, scopes, sizes and stored shapes. Each failure is a
 * `StorageError` with an `InvalidData` (or `TenantViolation`) reason — never a round trip, never a
 * raw driver error.
 */
import { type Access, InvalidData, type StorageError, storageError, TenantViolation } from "@workflow-manager/core"
import { Effect, Result, Schema } from "effect"
import type { Scope } from "../Scope.js"

/** A UUID in canonical text form (tenant and user ids). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Core's `Identifier` (instance, template, step ids). */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/

/** Core's `Instant`. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/

export const invalid = (operation: string, message: string, cause?: unknown): StorageError =>
  storageError(operation, new InvalidData(cause === undefined ? { message } : { message, cause }))

export const tenantViolation = (operation: string, message: string): StorageError =>
  storageError(operation, new TenantViolation({ message }))

const describe = (value: unknown): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

export const checkUuid = (operation: string, what: string, value: unknown): Effect.Effect<string, StorageError> =>
  typeof value === "string" && UUID_PATTERN.test(value)
    ? Effect.succeed(value.toLowerCase())
    : Effect.fail(invalid(operation, `${what} must be a UUID, got ${describe(value)}`))

export const checkIdentifier = (
  operation: string,
  what: string,
  value: unknown
): Effect.Effect<string, StorageError> =>
  typeof value === "string" && IDENTIFIER_PATTERN.test(value)
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be an identifier, got ${describe(value)}`))

export const checkInstant = (operation: string, what: string, value: unknown): Effect.Effect<string, StorageError> =>
  typeof value === "string" && INSTANT_PATTERN.test(value) && !Number.isNaN(Date.parse(value))
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be an ISO-8601 UTC instant, got ${describe(value)}`))

export const checkText = (
  operation: string,
  what: string,
  value: unknown,
  maxLength: number
): Effect.Effect<string, StorageError> =>
  typeof value === "string" && value.length >= 1 && value.length <= maxLength && !value.includes("\u0000")
    ? Effect.succeed(value)
    : Effect.fail(
        invalid(operation, `${what} must be 1 to ${maxLength} characters without NUL, got ${describe(value)}`)
      )

export const checkInt = (
  operation: string,
  what: string,
  value: unknown,
  min: number,
  max: number
): Effect.Effect<number, StorageError> =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be an integer from ${min} to ${max}, got ${describe(value)}`))

/** A scope is well-formed: a tenant scope names a UUID. */
export const checkScope = <S extends Scope>(operation: string, scope: S): Effect.Effect<S, StorageError> => {
  if (scope === null || typeof scope !== "object") return Effect.fail(invalid(operation, "missing access scope"))
  switch (scope._tag) {
    case "Tenant":
      return UUID_PATTERN.test(scope.tenantId)
        ? Effect.succeed(scope)
        : Effect.fail(invalid(operation, `tenant id must be a UUID, got ${describe(scope.tenantId)}`))
    case "Operator":
      return UUID_PATTERN.test(scope.tenantId)
        ? Effect.succeed(scope)
        : Effect.fail(
            invalid(operation, `the operator organisation must be a tenant UUID, got ${describe(scope.tenantId)}`)
          )
    case "System":
    case "Anonymous":
    case "Publisher":
      return Effect.succeed(scope)
    default:
      return Effect.fail(invalid(operation, "unknown access scope"))
  }
}

/** The tenant of a write is one the scope covers (checked again by row-level security). */
export const checkCovers = (operation: string, access: Access, tenantId: string): Effect.Effect<void, StorageError> => {
  switch (access._tag) {
    case "Operator":
      return Effect.void
    case "Tenant":
      return access.tenantId.toLowerCase() === tenantId.toLowerCase()
        ? Effect.void
        : Effect.fail(
            tenantViolation(
              operation,
              `a write for tenant ${tenantId} is outside the scope of tenant ${access.tenantId}`
            )
          )
    default:
      return Effect.fail(tenantViolation(operation, "the system scope writes no instance data"))
  }
}

/** Decodes a value with a core schema; a mismatch is `InvalidData` naming the path. */
export const decodeWith = <S extends Schema.ConstraintDecoder<unknown>>(schema: S, what: string) => {
  // built once per schema, not per call
  const decode = Schema.decodeUnknownResult(schema)
  return (operation: string, value: unknown): Effect.Effect<S["Type"], StorageError> => {
    const result = decode(value)
    return Result.isSuccess(result)
      ? Effect.succeed(result.success)
      : Effect.fail(invalid(operation, `${what}: ${result.failure.message}`, result.failure))
  }
}

/** JSON text of a document, refused (`InvalidData`) above `maxBytes` UTF-8 bytes. */
export const toJson = (
  operation: string,
  what: string,
  value: unknown,
  maxBytes: number
): Effect.Effect<string, StorageError> => {
  const json = JSON.stringify(value)
  // a UTF-8 byte is at most 3 per UTF-16 code unit: skip the exact count for small documents
  if (json.length * 3 <= maxBytes) return Effect.succeed(json)
  const bytes = Buffer.byteLength(json, "utf8")
  return bytes <= maxBytes
    ? Effect.succeed(json)
    : Effect.fail(invalid(operation, `${what} is ${bytes} bytes of JSON, above the limit of ${maxBytes}`))
}
