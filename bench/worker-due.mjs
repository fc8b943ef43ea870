#!/usr/bin/env node
/**
 * The worker on PostgreSQL (issue 15): due deadlines fired per second, end to end — claim
 * (`wm_due_claim`), `fireDueTimers` and `runAutomaticStep` through the engine, release.
 *
 * scaling   2 workers (each its own pool) ÷ 1 worker, draining the same kind of backlog
 * overhead  1 worker ÷ a direct loop calling the engine's two system operations on the instances
 *           the index lists as due (what a worker does without claims, minus the claims)
 * control   the direct loop against itself: must come out at 1.00 ± 0.05
 *
 * Each slice drains a fresh backlog of BENCH_BACKLOG (default 200) started instances whose first
 * step's deadline is already due, created before the slice and outside the measured time; the rate
 * is instances fired ÷ the time to fire them all (checked: every instance exactly one TIMER_FIRED).
 * Slices alternate for BENCH_ROUNDS rounds (default 8), order rotated each round; the median of
 * the per-round ratios is reported. A fresh database `wm_bench_<random>` on DATABASE_URL's server
 * is created and dropped.
 *
 *   ./wm setup
 *   node bench/worker-due.mjs       # BENCH_ROUNDS=8 BENCH_BACKLOG=200 BENCH_CONCURRENCY=4
 *
 * Exit code 3 when the control is outside 1.00 ± 0.05 (a noisy machine: rerun).
 */
import { randomBytes } from "node:crypto"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..")
const require = createRequire(join(root, "packages", "worker", "package.json"))
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href)

const pg = (await load("pg")).default
const { Effect, Layer, Schema } = await load("effect")
const core = await load("@workflow-manager/core")
const pgRls = await load("@workflow-manager/pg-rls")
const worker = await import(pathToFileURL(join(root, "packages", "worker", "dist", "index.js")).href)

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 200)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4)
const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
const TENANT = "3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90"
const TOLERANCE = 0.05

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

const database = `wm_bench_${randomBytes(4).toString("hex")}`
const admin = new pg.Client({ connectionString: SERVER_URL })
await admin.connect()
await admin.query(`create database ${database}`)
const url = new URL(SERVER_URL)
url.pathname = `/${database}`

const pools = []
const client = (max) => {
  const pool = new pg.Pool({ connectionString: url.href, max })
  // the database is dropped with (force) at the end: idle connections are cut
  pool.on("error", () => {})
  pools.push(pool)
  return pgRls.fromPool(pool)
}

try {
  const owner = client(2)
  await core.runPromise(pgRls.migrate(owner))
  await owner.query(
    "insert into tenants (id, company_name, vat_number, status) values ($1, 'Bench', 'BE0000000097', 'ACTIVE')",
    [TENANT]
  )
  const form = core.defineStepHandler({
    type: "form",
    configSchema: Schema.Struct({}),
    inputSchema: Schema.Struct({}),
    execute: () => Effect.succeed(core.completeStep({}))
  })
  const template = {
    schemaVersion: 1,
    id: "bench-overdue",
    version: 1,
    name: "bench",
    marketRole: "BRP",
    steps: [
      {
        id: "invite",
        type: "form",
        config: {},
        deadlines: [{ id: "late", offset: "-PT1S", escalation: { kind: "notify" } }]
      },
      { id: "done", type: "form", config: {} }
    ]
  }
  /** An engine and the pg-rls services over a pool of `max` connections. */
  const stack = async (max) => {
    const services = await core.runPromise(pgRls.make({ client: client(max) }))
    const engine = await core.createEngine({
      stores: Layer.succeedContext(pgRls.toContext(services)),
      handlers: [form],
      templates: [template]
    })
    return { services, engine }
  }
  const seeder = await stack(8)
  const workers = [await stack(CONCURRENCY + 1), await stack(CONCURRENCY + 1)]
  const direct = await stack(CONCURRENCY + 1)
  const actor = { userId: "bench", tenantId: TENANT, role: "tenant_admin", permissions: [] }

  const seed = async () => {
    const ids = []
    const lanes = 8
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < BACKLOG; i += lanes) {
          const created = await seeder.engine.create({ actor, templateId: template.id })
          await seeder.engine.start({ actor, instanceId: created.state.instanceId, expectedVersion: 1 })
          ids.push(created.state.instanceId)
        }
      })
    )
    return ids
  }

  const check = async (ids) => {
    const rows = await owner.query(
      "select count(*)::int as n, count(distinct instance_id)::int as d from workflow_events where type = 'TIMER_FIRED' and instance_id = any($1)",
      [ids]
    )
    if (rows[0].n !== ids.length || rows[0].d !== ids.length) {
      throw new Error(`expected ${ids.length} deadlines fired once each, got ${rows[0].n} (${rows[0].d} instances)`)
    }
  }

  /** Drains a fresh backlog with `n` workers; instances per second. */
  const workerSlice = async (n) => {
    const ids = await seed()
    const running = await Promise.all(
      workers.slice(0, n).map((w, i) =>
        Effect.runPromise(
          worker.makeWorker({
            name: `bench-${i}-${randomBytes(2).toString("hex")}`,
            engine: w.engine,
            due: w.services.dueWork,
            concurrency: CONCURRENCY,
            batch: 20
          })
        )
      )
    )
    const start = performance.now()
    await Promise.all(
      running.map(async (w) => {
        for (let i = 0; i < 10_000; i++) {
          const report = await Effect.runPromise(w.runDueOnce)
          if (report.claimed === 0) return
        }
      })
    )
    const seconds = (performance.now() - start) / 1000
    await check(ids)
    return ids.length / seconds
  }

  /** The engine's two system operations on what the index lists as due, CONCURRENCY lanes; instances per second. */
  const directSlice = async () => {
    const ids = await seed()
    const start = performance.now()
    const page = await core.runPromise(
      direct.services.workflowIndex.query(
        core.systemAccess("bench"),
        { dueBy: new Date().toISOString() },
        { limit: 500 }
      )
    )
    const queue = page.items.filter((e) => ids.includes(e.instanceId))
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let item = queue.pop(); item !== undefined; item = queue.pop()) {
          const system = core.systemActor(item.tenantId, "bench")
          await direct.engine.fireDueTimers({ actor: system, instanceId: item.instanceId })
          await direct.engine.runAutomaticStep({ actor: system, instanceId: item.instanceId })
        }
      })
    )
    const seconds = (performance.now() - start) / 1000
    await check(ids)
    return ids.length / seconds
  }

  const kinds = {
    one: () => workerSlice(1),
    two: () => workerSlice(2),
    direct: directSlice,
    control: directSlice
  }
  const order = Object.keys(kinds)
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const rates = {}
    for (let k = 0; k < order.length; k++) {
      const name = order[(k + r) % order.length]
      rates[name] = await kinds[name]()
    }
    rounds.push(rates)
    process.stdout.write(
      `round ${r + 1}: 1 worker ${rates.one.toFixed(0)}/s, 2 workers ${rates.two.toFixed(0)}/s, direct ${rates.direct.toFixed(0)}/s\n`
    )
  }
  const scaling = median(rounds.map((r) => r.two / r.one))
  const overhead = median(rounds.map((r) => r.one / r.direct))
  const control = median(rounds.map((r) => r.control / r.direct))
  process.stdout.write(
    `\n${process.version}, ${BACKLOG} due instances a slice, concurrency ${CONCURRENCY}, ${ROUNDS} rounds\n` +
      `  2 workers ÷ 1 worker:  ${scaling.toFixed(2)}\n` +
      `  1 worker ÷ direct:     ${overhead.toFixed(2)}\n` +
      `  control (direct ÷ direct): ${control.toFixed(2)}\n` +
      `  medians: 1 worker ${median(rounds.map((r) => r.one)).toFixed(0)}/s, 2 workers ${median(rounds.map((r) => r.two)).toFixed(0)}/s, direct ${median(rounds.map((r) => r.direct)).toFixed(0)}/s\n`
  )
  for (const s of [seeder, ...workers, direct]) await s.engine.dispose()
  if (Math.abs(control - 1) > TOLERANCE) process.exitCode = 3
} finally {
  await Promise.all(pools.map((p) => p.end()))
  await admin.query(`drop database if exists ${database} with (force)`)
  await admin.end()
}
