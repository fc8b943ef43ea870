/**
 * Due work (migration 0006) opens no hole. A tenant claims, releases and counts only its own
 * instances and messages — through the adapter and calling the SQL functions directly; no scope,
 * not even with settings crafted by hand or as the owner, writes a lease that ties another tenant's
 * instance, and a tenant cannot touch another tenant's lease rows; the system scope claims every
 * tenant's instances and may lock index rows, yet still writes no instance data, event or index
 * entry; a scope never outlives its statement on a pooled connection. Each refusal that rests on
 * one database object is shown to be a live probe: the same attack on a setup weakened inside a
 * transaction that is rolled back gets through. The races between claimers are in
 * `dueWorkRace.test.ts`.
 */
import { operatorAccess, systemAccess, tenantAccess } from "@workflow-manager/core"
import { beforeAll, expect, it } from "vitest"
import { fromPool, type PgQueryable, type PoolLike } from "../src/index.js"
import {
  becomeApp,
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
import { dueInstance, instantIn, outboxStats } from "./support/due.js"
import { laterEvent, stateOf } from "./support/fixtures.js"

const CLAIM = "select instance_id from wm_due_claim($1, $2, $3, $4, $5, $6)"
const RELEASE = "select wm_due_release($1, $2, $3, $4) as released"
const STATS = "select due, leased from wm_due_stats($1, $2, $3)"
const INSERT_LEASE = `insert into workflow_due_leases (instance_id, tenant_id, owner, lease_until)
  values ($1, $2, 'intruder', now() + interval '1 day')`

/** What a statement did: its SQLSTATE, `"nothing"` (no row returned) or `"rows"`. */
const outcome = (rows: Promise<ReadonlyArray<unknown>>): Promise<string> =>
  rows.then(
    (result) => (result.length === 0 ? "nothing" : "rows"),
    (error: { code?: string }) => error.code ?? String(error)
  )

const leaseOf = async (q: PgQueryable, instanceId: string) =>
  q.query<{ tenant_id: string; owner: string }>(
    "select tenant_id, owner from workflow_due_leases where instance_id = $1",
    [instanceId]
  )

await describeBackends("due work opens no hole", (backend) => {
  let A: Seeded
  let B: Seeded

  beforeAll(async () => {
    A = await seedTenant(backend(), "a")
    B = await seedTenant(backend(), "b")
  })

  it("a tenant claims, releases and counts only its own instances and messages, through the adapter and in SQL", async () => {
    const { services, admin } = backend()
    const at = (s: number) => instantIn(2031, s)
    const asA = tenantAccess(A.tenantId)
    const asB = tenantAccess(B.tenantId)
    const a1 = await dueInstance(services, A.tenantId, at(0), { message: true })
    const b1 = await dueInstance(services, B.tenantId, at(0), { message: true })
    const claim = (access: typeof asA, owner: string, s: number) =>
      run(services.dueWork.claim(access, { owner, now: at(s), leaseMs: 3_600_000, limit: 500 }))
    expect((await claim(asA, "w-a", 10)).map((i) => i.instanceId)).toEqual([a1])
    expect(await run(services.dueWork.stats(asA, at(10)))).toEqual({ due: 1, leased: 1, oldestDueAt: at(0) })
    expect(await run(services.dueWork.stats(asB, at(10)))).toEqual({ due: 1, leased: 0, oldestDueAt: at(0) })
    expect(await outboxStats(services, asA, at(10))).toEqual({
      waiting: 1,
      available: 1,
      oldestAvailableAt: at(0),
      dead: 0
    })
    // B's lease cannot be ended by A, even naming its owner
    expect((await claim(asB, "w-b", 10)).map((i) => i.instanceId)).toEqual([b1])
    await run(services.dueWork.release(asA, { owner: "w-b", instanceIds: [b1, a1] }))
    expect(await claim(asB, "other", 11)).toEqual([])
    expect(await leaseOf(admin, b1)).toEqual([{ tenant_id: B.tenantId, owner: "w-b" }])
    expect(await leaseOf(admin, a1)).toEqual([{ tenant_id: A.tenantId, owner: "w-a" }])
    // the same, calling the functions directly as A's scope
    const now = at(20)
    const until = at(30)
    expect(await admin.query(CLAIM, [A.tenantId, "", "x", now, until, 500])).toEqual([])
    expect(await admin.query(RELEASE, [A.tenantId, "", "w-b", [b1]])).toEqual([{ released: 0 }])
    expect(await admin.query(STATS, [A.tenantId, "", now])).toEqual([{ due: 1, leased: 1 }])
    expect(await admin.query("select waiting, dead from wm_outbox_stats($1, '', $2)", [A.tenantId, now])).toEqual([
      { waiting: 1, dead: 0 }
    ])
    // ... or with no tenant, which sees nothing
    expect(await admin.query(STATS, ["", "", now])).toEqual([{ due: 0, leased: 0 }])
    expect(await admin.query(CLAIM, ["", "", "x", instantIn(2032, 0), instantIn(2032, 1), 500])).toEqual([])
    // a scope the caller may not enter: market_ops of a participant, an unknown role, a malformed tenant
    expect(await sqlstate(admin.query(CLAIM, [A.tenantId, "market_ops", "x", now, until, 500]))).toBe("42501")
    expect(await sqlstate(admin.query(STATS, [A.tenantId, "root", now]))).toBe("22023")
    expect(await sqlstate(admin.query(RELEASE, ["not-a-uuid", "", "x", [b1]]))).toBe("22P02")
    const fakeOps = operatorAccess("ops", A.tenantId)
    expect(await reasonOf(services.dueWork.claim(fakeOps, { owner: "x", now, leaseMs: 1, limit: 1 }))).toBe(
      "TenantViolation"
    )
    expect(await reasonOf(services.dueWork.stats(fakeOps, now))).toBe("TenantViolation")
    // a request the function refuses itself, whatever the adapter let through
    expect(await sqlstate(admin.query(CLAIM, [A.tenantId, "", "x", now, until, 501]))).toBe("22023")
    expect(await sqlstate(admin.query(CLAIM, [A.tenantId, "", "x", now, now, 1]))).toBe("22023")
    expect(await sqlstate(admin.query(CLAIM, [A.tenantId, "", "", now, until, 1]))).toBe("22023")
  })

  it("no scope writes a lease that ties another tenant's instance, and a tenant cannot touch another's lease rows", async () => {
    const { services, admin } = backend()
    const at = (s: number) => instantIn(2033, s)
    const held = await dueInstance(services, B.tenantId, at(0))
    // due after the claims below: never leased
    const free = await dueInstance(services, B.tenantId, at(5))
    const own = await dueInstance(services, A.tenantId, at(0))
    await run(
      services.dueWork.claim(tenantAccess(B.tenantId), { owner: "w-b", now: at(1), leaseMs: 86_400_000, limit: 10 })
    )
    await run(
      services.dueWork.claim(tenantAccess(A.tenantId), { owner: "w-a", now: at(1), leaseMs: 86_400_000, limit: 10 })
    )
    expect(await leaseOf(admin, held)).toEqual([{ tenant_id: B.tenantId, owner: "w-b" }])
    const inA = (sql: string, params: ReadonlyArray<unknown>) =>
      outcome(inScope(admin, A.tenantId, "", (tx) => tx.query(sql, params)))
    // in A's scope: a lease in A's name is refused as the owner check's, in B's name as RLS's
    expect(await inA(INSERT_LEASE, [held, A.tenantId])).toBe("23503")
    expect(await inA(INSERT_LEASE, [free, A.tenantId])).toBe("23503")
    expect(await inA(INSERT_LEASE, [free, B.tenantId])).toBe("42501")
    expect(
      await inA(`${INSERT_LEASE} on conflict (instance_id) do update set owner = 'a' returning 1`, [held, A.tenantId])
    ).toBe("23503")
    // B's lease rows are invisible: nothing to read, take over or end
    const sets = "set owner = 'a', lease_until = now() where instance_id = $1 returning 1"
    expect(await inA("select * from workflow_due_leases where instance_id = $1", [held])).toBe("nothing")
    expect(await inA(`update workflow_due_leases ${sets}`, [held])).toBe("nothing")
    expect(await inA("delete from workflow_due_leases where instance_id = $1 returning 1", [held])).toBe("nothing")
    // A's own lease cannot move to B
    expect(["42501", "WM403"]).toContain(
      await inA("update workflow_due_leases set tenant_id = $2 where instance_id = $1 returning 1", [own, B.tenantId])
    )
    // settings crafted by hand (no scope entry), in every application role, and the owner itself:
    // the lease of B's instance in A's name is refused by the ownership key
    for (const role of ["", "worker", "market_ops"]) {
      const state = await rolledBack(admin, async (tx) => {
        await becomeApp(tx, A.tenantId, role)
        return sqlstateIn(tx, INSERT_LEASE, [free, A.tenantId])
      })
      expect(state, role || "tenant").toBe("23503")
    }
    expect(await sqlstate(rolledBack(admin, (tx) => tx.query(INSERT_LEASE, [free, A.tenantId]))), "as the owner").toBe(
      "23503"
    )
    expect(await leaseOf(admin, held)).toEqual([{ tenant_id: B.tenantId, owner: "w-b" }])
    expect(await leaseOf(admin, free)).toEqual([])
    // weakened: without the ownership key and check, the same insert in A's scope goes in
    const weakened = await rolledBack(admin, async (tx) => {
      const keys = await tx.query<{ name: string }>(
        `select conname as name from pg_constraint
          where conrelid = 'workflow_due_leases'::regclass and contype = 'f' and confrelid = 'wm_instance_owners'::regclass`
      )
      expect(keys).toHaveLength(1)
      await tx.query(`alter table workflow_due_leases drop constraint "${keys[0]?.name}"`)
      await tx.query("alter table workflow_due_leases disable trigger user")
      await tx.query("select wm_enter_scope($1, '')", [A.tenantId])
      return sqlstateIn(tx, INSERT_LEASE, [free, A.tenantId])
    })
    expect(weakened).toBe("ok")
  })

  it("the system scope claims every tenant's instances and locks index rows, yet writes no instance data", async () => {
    const { services, admin, inspect, operator } = backend()
    // instants of 2020, before every other case's: the system scope sees every tenant's due instances
    const at = (s: number) => instantIn(2020, s)
    const a3 = await dueInstance(services, A.tenantId, at(0))
    const b3 = await dueInstance(services, B.tenantId, at(1))
    const worker = systemAccess("worker-1")
    expect(await run(services.dueWork.stats(operator, at(10)))).toEqual({ due: 2, leased: 0, oldestDueAt: at(0) })
    const claimed = await run(services.dueWork.claim(worker, { owner: "w", now: at(10), leaseMs: 60_000, limit: 10 }))
    expect(claimed).toEqual([
      { tenantId: A.tenantId, instanceId: a3, version: 3, dueAt: at(0) },
      { tenantId: B.tenantId, instanceId: b3, version: 3, dueAt: at(1) }
    ])
    expect(await run(services.dueWork.stats(worker, at(10)))).toEqual({ due: 2, leased: 2, oldestDueAt: at(0) })
    expect(
      await run(services.dueWork.claim(operator, { owner: "ops", now: at(11), leaseMs: 1000, limit: 10 }))
    ).toEqual([])
    await run(services.dueWork.release(operator, { owner: "w", instanceIds: [b3] }))
    expect(
      (await run(services.dueWork.claim(operator, { owner: "ops", now: at(12), leaseMs: 1000, limit: 10 }))).map(
        (i) => i.instanceId
      )
    ).toEqual([b3])
    // what the worker may not write, in SQL and through the adapter
    const inWorker = (sql: string, params: ReadonlyArray<unknown>) =>
      outcome(inScope(admin, "", "worker", (tx) => tx.query(sql, params)))
    const event = laterEvent({ instanceId: a3, tenantId: A.tenantId }, 3)
    const writes: ReadonlyArray<[string, string, ReadonlyArray<unknown>, ReadonlyArray<string>]> = [
      [
        "event insert",
        `insert into workflow_events (instance_id, sequence, tenant_id, type, occurred_at, event)
           values ($1, 3, $2, $3, now(), $4::jsonb) returning 1`,
        [a3, A.tenantId, event.type, JSON.stringify(event)],
        ["42501"]
      ],
      [
        "wm_commit",
        "select * from wm_commit('', 'worker', 2, $1::jsonb, null, null, null)",
        [JSON.stringify([event])],
        ["42501"]
      ],
      [
        "state update",
        "update workflow_instances set version = 99 where instance_id = $1 returning 1",
        [a3],
        ["nothing"]
      ],
      [
        "index update",
        "update workflow_instances_index set status = 'FAILED' where instance_id = $1 returning 1",
        [a3],
        ["42501"]
      ],
      [
        "index insert",
        `insert into workflow_instances_index (instance_id, tenant_id, template_id, template_version, market_role, status,
           version, created_at, updated_at, entry) values ('forged-due', $1, 't', 1, 'BRP', 'DRAFT', 1, now(), now(), '{}')`,
        [A.tenantId],
        ["42501", "23503"]
      ]
    ]
    for (const [name, sql, params, refused] of writes) expect(refused, name).toContain(await inWorker(sql, params))
    const spec = { instanceId: a3, tenantId: A.tenantId }
    expect(
      await reasonOf(
        services.workflowStore.commit(worker, {
          events: [event],
          expectedVersion: 2,
          state: stateOf(spec, 3),
          messages: []
        })
      )
    ).toBe("TenantViolation")
    expect(await inspect.events(a3)).toHaveLength(2)
    expect(
      await admin.query(
        `select s.version as state, i.version as entry, i.status from workflow_instances s
           join workflow_instances_index i using (instance_id) where instance_id = $1`,
        [a3]
      )
    ).toEqual([{ state: 2, entry: 3, status: stateOf(spec, 2).status }])
    // weakened: a worker_lock policy that lets the written row through — the worker's update goes in
    const leaked = await rolledBack(admin, async (tx) => {
      await tx.query("alter policy worker_lock on workflow_instances_index with check (true)")
      await tx.query("select wm_enter_scope('', 'worker')")
      return tx.query("update workflow_instances_index set status = 'FAILED' where instance_id = $1 returning 1", [a3])
    })
    expect(leaked).toHaveLength(1)
  })

  it("a scope ends with its statement: the next statement on the pooled connection is the caller again", async () => {
    const b = backend()
    const pool = b.newPool?.(1)
    const client = pool === undefined ? b.client : fromPool(pool as unknown as PoolLike)
    try {
      const settings = `select current_user as who, coalesce(current_setting('app.current_tenant', true), '') as t,
        coalesce(current_setting('app.current_role', true), '') as r`
      const [caller] = await client.query<{ who: string }>(settings)
      expect(caller?.who).not.toBe("workflow_app")
      const now = instantIn(2034, 0)
      const until = instantIn(2034, 60)
      const calls: ReadonlyArray<[string, ReadonlyArray<unknown>]> = [
        [CLAIM, [A.tenantId, "", "w", now, until, 10]],
        [CLAIM, ["", "worker", "w", instantIn(2019, 0), instantIn(2019, 1), 10]],
        [RELEASE, [A.tenantId, "", "w", [A.instanceId]]],
        [STATS, ["", "worker", now]],
        ["select * from wm_outbox_stats($1, $2, $3)", [B.tenantId, "", now]],
        // refused inside the function, after the scope was entered
        [CLAIM, [A.tenantId, "", "w", now, until, 0]]
      ]
      for (const [sql, params] of calls) {
        await client.query(sql, params).catch(() => undefined)
        expect(await client.query(settings), sql).toEqual([{ who: caller?.who, t: "", r: "" }])
        // and as workflow_app without a scope, nothing
        const rows = await client.transaction(async (tx) => {
          await tx.query("set local role workflow_app")
          return tx.query("select 1 from workflow_due_leases union all select 1 from workflow_instances_index")
        })
        expect(rows, sql).toEqual([])
      }
    } finally {
      await pool?.end()
    }
  })
})
