/**
 * The SQLSTATE → StorageError mapping, without a database: error objects shaped like those of
 * `pg` (DatabaseError), PGlite and Node sockets.
 */
import { Conflict, InvalidData, NotFound, storageError, TenantViolation, Unavailable } from "@workflow-manager/core"
import { describe, expect, it } from "vitest"
import { classifyPgError } from "../src/index.js"

const dbError = (code: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(String(fields.message ?? `error ${code}`)), { code, severity: "ERROR", ...fields })

const reason = (error: unknown, context?: { expectedVersion?: number }) =>
  classifyPgError("EventStore.append", error, context).reason

describe("classifyPgError", () => {
  it.each([
    ["23505", "Conflict"],
    ["WM409", "Conflict"],
    ["40001", "Conflict"],
    ["40P01", "Conflict"],
    ["WM423", "Conflict"],
    ["42501", "TenantViolation"],
    ["WM403", "TenantViolation"],
    ["23503", "NotFound"],
    ["22P02", "InvalidData"],
    ["22001", "InvalidData"],
    ["22003", "InvalidData"],
    ["22007", "InvalidData"],
    ["22023", "InvalidData"],
    ["22P05", "InvalidData"],
    ["23502", "InvalidData"],
    ["23514", "InvalidData"],
    ["23P01", "InvalidData"],
    ["54000", "InvalidData"],
    ["54001", "InvalidData"],
    ["08000", "Unavailable"],
    ["08006", "Unavailable"],
    ["08001", "Unavailable"],
    ["57P01", "Unavailable"],
    ["57P03", "Unavailable"],
    ["57014", "Unavailable"],
    ["53300", "Unavailable"],
    ["53100", "Unavailable"],
    ["58030", "Unavailable"],
    ["XX000", "Unavailable"],
    ["42P01", "Unavailable"],
    ["42883", "Unavailable"],
    ["3D000", "Unavailable"],
    ["28000", "Unavailable"],
    ["28P01", "Unavailable"]
  ])("SQLSTATE %s → %s", (code, expected) => {
    expect(reason(dbError(code))._tag).toBe(expected)
  })

  it.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"])(
    "socket error %s → Unavailable (retryable)",
    (code) => {
      const error = classifyPgError("EventStore.read", Object.assign(new Error(`connect ${code}`), { code }))
      expect(error.reason).toBeInstanceOf(Unavailable)
      expect(error.isRetryable).toBe(true)
      expect(error.operation).toBe("EventStore.read")
    }
  )

  it.each([
    ["42P01", 'relation "workflow_events" does not exist'],
    ["42883", "function wm_read_events(unknown, unknown, unknown, integer, integer, unknown, unknown) does not exist"]
  ])("says what to do about an unmigrated database (SQLSTATE %s), keeping the driver message", (code, message) => {
    const original = dbError(code, { message })
    const error = classifyPgError("WorkflowStore.check", original)
    expect(error.reason).toBeInstanceOf(Unavailable)
    expect(error.isRetryable).toBe(true)
    expect(error.message).toContain("the database is not migrated: run workflow-manager-pg-migrate")
    expect(error.message).toContain(message)
    expect((error.reason as Unavailable).cause).toBe(original)
  })

  it("names a missing database and a refused sign-in", () => {
    expect(reason(dbError("3D000", { message: 'database "nope" does not exist' })).message).toBe(
      'no such database: database "nope" does not exist'
    )
    expect(reason(dbError("28P01", { message: 'password authentication failed for user "app"' })).message).toBe(
      'the database refused the sign-in: password authentication failed for user "app"'
    )
  })

  it("reports the inner errors of an AggregateError (a connection tried on several addresses)", () => {
    const aggregate = Object.assign(
      new AggregateError(
        [
          Object.assign(new Error("connect ECONNREFUSED ::1:5432"), { code: "ECONNREFUSED" }),
          Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })
        ],
        ""
      ),
      { code: "ECONNREFUSED" }
    )
    const error = reason(aggregate)
    expect(error).toBeInstanceOf(Unavailable)
    expect(error.message).toBe(
      "database unreachable: connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432"
    )
  })

  it("maps errors without a code (connection terminated, PGlite closed, non-errors) to Unavailable", () => {
    expect(reason(new Error("Connection terminated unexpectedly"))).toBeInstanceOf(Unavailable)
    expect(reason(new Error("PGlite is closed"))).toBeInstanceOf(Unavailable)
    expect(reason("boom")).toBeInstanceOf(Unavailable)
    expect(reason(undefined)).toBeInstanceOf(Unavailable)
  })

  it("reports the expected and the actual version of a version conflict", () => {
    const error = reason(dbError("WM409", { message: "expected version 3, found 5", detail: "5" }), {
      expectedVersion: 3
    })
    expect(error).toBeInstanceOf(Conflict)
    expect(error).toMatchObject({ expectedVersion: 3, actualVersion: 5 })
    const race = reason(dbError("23505", { constraint: "workflow_events_pkey" }), { expectedVersion: 3 })
    expect(race).toMatchObject({ _tag: "Conflict", expectedVersion: 3 })
    expect(race.message).toContain("another append won the race")
  })

  it("names the missing tenant of a foreign-key violation", () => {
    const error = reason(
      dbError("23503", {
        table: "workflow_events",
        constraint: "workflow_events_tenant_id_fkey",
        detail: 'Key (tenant_id)=(8d7e3a52-1a6f-4d5e-9c1b-2f1e0a9b7c6d) is not present in table "tenants".'
      })
    )
    expect(error).toBeInstanceOf(NotFound)
    expect(error).toMatchObject({ entity: "tenant", id: "8d7e3a52-1a6f-4d5e-9c1b-2f1e0a9b7c6d" })
  })

  it("keeps the driver error as the cause of InvalidData and Unavailable", () => {
    const original = dbError("22P02", { message: 'invalid input syntax for type uuid: "x"' })
    const error = reason(original)
    expect(error).toBeInstanceOf(InvalidData)
    expect((error as InvalidData).cause).toBe(original)
  })

  it("maps a row-level-security refusal to TenantViolation, not retryable", () => {
    const error = classifyPgError(
      "InstanceStore.save",
      dbError("42501", { message: 'new row violates row-level security policy for table "workflow_instances"' })
    )
    expect(error.reason).toBeInstanceOf(TenantViolation)
    expect(error.isRetryable).toBe(false)
    expect(error.message).toContain("row-level security")
  })

  it("passes a StorageError through unchanged", () => {
    const original = storageError("X.y", new Conflict({ message: "m" }))
    expect(classifyPgError("Other.op", original)).toBe(original)
  })
})
