#!/usr/bin/env node
/**
 * Claim throughput of @workflow-manager/pg-rls's due-work queue (migration 0006): how much two
 * concurrent claimers get through compared to one, on the PostgreSQL server.
 *
 * subject   2 claimers, each on a connection of its own, each looping: claim a batch of BENCH_LIMIT
 *           (default 20) due instances in the system scope (`DueWork.claim`, one statement,
 *           `wm_due_claim`), then release it (`DueWork.release`) — a worker that handles its batch in
 *           no time
 * baseline  1 claimer, the same loop
 * control   1 claimer again, against the baseline: must come out 1.00 ± 0.05
 *
 * The rate is due instances claimed per second. The backlog (BENCH_BACKLOG due instances of 20
 * tenants, default 5,000) is seeded once with SQL; its due times do not move, so a released instance
 * is due again at once and the claims keep taking the oldest rows: the rows a claim walks past are
 * the ones other claimers hold, as in a worker fleet whose leases are the work in flight (without
 * the release, every slice would pile up leased rows at the head of the due order and each claim
 * would walk past all of them). Two claimers compete for the same oldest rows: each skips the rows
 * the other holds locked (`FOR UPDATE SKIP LOCKED`) or leased, instead of waiting, and drops the rows
 * whose lease the other committed after its statement began (the guarded lease upsert) — those
 * batches come back short, and are counted. On a 2-core machine the database's own CPU is the
 * ceiling.
 *
 * Method (ARCHITECTURE.md, "How benchmarks are measured"): interleaved ~1 s slices, order rotated
 * each round, for ≥ 8 rounds; the median per-round ratio is reported.
 *
 *   pnpm --filter @workflow-manager/core build && pnpm --filter @workflow-manager/pg-rls build
 *   node bench/pg-rls-due-claim.mjs     # DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_ROUNDS=8 BENCH_SLICE_MS=1000 BENCH_LIMIT=20 BENCH_BACKLOG=40000 node bench/pg-rls-due-claim.mjs
 */
import { randomBytes } from "node:crypto"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const pkg = join(here, "..", "packages", "pg-rls")
const require = createRequire(join(pkg, "package.json"))
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href)

const pg = (await load("pg")).default
const { Effect } = await load("effect")
const core = await load("@workflow-manager/core")
const pgRls = await import(pathToFileURL(join(pkg, "dist", "index.js")).href)

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 1000)
const LIMIT = Number(process.env.BENCH_LIMIT ?? 20)
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5_000)
const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"
// every instance is due in 2030; the claims run at one instant after that, with leases that outlast a slice
const NOW = "2030-06-01T00:00:00.000Z"

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

const seed = async (owner) => {
  await owner.query(`
    insert into tenants (id, company_name, vat_number, status)
    select ('00000000-0000-4000-8000-' || lpad(t::text, 12, '0'))::uuid, 'Bench ' || t, 'BE' || lpad(t::text, 10, '0'), 'ACTIVE'
      from generate_series(1, 20) t;
    insert into wm_instance_owners (instance_id, tenant_id)
    select 'bench-' || n, ('00000000-0000-4000-8000-' || lpad((n % 20 + 1)::text, 12, '0'))::uuid
      from generate_series(1, ${BACKLOG}) n;
    insert into workflow_instances_index (instance_id, tenant_id, template_id, template_version, market_role, status,
      version, created_at, updated_at, next_due_at, entry)
    select o.instance_id, o.tenant_id, 'bench', 1, 'BRP', 'IN_PROGRESS', 3, now(), now(), d.due,
           jsonb_build_object('instanceId', o.instance_id, 'nextDueAt',
             to_char(d.due at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      from wm_instance_owners o
     cross join lateral (select timestamptz '2030-01-01' + (substr(o.instance_id, 7)::int || ' seconds')::interval as due) d;
    analyze;`)
}

/** `claimers` loops claiming and releasing for ~SLICE_MS; instances claimed per second. */
const slice = async (claimers) => {
  let leased = 0
  let short = 0
  let batches = 0
  const start = performance.now()
  const deadline = start + SLICE_MS
  await Promise.all(
    claimers.map(async ({ dueWork, name }) => {
      const access = core.systemAccess(name)
      while (performance.now() < deadline) {
        const batch = await Effect.runPromise(
          dueWork.claim(access, { owner: name, now: NOW, leaseMs: 3_600_000, limit: LIMIT })
        )
        leased += batch.length
        batches++
        if (batch.length < LIMIT) short++
        await Effect.runPromise(dueWork.release(access, { owner: name, instanceIds: batch.map((i) => i.instanceId) }))
      }
    })
  )
  return { rate: leased / ((performance.now() - start) / 1000), short, batches }
}

console.log(
  `node ${process.version} · ${ROUNDS} rounds × ${SLICE_MS} ms slices · batches of ${LIMIT} · backlog ${BACKLOG}`
)
const database = `wm_bench_${randomBytes(5).toString("hex")}`
const serverUrl = new URL(SERVER_URL)
const dbUrl = new URL(SERVER_URL)
dbUrl.pathname = `/${database}`
const admin = new pg.Client({ connectionString: serverUrl.toString() })
await admin.connect()
await admin.query(`create database ${database}`)
const pools = []
try {
  // a pool whose idle connection is terminated by the final DROP DATABASE ... WITH (FORCE) must not crash the run
  const quiet = (pool) => {
    pool.on("error", () => {})
    pools.push(pool)
    return pool
  }
  const owner = quiet(new pg.Pool({ connectionString: dbUrl.toString(), max: 1 }))
  await pgRls.migratePromise(pgRls.fromPool(owner))
  await seed(owner)
  const version = (await owner.query("show server_version")).rows[0].server_version
  const claimer = (name) => {
    const pool = quiet(new pg.Pool({ connectionString: dbUrl.toString(), max: 1 }))
    return { name, dueWork: pgRls.makeDueWork({ client: pgRls.fromPool(pool), maxDocumentBytes: 1_048_576 }) }
  }
  const one = claimer("claimer-1")
  const two = claimer("claimer-2")
  const variants = { baseline: [one], subject: [one, two], control: [one] }
  const names = Object.keys(variants)
  // warm up (plans, connections)
  for (const name of names) await slice(variants[name])
  const rates = Object.fromEntries(names.map((n) => [n, []]))
  let short = 0
  let subjectBatches = 0
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) {
      const result = await slice(variants[name])
      rates[name].push(result.rate)
      if (name === "subject") {
        short += result.short
        subjectBatches += result.batches
      } else if (result.short > 0) {
        throw new Error("a lone claimer got a short batch: the backlog is too small")
      }
    }
  }
  const ratio = (name) => median(rates[name].map((r, i) => r / rates.baseline[i]))
  const control = ratio("control")
  console.log(
    JSON.stringify({
      label: `PostgreSQL ${version} server`,
      "1 claimer (instances claimed/s)": Math.round(median(rates.baseline)),
      "2 claimers (instances claimed/s)": Math.round(median(rates.subject)),
      "2 claimers ÷ 1": ratio("subject").toFixed(3),
      "control (1 ÷ 1)": control.toFixed(3),
      "2 claimers: batches cut short by the other's claim": `${short} of ${subjectBatches}`
    })
  )
  if (Math.abs(control - 1) > 0.05) {
    console.log("control outside 1.00 ± 0.05 — the machine was noisy, rerun")
    process.exitCode = 3
  }
} finally {
  await Promise.all(pools.map((pool) => pool.end()))
  await admin.query(`drop database if exists ${database} with (force)`)
  await admin.end()
}
