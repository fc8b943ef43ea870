/**
 * From every error a resolver can meet to a GraphQL error with `extensions.code` — the table in
 * docs/reference-server.md. Another tenant's data answers exactly as data that does not exist:
 * `Forbidden` for another tenant and a storage `NotFound` become the same `NOT_FOUND` error, whose
 * message names only what the caller asked for. Anything unexpected is logged and answered as
 * `INTERNAL` without its message (never a stack trace).
 *
 * @since 0.1.0
 */
import { GraphQLError } from "graphql"

/**
 * The codes of `extensions.code`.
 *
 * @since 0.1.0
 * @category errors
 */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "ILLEGAL_TRANSITION"
  | "INVALID_COMMAND"
  | "VALIDATION_FAILED"
  | "STEP_FAILED"
  | "COMPENSATION_FAILED"
  | "TEMPLATE_INVALID"
  | "BAD_USER_INPUT"
  | "THROTTLED"
  | "UNAVAILABLE"
  | "INTERNAL"

/**
 * What the caller asked for, to name in a `NOT_FOUND` message (`workflow 42`).
 *
 * @since 0.1.0
 * @category errors
 */
export interface Subject {
  readonly entity: string
  readonly id: string
}

/**
 * A GraphQL error with a code and extra extensions.
 *
 * @since 0.1.0
 * @category errors
 */
export const apiError = (code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError =>
  new GraphQLError(message, { extensions: { ...extensions, code } })

/**
 * The one answer for "does not exist" and "is not yours".
 *
 * @since 0.1.0
 * @category errors
 */
export const notFound = (subject: Subject): GraphQLError =>
  apiError("NOT_FOUND", `${subject.entity} ${subject.id} not found`)

const tagOf = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const tag = (value as { _tag?: unknown })._tag
  return typeof tag === "string" ? tag : undefined
}

const field = <A>(value: unknown, key: string): A | undefined =>
  typeof value === "object" && value !== null ? ((value as Record<string, unknown>)[key] as A | undefined) : undefined

const issuesOf = (error: unknown): ReadonlyArray<{ path: string; message: string }> =>
  (field<ReadonlyArray<{ path: string; message: string }>>(error, "issues") ?? []).map((issue) => ({
    path: String(issue.path),
    message: String(issue.message)
  }))

const AUTH_CODES = new Set<ErrorCode>(["UNAUTHENTICATED", "FORBIDDEN", "THROTTLED", "BAD_USER_INPUT", "UNAVAILABLE"])

const storageError = (error: unknown, subject: Subject | undefined): GraphQLError | undefined => {
  const reason = field<unknown>(error, "reason")
  switch (tagOf(reason)) {
    case "NotFound":
      return subject === undefined ? apiError("NOT_FOUND", "not found") : notFound(subject)
    case "Conflict":
      return apiError("CONFLICT", "the workflow changed since the version you sent: read it again and retry", {
        ...(field(reason, "expectedVersion") === undefined
          ? {}
          : { expectedVersion: field(reason, "expectedVersion") }),
        ...(field(reason, "actualVersion") === undefined ? {} : { actualVersion: field(reason, "actualVersion") })
      })
    case "TenantViolation":
      return apiError("FORBIDDEN", String(field(reason, "message") ?? "not permitted"))
    case "InvalidData":
      return apiError("BAD_USER_INPUT", String(field(reason, "message") ?? "invalid data"))
    case "Unavailable":
    case "Misconfigured":
      return apiError("UNAVAILABLE", "the storage is unavailable; retry later")
    default:
      return undefined
  }
}

const domainError = (error: unknown, subject: Subject | undefined): GraphQLError | undefined => {
  const message = error instanceof Error ? error.message : ""
  switch (tagOf(error)) {
    case "Forbidden":
      if (field(error, "reason") === "OtherTenant") {
        return subject === undefined ? apiError("NOT_FOUND", "not found") : notFound(subject)
      }
      return apiError("FORBIDDEN", message, { reason: field(error, "reason") })
    case "IllegalTransition":
      return apiError("ILLEGAL_TRANSITION", message, {
        status: field(error, "status"),
        command: field(error, "command")
      })
    case "InvalidCommand":
      return apiError("INVALID_COMMAND", message)
    case "ValidationFailed":
      return apiError("VALIDATION_FAILED", message, { issues: issuesOf(error) })
    case "TemplateInvalid":
      return apiError("TEMPLATE_INVALID", message, { issues: issuesOf(error) })
    case "UnknownHandler":
      return apiError("TEMPLATE_INVALID", message)
    case "StepFailed":
      return apiError("STEP_FAILED", message, {
        stepId: field(error, "stepId"),
        attempt: field(error, "attempt"),
        retryable: field(error, "retryable"),
        version: field(error, "version"),
        ...(field(error, "code") === undefined ? {} : { reason: field(error, "code") })
      })
    case "CompensationFailed":
      return apiError("COMPENSATION_FAILED", message, { stepId: field(error, "stepId") })
    case "InvalidInput":
      return apiError("BAD_USER_INPUT", message, { issues: issuesOf(error) })
    case "IdempotencyKeyReused":
      return apiError("CONFLICT", message, { idempotencyKeyReused: true })
    case "MigrationError":
      return apiError("UNAVAILABLE", "the storage is unavailable; retry later")
    case "StorageError":
      return storageError(error, subject)
    default:
      return undefined
  }
}

/**
 * The GraphQL error for anything a resolver caught: a tagged error of core or pg-rls, an auth
 * error (`code` kept), a GraphQL error of ours (kept), or `INTERNAL` (reported to `log`).
 *
 * @since 0.1.0
 * @category errors
 */
export const toGraphQLError = (error: unknown, subject?: Subject, log?: (error: unknown) => void): GraphQLError => {
  if (error instanceof GraphQLError && typeof error.extensions.code === "string") return error
  const mapped = domainError(error, subject)
  if (mapped !== undefined) return mapped
  if (error instanceof Error && error.name === "AuthError") {
    const code = field<unknown>(error, "code")
    if (typeof code === "string" && AUTH_CODES.has(code as ErrorCode)) return apiError(code as ErrorCode, error.message)
  }
  log?.(error)
  return apiError("INTERNAL", "internal error")
}
