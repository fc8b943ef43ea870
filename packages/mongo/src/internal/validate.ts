/**
 * Input checks run before anything is sent: scopes, ids, numbers, instants. A failure is a
 * `StorageError` (`InvalidData`, or `TenantViolation` for a write outside the scope) — never a
 * round trip, never a TypeError. Every value that reaches a MongoDB filter passed one of these, so
 * a caller's object (`{ $ne: null }`) or dotted path can never become part of a filter.
 */
import { type Access, InvalidData, type StorageError, storageError, TenantViolation } from "@workflow-manager/core"
import { Effect } from "effect"

/** Core's `Identifier` (tenant, instance, template, step ids). */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/

/** Core's `Instant`. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/

export const invalid = (operation: string, message: string, cause?: unknown): StorageError =>
  storageError(operation, new InvalidData(cause === undefined ? { message } : { message, cause }))

export const tenantViolation = (operation: string, message: string): StorageError =>
  storageError(operation, new TenantViolation({ message }))

const show = (value: unknown): string => {
  let text: string
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    text = Object.prototype.toString.call(value)
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

export const isIdentifier = (value: unknown): value is string =>
  typeof value === "string" && IDENTIFIER_PATTERN.test(value)

export const checkIdentifier = (
  operation: string,
  what: string,
  value: unknown
): Effect.Effect<string, StorageError> =>
  isIdentifier(value)
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be an identifier, got ${show(value)}`))

export const checkInstant = (operation: string, what: string, value: unknown): Effect.Effect<string, StorageError> =>
  typeof value === "string" && INSTANT_PATTERN.test(value) && !Number.isNaN(Date.parse(value))
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be an ISO-8601 UTC instant, got ${show(value)}`))

export const checkText = (
  operation: string,
  what: string,
  value: unknown,
  maxLength: number
): Effect.Effect<string, StorageError> =>
  typeof value === "string" && value.length >= 1 && value.length <= maxLength && !value.includes("\u0000")
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be 1 to ${maxLength} characters without NUL, got ${show(value)}`))

export const checkInt = (
  operation: string,
  what: string,
  value: unknown,
  min: number,
  max: number
): Effect.Effect<number, StorageError> =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? Effect.succeed(value)
    : Effect.fail(invalid(operation, `${what} must be an integer from ${min} to ${max}, got ${show(value)}`))

/** A well-formed scope: a tenant or operator scope names an identifier. */
export const checkScope = (operation: string, access: Access): Effect.Effect<Access, StorageError> => {
  if (access === null || typeof access !== "object") return Effect.fail(invalid(operation, "missing access scope"))
  switch (access._tag) {
    case "Tenant":
    case "Operator":
      return isIdentifier(access.tenantId)
        ? Effect.succeed(access)
        : Effect.fail(invalid(operation, `the scope's tenant id must be an identifier, got ${show(access.tenantId)}`))
    case "System":
      return Effect.succeed(access)
    default:
      return Effect.fail(invalid(operation, "unknown access scope"))
  }
}

/** The tenant of a write is one the scope covers; the system scope writes no instance data. */
export const checkCovers = (operation: string, access: Access, tenantId: string): Effect.Effect<void, StorageError> => {
  switch (access._tag) {
    case "Operator":
      return Effect.void
    case "Tenant":
      return access.tenantId === tenantId
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

/** The one limit on a list of ids in a single call. */
export const MAX_IDS = 1000
