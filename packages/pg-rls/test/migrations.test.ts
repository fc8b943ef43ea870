/**
 * Migrations: idempotent, recorded with checksums, all-or-nothing, serialised between concurrent
 * migrators; an edited or unknown applied migration stops the run. On fresh databases of both
 * backends.
 */
import { execFile } from "node:child_process"
import { randomBytes } from "node:crypto"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { PGlite } from "@electric-sql/pglite"
import { entryOf, operatorAccess, systemAccess, tenantAccess } from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { Effect, Exit } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  checksum,
  createOperatorOrganisation,
  fromPGlite,
  fromPool,
  loadMigrations,
  type Migration,
  MigrationError,
  make,
  migrate,
  migrationsDirectory,
  type PGliteLike,
  type PgClient,
  type PoolLike
} from "../src/index.js"
import { eventsOf, newInstanceId, stateOf } from "./support/fixtures.js"

const failure = async (effect: Effect.Effect<unknown, MigrationError>): Promise<MigrationError> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error("expected the migration to fail")
  const reason = exit.cause.reasons[0]
  if (reason?._tag !== "Fail") throw new Error(String(exit.cause))
  return reason.error
}

const shipped = await Effect.runPromise(loadMigrations())
/** The newest shipped migration's version (every test expects the schema to reach it). */
const latest = shipped.length

const tables = (client: PgClient) =>
  client.query<{ relname: string }>(
    "select relname from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace order by relname"
  )

describe("shipped migrations", () => {
  it("are numbered SQL files found beside src/ (and dist/)", async () => {
    const migrations = await Effect.runPromise(loadMigrations())
    expect(migrations.length).toBeGreaterThan(0)
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(migrationsDirectory).toBe(join(dirname(fileURLToPath(import.meta.url)), "..", "migrations/"))
  })

  it("a missing folder is a MigrationError", async () => {
    const error = await failure(loadMigrations("/nonexistent/migrations"))
    expect(error).toBeInstanceOf(MigrationError)
    expect(error.reason).toBe("Failed")
  })
})

/** `isolated`: a database of its own, never used before (default `fresh`). */
const behaviour = (fresh: () => Promise<PgClient>, isolated: () => Promise<PgClient> = fresh) => {
  it("applies every migration once; a second run changes nothing", async () => {
    const client = await fresh()
    const first = await Effect.runPromise(migrate(client))
    expect(first.applied.map((m) => m.version)).toEqual(shipped.map((m) => m.version))
    expect(first.version).toBe(latest)
    const second = await Effect.runPromise(migrate(client))
    expect(second).toEqual({ applied: [], version: latest })
    const history = await client.query<{ version: number; checksum: string }>(
      "select version, checksum from wm_schema_migrations"
    )
    expect(history).toEqual(shipped.map((m: Migration) => ({ version: m.version, checksum: checksum(m.sql) })))
    expect((await tables(client)).map((t) => t.relname)).toEqual([
      "tenant_market_roles",
      "tenants",
      "users",
      "wm_instance_owners",
      "wm_login_throttle",
      "wm_operator_organisations",
      "wm_schema_migrations",
      "workflow_due_leases",
      "workflow_events",
      "workflow_instances",
      "workflow_instances_index",
      "workflow_outbox",
      "workflow_templates"
    ])
  })

  it("refuses to run when an applied migration was edited, or is unknown to the package", async () => {
    const client = await fresh()
    const shipped = await Effect.runPromise(loadMigrations())
    await Effect.runPromise(migrate(client, { migrations: shipped }))
    const edited = shipped.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }))
    const changed = await failure(migrate(client, { migrations: edited }))
    expect(changed.reason).toBe("Checksum")
    expect(changed.version).toBe(1)
    const unknown = await failure(migrate(client, { migrations: [] }))
    expect(unknown.reason).toBe("Unknown")
  })

  it("0005 on a database at version 4: the users already there are read in one statement, as their scope sees them", async () => {
    const client = await isolated()
    const upTo4 = shipped.filter((m) => m.version <= 4)
    expect((await Effect.runPromise(migrate(client, { migrations: upTo4 }))).version).toBe(4)
    const services = await Effect.runPromise(make({ client }))
    const organisation = await Effect.runPromise(
      createOperatorOrganisation(client, { companyName: "Operator NV", vatNumber: "BE0999999990" })
    )
    const ops = operatorAccess("ops", organisation)
    const tenant = await Effect.runPromise(
      services.tenants.create(ops, { companyName: "Participant NV", vatNumber: "BE0888888880" })
    )
    const user = await Effect.runPromise(
      services.users.create(tenantAccess(tenant.id), {
        tenantId: tenant.id,
        email: "old@participant.example",
        role: "tenant_admin"
      })
    )
    // before 0005 the adapter's one-statement read does not exist
    expect(
      await client.query("select * from wm_get_user($1, '', $2)", [tenant.id, user.id]).then(
        () => "ok",
        (error: { code?: string }) => error.code
      )
    ).toBe("42883")
    const report = await Effect.runPromise(migrate(client))
    expect(report.applied.map((m) => m.version)).toEqual(shipped.filter((m) => m.version > 4).map((m) => m.version))
    expect(await Effect.runPromise(services.users.get(tenantAccess(tenant.id), user.id))).toEqual(user)
    expect(await Effect.runPromise(services.users.get(ops, user.id))).toEqual(user)
    expect(await Effect.runPromise(services.users.get(tenantAccess(organisation), user.id))).toBeUndefined()
    expect(await Effect.runPromise(services.users.findByEmail(tenantAccess(tenant.id), user.email))).toEqual([user])
  })

  it("0006 on a database at version 5: instances already due are claimed, messages already queued are counted", async () => {
    const client = await isolated()
    const upTo5 = shipped.filter((m) => m.version <= 5)
    expect((await Effect.runPromise(migrate(client, { migrations: upTo5 }))).version).toBe(5)
    const services = await Effect.runPromise(make({ client }))
    const organisation = await Effect.runPromise(
      createOperatorOrganisation(client, { companyName: "Operator NV", vatNumber: "BE0999999991" })
    )
    const tenant = await Effect.runPromise(
      services.tenants.create(operatorAccess("ops", organisation), {
        companyName: "Participant NV",
        vatNumber: "BE0888888881"
      })
    )
    const access = tenantAccess(tenant.id)
    const spec = { instanceId: newInstanceId(), tenantId: tenant.id }
    const dueAt = "2026-11-26T10:00:00.000Z"
    await Effect.runPromise(
      services.workflowStore.commit(access, {
        events: eventsOf(spec, 1, 2),
        expectedVersion: 0,
        state: stateOf(spec, 2),
        messages: [
          {
            schemaVersion: 1,
            id: `${spec.instanceId}:notify`,
            tenantId: tenant.id,
            instanceId: spec.instanceId,
            sequence: 2,
            kind: "notify",
            payload: {},
            createdAt: dueAt,
            availableAt: dueAt
          }
        ]
      })
    )
    await Effect.runPromise(
      services.workflowIndex.upsert(access, { ...entryOf(stateOf(spec, 2)), version: 3, nextDueAt: dueAt })
    )
    // before 0006 the claim does not exist
    expect(
      await client.query("select * from wm_due_stats($1, '', now())", [tenant.id]).then(
        () => "ok",
        (error: { code?: string }) => error.code
      )
    ).toBe("42883")
    const report = await Effect.runPromise(migrate(client))
    expect(report.applied.map((m) => m.version)).toEqual(shipped.filter((m) => m.version > 5).map((m) => m.version))
    const worker = systemAccess("migrated-worker")
    const now = "2026-11-26T10:00:01.000Z"
    expect(await Effect.runPromise(services.dueWork.stats(worker, now))).toEqual({
      due: 1,
      leased: 0,
      oldestDueAt: dueAt
    })
    expect(
      await Effect.runPromise(services.dueWork.claim(worker, { owner: "w", now, leaseMs: 1000, limit: 10 }))
    ).toEqual([{ tenantId: tenant.id, instanceId: spec.instanceId, version: 3, dueAt }])
    expect(
      await Effect.runPromise((services.outbox.stats as NonNullable<typeof services.outbox.stats>)(access, now))
    ).toEqual({ waiting: 1, available: 1, oldestAvailableAt: dueAt, dead: 0 })
  })

  it("0007 on a database at version 6: a template published before is read as before; one published after keeps its key order", async () => {
    const client = await isolated()
    const upTo6 = shipped.filter((m) => m.version <= 6)
    expect((await Effect.runPromise(migrate(client, { migrations: upTo6 }))).version).toBe(6)
    const services = await Effect.runPromise(make({ client }))
    const template = (id: string) => ({
      schemaVersion: 1 as const,
      id,
      version: 1,
      name: id,
      marketRole: "BRP",
      steps: [{ id: "s", type: "form", config: { fields: { zeta: { label: "Z" }, a: { label: "A" } } } }]
    })
    const fieldsOf = async (id: string) => {
      const read = await Effect.runPromise(services.templateStore.get(id, 1))
      return Object.keys((read?.steps[0]?.config as { fields?: object } | undefined)?.fields ?? {})
    }
    // as version 6's store wrote it: the definition only
    await client.query(
      "insert into workflow_templates (id, version, name, market_role, definition) values ($1, 1, $1, 'BRP', $2::jsonb)",
      ["before-0007", JSON.stringify(template("before-0007"))]
    )
    const report = await Effect.runPromise(migrate(client))
    expect(report.applied.map((m) => m.version)).toEqual(shipped.filter((m) => m.version > 6).map((m) => m.version))
    // published before: its text was not kept, jsonb's order is all there is
    expect(await fieldsOf("before-0007")).toEqual(["a", "zeta"])
    await Effect.runPromise(services.templateStore.publish(template("after-0007")))
    expect(await fieldsOf("after-0007")).toEqual(["zeta", "a"])
    // publishing the earlier one again is still a no-op (same meaning), not a conflict
    await Effect.runPromise(services.templateStore.publish(template("before-0007")))
  })

  it("is all or nothing: a failing migration leaves no trace of the run", async () => {
    const client = await fresh()
    const shipped = await Effect.runPromise(loadMigrations())
    const broken: ReadonlyArray<Migration> = [
      ...shipped,
      { version: shipped.length + 1, name: "broken", sql: "create table half_done (id int); select 1 / 0;" }
    ]
    const error = await failure(migrate(client, { migrations: broken }))
    expect(error.reason).toBe("Failed")
    expect(error.version).toBe(shipped.length + 1)
    expect(error.message).toContain("division by zero")
    expect((await tables(client)).map((t) => t.relname)).not.toContain("half_done")
    expect((await tables(client)).map((t) => t.relname)).not.toContain("tenants")
  })
}

await describeWithService(PostgreSQL, "migrate [postgres]", (url) => {
  const created: Array<string> = []
  const pools: Array<pg.Pool> = []
  const dbUrl = (name: string) => {
    const u = new URL(url)
    u.pathname = `/${name}`
    return u.toString()
  }
  const fresh = async (): Promise<PgClient> => {
    const name = `wm_test_${randomBytes(6).toString("hex")}`
    const server = new pg.Client({ connectionString: url })
    await server.connect()
    await server.query(`create database ${name}`)
    await server.end()
    created.push(name)
    const pool = new pg.Pool({ connectionString: dbUrl(name), max: 4 })
    pool.on("error", () => {})
    pools.push(pool)
    return fromPool(pool as unknown as PoolLike)
  }
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()))
    const server = new pg.Client({ connectionString: url })
    await server.connect()
    for (const name of created) await server.query(`drop database if exists ${name} with (force)`)
    for (const { rolname } of (
      await server.query<{ rolname: string }>("select rolname from pg_roles where rolname like 'wm_owner_%'")
    ).rows) {
      await server.query(`drop role if exists ${rolname}`).catch(() => undefined)
    }
    await server.end()
  })

  behaviour(fresh)

  it("serialises concurrent migrators: exactly one applies, the others find the schema current", async () => {
    const client = await fresh()
    const reports = await Promise.all(Array.from({ length: 4 }, () => Effect.runPromise(migrate(client))))
    expect(reports.filter((r) => r.applied.length > 0)).toHaveLength(1)
    expect(reports.map((r) => r.version)).toEqual([latest, latest, latest, latest])
  })

  it("runs as a non-superuser owner, which registers the operator organisation; its operator scope works", async () => {
    const owner = `wm_owner_${randomBytes(6).toString("hex")}`
    const name = `wm_test_${randomBytes(6).toString("hex")}`
    const server = new pg.Client({ connectionString: url })
    await server.connect()
    try {
      await server.query(`create role ${owner} login nosuperuser nocreaterole nocreatedb`)
      await server.query(`create database ${name} owner ${owner}`)
      created.push(name)
      const u = new URL(dbUrl(name))
      u.username = owner
      const pool = new pg.Pool({ connectionString: u.toString(), max: 2 })
      pool.on("error", () => {})
      pools.push(pool)
      const asOwner = fromPool(pool as unknown as PoolLike)
      const report = await Effect.runPromise(migrate(asOwner))
      expect(report.version).toBe(latest)
      const organisation = await Effect.runPromise(
        createOperatorOrganisation(asOwner, { companyName: "Operator NV", vatNumber: "BE0999999999" })
      )
      // the application connects as a login role that is a member of workflow_app, never as the owner
      const app = `${owner}_app`
      await server.query(`create role ${app} login in role workflow_app`)
      const a = new URL(dbUrl(name))
      a.username = app
      const appPool = new pg.Pool({ connectionString: a.toString(), max: 2 })
      appPool.on("error", () => {})
      pools.push(appPool)
      const asApp = fromPool(appPool as unknown as PoolLike)
      const refused = await Effect.runPromiseExit(
        createOperatorOrganisation(asApp, { companyName: "Rogue NV", vatNumber: "BE0777777777" })
      )
      expect(Exit.isFailure(refused) && JSON.stringify(refused.cause)).toContain("TenantViolation")
      const services = await Effect.runPromise(make({ client: asApp }))
      const ops = operatorAccess("ops", organisation)
      const tenant = await Effect.runPromise(
        services.tenants.create(ops, { companyName: "Participant NV", vatNumber: "BE0888888888" })
      )
      expect((await Effect.runPromise(services.tenants.list(ops))).map((t) => t.id).sort()).toEqual(
        [organisation, tenant.id].sort()
      )
      const asTenant = await Effect.runPromiseExit(services.tenants.list(operatorAccess("ops", tenant.id)))
      expect(Exit.isFailure(asTenant) && JSON.stringify(asTenant.cause)).toContain("TenantViolation")
      expect(await Effect.runPromise(services.tenants.get(tenantAccess(tenant.id), tenant.id))).toMatchObject({
        companyName: "Participant NV"
      })
      // the one-statement user read works for a member of workflow_app, as the scope sees the row
      const user = await Effect.runPromise(
        services.users.create(tenantAccess(tenant.id), {
          tenantId: tenant.id,
          email: "admin@participant.example",
          role: "tenant_admin"
        })
      )
      expect(await Effect.runPromise(services.users.get(tenantAccess(tenant.id), user.id))).toEqual(user)
      expect(await Effect.runPromise(services.users.get(tenantAccess(organisation), user.id))).toBeUndefined()
    } finally {
      await server.end()
    }
  })

  it("the CLI migrates (built dist)", async () => {
    const client = await fresh()
    const name = created[created.length - 1] as string
    const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js")
    const run = promisify(execFile)
    const first = await run(process.execPath, [cli, "--url", dbUrl(name)])
    expect(first.stdout).toContain("applied 0001 initial")
    const second = await run(process.execPath, [cli], { env: { ...process.env, DATABASE_URL: dbUrl(name) } })
    expect(second.stdout).toContain(`schema is current (version ${latest})`)
    const status = await run(process.execPath, [cli, "--url", dbUrl(name), "--status"])
    expect(status.stdout).toMatch(/0001 initial {2}applied /)
    expect((await tables(client)).length).toBe(13)
    const bad = await run(process.execPath, [cli, "--url", "postgres://postgres@127.0.0.1:1/none"]).catch(
      (error: { code: number; stderr: string }) => error
    )
    expect(bad).toMatchObject({ code: 1 })
    expect((bad as { stderr: string }).stderr).toContain("ECONNREFUSED")
  })
})

describe("migrate [pglite]", () => {
  const dbs: Array<PGlite> = []
  let shared: PGlite
  beforeAll(async () => {
    shared = await PGlite.create()
  })
  afterAll(async () => {
    await Promise.all([shared?.close(), ...dbs.map((db) => db.close())])
  })
  // one instance per behaviour would cost seconds each: reset the schema of a shared instance instead
  const fresh = async (): Promise<PgClient> => {
    await shared.exec("drop schema public cascade; create schema public;")
    return fromPGlite(shared as unknown as PGliteLike)
  }
  // the upgrade runs the scoped functions between two migrations; on the shared instance, whose schema
  // was dropped under the same session, that meets a stale relation (a session cache): it gets its own
  const isolated = async (): Promise<PgClient> => {
    const db = await PGlite.create()
    dbs.push(db)
    return fromPGlite(db as unknown as PGliteLike)
  }
  behaviour(fresh, isolated)
})
