/**
 * The one place where the driver's failures become the port's error.
 */
// #region classify
import {
  Conflict,
  InvalidData,
  Misconfigured,
  NotFound,
  type StorageError,
  storageError,
  TenantViolation,
  Unavailable
} from "@workflow-manager/core"

const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

/** Maps a PostgreSQL error (SQLSTATE in `code`) or a socket error to a StorageError of `operation`. */
export const classifySqlError = (operation: string, error: unknown): StorageError => {
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  // Unique violation on (instance_id, sequence): another writer appended first. Serialisation
  // failures and deadlocks are lost races too.
  if (code === "23505" || code === "40001" || code === "40P01")
    return storageError(operation, new Conflict({ message }))
  // Insufficient privilege, including a row-level-security refusal.
  if (code === "42501") return storageError(operation, new TenantViolation({ message }))
  // A foreign key to a row that does not exist (e.g. an unknown tenant).
  if (code === "23503") return storageError(operation, new NotFound({ message, entity: "row", id: "" }))
  // Data exceptions and other integrity violations: the data itself was refused.
  if (code !== undefined && (code.startsWith("22") || code === "23502" || code === "23514")) {
    return storageError(operation, new InvalidData({ message }))
  }
  // No such database (3D000), refused credentials (class 28), tables or functions missing (not
  // migrated): retrying cannot help until someone acts, so say what to do.
  if (code === "3D000" || code?.startsWith("28") === true || code === "42P01" || code === "42883") {
    return storageError(
      operation,
      new Misconfigured({ message: `check the database URL and run the migrations: ${message}`, cause: error })
    )
  }
  // Connection failures, timeouts, shutdowns, anything unknown: retrying may succeed.
  return storageError(operation, new Unavailable({ message, cause: error }))
}
// #endregion classify
