/**
 * The one place where errors become HTTP responses. The engine rejects with tagged error values
 * (`error._tag`); a StorageError carries its cause in `error.reason._tag`. Every client mistake gets
 * a 4xx with a clear body; anything unexpected is a 500 whose body says nothing about the internals
 * (the caller logs it). Another tenant's data answers exactly as if it did not exist.
 */
import type { EngineError } from "@workflow-manager/core"
import { HttpError } from "./HttpError.ts"

/** What the service answers for an error. */
export interface ErrorResponse {
  readonly status: number
  readonly body: { readonly error: string; readonly message: string; readonly [detail: string]: unknown }
  readonly headers?: Readonly<Record<string, string>>
}

const engineErrorTags: ReadonlySet<string> = new Set<EngineError["_tag"]>([
  "IllegalTransition",
  "InvalidCommand",
  "InvalidInput",
  "IdempotencyKeyReused",
  "ValidationFailed",
  "TemplateInvalid",
  "Forbidden",
  "StepFailed",
  "CompensationFailed",
  "UnknownHandler",
  "StorageError"
])

const isEngineError = (error: unknown): error is EngineError =>
  typeof error === "object" && error !== null && "_tag" in error && engineErrorTags.has(String(error._tag))

const internal: ErrorResponse = { status: 500, body: { error: "InternalError", message: "internal error" } }
const retryLater = { "retry-after": "1" }

// #region error-response
/** The answer for something missing — and, identically, for another tenant's. */
const notFound = (message: string): ErrorResponse => ({ status: 404, body: { error: "NotFound", message } })

/**
 * Maps anything a route threw to a status and a JSON body. `instanceId` is the workflow the request
 * addressed, if any (the `:id` of its path).
 */
export const errorResponse = (error: unknown, instanceId?: string): ErrorResponse => {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: error.code, message: error.message, ...error.details },
      headers: error.headers
    }
  }
  if (!isEngineError(error)) return internal
  switch (error._tag) {
    // Malformed arguments (an id that is not an identifier, an empty reason, input nested too
    // deep, ...): nothing was read or written.
    case "InvalidInput":
      return { status: 400, body: { error: error._tag, message: error.message, issues: error.issues } }
    // The status machine has no such edge (e.g. approve a DRAFT): re-read the workflow.
    case "IllegalTransition":
      return {
        status: 409,
        body: { error: error._tag, message: error.message, status: error.status, command: error.command }
      }
    // The edge exists but a precondition does not hold (not the current step, rollback pending, ...).
    case "InvalidCommand":
      return { status: 409, body: { error: error._tag, message: error.message, command: error.command } }
    // The Idempotency-Key was used for another request (other body, path or caller): nothing was
    // done. 422, as the IETF Idempotency-Key draft asks for a key reused with another payload.
    case "IdempotencyKeyReused":
      return {
        status: 422,
        body: { error: error._tag, message: error.message, idempotencyKey: error.idempotencyKey }
      }
    // Step input or step data does not satisfy its handler: nothing was recorded.
    case "ValidationFailed":
      return { status: 422, body: { error: error._tag, message: "validation failed", issues: error.issues } }
    // Another tenant's workflow (or tenant) answers exactly like one that does not exist.
    case "Forbidden":
      if (error.reason === "OtherTenant") {
        return notFound(instanceId === undefined ? "no such tenant" : `workflow ${instanceId} not found`)
      }
      return { status: 403, body: { error: error._tag, message: error.message, reason: error.reason } }
    // The handler refused (recorded as STEP_FAILED, so the version moved): fix the input, or retry
    // when retryable — with `version` as the next expectedVersion.
    case "StepFailed":
      return {
        status: error.retryable ? 503 : 422,
        body: {
          error: error._tag,
          message: error.message,
          stepId: error.stepId,
          attempt: error.attempt,
          retryable: error.retryable,
          ...(error.code === undefined ? {} : { code: error.code }),
          version: error.version
        },
        ...(error.retryable ? { headers: retryLater } : {})
      }
    // The rollback stopped at a failing compensation and stays pending: repeat the same rollback.
    case "CompensationFailed":
      return {
        status: 503,
        body: { error: error._tag, message: error.message, stepId: error.stepId },
        headers: retryLater
      }
    // A template or handler registration problem is the service's fault, not the caller's.
    case "TemplateInvalid":
    case "UnknownHandler":
      return internal
    case "StorageError":
      switch (error.reason._tag) {
        case "NotFound":
          return notFound(`${error.reason.entity} ${error.reason.id} not found`)
        // Someone else changed the workflow first: re-read it and decide again.
        case "Conflict":
          return {
            status: 409,
            body: {
              error: "Conflict",
              message: error.reason.message,
              expectedVersion: error.reason.expectedVersion,
              actualVersion: error.reason.actualVersion
            }
          }
        case "Unavailable":
          return {
            status: 503,
            body: { error: "Unavailable", message: "storage is unavailable, retry later" },
            headers: retryLater
          }
        case "TenantViolation":
          return { status: 403, body: { error: "Forbidden", message: "outside your tenant" } }
        case "InvalidData":
          return { status: 400, body: { error: "BadRequest", message: error.reason.message } }
        // The deployment is wrong (no such database, schema not migrated, ...): log it, retrying won't help.
        case "Misconfigured":
          return internal
      }
  }
}
// #endregion error-response
