#!/usr/bin/env node
/**
 * Per-step write throughput of @workflow-manager/pg-rls: one engine step = append the step's events
 * at the expected version + upsert the state + upsert the index entry, in one transaction.
 *
 * subject   WorkflowStore.commit through the adapter (validation, JSON, Effect, classifyPgError),
 *           which sends ONE statement: select ... from wm_commit($1..$7)
 * baseline  the same statement sent directly with pg (server) or PGlite's own query() (embedded)
 * control   the baseline measured again, against itself: must come out 1.00 ± 0.05
 * alternatives, each against the baseline (same data, same database):
 *   tx-4rt  BEGIN; select wm_enter_scope(...); select wm_commit(...); COMMIT      (4 round trips)
 *   tx-6rt  BEGIN; set role + tenant; INSERT events; UPSERT state; UPSERT index; COMMIT (6 round trips)
 *
 * Method (ARCHITECTURE.md, "How benchmarks are measured"): interleaved ~1 s slices of every variant,
 * rotated each round, for ≥ 8 rounds; the median per-round ratio is reported.
 *
 *   pnpm --filter @workflow-manager/core build && pnpm --filter @workflow-manager/pg-rls build
 *   node bench/pg-rls-write.mjs            # DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_ONLY=pglite BENCH_ROUNDS=8 BENCH_SLICE_MS=1000 node bench/pg-rls-write.mjs
 */
import { randomBytes, randomUUID } from "node:crypto"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const pkg = join(here, "..", "packages", "pg-rls")
const require = createRequire(join(pkg, "package.json"))
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href)

const pg = (await load("pg")).default
const { PGlite } = await load("@electric-sql/pglite")
const { Effect } = await load("effect")
const core = await load("@workflow-manager/core")
const pgRls = await import(pathToFileURL(join(pkg, "dist", "index.js")).href)

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 1000)
const ONLY = process.env.BENCH_ONLY ?? ""
const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

const COMMIT_SQL =
  "select state_written, index_written from wm_commit($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, null)"

// ─── data: one step = STEP_STARTED + STEP_COMPLETED, folded by core's reducer ──────────────────────
const t0 = Date.parse("2026-11-26T09:00:00.000Z")
const makeInstance = (tenantId) => {
  const instanceId = randomUUID()
  const envelope = (sequence) => ({
    schemaVersion: 1,
    instanceId,
    tenantId,
    sequence,
    performedBy: "bench-user",
    occurredAt: new Date(t0 + sequence * 1000).toISOString()
  })
  const created = {
    ...envelope(1),
    type: "WORKFLOW_CREATED",
    data: {
      templateId: "contract-onboarding",
      templateVersion: 1,
      marketRole: "BRP",
      firstStepId: "s1",
      metadata: { bench: true }
    }
  }
  const started = { ...envelope(2), type: "WORKFLOW_STARTED", stepId: "s1", data: {} }
  let state = core.evolve(core.evolve(undefined, created), started)
  let pendingFirst = [created, started]
  return {
    /** The next step's batch (the first one creates and starts the instance; no outbox messages). */
    next() {
      const expectedVersion = pendingFirst === undefined ? state.version : 0
      const events =
        pendingFirst ??
        (() => {
          const v = state.version
          const attempt = (state.stepStates.s1?.attempts ?? 0) + 1
          return [
            {
              ...envelope(v + 1),
              type: "STEP_STARTED",
              stepId: "s1",
              data: { attempt, input: { amount: v, note: "bench" } }
            },
            {
              ...envelope(v + 2),
              type: "STEP_COMPLETED",
              stepId: "s1",
              data: { attempt, output: { ok: true, n: v }, nextStepId: "s1" }
            }
          ]
        })()
      if (pendingFirst === undefined) for (const e of events) state = core.evolve(state, e)
      pendingFirst = undefined
      return { events, expectedVersion, state, messages: [] }
    }
  }
}

// ─── variants ─────────────────────────────────────────────────────────────────────────────────────
const variants = ({ client, direct, tenantId }) => {
  const access = core.tenantAccess(tenantId)
  const store = Effect.runSync(pgRls.make({ client })).workflowStore
  const params = (batch) => [
    tenantId,
    "",
    batch.expectedVersion,
    JSON.stringify(batch.events),
    JSON.stringify(batch.state),
    JSON.stringify(core.entryOf(batch.state))
  ]
  return {
    subject: (batch) => Effect.runPromise(store.commit(access, batch)),
    baseline: (batch) => direct.query(COMMIT_SQL, params(batch)),
    control: (batch) => direct.query(COMMIT_SQL, params(batch)),
    "tx-4rt": (batch) =>
      direct.transaction(async (tx) => {
        await tx.query("select wm_enter_scope($1, '')", [tenantId])
        await tx.query(COMMIT_SQL, params(batch))
      }),
    "tx-6rt": (batch) =>
      direct.transaction(async (tx) => {
        const [, , expected, events, state, entry] = params(batch)
        await tx.query("select set_config('role', 'workflow_app', true), set_config('app.current_tenant', $1, true)", [
          tenantId
        ])
        await tx.query(
          `with owner as (
             insert into wm_instance_owners (instance_id, tenant_id)
             values ($1::jsonb -> 0 ->> 'instanceId', ($1::jsonb -> 0 ->> 'tenantId')::uuid) on conflict do nothing
           )
           insert into workflow_events (instance_id, sequence, tenant_id, type, step_id, command_id, occurred_at, event)
           select e ->> 'instanceId', (e ->> 'sequence')::int, (e ->> 'tenantId')::uuid, e ->> 'type', e ->> 'stepId',
                  e ->> 'commandId', (e ->> 'occurredAt')::timestamptz, e
             from jsonb_array_elements($1::jsonb) as x (e)
            where $2::int = coalesce((select max(sequence) from workflow_events where instance_id = $1::jsonb -> 0 ->> 'instanceId'), 0)`,
          [events, expected]
        )
        await tx.query(
          `insert into workflow_instances as t (instance_id, tenant_id, version, state)
           values ($1::jsonb ->> 'instanceId', ($1::jsonb ->> 'tenantId')::uuid, ($1::jsonb ->> 'version')::int, $1::jsonb)
           on conflict (instance_id) do update set version = excluded.version, state = excluded.state, stored_at = now()
           where t.version < excluded.version`,
          [state]
        )
        await tx.query(
          `insert into workflow_instances_index as t (instance_id, tenant_id, template_id, template_version, market_role, status,
             current_step_id, version, created_at, updated_at, entry)
           select e ->> 'instanceId', (e ->> 'tenantId')::uuid, e ->> 'templateId', (e ->> 'templateVersion')::int,
                  e ->> 'marketRole', e ->> 'status', e ->> 'currentStepId', (e ->> 'version')::int,
                  (e ->> 'createdAt')::timestamptz, (e ->> 'updatedAt')::timestamptz, e from (select $1::jsonb as e) x
           on conflict (instance_id) do update set status = excluded.status, current_step_id = excluded.current_step_id,
             version = excluded.version, updated_at = excluded.updated_at, entry = excluded.entry, stored_at = now()
           where t.version < excluded.version`,
          [entry]
        )
      })
  }
}

/** Runs `step` for ~SLICE_MS on `lanes` concurrent loops, each on its own instance; steps per second. */
const slice = async (step, tenantId, lanes) => {
  const instances = Array.from({ length: lanes }, () => makeInstance(tenantId))
  let steps = 0
  const start = performance.now()
  const deadline = start + SLICE_MS
  await Promise.all(
    instances.map(async (instance) => {
      while (performance.now() < deadline) {
        await step(instance.next())
        steps++
      }
    })
  )
  return steps / ((performance.now() - start) / 1000)
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

const measure = async (label, setup, lanes) => {
  const names = ["baseline", "subject", "control", "tx-4rt", "tx-6rt"]
  const rates = Object.fromEntries(names.map((n) => [n, []]))
  const fns = variants(setup)
  // warm up every variant (plans, JIT, connections)
  for (const name of names) {
    const warm = makeInstance(setup.tenantId)
    for (let i = 0; i < 30; i++) await fns[name](warm.next())
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const name of order) rates[name].push(await slice(fns[name], setup.tenantId, lanes))
  }
  const ratio = (name) => median(rates[name].map((r, i) => r / rates.baseline[i]))
  const result = {
    label,
    lanes,
    baselineStepsPerSecond: Math.round(median(rates.baseline)),
    subjectStepsPerSecond: Math.round(median(rates.subject)),
    "adapter ÷ direct SQL": ratio("subject").toFixed(3),
    "control (direct ÷ direct)": ratio("control").toFixed(3),
    "tx-4rt ÷ direct 1-rt": ratio("tx-4rt").toFixed(3),
    "tx-6rt ÷ direct 1-rt": ratio("tx-6rt").toFixed(3)
  }
  const control = ratio("control")
  result.controlOk = Math.abs(control - 1) <= 0.05
  console.log(JSON.stringify(result))
  return result
}

console.log(
  `node ${process.version} · ${ROUNDS} rounds × ${SLICE_MS} ms slices · variants interleaved, order rotated per round`
)
const results = []

if (ONLY === "" || ONLY === "server") {
  const database = `wm_bench_${randomBytes(5).toString("hex")}`
  const serverUrl = new URL(SERVER_URL)
  const dbUrl = new URL(SERVER_URL)
  dbUrl.pathname = `/${database}`
  const admin = new pg.Client({ connectionString: serverUrl.toString() })
  await admin.connect()
  await admin.query(`create database ${database}`)
  try {
    for (const lanes of [1, 8]) {
      const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: lanes })
      pool.on("error", () => {})
      const client = pgRls.fromPool(pool)
      await pgRls.migratePromise(client)
      const tenantId = randomUUID()
      await pool.query(
        "insert into tenants (id, company_name, vat_number) values ($1, 'Bench NV', $2) on conflict do nothing",
        [tenantId, `BE0${Math.floor(Math.random() * 1e9)}`.padEnd(12, "0")]
      )
      const version = (await pool.query("show server_version")).rows[0].server_version
      // `direct` is plain pg: the pool's own query(), and BEGIN/COMMIT on a checked-out client
      const direct = {
        query: (text, values) => pool.query(text, values),
        transaction: async (body) => {
          const c = await pool.connect()
          try {
            await c.query("begin")
            await body({ query: (text, values) => c.query(text, values) })
            await c.query("commit")
          } catch (e) {
            await c.query("rollback").catch(() => {})
            throw e
          } finally {
            c.release()
          }
        }
      }
      results.push(await measure(`PostgreSQL ${version} server, pool of ${lanes}`, { client, direct, tenantId }, lanes))
      await pool.end()
    }
  } finally {
    await admin.query(`drop database if exists ${database} with (force)`)
    await admin.end()
  }
}

if (ONLY === "" || ONLY === "pglite") {
  const db = await PGlite.create()
  const client = pgRls.fromPGlite(db)
  await pgRls.migratePromise(client)
  const tenantId = randomUUID()
  await db.query("insert into tenants (id, company_name, vat_number) values ($1, 'Bench NV', 'BE0123456789')", [
    tenantId
  ])
  const version = (await db.query("show server_version")).rows[0].server_version
  const direct = {
    query: (text, values) => db.query(text, values),
    transaction: (body) => db.transaction((tx) => body({ query: (text, values) => tx.query(text, values) }))
  }
  results.push(await measure(`PGlite 0.5 (PostgreSQL ${version}, WASM, in process)`, { client, direct, tenantId }, 1))
  await db.close()
}

const bad = results.filter((r) => !r.controlOk)
if (bad.length > 0) {
  console.log(`control outside 1.00 ± 0.05 for: ${bad.map((r) => r.label).join("; ")} — the machine was noisy, rerun`)
  process.exitCode = 3
}
