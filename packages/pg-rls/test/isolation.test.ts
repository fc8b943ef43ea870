/**
 * Tenant isolation, proven as the application role with plain SQL (not only through the adapter):
 * an unset tenant sees nothing, a tenant sees only its rows and cannot write another's, 30+
 * distinct cross-tenant probes leak nothing, a small pool serving alternating tenants with aborted
 * transactions never carries a tenant over, and the catalog shows RLS enabled and forced with an
 * application role that has no bypass and owns nothing. The pool test and the login-role test
 * need the server; the rest also runs on PGlite.
 */
import { randomBytes } from "node:crypto"
import { type StorageError, tenantAccess } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fromPool, make, type PgClient, type PgQueryable, type PoolLike, withTenant } from "../src/index.js"
import { type Backend, describeBackends } from "./support/backends.js"
import { argonHash, eventsOf, newInstanceId, newTenantId, stateOf } from "./support/fixtures.js"

/** Every table that holds tenant rows, with the column naming the tenant. */
const TENANT_TABLES = [
  ["tenants", "id"],
  ["users", "tenant_id"],
  ["tenant_market_roles", "tenant_id"],
  ["workflow_events", "tenant_id"],
  ["workflow_instances", "tenant_id"],
  ["workflow_instances_index", "tenant_id"],
  ["workflow_outbox", "tenant_id"],
  ["workflow_due_leases", "tenant_id"],
  ["wm_instance_owners", "tenant_id"]
] as const

/** Runs `body` as workflow_app (plain `SET LOCAL ROLE`), with the tenant set per transaction when given. */
const asApp = <A>(
  client: PgClient,
  tenant: string | undefined,
  body: (tx: PgQueryable) => Promise<A>,
  appRole?: string
): Promise<A> =>
  client.transaction(async (tx) => {
    await tx.query("set local role workflow_app")
    if (tenant !== undefined) await tx.query("select set_config('app.current_tenant', $1, true)", [tenant])
    if (appRole !== undefined) await tx.query("select set_config('app.current_role', $1, true)", [appRole])
    return body(tx)
  })

/** Like {@link asApp}, but always rolls back (for probes that write). */
const asAppRolledBack = async <A>(
  client: PgClient,
  tenant: string,
  body: (tx: PgQueryable) => Promise<A>
): Promise<A> => {
  const rollback = new Error("rollback")
  let result: A | undefined
  await asApp(client, tenant, async (tx) => {
    result = await body(tx)
    throw rollback
  }).catch((error: unknown) => {
    if (error !== rollback) throw error
  })
  return result as A
}

const sqlstate = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise
    return "ok"
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).message)
  }
}

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)
const reasonOf = async (effect: Effect.Effect<unknown, StorageError>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  return Exit.isSuccess(exit) ? "ok" : String(Exit.isFailure(exit) && JSON.stringify(exit.cause.reasons[0]))
}

interface Seeded {
  readonly tenantId: string
  readonly userId: string
  readonly email: string
  readonly instanceId: string
  readonly commandId: string
  readonly jobId: string
  readonly idempotencyKey: string
}

/** One tenant with a row in every tenant table. */
const seedTenant = async (backend: Backend, label: string): Promise<Seeded> => {
  const tenantId = newTenantId()
  const { services, inspect } = backend
  await inspect.ensureTenant(tenantId)
  const email = `${label}-${randomBytes(3).toString("hex")}@${label}.example`
  const user = await run(
    services.users.create(tenantAccess(tenantId), {
      tenantId,
      email,
      role: "tenant_admin",
      passwordHash: argonHash(label)
    })
  )
  await run(
    services.marketRoles.assign(backend.operator, {
      tenantId,
      role: "BRP",
      status: "ACTIVE",
      contractReference: `C-${label}`
    })
  )
  const spec = { instanceId: newInstanceId(), tenantId }
  const idempotencyKey = `${spec.instanceId}:company-details:1`
  const at = new Date(0).toISOString()
  await run(
    services.workflowStore.commit(tenantAccess(tenantId), {
      events: eventsOf(spec, 1, 3),
      expectedVersion: 0,
      state: stateOf(spec, 3),
      messages: [
        {
          schemaVersion: 1,
          id: `${idempotencyKey}:notify`,
          tenantId,
          instanceId: spec.instanceId,
          sequence: 1,
          kind: "notify",
          payload: { label },
          createdAt: at,
          availableAt: at
        }
      ]
    })
  )
  // a running lease of the instance (as the owner: the tables' contents, not the claim, are under test here)
  await backend.admin.query(
    "insert into workflow_due_leases (instance_id, tenant_id, owner, lease_until) values ($1, $2, 'seed', now() + interval '1 hour')",
    [spec.instanceId, tenantId]
  )
  return {
    tenantId,
    userId: user.id,
    email,
    instanceId: spec.instanceId,
    commandId: `cmd-create-${spec.instanceId}`,
    jobId: `${idempotencyKey}:notify`,
    idempotencyKey
  }
}

await describeBackends("tenant isolation", (backend) => {
  let A: Seeded
  let B: Seeded

  beforeAll(async () => {
    A = await seedTenant(backend(), "a")
    B = await seedTenant(backend(), "b")
  })

  it("no tenant set: 0 rows from every tenant table", async () => {
    for (const [table] of TENANT_TABLES) {
      const rows = await asApp(backend().admin, undefined, (tx) =>
        tx.query<{ n: number }>(`select count(*)::int as n from ${table}`)
      )
      expect(rows[0]?.n, table).toBe(0)
    }
    // an empty tenant is unset too
    for (const [table] of TENANT_TABLES) {
      const rows = await asApp(backend().admin, "", (tx) =>
        tx.query<{ n: number }>(`select count(*)::int as n from ${table}`)
      )
      expect(rows[0]?.n, table).toBe(0)
    }
    // and the migration history is not readable at all
    expect(
      await sqlstate(asApp(backend().admin, A.tenantId, (tx) => tx.query("select * from wm_schema_migrations")))
    ).toBe("42501")
  })

  it("tenant A set: only A's rows, in every tenant table", async () => {
    for (const [table, column] of TENANT_TABLES) {
      const rows = await asApp(backend().admin, A.tenantId, (tx) =>
        tx.query<{ own: number; foreign: number }>(
          `select count(*) filter (where ${column} = $1)::int as own, count(*) filter (where ${column} <> $1)::int as foreign from ${table}`,
          [A.tenantId]
        )
      )
      expect(rows[0], table).toEqual({ own: expect.any(Number), foreign: 0 })
      expect(rows[0]?.own, table).toBeGreaterThan(0)
    }
  })

  it("an insert or update carrying tenant B's id while A is set is rejected", async () => {
    const admin = backend().admin
    const b = B.tenantId
    const writes: Array<[string, string, ReadonlyArray<unknown>]> = [
      [
        "tenants insert",
        "insert into tenants (id, company_name, vat_number) values (gen_random_uuid(), 'X', 'BE0999999999')",
        []
      ],
      [
        "users insert",
        "insert into users (tenant_id, email, role) values ($1, 'intruder@b.example', 'tenant_admin')",
        [b]
      ],
      ["market role insert", "insert into tenant_market_roles (tenant_id, role) values ($1, 'GU')", [b]],
      [
        "event insert",
        "insert into workflow_events (instance_id, sequence, tenant_id, type, occurred_at, event) values ($2, 4, $1, 'WORKFLOW_PAUSED', now(), '{}')",
        [b, B.instanceId]
      ],
      [
        "state insert",
        "insert into workflow_instances (instance_id, tenant_id, version, state) values ('forged-1', $1, 1, '{}')",
        [b]
      ],
      [
        "index insert",
        `insert into workflow_instances_index (instance_id, tenant_id, template_id, template_version, market_role, status,
           version, created_at, updated_at, entry) values ('forged-2', $1, 't', 1, 'BRP', 'DRAFT', 1, now(), now(), '{}')`,
        [b]
      ],
      [
        "outbox insert",
        `insert into workflow_outbox (id, tenant_id, instance_id, sequence, kind, message, available_at)
           values ('forged-3:x', $1, 'forged-3', 1, 'x', '{}', now())`,
        [b]
      ]
    ]
    for (const [name, sql, params] of writes) {
      expect(await sqlstate(asApp(admin, A.tenantId, (tx) => tx.query(sql, params))), name).toBe("42501")
    }
    // moving an own row to B: refused by a WITH CHECK policy (42501), by the tenant-immutability
    // trigger, which runs first on an UPDATE (WM403), or — where a tenant may not update at all — by
    // finding no updatable row. Both errors surface from the adapter as a TenantViolation.
    const moves: Array<[string, string, ReadonlyArray<unknown>]> = [
      ["users update to B", "update users set tenant_id = $1 where id = $2 returning 1", [b, A.userId]],
      [
        "state update to B",
        "update workflow_instances set tenant_id = $1 where instance_id = $2 returning 1",
        [b, A.instanceId]
      ],
      [
        "index update to B",
        "update workflow_instances_index set tenant_id = $1 where instance_id = $2 returning 1",
        [b, A.instanceId]
      ],
      ["outbox update to B", "update workflow_outbox set tenant_id = $1 where id = $2 returning 1", [b, A.jobId]],
      ["tenant id change", "update tenants set id = $1 where id = $2 returning 1", [newTenantId(), A.tenantId]]
    ]
    for (const [name, sql, params] of moves) {
      const outcome = await asApp(admin, A.tenantId, (tx) => tx.query(sql, params)).then(
        (rows) => (rows.length === 0 ? "no row" : "updated"),
        (error: { code?: string }) => error.code
      )
      expect(["42501", "WM403", "no row"], name).toContain(outcome)
    }
    const stillA = await admin.query<{ n: number }>(
      `select (select count(*) from users where id = $2 and tenant_id = $1)::int
            + (select count(*) from workflow_instances where instance_id = $3 and tenant_id = $1)::int
            + (select count(*) from workflow_instances_index where instance_id = $3 and tenant_id = $1)::int
            + (select count(*) from workflow_outbox where id = $4 and tenant_id = $1)::int
            + (select count(*) from tenants where id = $1)::int as n`,
      [A.tenantId, A.userId, A.instanceId, A.jobId]
    )
    expect(stillA[0]?.n).toBe(5)
    // updates aimed at B's rows touch nothing (they are invisible)
    const touched = await asApp(admin, A.tenantId, async (tx) => [
      ...(await tx.query("update users set display_name = 'pwned' where tenant_id = $1 returning 1", [b])),
      ...(await tx.query("update workflow_instances set version = 999 where instance_id = $1 returning 1", [
        B.instanceId
      ])),
      ...(await tx.query("update workflow_instances_index set status = 'FAILED' where instance_id = $1 returning 1", [
        B.instanceId
      ])),
      ...(await tx.query("update workflow_outbox set status = 'done' where id = $1 returning 1", [B.jobId])),
      ...(await tx.query("update tenants set company_name = 'pwned' where id = $1 returning 1", [b]))
    ])
    expect(touched).toEqual([])
    // deleting is not granted at all
    expect(
      await sqlstate(asApp(admin, A.tenantId, (tx) => tx.query("delete from users where tenant_id = $1", [b])))
    ).toBe("42501")
    // through the adapter: typed TenantViolation, nothing written
    const asA = tenantAccess(A.tenantId)
    const spec = { instanceId: newInstanceId(), tenantId: b }
    const { services, inspect } = backend()
    expect(await reasonOf(services.eventStore.append(asA, eventsOf(spec, 1, 1), 0))).toContain("TenantViolation")
    expect(await reasonOf(services.instanceStore.save(asA, stateOf(spec, 1)))).toContain("TenantViolation")
    expect(
      await reasonOf(services.users.create(asA, { tenantId: b, email: "x@b.example", role: "tenant_admin" }))
    ).toContain("TenantViolation")
    expect(await reasonOf(services.tenants.create(asA, { companyName: "Rogue", vatNumber: "BE0123123123" }))).toContain(
      "TenantViolation"
    )
    expect(await reasonOf(services.marketRoles.assign(asA, { tenantId: A.tenantId, role: "BSP" }))).toContain(
      "TenantViolation"
    )
    expect(await inspect.events(spec.instanceId)).toEqual([])
    expect(await inspect.state(spec.instanceId)).toBeUndefined()
    // B's data is unchanged
    const bRows = await admin.query<{ n: number }>(
      `select (select count(*) from users where tenant_id = $1 and display_name is null)::int
            + (select count(*) from workflow_outbox where tenant_id = $1 and status = 'pending')::int as n`,
      [b]
    )
    expect(bRows[0]?.n).toBe(2)
  })

  it("30+ distinct cross-tenant probes leak no row and no fact", async () => {
    const admin = backend().admin
    const { services } = backend()
    const asA = tenantAccess(A.tenantId)
    const b = B.tenantId
    /** Each probe returns what it leaked: rows, or a value that would differ if B's data were visible. */
    const sql =
      (text: string, params: ReadonlyArray<unknown> = []) =>
      () =>
        asApp(admin, A.tenantId, (tx) => tx.query(text, params))
    const probes: Array<[string, () => Promise<ReadonlyArray<unknown>>]> = [
      // by id
      ["tenant by id", sql("select * from tenants where id = $1", [b])],
      ["user by id", sql("select id, tenant_id, email, role, status from users where id = $1", [B.userId])],
      ["market role by key", sql("select * from tenant_market_roles where tenant_id = $1 and role = 'BRP'", [b])],
      ["events by instance", sql("select * from workflow_events where instance_id = $1", [B.instanceId])],
      ["state by instance", sql("select * from workflow_instances where instance_id = $1", [B.instanceId])],
      ["index by instance", sql("select * from workflow_instances_index where instance_id = $1", [B.instanceId])],
      ["outbox message by id", sql("select * from workflow_outbox where id = $1", [B.jobId])],
      ["instance owner by id", sql("select * from wm_instance_owners where instance_id = $1", [B.instanceId])],
      // by filter
      ["users by tenant", sql("select id, tenant_id, email, role, status from users where tenant_id = $1", [b])],
      ["users by e-mail", sql("select id, tenant_id, email, role, status from users where email = $1", [B.email])],
      ["events by command id", sql("select * from workflow_events where command_id = $1", [B.commandId])],
      [
        "index by status and tenant",
        sql("select * from workflow_instances_index where tenant_id = $1 and status = 'IN_PROGRESS'", [b])
      ],
      [
        "outbox by instance and kind",
        sql("select * from workflow_outbox where instance_id = $1 and kind = 'notify'", [B.instanceId])
      ],
      ["state documents by JSON content", sql("select * from workflow_instances where state ->> 'tenantId' = $1", [b])],
      // by join
      [
        "users join tenants",
        sql("select u.id, u.email from users u join tenants t on t.id = u.tenant_id where t.id = $1", [b])
      ],
      [
        "events join index",
        sql(
          "select e.* from workflow_events e join workflow_instances_index i using (instance_id) where i.tenant_id = $1",
          [b]
        )
      ],
      [
        "index join market roles",
        sql(
          "select i.* from workflow_instances_index i join tenant_market_roles r on r.tenant_id = i.tenant_id where r.tenant_id = $1",
          [b]
        )
      ],
      // by aggregate / existence (a count or a max is a fact)
      ["exists e-mail", sql("select 1 where exists (select 1 from users where email = $1)", [B.email])],
      [
        "max sequence of B's instance",
        sql(
          "select m from (select max(sequence) m from workflow_events where instance_id = $1) x where m is not null",
          [B.instanceId]
        )
      ],
      ["count of all events is A's", sql("select n from (select count(*) n from workflow_events) x where n <> 3")],
      // by side channel: a failing expression must never be evaluated on B's rows
      [
        "division by zero on B's rows",
        async () => {
          const state = await sqlstate(
            asApp(admin, A.tenantId, (tx) =>
              tx.query("select 1 from users where 1 / (case when email = $1 then 0 else 1 end) = 1", [B.email])
            )
          )
          return state === "ok" ? [] : [state]
        }
      ],
      [
        "statistics (pg_stats) after ANALYZE",
        async () => {
          await admin.query("analyze users")
          return asApp(admin, A.tenantId, (tx) => tx.query("select * from pg_stats where tablename = 'users'"))
        }
      ],
      // by unique-key collision: the outcome of a write must not depend on B's data
      [
        "e-mail of B registered in A",
        async () => {
          const state = await sqlstate(
            asAppRolledBack(admin, A.tenantId, (tx) =>
              tx.query("insert into users (tenant_id, email, role) values ($1, $2, 'tenant_user')", [
                A.tenantId,
                B.email
              ])
            )
          )
          return state === "ok" ? [] : [state]
        }
      ],
      [
        "outbox message id of B reused in A: refused exactly like an unused one",
        async () => {
          const insert = (key: string) =>
            sqlstate(
              asAppRolledBack(admin, A.tenantId, (tx) =>
                tx.query(
                  `insert into workflow_outbox (id, tenant_id, instance_id, sequence, kind, message, available_at)
                   values ($2 || ':notify', $1, $3, 1, 'notify', '{}', now())`,
                  [A.tenantId, key, B.instanceId]
                )
              )
            )
          const taken = await insert(B.idempotencyKey)
          const unused = await insert(`${B.instanceId}:never-used:1`)
          return taken === unused ? [] : [taken, unused]
        }
      ],
      [
        "foreign key: B's tenant id and an unknown one are refused alike",
        async () => {
          const insert = (tenant: string) =>
            sqlstate(
              asApp(admin, A.tenantId, (tx) =>
                tx.query("insert into users (tenant_id, email, role) values ($1, 'fk@probe.example', 'x')", [tenant])
              )
            )
          const [known, unknown] = [await insert(b), await insert(newTenantId())]
          return known === unknown ? [] : [known, unknown]
        }
      ],
      [
        "update returning B's rows",
        () =>
          asAppRolledBack(admin, A.tenantId, (tx) =>
            tx.query("update users set display_name = 'x' where tenant_id = $1 returning id", [b])
          )
      ],
      // through the scoped functions
      [
        "wm_read_events with B's instance",
        sql("select * from wm_read_events($1, '', $2, null, null, null, null)", [A.tenantId, B.instanceId])
      ],
      ["wm_get_states with B's instance", sql("select * from wm_get_states($1, '', $2)", [A.tenantId, [B.instanceId]])],
      [
        "wm_get_entries with B's instance",
        sql("select * from wm_get_entries($1, '', $2)", [A.tenantId, [B.instanceId]])
      ],
      // through the adapter
      ["EventStore.read", async () => run(services.eventStore.read(asA, B.instanceId))],
      ["EventStore.readByCommand", async () => run(services.eventStore.readByCommand(asA, B.instanceId, B.commandId))],
      ["InstanceStore.getMany", async () => run(services.instanceStore.getMany(asA, [B.instanceId]))],
      [
        "WorkflowIndex.query by B's tenant",
        async () => (await run(services.workflowIndex.query(asA, { tenantId: b }, { limit: 500 }))).items
      ],
      [
        "WorkflowIndex.query unfiltered",
        async () =>
          (await run(services.workflowIndex.query(asA, {}, { limit: 500 }))).items.filter(
            (e) => e.tenantId !== A.tenantId
          )
      ],
      ["Tenants.get B", async () => [await run(services.tenants.get(asA, b))].filter((x) => x !== undefined)],
      ["Tenants.list", async () => (await run(services.tenants.list(asA))).filter((t) => t.id !== A.tenantId)],
      ["Users.findByEmail of B", async () => run(services.users.findByEmail(asA, B.email))],
      ["Users.list by B's tenant", async () => run(services.users.list(asA, { tenantId: b }))],
      ["MarketRoles.list by B's tenant", async () => run(services.marketRoles.list(asA, { tenantId: b }))]
    ]
    expect(new Set(probes.map(([name]) => name)).size).toBeGreaterThanOrEqual(30)
    for (const [name, probe] of probes) {
      expect(await probe(), name).toEqual([])
    }
  })

  it("the operator sees every tenant through its explicit policy, and may write only what it allows", async () => {
    const admin = backend().admin
    for (const [table, column] of TENANT_TABLES) {
      const rows = await asApp(
        admin,
        undefined,
        (tx) =>
          tx.query<{ tenants: number }>(
            `select count(distinct ${column})::int as tenants from ${table} where ${column} in ($1, $2)`,
            [A.tenantId, B.tenantId]
          ),
        "market_ops"
      )
      expect(rows[0]?.tenants, table).toBe(2)
    }
    // templates: readable in any scope, published by the operator only
    expect(
      await sqlstate(
        asApp(admin, A.tenantId, (tx) =>
          tx.query("insert into workflow_templates (id, version, name, definition) values ('rogue', 1, 'Rogue', '{}')")
        )
      )
    ).toBe("42501")
    // nobody rewrites history, not even the operator
    expect(
      await sqlstate(
        asApp(
          admin,
          undefined,
          (tx) => tx.query("update workflow_events set type = 'X' where instance_id = $1", [B.instanceId]),
          "market_ops"
        )
      )
    ).toBe("42501")
    // the old sign-in scope ('login') reads nothing any more: hashes go through wm_sign_in only
    const login = await asApp(
      admin,
      undefined,
      async (tx) => ({
        users: (await tx.query("select 1 from users where email = $1", [B.email])).length,
        events: (await tx.query("select 1 from workflow_events")).length
      }),
      "login"
    )
    expect(login).toEqual({ users: 0, events: 0 })
    const candidates = await run(backend().services.users.loginCandidates(B.email.toUpperCase()))
    expect(candidates.map((c) => [c.user.id, c.passwordHash])).toEqual([[B.userId, argonHash("b")]])
    expect(
      Object.keys((await run(backend().services.users.get(tenantAccess(B.tenantId), B.userId))) ?? {})
    ).not.toContain("passwordHash")
  })

  it("a scope ends with its transaction: the next statement on the connection sees nothing", async () => {
    const { client, services } = backend()
    for (let i = 0; i < 5; i++) {
      // a single-statement scoped call (autocommit), then a bare statement
      await run(services.instanceStore.get(tenantAccess(A.tenantId), A.instanceId))
      const after = await client.query<{ role: string; tenant: string | null }>(
        "select current_user as role, current_setting('app.current_tenant', true) as tenant"
      )
      expect(after[0]?.role).not.toBe("workflow_app")
      expect(after[0]?.tenant ?? "").toBe("")
      // a failed transaction, then a bare statement
      await withTenant(client, tenantAccess(A.tenantId), async (tx) => {
        await tx.query("select 1")
        throw new Error("abort")
      }).catch(() => undefined)
      const bare = await client.query<{ tenant: string | null }>(
        "select current_setting('app.current_tenant', true) as tenant"
      )
      expect(bare[0]?.tenant ?? "").toBe("")
    }
  })

  it("1,000 alternating A/B requests with every tenth aborted mid-way: 0 foreign rows", async () => {
    const b = backend()
    const pool = b.newPool?.(2)
    const client = pool === undefined ? b.client : fromPool(pool as unknown as PoolLike)
    try {
      const tenants = [A.tenantId, B.tenantId] as const
      let foreign = 0
      let own = 0
      let aborted = 0
      const request = async (i: number) => {
        const tenantId = tenants[i % 2] as string
        try {
          await withTenant(client, tenantAccess(tenantId), async (tx) => {
            const rows = await tx.query<{ tenant_id: string }>(
              `select tenant_id from users union all select tenant_id from workflow_events
               union all select tenant_id from workflow_instances_index union all select tenant_id from workflow_outbox`
            )
            for (const row of rows) row.tenant_id === tenantId ? own++ : foreign++
            if (i % 20 === 9) throw new Error("aborted by the application")
            if (i % 20 === 19) await tx.query("select 1 / 0") // aborted by the database
            await tx.query("update users set updated_at = updated_at where tenant_id = $1", [tenantId])
          })
        } catch {
          aborted++
        }
        // every 50th request runs without any tenant: it must see nothing
        if (i % 50 === 0) {
          const rows = await client.transaction(async (tx) => {
            await tx.query("set local role workflow_app")
            return tx.query("select 1 from users union all select 1 from workflow_events")
          })
          foreign += rows.length
        }
      }
      const inFlight = 8
      for (let i = 0; i < 1000; i += inFlight) {
        await Promise.all(Array.from({ length: Math.min(inFlight, 1000 - i) }, (_, k) => request(i + k)))
      }
      expect(aborted).toBe(100)
      expect(foreign).toBe(0)
      expect(own).toBeGreaterThan(1000)
    } finally {
      await pool?.end()
    }
  })

  it("catalog: RLS enabled and forced on every tenant table; workflow_app has no bypass and owns nothing", async () => {
    const admin = backend().admin
    const tables = await admin.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
        where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and c.relname <> 'wm_schema_migrations'
        order by c.relname`
    )
    const names = tables.map((t) => t.relname)
    for (const [table] of TENANT_TABLES) expect(names).toContain(table)
    expect(names).toContain("workflow_templates")
    for (const table of tables) {
      expect(table, table.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true })
    }
    // every table with a tenant column is in the list above
    const withTenantColumn = await admin.query<{ relname: string }>(
      `select distinct c.relname from pg_attribute a join pg_class c on c.oid = a.attrelid
        where a.attname = 'tenant_id' and c.relkind = 'r' and c.relnamespace = current_schema()::regnamespace`
    )
    // (the operator organisations name no participant's data: every scope reads them, nobody writes them)
    for (const { relname } of withTenantColumn.filter((t) => t.relname !== "wm_operator_organisations")) {
      expect(TENANT_TABLES.map(([t]) => t as string)).toContain(relname)
    }
    const [role] = await admin.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
      "select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'workflow_app'"
    )
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false })
    const owned = await admin.query(
      `select relname as name from pg_class where relowner = 'workflow_app'::regrole
       union all select proname from pg_proc where proowner = 'workflow_app'::regrole
       union all select nspname from pg_namespace where nspowner = 'workflow_app'::regrole`
    )
    expect(owned).toEqual([])
    // no policy is open to PUBLIC: each names workflow_app, or the owner (who registers operator
    // organisations, reads hashes for wm_sign_in and keeps the sign-in throttle)
    const otherPolicies = await admin.query<{ policyname: string; tablename: string; roles: Array<string> | string }>(
      "select policyname, tablename, roles from pg_policies where schemaname = current_schema() and not ('workflow_app' = any (roles))"
    )
    expect(otherPolicies.map((p) => `${p.tablename}.${p.policyname}`).sort()).toEqual([
      "tenants.owner_register",
      "users.owner_sign_in",
      "wm_login_throttle.owner_all",
      "wm_operator_organisations.owner_all"
    ])
    expect(otherPolicies.map((p) => String(p.roles))).not.toContain("{public}")
    // the functions that run as their owner are the sign-in lookup and the sign-in throttle, each
    // with a pinned search_path
    const definers = await admin.query<{ proname: string; pinned: boolean }>(
      `select proname, exists (select 1 from unnest(proconfig) c where c like 'search_path=%') as pinned
         from pg_proc where prosecdef and pronamespace = current_schema()::regnamespace order by proname`
    )
    expect(definers).toEqual([
      { proname: "wm_login_attempt", pinned: true },
      { proname: "wm_login_succeeded", pinned: true },
      { proname: "wm_sign_in", pinned: true }
    ])
  })
})

// The recommended deployment: the application connects as a LOGIN role that is only a member of
// workflow_app. Without a scope it sees nothing; it cannot switch to the owner.
await describeBackends(
  "login role",
  (backend) => {
    const login = `wm_login_${randomBytes(4).toString("hex")}`
    let pool: pg.Pool | undefined

    beforeAll(async () => {
      await backend().admin.query(`create role ${login} login in role workflow_app`)
      const url = new URL(backend().url as string)
      url.username = login
      pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
      pool.on("error", () => {})
    })

    afterAll(async () => {
      await pool?.end()
      await backend().admin.query(`drop role if exists ${login}`)
    })

    describe("as a member of workflow_app", () => {
      it("runs the adapter, sees nothing without a scope, and cannot become the owner", async () => {
        const client = fromPool(pool as unknown as PoolLike)
        const services = await Effect.runPromise(make({ client }))
        const tenantId = newTenantId()
        await backend().inspect.ensureTenant(tenantId)
        const spec = { instanceId: newInstanceId(), tenantId }
        const access = tenantAccess(tenantId)
        await run(
          services.workflowStore.commit(access, {
            events: eventsOf(spec, 1, 2),
            expectedVersion: 0,
            state: stateOf(spec, 2),
            messages: []
          })
        )
        expect(await run(services.eventStore.read(access, spec.instanceId))).toEqual(eventsOf(spec, 1, 2))
        for (const [table] of TENANT_TABLES) {
          const rows = await client.query<{ n: number }>(`select count(*)::int as n from ${table}`)
          expect(rows[0]?.n, table).toBe(0)
        }
        expect(await sqlstate(client.query("set role postgres"))).toBe("42501")
        expect(await sqlstate(client.query("select * from wm_schema_migrations"))).toBe("42501")
      })
    })
  },
  { only: "postgres" }
)
