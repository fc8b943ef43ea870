/**
 * The one error of every storage port. Its `reason` is a closed union; each adapter maps its
 * database's native error codes into it in one `classify…Error` function.
 *
 * - `Conflict` — an append lost the race for its expected version (or a published template
 *   differs from the one stored). Re-read the instance and decide again.
 * - `NotFound` — the instance, template or row does not exist (or is not visible to this tenant).
 * - `Unavailable` — the database could not be reached or timed out; retrying may succeed.
 * - `TenantViolation` — a write carried another tenant's id than the one in scope.
 * - `InvalidData` — the database refused the data itself (malformed id, oversized document, ...).
 * - `Misconfigured` — the deployment is wrong (no such database, refused credentials, schema not
 *   migrated, a driver package not installed); retrying cannot help until someone fixes it, and
 *   the message says what to run or check.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const fields = { message: Schema.String }

/** @since 0.1.0 @category errors */
export class Conflict extends Schema.TaggedError<Conflict>("@workflow-manager/core/StorageError/Conflict")("Conflict", {
  ...fields,
  expectedVersion: Schema.optionalKey(Schema.Int),
  actualVersion: Schema.optionalKey(Schema.Int)
}) {
  /** Retrying after re-reading the instance may succeed. @since 0.1.0 */
  get isRetryable(): boolean {
    return true
  }
}

/** @since 0.1.0 @category errors */
export class NotFound extends Schema.TaggedError<NotFound>("@workflow-manager/core/StorageError/NotFound")("NotFound", {
  ...fields,
  entity: Schema.String,
  id: Schema.String
}) {
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

/** @since 0.1.0 @category errors */
export class Unavailable extends Schema.TaggedError<Unavailable>("@workflow-manager/core/StorageError/Unavailable")(
  "Unavailable",
  { ...fields, cause: Schema.optionalKey(Schema.Defect()) }
) {
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return true
  }
}

/** @since 0.1.0 @category errors */
export class TenantViolation extends Schema.TaggedError<TenantViolation>(
  "@workflow-manager/core/StorageError/TenantViolation"
)("TenantViolation", fields) {
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

/** @since 0.1.0 @category errors */
export class InvalidData extends Schema.TaggedError<InvalidData>("@workflow-manager/core/StorageError/InvalidData")(
  "InvalidData",
  { ...fields, cause: Schema.optionalKey(Schema.Defect()) }
) {
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The storage is set up wrongly: retrying cannot succeed until an operator acts (create the
 * database, fix the credentials, run the migration, install the driver). The message says what to
 * do.
 *
 * @since 0.1.0
 * @category errors
 */
export class Misconfigured extends Schema.TaggedError<Misconfigured>(
  "@workflow-manager/core/StorageError/Misconfigured"
)("Misconfigured", { ...fields, cause: Schema.optionalKey(Schema.Defect()) }) {
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * Why a storage operation failed.
 *
 * @since 0.1.0
 * @category errors
 */
export type StorageErrorReason = Conflict | NotFound | Unavailable | TenantViolation | InvalidData | Misconfigured

/**
 * A storage failure: the port `operation` (e.g. `EventStore.append`) and the `reason`.
 *
 * @since 0.1.0
 * @category errors
 */
export class StorageError extends Schema.TaggedError<StorageError>("@workflow-manager/core/StorageError")(
  "StorageError",
  {
    operation: Schema.String,
    reason: Schema.Union([Conflict, NotFound, Unavailable, TenantViolation, InvalidData, Misconfigured])
  }
) {
  /** Whether retrying (after re-reading, for a conflict) may succeed. @since 0.1.0 */
  get isRetryable(): boolean {
    return this.reason.isRetryable
  }
  override get message(): string {
    return `${this.operation}: ${this.reason._tag}: ${this.reason.message}`
  }
}

/**
 * Builds a `StorageError`.
 *
 * @since 0.1.0
 * @category errors
 */
export const storageError = (operation: string, reason: StorageErrorReason): StorageError =>
  new StorageError({ operation, reason })
