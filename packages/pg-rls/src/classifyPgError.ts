/**
 * The one place where PostgreSQL's failures become the storage port's typed error: every SQLSTATE
 * (from the server or from PGlite), every socket error of `pg`, and the adapter's own SQLSTATEs
 * raised by its SQL functions, mapped into a `StorageError` reason. No raw driver error
 * leaves the adapter.
 *
 * | SQLSTATE / code | reason |
 * | --- | --- |
 * | `23505` unique violation, `WM409` version conflict, `40001`, `40P01` | `Conflict` |
 * | `WM423` change of an append-only or published row | `Conflict` |
 * | `42501` insufficient privilege (incl. a row-level-security refusal), `WM403` | `TenantViolation` |
 * | `23503` foreign key (a tenant that does not exist, ...) | `NotFound` |
 * | class `22` data exception (`22P02`, `22001`, `22023`, ...), `23502`, `23514`, `23P01`, class `54` | `InvalidData` |
 * | `42P01` undefined table, `42883` undefined function — the database is not migrated | `Unavailable` |
 * | `3D000` no such database, class `28` (authentication) | `Unavailable` |
 * | class `08`, `53`, `57`, `58`, `XX`, `ECONNREFUSED`, `ECONNRESET`, ..., anything else | `Unavailable` |
 *
 * An unmigrated database (`42P01`, `42883`) is `Unavailable` — retryable, since a deployment may
 * run the migration while the application starts — with a message that says what to do.
 *
 * @since 0.1.0
 */
import {
  Conflict,
  InvalidData,
  NotFound,
  StorageError,
  type StorageErrorReason,
  storageError,
  TenantViolation,
  Unavailable
} from "@workflow-manager/core"

/**
 * What the caller knows about the failed operation, to make the error precise.
 *
 * @since 0.1.0
 * @category errors
 */
export interface ClassifyContext {
  /** The expected version of an append (reported in a `Conflict`). */
  readonly expectedVersion?: number
}

interface DriverError {
  readonly code?: unknown
  readonly message?: unknown
  /** An `AggregateError` (a connection tried on several addresses) has an empty message and these. */
  readonly errors?: unknown
  readonly detail?: unknown
  readonly constraint?: unknown
  readonly table?: unknown
}

const asDriverError = (error: unknown): DriverError =>
  typeof error === "object" && error !== null ? (error as DriverError) : {}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

const socketCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL"
])

/** `Key (tenant_id)=(…) is not present in table "tenants".` → the entity and the id. */
const missingKey = (detail: string | undefined, table: string | undefined): { entity: string; id: string } => {
  const match = detail?.match(/^Key \(([^)]*)\)=\((.*)\) is not present in table "([^"]+)"/)
  if (match !== null && match !== undefined) {
    const referenced = match[3] as string
    return { entity: referenced === "tenants" ? "tenant" : referenced, id: match[2] as string }
  }
  return { entity: table ?? "row", id: "" }
}

/** The message of an error, or of the errors an `AggregateError` (empty message) holds. */
const messageOf = (e: DriverError, error: unknown): string => {
  const own = text(e.message)
  if (own !== undefined) return own
  if (Array.isArray(e.errors)) {
    const inner = e.errors.map((x) => text(asDriverError(x).message)).filter((m) => m !== undefined)
    if (inner.length > 0) return [...new Set(inner)].join("; ")
  }
  return String(error)
}

/** What to do about an unmigrated database. */
const NOT_MIGRATED =
  "the database is not migrated: run workflow-manager-pg-migrate (or migrate()) as the owner role against this database"

const reasonOf = (error: unknown, context: ClassifyContext): StorageErrorReason => {
  const e = asDriverError(error)
  const code = text(e.code)
  const message = messageOf(e, error)
  const detail = text(e.detail)
  const constraint = text(e.constraint)
  const cause = { cause: error }

  switch (code) {
    case "WM409": {
      const actual = detail === undefined ? Number.NaN : Number(detail)
      return new Conflict({
        message,
        ...(context.expectedVersion === undefined ? {} : { expectedVersion: context.expectedVersion }),
        ...(Number.isInteger(actual) ? { actualVersion: actual } : {})
      })
    }
    case "23505":
      return new Conflict({
        message: constraint === "workflow_events_pkey" ? `another append won the race: ${message}` : message,
        ...(context.expectedVersion === undefined ? {} : { expectedVersion: context.expectedVersion })
      })
    case "40001":
    case "40P01":
    case "WM423":
      return new Conflict({ message })
    case "42501":
    case "WM403":
      return new TenantViolation({ message })
    case "23503":
      return new NotFound({ message, ...missingKey(detail, text(e.table)) })
    case "23502":
    case "23514":
    case "23P01":
      return new InvalidData({ message, ...cause })
  }
  if (code !== undefined) {
    if (code.startsWith("22") || code.startsWith("54")) return new InvalidData({ message, ...cause })
    if (socketCodes.has(code)) return new Unavailable({ message: `database unreachable: ${message}`, ...cause })
    if (code === "42P01" || code === "42883") {
      return new Unavailable({ message: `${NOT_MIGRATED} (${message})`, ...cause })
    }
    if (code === "3D000") return new Unavailable({ message: `no such database: ${message}`, ...cause })
    if (code.startsWith("28")) {
      return new Unavailable({ message: `the database refused the sign-in: ${message}`, ...cause })
    }
  }
  return new Unavailable({ message, ...cause })
}

/**
 * Maps any failure of a database call into the port's `StorageError` for `operation`
 * (e.g. `"EventStore.append"`). A `StorageError` passes through unchanged.
 *
 * @since 0.1.0
 * @category errors
 */
export const classifyPgError = (operation: string, error: unknown, context: ClassifyContext = {}): StorageError =>
  error instanceof StorageError ? error : storageError(operation, reasonOf(error, context))
