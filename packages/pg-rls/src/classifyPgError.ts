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
 * | `23503` foreign key on `tenant_id` (`*_tenant_id_fkey`): a tenant that does not exist | `NotFound` (`entity: "tenant"`) |
 * | `23503` foreign key to `wm_instance_owners`: the instance id is another tenant's (or unclaimed) | `Conflict` |
 * | `23503` a referenced row still in use (update or delete) | `Conflict` |
 * | `23503` any other foreign key | `NotFound` (the referenced table) |
 * | class `22` data exception (`22P02`, `22001`, `22023`, ...), `23502`, `23514`, `23P01`, class `54` | `InvalidData` |
 * | `42P01` undefined table, `42883` undefined function, `3F000` no such schema — not migrated | `Misconfigured` |
 * | `3D000` no such database, class `28` (authentication), `42704` undefined object, `22023` no such role (`SET ROLE`) | `Misconfigured` |
 * | class `08`, `53`, `57`, `58`, `XX`, `ECONNREFUSED`, `ECONNRESET`, ..., anything else | `Unavailable` |
 *
 * A foreign-key failure is recognised by its constraint name and referenced table, never by the
 * key values: PostgreSQL leaves them out of the error's DETAIL when the table has row-level
 * security. The ids come from the caller instead ({@link ClassifyContext}).
 *
 * `Misconfigured` is not retryable: the message says what to run or check (run the migration,
 * create the database, fix the credentials).
 *
 * @since 0.1.0
 */
import {
  Conflict,
  InvalidData,
  Misconfigured,
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
  /** The tenant the write is for: the id of a `NotFound` when that tenant does not exist. */
  readonly tenantId?: string
  /** The instance the write is about: named in a `Conflict` when its id is another tenant's. */
  readonly instanceId?: string
}

interface DriverError {
  readonly code?: unknown
  readonly message?: unknown
  /** An `AggregateError` (a connection tried on several addresses) has an empty message and these. */
  readonly errors?: unknown
  readonly detail?: unknown
  readonly constraint?: unknown
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

/** `Key (tenant_id)=(…) is not present in table "tenants".` (key values shown only without row-level security). */
const KEY_DETAIL = /^Key \(([^)]*)\)=\((.*)\) is (?:not present in|still referenced from) table "([^"]+)"/
const TABLE_DETAIL = /table "([^"]+)"/

/** A foreign-key failure, by constraint name and referenced table (the key values may be hidden). */
const foreignKey = (message: string, detail: string | undefined, constraint: string, context: ClassifyContext) => {
  const versions = context.expectedVersion === undefined ? {} : { expectedVersion: context.expectedVersion }
  if (message.startsWith("update or delete on table") || detail?.includes(" is still referenced from table ")) {
    return new Conflict({ message: `the row is still referenced: ${message}`, ...versions })
  }
  const key = detail?.match(KEY_DETAIL)
  const referenced = key?.[3] ?? detail?.match(TABLE_DETAIL)?.[1]
  if (referenced === "wm_instance_owners" || /_(instance_owner|owner|instance_id_tenant_id)_fkey$/.test(constraint)) {
    const instance = context.instanceId === undefined ? "the instance" : `instance ${context.instanceId}`
    return new Conflict({
      message: `${instance} is not available to this tenant: its id is taken, or the instance has not been created`,
      ...versions
    })
  }
  if (referenced === "tenants" || constraint.endsWith("_tenant_id_fkey")) {
    return new NotFound({ message, entity: "tenant", id: context.tenantId ?? key?.[2] ?? "" })
  }
  return new NotFound({ message, entity: referenced ?? "row", id: key?.[2] ?? "" })
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

/** A permanent fault of the deployment: not retryable, with what to run or check. */
const misconfigured = (code: string, message: string, cause: unknown): Misconfigured | undefined => {
  const of = (advice: string) => new Misconfigured({ message: `${advice} (${message})`, cause })
  if (code === "42P01" || code === "42883" || code === "3F000") return of(NOT_MIGRATED)
  if (code === "3D000") {
    return of(
      "no such database: create it (CREATE DATABASE, or createdb) or fix the database name of the connection URL"
    )
  }
  if (code.startsWith("28")) {
    return of(
      "the database refused the sign-in: check the user and password of the connection URL, that the role may LOGIN, and pg_hba.conf"
    )
  }
  // SET ROLE to a missing role is 22023 'role "…" does not exist' (roles belong to the server, not the dump)
  if (code === "42704" || (code === "22023" && /^role ".*" does not exist$/.test(message))) {
    return of(
      "a role or object the adapter needs does not exist on this server: run workflow-manager-pg-migrate as the owner role (it creates the workflow_app role)"
    )
  }
  return undefined
}

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
      return foreignKey(message, detail, constraint ?? "", context)
    case "23502":
    case "23514":
    case "23P01":
      return new InvalidData({ message, ...cause })
  }
  if (code !== undefined) {
    const permanent = misconfigured(code, message, error)
    if (permanent !== undefined) return permanent
    if (code.startsWith("22") || code.startsWith("54")) return new InvalidData({ message, ...cause })
    if (socketCodes.has(code)) return new Unavailable({ message: `database unreachable: ${message}`, ...cause })
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
