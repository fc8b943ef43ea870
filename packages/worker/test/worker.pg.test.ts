/**
 * The worker on pg-rls: due work claimed with `FOR UPDATE SKIP LOCKED`, on a real PostgreSQL
 * server (two workers, each with a pool of its own, racing over 120 due instances of two tenants)
 * and on PGlite (the embedded default); the queues' figures read from the database.
 */
import { randomBytes } from "node:crypto"
import { PGlite } from "@electric-sql/pglite"
import { createEngine, type PromiseEngine, runPromise } from "@workflow-manager/core"
import {
  fromPGlite,
  fromPool,
  make,
  migrate,
  type PGliteLike,
  type PgClient,
  type PgRlsServices,
  type PoolLike,
  toContext
} from "@workflow-manager/pg-rls"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { Layer } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningWorker, startWorker } from "../src/index.js"
import {
  chainTemplate,
  formHandler,
  OTHER_TENANT,
  overdueTemplate,
  sample,
  startInstances,
  TENANT,
  waitFor,
  welcomeHandler
} from "./support/fixtures.js"

interface Stack {
  readonly services: PgRlsServices
  readonly engine: PromiseEngine
}

const tenants = async (owner: PgClient) => {
  for (const [id, vat] of [
    [TENANT, "BE0000000097"],
    [OTHER_TENANT, "BE0000000196"]
  ] as const) {
    await owner.query(
      "insert into tenants (id, company_name, vat_number, status) values ($1, $2, $3, 'ACTIVE') on conflict do nothing",
      [id, `Tenant ${vat}`, vat]
    )
  }
}

const stackOn = async (client: PgClient): Promise<Stack> => {
  const services = await runPromise(make({ client }))
  const engine = await createEngine({
    stores: Layer.succeedContext(toContext(services)),
    handlers: [formHandler, welcomeHandler],
    templates: [overdueTemplate, chainTemplate]
  })
  return { services, engine }
}

const firedPerInstance = async (owner: PgClient, ids: ReadonlyArray<string>) =>
  owner.query<{ instance_id: string; fired: number; by: string }>(
    `select instance_id, count(*)::int as fired, min(event ->> 'performedBy') as by from workflow_events
      where type = 'TIMER_FIRED' and instance_id = any($1) group by instance_id`,
    [ids]
  )

await describeWithService(PostgreSQL, "the worker on PostgreSQL", (serverUrl) => {
  const database = `wm_worker_${randomBytes(4).toString("hex")}`
  const pools: Array<pg.Pool> = []
  const stacks: Array<Stack> = []
  let admin: pg.Client
  let owner: PgClient

  const pool = (max: number) => {
    const p = new pg.Pool({ connectionString: withDatabase(serverUrl, database), max })
    p.on("error", () => {})
    pools.push(p)
    return fromPool(p as unknown as PoolLike)
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`create database ${database}`)
    owner = pool(2)
    await runPromise(migrate(owner))
    await tenants(owner)
    stacks.push(await stackOn(pool(5)), await stackOn(pool(5)))
  }, 60_000)

  afterAll(async () => {
    for (const s of stacks) await s.engine.dispose()
    await Promise.all(pools.map((p) => p.end()))
    await admin?.query(`drop database if exists ${database} with (force)`)
    await admin?.end()
  }, 60_000)

  it("two workers, each with its own pool, fire 120 due deadlines of two tenants exactly once", async () => {
    const [a, b] = stacks as [Stack, Stack]
    const ids = [
      ...(await startInstances(a.engine, "overdue", 60, TENANT)),
      ...(await startInstances(a.engine, "overdue", 60, OTHER_TENANT))
    ]
    const running: Array<RunningWorker> = []
    try {
      for (const [name, stack] of [
        ["pg-a", a],
        ["pg-b", b]
      ] as const) {
        running.push(
          await startWorker({
            name,
            engine: stack.engine,
            due: stack.services.dueWork,
            outbox: stack.services.outbox,
            pollMs: 20,
            batch: 10,
            concurrency: 4
          })
        )
      }
      await waitFor("120 deadlines fired", async () => (await firedPerInstance(owner, ids)).length === 120, 60_000)
      const text = await (running[0] as RunningWorker).metrics()
      // every escalation queued one notification; nothing delivers them in this test
      expect(sample(text, "wm_outbox_waiting")).toBe(120)
    } finally {
      await Promise.all(running.map((w) => w.stop()))
    }
    const rows = await firedPerInstance(owner, ids)
    expect(rows.filter((r) => r.fired !== 1)).toEqual([])
    const split = {
      a: rows.filter((r) => r.by === "system:pg-a").length,
      b: rows.filter((r) => r.by === "system:pg-b").length
    }
    expect(split.a + split.b).toBe(120)
    const notices = await owner.query<{ n: number }>(
      "select count(*)::int as n from workflow_outbox where instance_id = any($1)",
      [ids]
    )
    expect(notices[0]?.n).toBe(120)
    const due = await owner.query<{ n: number }>(
      "select count(*)::int as n from workflow_instances_index where instance_id = any($1) and next_due_at is not null",
      [ids]
    )
    expect(due[0]?.n).toBe(0)
  }, 90_000)
})

describe("the worker on PGlite", () => {
  let db: PGlite
  let stack: Stack
  let client: PgClient

  beforeAll(async () => {
    db = await PGlite.create()
    client = fromPGlite(db as unknown as PGliteLike)
    await runPromise(migrate(client))
    await tenants(client)
    stack = await stackOn(client)
  }, 60_000)

  afterAll(async () => {
    await stack?.engine.dispose()
    await db?.close()
  })

  it("runs chains of automatic steps and reads its figures from the embedded database", async () => {
    const ids = await startInstances(stack.engine, "chain", 5)
    const worker = await startWorker({
      name: "embedded",
      engine: stack.engine,
      due: stack.services.dueWork,
      outbox: stack.services.outbox,
      pollMs: 20
    })
    try {
      expect(sample(await worker.metrics(), "wm_due_instances")).toBeGreaterThanOrEqual(0)
      await waitFor(
        "5 chains done",
        async () => {
          const rows = await client.query<{ n: number }>(
            "select count(*)::int as n from workflow_instances_index where instance_id = any($1) and current_step_id = 'after'",
            [ids]
          )
          return rows[0]?.n === 5
        },
        30_000
      )
      const text = await worker.metrics()
      expect(sample(text, "wm_due_instances")).toBe(0)
      expect(sample(text, "wm_outbox_waiting")).toBe(10)
      expect(sample(text, "wm_outbox_available")).toBe(10)
      expect(sample(text, "wm_worker_due_total", { outcome: "recorded" })).toBe(5)
    } finally {
      await worker.stop()
    }
  }, 60_000)
})

function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.href
}
