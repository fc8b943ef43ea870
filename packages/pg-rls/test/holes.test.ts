/**
 * The six holes of issue 10, each reproduced as the attack that found it — through the adapter
 * and as `workflow_app` with plain SQL — and each shown to be a live probe: the same attack on a
 * deliberately weakened setup (a constraint dropped, a grant added, an organisation registered,
 * inside a transaction that is rolled back) does get through. The temp-table hijack runs on a pool
 * of one connection on the server (PGlite is one connection anyway); the pre-existing role check
 * runs on fresh PGlite instances, whose roles are their own (a server's are shared by every test
 * database of the cluster).
 */
import { randomBytes } from "node:crypto"
import { PGlite } from "@electric-sql/pglite"
import {
  type Actor,
  accessOf,
  createEngine,
  entryOf,
  keyedInstanceId,
  MARKET_OPS,
  operatorAccess,
  type StorageError,
  tenantAccess
} from "@workflow-manager/core"
import type { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  createOperatorOrganisation,
  fromPGlite,
  fromPool,
  layer,
  type MigrationError,
  make,
  migrate,
  type PGliteLike,
  type PgClient,
  type PgQueryable,
  type PgRlsServices,
  type PoolLike
} from "../src/index.js"
import {
  argon2idHash,
  bcryptHash,
  becomeApp,
  failureOf,
  freshVat,
  inScope,
  reasonOf,
  rolledBack,
  run,
  type Seeded,
  seedTenant,
  sqlstate,
  sqlstateIn
} from "./support/attacks.js"
import { describeBackends } from "./support/backends.js"
import { eventsOf, laterEvent, newInstanceId, newTenantId, stateOf, template } from "./support/fixtures.js"

const hex = (): string => randomBytes(4).toString("hex")

/** The foreign keys of `table` that reference the instance ownership table. */
const ownershipKeys = async (q: PgQueryable, table: string): Promise<ReadonlyArray<string>> =>
  (
    await q.query<{ name: string }>(
      `select conname as name from pg_constraint
        where conrelid = $1::regclass and contype = 'f' and confrelid = 'wm_instance_owners'::regclass`,
      [table]
    )
  ).map((row) => row.name)

const dropConstraints = async (q: PgQueryable, table: string, names: ReadonlyArray<string>): Promise<void> => {
  for (const name of names) await q.query(`alter table ${table} drop constraint "${name}"`)
}

/**
 * The weakened setup of hole 2: `table` without its ownership keys and without its user triggers
 * (the insert-time owner check that runs before the keys, and the guards, which never touch an insert).
 */
const withoutOwnership = async (q: PgQueryable, table: string): Promise<void> => {
  const keys = await ownershipKeys(q, table)
  expect(keys.length, table).toBeGreaterThan(0)
  await dropConstraints(q, table, keys)
  await q.query(`alter table ${table} disable trigger user`)
}

/** What a statement did: its SQLSTATE, `"nothing"` (no row returned) or `"rows"`. */
const outcome = (rows: Promise<ReadonlyArray<unknown>>): Promise<string> =>
  rows.then(
    (result) => (result.length === 0 ? "nothing" : "rows"),
    (error: { code?: string }) => error.code ?? String(error)
  )

const actor = (userId: string, tenantId: string, role: string): Actor => ({ userId, tenantId, role, permissions: [] })

await describeBackends("issue 10 holes", (backend) => {
  let A: Seeded
  let B: Seeded
  let operatorOrganisation: string | undefined

  beforeAll(async () => {
    A = await seedTenant(backend(), "a")
    B = await seedTenant(backend(), "b")
  })

  /** The operator's organisation, registered by the owner (once per backend). */
  const operatorOrg = async (): Promise<string> => {
    if (operatorOrganisation !== undefined) return operatorOrganisation
    const id = await run(
      createOperatorOrganisation(backend().admin, { companyName: "Grid Operator", vatNumber: freshVat() })
    )
    operatorOrganisation = id
    return id
  }

  describe("hole 1: a tenant can mint operators", () => {
    const insertOperator = "insert into users (tenant_id, email, role) values ($1, $2, 'market_ops')"

    it("a tenant cannot give its users the market_ops role, through the repository or in SQL", async () => {
      const { services, admin } = backend()
      const asA = tenantAccess(A.tenantId)
      const email = `mint-${hex()}@a.example`
      expect(
        await failureOf(services.users.create(asA, { tenantId: A.tenantId, email, role: MARKET_OPS }))
      ).toMatchObject({ _tag: "StorageError", reason: { _tag: "TenantViolation" } })
      expect(await failureOf(services.users.update(asA, A.userId, { role: MARKET_OPS }))).toMatchObject({
        _tag: "StorageError",
        reason: { _tag: "TenantViolation" }
      })
      expect(
        await sqlstate(inScope(admin, A.tenantId, "", (tx) => tx.query(insertOperator, [A.tenantId, email])))
      ).toBe("42501")
      expect(
        await sqlstate(
          inScope(admin, A.tenantId, "", (tx) =>
            tx.query("update users set role = 'market_ops' where id = $1 returning 1", [A.userId])
          )
        )
      ).toBe("42501")
      const roles = await admin.query<{ role: string }>("select role from users where tenant_id = $1", [A.tenantId])
      expect(roles.map((row) => row.role)).toEqual(["tenant_admin"])
      // weakened: A registered as an operator organisation — the same insert goes through
      const weakened = await rolledBack(admin, async (tx) => {
        await tx.query("insert into wm_operator_organisations (tenant_id) values ($1)", [A.tenantId])
        await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
        return sqlstateIn(tx, insertOperator, [A.tenantId, `weak-${hex()}@a.example`])
      })
      expect(weakened).toBe("ok")
    })

    it("a market_ops actor of a participant's tenant reads nothing, not even its own tenant", async () => {
      const { services, admin, inspect } = backend()
      const access = accessOf(actor(A.userId, A.tenantId, MARKET_OPS))
      expect(access).toEqual(operatorAccess(A.userId, A.tenantId))
      const calls: Array<[string, Effect.Effect<unknown, StorageError>]> = [
        ["EventStore.read of B", services.eventStore.read(access, B.instanceId)],
        ["EventStore.read of A", services.eventStore.read(access, A.instanceId)],
        ["InstanceStore.get", services.instanceStore.get(access, B.instanceId)],
        ["InstanceStore.getMany", services.instanceStore.getMany(access, [B.instanceId])],
        ["WorkflowIndex.get", services.workflowIndex.get(access, B.instanceId)],
        ["WorkflowIndex.query", services.workflowIndex.query(access, {}, { limit: 10 })],
        ["WorkflowStore.load", services.workflowStore.load(access, B.instanceId)],
        ["Users.list", services.users.list(access)],
        ["Tenants.list", services.tenants.list(access)],
        ["MarketRoles.list", services.marketRoles.list(access)],
        [
          "EventStore.append to B",
          services.eventStore.append(access, [laterEvent({ instanceId: B.instanceId, tenantId: B.tenantId }, 4)], 3)
        ]
      ]
      for (const [name, call] of calls) expect(await reasonOf(call), name).toBe("TenantViolation")
      expect(await inspect.events(B.instanceId)).toHaveLength(3)
      // the scope entry refuses it in SQL too, with or without a tenant
      for (const tenant of [A.tenantId, B.tenantId, ""]) {
        expect(
          await sqlstate(inScope(admin, tenant, MARKET_OPS, (tx) => tx.query("select 1 from workflow_events"))),
          tenant
        ).toBe("42501")
      }
      // weakened: A registered as an operator organisation — the same scope reads B's log
      const leaked = await rolledBack(admin, async (tx) => {
        await tx.query("insert into wm_operator_organisations (tenant_id) values ($1)", [A.tenantId])
        await tx.query("select wm_enter_scope($1, $2)", [A.tenantId, MARKET_OPS])
        return tx.query("select sequence from workflow_events where instance_id = $1", [B.instanceId])
      })
      expect(leaked).toHaveLength(3)
    })

    it("a market_ops user of the registered operator organisation reads every tenant, and mints no operator elsewhere", async () => {
      const { services, admin, inspect } = backend()
      const ops = await operatorOrg()
      const opsUser = await run(
        services.users.create(operatorAccess("ops-admin", ops), {
          tenantId: ops,
          email: `ops-${hex()}@operator.example`,
          role: MARKET_OPS,
          passwordHash: bcryptHash()
        })
      )
      const access = accessOf(actor(opsUser.id, ops, MARKET_OPS))
      expect(access).toEqual(operatorAccess(opsUser.id, ops))
      expect(await run(services.eventStore.read(access, B.instanceId))).toEqual(await inspect.events(B.instanceId))
      const page = await run(services.workflowIndex.query(access, { tenantId: B.tenantId }, { limit: 10 }))
      expect(page.items.map((entry) => entry.instanceId)).toContain(B.instanceId)
      // an operator still cannot make a participant's user an operator
      const email = `mint-${hex()}@a.example`
      expect(await reasonOf(services.users.create(access, { tenantId: A.tenantId, email, role: MARKET_OPS }))).toBe(
        "TenantViolation"
      )
      expect(await reasonOf(services.users.update(access, A.userId, { role: MARKET_OPS }))).toBe("TenantViolation")
      expect(
        await sqlstate(inScope(admin, ops, MARKET_OPS, (tx) => tx.query(insertOperator, [A.tenantId, email])))
      ).toBe("42501")
    })

    it("only the owner registers operator organisations", async () => {
      const { admin } = backend()
      const ops = await operatorOrg()
      expect(await admin.query("select 1 from wm_operator_organisations where tenant_id = $1", [ops])).toHaveLength(1)
      const scopes: ReadonlyArray<[string, string]> = [
        [A.tenantId, ""],
        [ops, ""],
        [ops, MARKET_OPS],
        ["", ""]
      ]
      for (const [tenant, role] of scopes) {
        const label = `${tenant || "none"}/${role || "tenant"}`
        const attempt = (sql: string, params: ReadonlyArray<unknown>) =>
          sqlstate(inScope(admin, tenant, role, (tx) => tx.query(sql, params)))
        expect(
          await attempt("insert into wm_operator_organisations (tenant_id) values ($1)", [A.tenantId]),
          label
        ).toBe("42501")
        expect(await attempt("delete from wm_operator_organisations", []), label).toBe("42501")
        expect(
          await attempt("select wm_create_operator_organisation($1, 'Rogue Grid', $2)", [newTenantId(), freshVat()]),
          label
        ).toBe("42501")
      }
      const [grants] = await admin.query<{ app: boolean }>(
        `select has_function_privilege('workflow_app', 'wm_create_operator_organisation(uuid, text, text)', 'EXECUTE') as app`
      )
      expect(grants?.app).toBe(false)
      expect(await admin.query("select 1 from wm_operator_organisations where tenant_id = $1", [A.tenantId])).toEqual(
        []
      )
    })
  })

  describe("hole 2: a tenant can write into another tenant's event log", () => {
    const insertEvent = `insert into workflow_events (instance_id, sequence, tenant_id, type, occurred_at, event)
      values ($1, $2, $3, $4, now(), $5::jsonb)`

    it("an event at B's next sequence, in A's name, is refused for every role, and B carries on", async () => {
      const { admin, services, inspect } = backend()
      const spec = { instanceId: B.instanceId, tenantId: B.tenantId }
      const next = (await inspect.events(B.instanceId)).length + 1
      const forged = (sequence: number) => {
        const event = { ...laterEvent(spec, sequence), tenantId: A.tenantId }
        return [B.instanceId, sequence, A.tenantId, event.type, JSON.stringify(event)]
      }
      expect(await sqlstate(inScope(admin, A.tenantId, "", (tx) => tx.query(insertEvent, forged(next))))).toBe("23503")
      expect(await sqlstate(admin.query(insertEvent, forged(next))), "as the owner").toBe("23503")
      // the ownership table itself can be neither rewritten nor read across tenants
      const claim = "insert into wm_instance_owners (instance_id, tenant_id) values ($1, $2) returning 1"
      const steal = "update wm_instance_owners set tenant_id = $2 where instance_id = $1 returning 1"
      const list = "select tenant_id from wm_instance_owners where instance_id = $1 and $2::uuid is not null"
      for (const sql of [claim, steal, list]) {
        const result = await outcome(inScope(admin, A.tenantId, "", (tx) => tx.query(sql, [B.instanceId, A.tenantId])))
        expect(["42501", "23505", "nothing"], sql).toContain(result)
      }
      expect((await inspect.events(B.instanceId)).map((e) => e.tenantId)).toEqual(Array(next - 1).fill(B.tenantId))
      // B's instance keeps working
      await run(
        services.workflowStore.commit(tenantAccess(B.tenantId), {
          events: [laterEvent(spec, next)],
          expectedVersion: next - 1,
          state: stateOf(spec, next),
          messages: []
        })
      )
      expect(await inspect.events(B.instanceId)).toEqual(eventsOf(spec, 1, next))
      // weakened: without the ownership key and check the same insert as workflow_app is accepted
      const weakened = await rolledBack(admin, async (tx) => {
        await withoutOwnership(tx, "workflow_events")
        await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
        return sqlstateIn(tx, insertEvent, forged(next + 1))
      })
      expect(weakened).toBe("ok")
    })

    it("state and index rows of B's instance cannot be written in A's name, for every role", async () => {
      const { admin, services, inspect } = backend()
      const asB = tenantAccess(B.tenantId)
      // B's instance with events only: its projections are still to be written
      const spec = { instanceId: newInstanceId(), tenantId: B.tenantId }
      await run(services.eventStore.append(asB, eventsOf(spec, 1, 2), 0))
      const state = { ...stateOf(spec, 2), tenantId: A.tenantId }
      const entry = { ...entryOf(stateOf(spec, 2)), tenantId: A.tenantId }
      const writes: ReadonlyArray<[string, string, ReadonlyArray<unknown>]> = [
        [
          "workflow_instances",
          "insert into workflow_instances (instance_id, tenant_id, version, state) values ($1, $2, 2, $3::jsonb)",
          [spec.instanceId, A.tenantId, JSON.stringify(state)]
        ],
        [
          "workflow_instances_index",
          `insert into workflow_instances_index (instance_id, tenant_id, template_id, template_version, market_role,
             status, version, created_at, updated_at, entry)
           values ($1, $2, 'contract-onboarding', 1, 'BRP', 'DRAFT', 2, now(), now(), $3::jsonb)`,
          [spec.instanceId, A.tenantId, JSON.stringify(entry)]
        ],
        [
          "workflow_outbox",
          `insert into workflow_outbox (id, tenant_id, instance_id, sequence, kind, message, available_at)
           values ($1 || ':forged', $2, $1, 2, 'notify', '{}', now())`,
          [spec.instanceId, A.tenantId]
        ]
      ]
      for (const [table, sql, params] of writes) {
        expect(await sqlstate(inScope(admin, A.tenantId, "", (tx) => tx.query(sql, params))), table).toBe("23503")
        expect(await sqlstate(admin.query(sql, params)), `${table} as the owner`).toBe("23503")
        // weakened: without the ownership key and check the row goes in
        const weakened = await rolledBack(admin, async (tx) => {
          await withoutOwnership(tx, table)
          await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
          return sqlstateIn(tx, sql, params)
        })
        expect(weakened, `${table} weakened`).toBe("ok")
      }
      // B writes its projections normally
      expect(await run(services.instanceStore.save(asB, stateOf(spec, 2)))).toBe(true)
      expect(await run(services.workflowIndex.upsert(asB, entryOf(stateOf(spec, 2))))).toBe(true)
      expect((await inspect.state(spec.instanceId))?.tenantId).toBe(B.tenantId)
      expect((await inspect.indexEntry(spec.instanceId))?.tenantId).toBe(B.tenantId)
    })
  })

  describe("hole 3: keyed instance ids can be squatted", () => {
    const SECRET = "issue-10-server-secret"

    it("another tenant holding the derived id does not block the owner's keyed create; a secret hides the ids", async () => {
      const { client, admin, inspect } = backend()
      const templateId = `squat-${hex()}`
      await admin.query(
        "insert into workflow_templates (id, version, name, market_role, definition) values ($1, 1, $2, 'BRP', $3::jsonb)",
        [templateId, `Template ${templateId}`, JSON.stringify(template(templateId, 1, "BRP"))]
      )
      const engine = await createEngine({ stores: layer({ client }), handlers: [] })
      const secretEngine = await createEngine({ stores: layer({ client }), handlers: [], keySecret: SECRET })
      const owner = actor("u-a", A.tenantId, "tenant_admin")
      const squatter = actor("u-b", B.tenantId, "tenant_admin")
      /** B occupies the ids A's keyed create derives without a secret (attempts 0 to n - 1). */
      const squat = async (key: string, n: number) => {
        const ids = Array.from({ length: n }, (_, attempt) => keyedInstanceId(A.tenantId, key, { attempt }))
        for (const instanceId of ids) {
          const held = await engine.create({ actor: squatter, templateId, instanceId })
          expect(held.state).toMatchObject({ instanceId, tenantId: B.tenantId })
        }
        return ids
      }
      try {
        // B holds the first derived id: A gets the next one, cleanly, and the same one on a repeat
        const key = `order-${hex()}`
        const [predicted] = await squat(key, 1)
        const first = await engine.create({ actor: owner, templateId, idempotencyKey: key })
        expect(first.state.tenantId).toBe(A.tenantId)
        expect(first.state.instanceId).toBe(keyedInstanceId(A.tenantId, key, { attempt: 1 }))
        const repeat = await engine.create({ actor: owner, templateId, idempotencyKey: key })
        expect(repeat.state).toEqual(first.state)
        expect((await inspect.events(predicted as string)).map((e) => e.tenantId)).toEqual([B.tenantId])
        expect((await inspect.events(first.state.instanceId)).map((e) => e.tenantId)).toEqual([A.tenantId])
        // 20 concurrent first creates past a squatted id: one instance, every caller gets it
        const raced = `order-${hex()}`
        await squat(raced, 1)
        const results = await Promise.all(
          Array.from({ length: 20 }, () => engine.create({ actor: owner, templateId, idempotencyKey: raced }))
        )
        const racedIds = [...new Set(results.map((r) => r.state.instanceId))]
        expect(racedIds).toEqual([keyedInstanceId(A.tenantId, raced, { attempt: 1 })])
        expect(await inspect.events(racedIds[0] as string)).toHaveLength(1)
        // weakened (no secret, every fallback squatted too): the attack blocks A
        const blocked = `order-${hex()}`
        await squat(blocked, 4)
        const refused = await engine
          .create({ actor: owner, templateId, idempotencyKey: blocked })
          .catch((error: unknown) => error)
        expect(refused).toMatchObject({ _tag: "StorageError", reason: { _tag: "Conflict" } })
        // with a server secret, the same squats miss: the ids cannot be computed from (tenant, key)
        const hidden = `order-${hex()}`
        const squatted = await squat(hidden, 4)
        const secret = await secretEngine.create({ actor: owner, templateId, idempotencyKey: hidden })
        expect(squatted).not.toContain(secret.state.instanceId)
        expect(secret.state.instanceId).toBe(keyedInstanceId(A.tenantId, hidden, { secret: SECRET }))
        expect(secret.state.tenantId).toBe(A.tenantId)
        const again = await secretEngine.create({ actor: owner, templateId, idempotencyKey: hidden })
        expect(again.state).toEqual(secret.state)
      } finally {
        await engine.dispose()
        await secretEngine.dispose()
      }
    })
  })

  describe("hole 4: a pooled connection can be hijacked by a temporary table", () => {
    /** One connection the attacker prepared, and the adapter on it (a pool of 1; PGlite is one connection). */
    const hijacked = async (body: (client: PgClient, services: PgRlsServices, schema: string) => Promise<void>) => {
      const b = backend()
      const pool = b.newPool?.(1)
      const client = pool === undefined ? b.client : fromPool(pool as unknown as PoolLike)
      try {
        const [row] = await client.query<{ schema: string }>("select current_schema() as schema")
        await body(client, await run(make({ client })), (row as { schema: string }).schema)
      } finally {
        await client.exec("discard temp")
        await pool?.end()
      }
    }
    /** A temp table shaped like `schema.table`, open to every role (as an attacker would leave it). */
    const shadow = (client: PgClient, schema: string, table: string) =>
      client.exec(
        `create temp table ${table} (like ${schema}.${table} including defaults); grant all on pg_temp.${table} to public`
      )

    it("a temp table users does not capture a tenant's new user, nor feed the sign-in", async () => {
      await hijacked(async (client, services, schema) => {
        await shadow(client, schema, "users")
        const email = `victim-${hex()}@a.example`
        const passwordHash = bcryptHash()
        const asA = tenantAccess(A.tenantId)
        const user = await run(
          services.users.create(asA, { tenantId: A.tenantId, email, role: "tenant_user", passwordHash })
        )
        const stored = await backend().admin.query(`select 1 from ${schema}.users where id = $1`, [user.id])
        expect(stored).toHaveLength(1)
        expect(await client.query("select * from pg_temp.users")).toEqual([])
        expect((await run(services.users.get(asA, user.id)))?.email).toBe(email)
        // a forged account in the temp table is not a sign-in candidate
        await client.query(
          "insert into pg_temp.users (id, tenant_id, email, role, password_hash, status) values (gen_random_uuid(), $1, $2, 'tenant_admin', $3, 'ACTIVE')",
          [B.tenantId, B.email, bcryptHash()]
        )
        const candidates = await run(services.users.loginCandidates(B.email))
        expect(candidates.map((c) => [c.user.id, c.passwordHash])).toEqual([[B.userId, B.passwordHash]])
        await client.exec("truncate pg_temp.users")
        // weakened: the scope entry without the pinned path (the adapter's old way) writes into the temp table
        const captured = await rolledBack(client, async (tx) => {
          await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
          await tx.query("insert into users (tenant_id, email, role) values ($1, $2, 'tenant_user')", [
            A.tenantId,
            `captured-${hex()}@a.example`
          ])
          return tx.query("select 1 from pg_temp.users")
        })
        expect(captured).toHaveLength(1)
      })
    })

    it("temp tables named like the scoped functions' tables capture none of their writes and reads", async () => {
      await hijacked(async (client, services, schema) => {
        const tables = (
          await client.query<{ name: string }>(
            `select relname as name from pg_class where relnamespace = $1::regnamespace and relkind = 'r'
              and (relname like 'workflow\\_%' or relname like 'wm\\_%') and relname <> 'wm_schema_migrations'`,
            [schema]
          )
        ).map((row) => row.name)
        expect(tables).toEqual(expect.arrayContaining(["workflow_events", "workflow_instances", "wm_instance_owners"]))
        // read before the shadows exist: on PGlite the inspecting client is the hijacked connection
        const eventsOfA = await backend().inspect.events(A.instanceId)
        for (const table of tables) await shadow(client, schema, table)
        const asA = tenantAccess(A.tenantId)
        const spec = { instanceId: newInstanceId(), tenantId: A.tenantId }
        await run(
          services.workflowStore.commit(asA, {
            events: eventsOf(spec, 1, 2),
            expectedVersion: 0,
            state: stateOf(spec, 2),
            messages: []
          })
        )
        const { admin } = backend()
        for (const table of tables) {
          expect(await client.query(`select 1 from pg_temp.${table}`), table).toEqual([])
        }
        const real = await admin.query<{ event: unknown }>(
          `select event from ${schema}.workflow_events where instance_id = $1 order by sequence`,
          [spec.instanceId]
        )
        expect(real.map((row) => row.event)).toEqual(eventsOf(spec, 1, 2))
        // a forged event in the temp events table is never read
        const forged = laterEvent({ instanceId: A.instanceId, tenantId: A.tenantId }, 50)
        const insertForged = `insert into pg_temp.workflow_events (instance_id, sequence, tenant_id, type, occurred_at, event)
          values ($1, 50, $2, $3, now(), $4::jsonb)`
        await client.query(insertForged, [A.instanceId, A.tenantId, forged.type, JSON.stringify(forged)])
        expect(await run(services.eventStore.read(asA, A.instanceId))).toEqual(eventsOfA)
        // weakened: the same read function without its pinned path reads the attacker's table
        const leaked = await rolledBack(client, async (tx) => {
          const [fn] = await tx.query<{ sig: string }>(
            "select p.oid::regprocedure::text as sig from pg_proc p where p.proname = 'wm_read_events' and p.pronamespace = $1::regnamespace",
            [schema]
          )
          await tx.query(`alter function ${(fn as { sig: string }).sig} reset search_path`)
          return tx.query<{ doc: { sequence: number } }>(
            "select doc from wm_read_events($1, '', $2, null, null, null, null) as t (doc)",
            [A.tenantId, A.instanceId]
          )
        })
        expect(leaked.map((row) => row.doc.sequence)).toEqual([50])
      })
    })

    it("a temp domain named jsonb captures none of the documents the scoped functions are sent", async () => {
      await hijacked(async (client, services) => {
        // every value cast to `jsonb` by an unpinned statement on this connection passes the domain's check
        await client.exec(`
          create temp table stolen (doc pg_catalog.jsonb);
          grant all on pg_temp.stolen to public;
          create function pg_temp.steal(doc pg_catalog.jsonb) returns boolean language sql
            as 'insert into pg_temp.stolen values (doc) returning true';
          create domain pg_temp.jsonb as pg_catalog.jsonb check (pg_temp.steal(value));
        `)
        const asA = tenantAccess(A.tenantId)
        const spec = { instanceId: newInstanceId(), tenantId: A.tenantId }
        await run(
          services.workflowStore.commit(asA, {
            events: eventsOf(spec, 1, 2),
            expectedVersion: 0,
            state: stateOf(spec, 2),
            messages: []
          })
        )
        expect(await run(services.instanceStore.getMany(asA, [spec.instanceId]))).toHaveLength(1)
        expect(await client.query("select doc from pg_temp.stolen")).toEqual([])
        // weakened: the same cast, unqualified, in a statement of its own, is captured
        await client.query("select $1::jsonb as doc", [JSON.stringify({ tenantId: A.tenantId })])
        expect(await client.query("select doc from pg_temp.stolen")).toEqual([{ doc: { tenantId: A.tenantId } }])
      })
    })
  })

  describe("hole 6: password hashes are unchecked and readable", () => {
    const accepted: ReadonlyArray<[string, string]> = [
      ["bcrypt $2b$ cost 10", bcryptHash(10)],
      ["bcrypt $2a$ cost 12", bcryptHash(12, "2a")],
      ["bcrypt $2y$ cost 10", bcryptHash(10, "2y")],
      ["argon2id m=19456,t=2,p=1", argon2idHash()],
      ["argon2id m=47104,t=1,p=1", argon2idHash(47_104, 1, 1)],
      ["argon2id m=7168,t=5,p=1", argon2idHash(7168, 5, 1)],
      ["argon2id m=9216,t=4,p=1", argon2idHash(9216, 4, 1)]
    ]
    const refused: ReadonlyArray<[string, string]> = [
      ["a password", "hunter2"],
      ["bcrypt cost 04", bcryptHash(4)],
      ["bcrypt cost 09", bcryptHash(9)],
      ["bcrypt, 52 characters", bcryptHash(10, "2b", 52)],
      ["bcrypt, 54 characters", bcryptHash(10, "2b", 54)],
      ["bcrypt $2x$", bcryptHash(10, "2x")],
      ["argon2id m=1024", argon2idHash(1024, 2, 1)],
      ["argon2id m=7168,t=4 (m*t too low)", argon2idHash(7168, 4, 1)],
      ["argon2id m=6144,t=10 (m too low)", argon2idHash(6144, 10, 1)],
      ["argon2id p=0", argon2idHash(19_456, 2, 0)],
      ["argon2i", argon2idHash(19_456, 2, 1, "argon2i")]
    ]
    const insertUser = "insert into users (tenant_id, email, role, password_hash) values ($1, $2, 'tenant_user', $3)"

    it("only argon2id and bcrypt hashes at OWASP parameters are stored, by the repository and the database", async () => {
      const { services, admin } = backend()
      const asA = tenantAccess(A.tenantId)
      const spare = await run(
        services.users.create(asA, { tenantId: A.tenantId, email: `spare-${hex()}@a.example`, role: "tenant_user" })
      )
      for (const [name, hash] of accepted) {
        const email = `ok-${hex()}@a.example`
        expect(
          await reasonOf(
            services.users.create(asA, { tenantId: A.tenantId, email, role: "tenant_user", passwordHash: hash })
          ),
          name
        ).toBe("ok")
        expect(await reasonOf(services.users.setPasswordHash(asA, spare.id, hash)), name).toBe("ok")
      }
      for (const [name, hash] of refused) {
        const email = `bad-${hex()}@a.example`
        expect(
          await reasonOf(
            services.users.create(asA, { tenantId: A.tenantId, email, role: "tenant_user", passwordHash: hash })
          ),
          name
        ).toBe("InvalidData")
        expect(await reasonOf(services.users.setPasswordHash(asA, spare.id, hash)), name).toBe("InvalidData")
        expect(
          await sqlstate(inScope(admin, A.tenantId, "", (tx) => tx.query(insertUser, [A.tenantId, email, hash]))),
          name
        ).toBe("23514")
        expect(await sqlstate(admin.query(insertUser, [A.tenantId, email, hash])), `${name} as the owner`).toBe("23514")
      }
      // weakened: without the check the database stores a password as a hash
      const weakened = await rolledBack(admin, async (tx) => {
        const checks = await tx.query<{ name: string }>(
          `select conname as name from pg_constraint where conrelid = 'users'::regclass and contype = 'c'
            and pg_get_constraintdef(oid) like '%password_hash%'`
        )
        await dropConstraints(
          tx,
          "users",
          checks.map((c) => c.name)
        )
        await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
        return sqlstateIn(tx, insertUser, [A.tenantId, `weak-${hex()}@a.example`, "hunter2"])
      })
      expect(weakened).toBe("ok")
    })

    it("no statement of the application role reads a hash; the sign-in function does", async () => {
      const { services, admin } = backend()
      const reads = [
        "select password_hash from users",
        "select * from users",
        "select id from users where password_hash is not null",
        "select u from users u",
        "select to_jsonb(u) from users u",
        "update users set display_name = display_name where id = $1 returning password_hash",
        "update users set display_name = display_name where id = $1 returning *",
        "update users set display_name = left(password_hash, 300) where id = $1"
      ]
      for (const sql of reads) {
        const params = sql.includes("$1") ? [A.userId] : []
        expect(await sqlstate(inScope(admin, A.tenantId, "", (tx) => tx.query(sql, params))), sql).toBe("42501")
      }
      // the other columns stay readable
      expect(
        await inScope(admin, A.tenantId, "", (tx) => tx.query("select id, email from users where id = $1", [A.userId]))
      ).toHaveLength(1)
      const candidates = await run(services.users.loginCandidates(A.email.toUpperCase()))
      expect(candidates.map((c) => [c.user.id, c.passwordHash])).toEqual([[A.userId, A.passwordHash]])
      // the 'login' app role no longer opens every tenant's users to a workflow_app session
      const byLogin = await admin.transaction(async (tx) => {
        await becomeApp(tx, "", "login")
        return tx.query("select id from users where email = $1", [B.email])
      })
      expect(byLogin).toEqual([])
      const byScope = await outcome(
        inScope(admin, "", "login", (tx) => tx.query("select id from users where email = $1", [B.email]))
      )
      expect(byScope, "the 'login' scope").not.toBe("rows")
      // weakened: a column grant gives the hashes back; a 'login' policy gives every tenant's users back
      const hashes = await rolledBack(admin, async (tx) => {
        await tx.query("grant select (password_hash) on users to workflow_app")
        await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
        return tx.query<{ password_hash: string }>("select password_hash from users where id = $1", [A.userId])
      })
      expect(hashes).toEqual([{ password_hash: A.passwordHash }])
      const everyone = await rolledBack(admin, async (tx) => {
        await tx.query(
          "create policy wm_probe_login on users for select to workflow_app using (current_setting('app.current_role', true) = 'login')"
        )
        await becomeApp(tx, "", "login")
        return tx.query("select id from users where email = $1", [B.email])
      })
      expect(everyone).toHaveLength(1)
    })
  })

  describe("the one-statement user read (migration 0005) opens no hole", () => {
    const readUser = "select * from wm_get_user($1, $2, $3)"

    it("a tenant scope reads its own user and never another tenant's, through the repository and in SQL", async () => {
      const { services, admin } = backend()
      const asA = tenantAccess(A.tenantId)
      expect((await run(services.users.get(asA, A.userId)))?.email).toBe(A.email)
      expect(await run(services.users.get(asA, B.userId))).toBeUndefined()
      expect(await run(services.users.findByEmail(asA, B.email))).toEqual([])
      expect((await run(services.users.findByEmail(tenantAccess(B.tenantId), B.email))).map((u) => u.id)).toEqual([
        B.userId
      ])
      const [own] = await admin.query<Record<string, unknown>>(readUser, [A.tenantId, "", A.userId])
      expect(own?.id).toBe(A.userId)
      // never the hash, whatever the caller asks for
      expect(Object.keys(own ?? {}).sort()).toEqual(
        ["created_at", "display_name", "email", "id", "role", "status", "tenant_id", "updated_at"].sort()
      )
      // another tenant's user, from A's scope, the tenant-less scope, and the publisher's and worker's
      const scopes: ReadonlyArray<[string, string]> = [
        [A.tenantId, ""],
        ["", ""],
        ["", "publisher"],
        ["", "worker"]
      ]
      for (const [tenant, role] of scopes) {
        const label = `${tenant || "none"}/${role || "tenant"}`
        expect(await admin.query(readUser, [tenant, role, B.userId]), label).toEqual([])
      }
      // weakened: a permissive policy on users gives B's user to A's scope through the same function
      const leaked = await rolledBack(admin, async (tx) => {
        await tx.query("create policy wm_probe_leak on users for select to workflow_app using (true)")
        return tx.query(readUser, [A.tenantId, "", B.userId])
      })
      expect(leaked).toHaveLength(1)
    })

    it("cannot enter a scope the caller may not: market_ops of a non-operator tenant, an unknown role, a malformed tenant", async () => {
      const { services, admin } = backend()
      for (const tenant of [A.tenantId, B.tenantId, ""]) {
        expect(await sqlstate(admin.query(readUser, [tenant, MARKET_OPS, B.userId])), tenant).toBe("42501")
      }
      expect(await reasonOf(services.users.get(operatorAccess(A.userId, A.tenantId), B.userId))).toBe("TenantViolation")
      expect(await reasonOf(services.users.findByEmail(operatorAccess(A.userId, A.tenantId), B.email))).toBe(
        "TenantViolation"
      )
      expect(await sqlstate(admin.query(readUser, [A.tenantId, "root", B.userId]))).toBe("22023")
      expect(await sqlstate(admin.query(readUser, ["not-a-uuid", "", B.userId]))).toBe("22P02")
      // the registered operator organisation's scope reads every tenant's user
      const ops = await operatorOrg()
      expect((await run(services.users.get(operatorAccess("ops", ops), B.userId)))?.id).toBe(B.userId)
      // weakened: A registered as an operator organisation — the same call reads B's user
      const leaked = await rolledBack(admin, async (tx) => {
        await tx.query("insert into wm_operator_organisations (tenant_id) values ($1)", [A.tenantId])
        return tx.query(readUser, [A.tenantId, MARKET_OPS, B.userId])
      })
      expect(leaked).toHaveLength(1)
    })

    it("its scope ends with the statement: the next statement on the connection is the caller again", async () => {
      const b = backend()
      const pool = b.newPool?.(1)
      const client = pool === undefined ? b.client : fromPool(pool as unknown as PoolLike)
      try {
        const settings = "select current_user as who, coalesce(current_setting('app.current_tenant', true), '') as t"
        const before = await client.query<{ who: string; t: string }>(settings)
        expect(await client.query(readUser, [A.tenantId, "", A.userId])).toHaveLength(1)
        const after = await client.query<{ who: string; t: string }>(settings)
        // (a custom setting once set reads '' rather than NULL after its transaction)
        expect(after).toEqual([{ who: before[0]?.who, t: "" }])
        expect(after[0]?.who).not.toBe("workflow_app")
        expect(await client.query("select id from users where id = $1", [B.userId])).toHaveLength(1)
      } finally {
        await pool?.end()
      }
    })
  })
})

describe("hole 5: the migration accepts an over-privileged pre-existing workflow_app [pglite]", () => {
  let db: PGlite | undefined
  beforeAll(async () => {
    db = await PGlite.create()
  })
  afterAll(async () => {
    await db?.close()
  })

  it("refuses LOGIN, CREATEROLE, CREATEDB, REPLICATION, SUPERUSER, BYPASSRLS and any membership, naming it", async () => {
    const client = fromPGlite(db as unknown as PGliteLike)
    await client.exec("create role workflow_app nologin; create role wm_probe_other nologin")
    const attributes: ReadonlyArray<[string, string, string, RegExp]> = [
      ["LOGIN", "alter role workflow_app login", "alter role workflow_app nologin", /LOGIN/],
      ["CREATEROLE", "alter role workflow_app createrole", "alter role workflow_app nocreaterole", /CREATEROLE/],
      ["CREATEDB", "alter role workflow_app createdb", "alter role workflow_app nocreatedb", /CREATEDB/],
      ["REPLICATION", "alter role workflow_app replication", "alter role workflow_app noreplication", /REPLICATION/],
      ["SUPERUSER", "alter role workflow_app superuser", "alter role workflow_app nosuperuser", /SUPERUSER/],
      ["BYPASSRLS", "alter role workflow_app bypassrls", "alter role workflow_app nobypassrls", /BYPASSRLS/],
      ["member of the owner", "grant postgres to workflow_app", "revoke postgres from workflow_app", /member/i],
      [
        "member of another role",
        "grant wm_probe_other to workflow_app",
        "revoke wm_probe_other from workflow_app",
        /member/i
      ],
      [
        "owner of an object",
        "create table wm_probe_owned (id int); alter table wm_probe_owned owner to workflow_app",
        "drop table wm_probe_owned",
        /own/i
      ],
      [
        "member of a predefined role",
        "grant pg_read_all_data to workflow_app",
        "revoke pg_read_all_data from workflow_app",
        /member/i
      ]
    ]
    for (const [name, grant, revoke, pattern] of attributes) {
      await client.exec(grant)
      const error = (await failureOf(migrate(client))) as MigrationError | undefined
      expect(error, name).toMatchObject({ _tag: "MigrationError", reason: "Failed" })
      expect(error?.message, name).toMatch(pattern)
      expect(await client.query("select to_regclass('users') as t"), name).toEqual([{ t: null }])
      await client.exec(revoke)
    }
    // the probe refuses the attributes, not the role: the same role without them migrates
    const report = await run(migrate(client))
    expect(report.version).toBeGreaterThanOrEqual(2)
  })
})
