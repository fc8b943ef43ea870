/**
 * The one place where the MongoDB driver's failures become the storage port's typed error: server
 * error codes (MongoDB and FerretDB use the same ones), the driver's own error classes and socket
 * errors, mapped into a `StorageError` reason. No raw driver error leaves the adapter.
 *
 * | code / error | reason |
 * | --- | --- |
 * | `11000`, `11001`, `12582` duplicate key | `Conflict` |
 * | `2` BadValue, `9` FailedToParse, `14` TypeMismatch, `52`/`56`/`57` bad field names, `10334`/`17419`/`17420` document too large, `121` validation failed, `BSONError` | `InvalidData` |
 * | `13` Unauthorized, `18` AuthenticationFailed, `MongoParseError` (a bad URL), `MongoMissingDependencyError` | `Misconfigured` |
 * | `MongoNetworkError`, `MongoServerSelectionError`, timeouts (`50`, `89`, `262`), shutdown and failover (`91`, `189`, `10107`, `11600`, `11602`, `13435`, `13436`), write concern failures (`64`, `100`), `ECONNREFUSED`, ..., anything else | `Unavailable` |
 *
 * {@link isAmbiguousWriteError} says which failures leave a write's outcome unknown (it may have
 * been applied): the write path resolves those by reading the key back.
 *
 * @since 0.1.0
 */
import {
  Conflict,
  InvalidData,
  Misconfigured,
  StorageError,
  type StorageErrorReason,
  storageError,
  Unavailable
} from "@workflow-manager/core"

interface DriverError {
  readonly code?: unknown
  readonly codeName?: unknown
  readonly name?: unknown
  readonly message?: unknown
  readonly errorLabels?: unknown
  readonly errorLabelSet?: unknown
}

const asDriverError = (error: unknown): DriverError =>
  typeof error === "object" && error !== null ? (error as DriverError) : {}

const DUPLICATE_KEY = new Set([11000, 11001, 12582])
const INVALID = new Set([2, 9, 14, 52, 56, 57, 10334, 17419, 17420, 121])
const MISCONFIGURED = new Set([13, 18])
const TIMEOUT_OR_FAILOVER = new Set([50, 89, 91, 189, 262, 10107, 11600, 11602, 13435, 13436, 64, 100])
const NETWORK_NAMES = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoTopologyClosedError",
  "MongoNotConnectedError",
  "MongoOperationTimeoutError",
  "MongoWriteConcernError"
])

const messageOf = (error: unknown): string => {
  const e = asDriverError(error)
  if (typeof e.message === "string" && e.message !== "") return e.message
  return typeof error === "string" ? error : String(error)
}

const labels = (error: DriverError): ReadonlyArray<string> => {
  if (Array.isArray(error.errorLabels)) return error.errorLabels.filter((l): l is string => typeof l === "string")
  if (error.errorLabelSet instanceof Set)
    return [...error.errorLabelSet].filter((l): l is string => typeof l === "string")
  return []
}

/**
 * Whether a failed write may nevertheless have been applied: a network error or timeout after the
 * request left, a failover, a write concern that was not confirmed, or a failure labelled retryable.
 *
 * @since 0.1.0
 * @category errors
 */
export const isAmbiguousWriteError = (error: unknown): boolean => {
  const e = asDriverError(error)
  if (typeof e.name === "string" && NETWORK_NAMES.has(e.name)) return true
  if (typeof e.code === "number" && TIMEOUT_OR_FAILOVER.has(e.code)) return true
  if (typeof e.code === "string" && /^E(CONNRESET|PIPE|TIMEDOUT|CONNABORTED)$/.test(e.code)) return true
  return labels(e).some((l) => l === "RetryableWriteError" || l === "NetworkError")
}

/**
 * Whether the driver reports a duplicate key (code 11000): the one way this adapter detects a
 * conflict.
 *
 * @since 0.1.0
 * @category errors
 */
export const isDuplicateKeyError = (error: unknown): boolean => {
  const code = asDriverError(error).code
  return typeof code === "number" && DUPLICATE_KEY.has(code)
}

const reasonOf = (error: unknown): StorageErrorReason => {
  const e = asDriverError(error)
  const message = messageOf(error)
  const code = typeof e.code === "number" ? e.code : undefined
  if (code !== undefined && DUPLICATE_KEY.has(code)) return new Conflict({ message })
  if ((code !== undefined && INVALID.has(code)) || e.name === "BSONError" || e.name === "BSONVersionError") {
    return new InvalidData({ message, cause: error })
  }
  if ((code !== undefined && MISCONFIGURED.has(code)) || e.name === "MongoParseError") {
    return new Misconfigured({ message: `check the MongoDB URL and credentials: ${message}`, cause: error })
  }
  if (e.name === "MongoMissingDependencyError") {
    return new Misconfigured({ message: `install the missing driver dependency: ${message}`, cause: error })
  }
  return new Unavailable({ message, cause: error })
}

/**
 * Maps anything the driver throws to a `StorageError` of `operation` (a `StorageError` passes
 * through unchanged).
 *
 * @example
 * ```ts
 * import { classifyMongoError } from "@workflow-manager/mongo"
 *
 * const error = classifyMongoError("EventStore.append", { code: 11000, message: "E11000 duplicate key" })
 * // error.reason._tag === "Conflict"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const classifyMongoError = (operation: string, error: unknown): StorageError =>
  error instanceof StorageError ? error : storageError(operation, reasonOf(error))
