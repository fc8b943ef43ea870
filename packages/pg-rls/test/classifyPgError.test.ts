/**
 * The SQLSTATE → StorageError mapping: first without a database, with error objects shaped like
 * those of `pg` (DatabaseError), PGlite and Node sockets; then with the errors a real PostgreSQL
 * server raises (a database or role that does not exist, an unmigrated database, a foreign key
 * whose key values row-level security hides), and through the adapter on both backends.
 */
import { randomBytes } from "node:crypto"
import {
  Conflict,
  entryOf,
  InvalidData,
  Misconfigured,
  NotFound,
  operatorAccess,
  type StorageError,
  storageError,
  TenantViolation,
  tenantAccess,
  Unavailable
} from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { Effect, Exit } from "effect"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import {
  type ClassifyContext,
  classifyPgError,
  DEFAULT_MAX_DOCUMENT_BYTES,
  fromPool,
  makeEventStore,
  type PoolLike
} from "../src/index.js"
import { describeBackends } from "./support/backends.js"
import { eventsOf, newInstanceId, newTenantId, stateOf } from "./support/fixtures.js"

const dbError = (code: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(String(fields.message ?? `error ${code}`)), { code, severity: "ERROR", ...fields })

const reason = (error: unknown, context?: ClassifyContext) =>
  classifyPgError("EventStore.append", error, context).reason

/** The typed failure of an adapter call. */
const failure = async (effect: Effect.Effect<unknown, StorageError>): Promise<StorageError> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const first = exit.cause.reasons[0]
  if (first?._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return first.error
}

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
    ["42P01", "Misconfigured"],
    ["42883", "Misconfigured"],
    ["3F000", "Misconfigured"],
    ["42704", "Misconfigured"],
    ["3D000", "Misconfigured"],
    ["28000", "Misconfigured"],
    ["28P01", "Misconfigured"]
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
    ["42P01", 'relation "workflow_events" does not exist', "run workflow-manager-pg-migrate"],
    ["42883", "function wm_read_events(unknown, unknown) does not exist", "run workflow-manager-pg-migrate"],
    ["3D000", 'database "nope" does not exist', "CREATE DATABASE"],
    ["28P01", 'password authentication failed for user "app"', "check the user and password"],
    ["28000", 'role "nobody" does not exist', "check the user and password"],
    ["42704", 'role "workflow_app" does not exist', "creates the workflow_app role"],
    ["22023", 'role "workflow_app" does not exist', "creates the workflow_app role"]
  ])("a permanent fault (SQLSTATE %s) is Misconfigured, not retryable, and says what to do", (code, message, todo) => {
    const original = dbError(code, { message })
    const error = classifyPgError("WorkflowStore.check", original)
    expect(error.reason).toBeInstanceOf(Misconfigured)
    expect(error.isRetryable).toBe(false)
    expect(error.message).toContain(todo)
    expect(error.message).toContain(message)
    expect((error.reason as Misconfigured).cause).toBe(original)
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

  describe("foreign keys", () => {
    const tenantId = "8d7e3a52-1a6f-4d5e-9c1b-2f1e0a9b7c6d"
    // what PostgreSQL sends when the referencing table has row-level security: no key values
    const hidden = (constraint: string, referenced: string) =>
      dbError("23503", { constraint, detail: `Key is not present in table "${referenced}".` })

    it("names the tenant of a *_tenant_id_fkey failure with the caller's tenant id", () => {
      const error = reason(hidden("workflow_events_tenant_id_fkey", "tenants"), { tenantId })
      expect(error).toBeInstanceOf(NotFound)
      expect(error).toMatchObject({ entity: "tenant", id: tenantId })
    })

    it("names the tenant by the constraint alone, and takes a visible key when there is no context", () => {
      expect(reason(dbError("23503", { constraint: "users_tenant_id_fkey" }), { tenantId })).toMatchObject({
        entity: "tenant",
        id: tenantId
      })
      const visible = dbError("23503", {
        table: "workflow_events",
        constraint: "workflow_events_tenant_id_fkey",
        detail: `Key (tenant_id)=(${tenantId}) is not present in table "tenants".`
      })
      expect(reason(visible)).toMatchObject({ _tag: "NotFound", entity: "tenant", id: tenantId })
    })

    it.each([
      ["workflow_events_instance_owner_fkey", "wm_instance_owners"],
      ["workflow_instances_instance_id_tenant_id_fkey", "wm_instance_owners"],
      ["workflow_outbox_owner_fkey", "wm_instance_owners"]
    ])(
      "an instance another tenant owns (%s) is a Conflict that names the instance, not the owner",
      (constraint, table) => {
        const error = reason(hidden(constraint, table), { tenantId, instanceId: "wf-42", expectedVersion: 0 })
        expect(error).toBeInstanceOf(Conflict)
        expect(error.message).toContain("instance wf-42")
        expect(error).toMatchObject({ expectedVersion: 0 })
        expect(error.message).not.toContain(tenantId)
      }
    )

    it("a delete or update of a referenced row is a Conflict, not a missing tenant", () => {
      const error = reason(
        dbError("23503", {
          message:
            'update or delete on table "tenants" violates foreign key constraint "users_tenant_id_fkey" on table "users"',
          table: "users",
          constraint: "users_tenant_id_fkey",
          detail: 'Key is still referenced from table "users".'
        }),
        { tenantId }
      )
      expect(error).toBeInstanceOf(Conflict)
      expect(error.message).toContain("still referenced")
    })

    it("names another referenced table and its key as they are", () => {
      const error = reason(
        dbError("23503", {
          constraint: "orders_customer_id_fkey",
          detail: 'Key (customer_id)=(7) is not present in table "customers".'
        })
      )
      expect(error).toMatchObject({ _tag: "NotFound", entity: "customers", id: "7" })
    })
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

await describeWithService(PostgreSQL, "classifyPgError on real PostgreSQL errors", (url) => {
  const suffix = () => randomBytes(6).toString("hex")
  const databases: Array<string> = []
  const roles: Array<string> = []
  const pools: Array<pg.Pool> = []
  const urlOf = (database: string, user?: string) => {
    const u = new URL(url)
    u.pathname = `/${database}`
    if (user !== undefined) u.username = user
    return u.toString()
  }
  /** The error of connecting to `connectionString` and running `sql` (when it connects). */
  const errorOf = async (connectionString: string, sql = "select 1"): Promise<unknown> => {
    const client = new pg.Client({ connectionString })
    try {
      await client.connect()
      await client.query(sql)
    } catch (error) {
      return error
    } finally {
      await client.end().catch(() => {})
    }
    throw new Error(`expected ${sql} to fail`)
  }
  const admin = async (sql: string, database = "postgres"): Promise<void> => {
    const client = new pg.Client({ connectionString: urlOf(database) })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  const freshDatabase = async (): Promise<string> => {
    const name = `wm_test_${suffix()}`
    await admin(`create database ${name}`)
    databases.push(name)
    return name
  }
  const eventStoreOn = (connectionString: string) => {
    const pool = new pg.Pool({ connectionString, max: 1 })
    pool.on("error", () => {})
    pools.push(pool)
    return makeEventStore({
      client: fromPool(pool as unknown as PoolLike),
      maxDocumentBytes: DEFAULT_MAX_DOCUMENT_BYTES
    })
  }
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()))
    for (const name of databases) await admin(`drop database if exists ${name} with (force)`)
    for (const role of roles) await admin(`drop role if exists ${role}`)
  })

  it("a database that does not exist (3D000) is Misconfigured, through the adapter too", async () => {
    const missing = urlOf(`wm_missing_${suffix()}`)
    const raw = await errorOf(missing)
    expect(raw).toMatchObject({ code: "3D000" })
    expect(classifyPgError("connect", raw).reason).toBeInstanceOf(Misconfigured)
    const error = await failure(eventStoreOn(missing).read(tenantAccess(newTenantId()), "wf-1"))
    expect(error).toMatchObject({ operation: "EventStore.read", reason: { _tag: "Misconfigured" } })
    expect(error.isRetryable).toBe(false)
    expect(error.message).toContain("CREATE DATABASE")
  })

  it("a role that does not exist or may not log in (28000) is Misconfigured", async () => {
    const unknownRole = await errorOf(urlOf("postgres", `wm_nobody_${suffix()}`))
    expect(unknownRole).toMatchObject({ code: "28000" })
    const noLogin = `wm_nologin_${suffix()}`
    await admin(`create role ${noLogin} nologin`)
    roles.push(noLogin)
    const refused = await errorOf(urlOf("postgres", noLogin))
    expect(refused).toMatchObject({ code: "28000" })
    for (const raw of [unknownRole, refused]) {
      const error = classifyPgError("connect", raw)
      expect(error.reason).toBeInstanceOf(Misconfigured)
      expect(error.message).toContain("check the user and password")
    }
  })

  it("an unmigrated database (42883 through the adapter, 42P01 raw) is Misconfigured: run the migration", async () => {
    const fresh = urlOf(await freshDatabase())
    const error = await failure(eventStoreOn(fresh).read(tenantAccess(newTenantId()), "wf-1"))
    expect(error.reason).toBeInstanceOf(Misconfigured)
    expect(error.message).toContain("the database is not migrated: run workflow-manager-pg-migrate")
    const raw = await errorOf(fresh, "select * from workflow_events")
    expect(raw).toMatchObject({ code: "42P01" })
    expect(classifyPgError("EventStore.read", raw).reason).toBeInstanceOf(Misconfigured)
  })

  it("SET ROLE to a role this server does not have (22023 'role … does not exist') is Misconfigured", async () => {
    const raw = await errorOf(url, `set role wm_absent_${suffix()}`)
    expect(raw).toMatchObject({ code: "22023", message: expect.stringMatching(/^role ".*" does not exist$/) })
    const error = classifyPgError("EventStore.read", raw)
    expect(error.reason).toBeInstanceOf(Misconfigured)
    expect(error.message).toContain("creates the workflow_app role")
    // any other invalid parameter value stays the caller's data
    const other = await errorOf(url, "select generate_series(1, 10, 0)")
    expect(other).toMatchObject({ code: "22023" })
    expect(classifyPgError("EventStore.read", other).reason).toBeInstanceOf(InvalidData)
  })

  it("a composite foreign key to wm_instance_owners, key hidden by row-level security, is a Conflict", async () => {
    const database = await freshDatabase()
    const role = `wm_fk_${suffix()}`
    roles.push(role)
    await admin(`create role ${role} nologin`)
    await admin(
      `create table wm_instance_owners (instance_id text primary key, tenant_id uuid not null, unique (instance_id, tenant_id));
       create table probe (instance_id text not null, tenant_id uuid not null,
         constraint probe_instance_owner_fkey foreign key (instance_id, tenant_id)
           references wm_instance_owners (instance_id, tenant_id));
       alter table probe enable row level security;
       create policy probe_insert on probe for insert to ${role} with check (true);
       grant insert on probe to ${role};`,
      database
    )
    const tenantId = newTenantId()
    const raw = await errorOf(
      urlOf(database),
      `begin; set local role ${role}; insert into probe values ('wf-7', '${tenantId}'); commit`
    )
    // the reason for mapping by constraint name: PostgreSQL leaves the key values out of DETAIL
    expect(raw).toMatchObject({ code: "23503", constraint: "probe_instance_owner_fkey" })
    expect((raw as { detail?: string }).detail).not.toContain(tenantId)
    const error = classifyPgError("EventStore.append", raw, { tenantId, instanceId: "wf-7" })
    expect(error.reason).toBeInstanceOf(Conflict)
    expect(error.message).toContain("instance wf-7")
  })
})

await describeBackends("foreign keys through the adapter", (backend) => {
  const expectUnknownTenant = (error: StorageError, tenantId: string) =>
    expect(error.reason, error.operation).toMatchObject({ _tag: "NotFound", entity: "tenant", id: tenantId })

  it("a write for a tenant that does not exist is NotFound naming the tenant and its id", async () => {
    const { services } = backend()
    const unknown = newTenantId()
    const scope = tenantAccess(unknown)
    const spec = { instanceId: newInstanceId(), tenantId: unknown }
    expectUnknownTenant(await failure(services.eventStore.append(scope, eventsOf(spec, 1, 1), 0)), unknown)
    expectUnknownTenant(await failure(services.instanceStore.save(scope, stateOf(spec, 1))), unknown)
    expectUnknownTenant(await failure(services.workflowIndex.upsert(scope, entryOf(stateOf(spec, 1)))), unknown)
  })

  it("a market role assigned to a tenant that does not exist is NotFound naming it", async () => {
    const { services, inspect, admin } = backend()
    const operator = newTenantId()
    await inspect.ensureTenant(operator)
    // operators act for a registered operator organisation, where the schema has them
    await admin.query(
      `do $$ begin
         if to_regclass('wm_operator_organisations') is not null then
           insert into wm_operator_organisations (tenant_id) values ('${operator}') on conflict do nothing;
         end if;
       end $$`
    )
    const unknown = newTenantId()
    const assigned = services.marketRoles.assign(operatorAccess("ops-1", operator), { tenantId: unknown, role: "BRP" })
    expectUnknownTenant(await failure(assigned), unknown)
  })
})
