#!/usr/bin/env node
/**
 * The engine end to end on PostgreSQL (issue 10): `executeStep` through the Promise facade
 * (`createEngine` with the pg-rls adapter's stores on a `pg` Pool) ÷ the raw step transaction an
 * application would send itself with `pg`, in the same process, at 1 and at 8 connections.
 *
 * subject   engine.executeStep({ actor, instanceId, expectedVersion, stepId, input }) — an `echo`
 *           handler on an N-step template (BENCH_STEPS, default 8); whatever the adapter sends
 *           (the profile lists it: e.g. wm_get_states + wm_read_events + wm_commit before migration
 *           0002, wm_load + wm_commit after it)
 * baseline  BEGIN; set role + tenant (set_config × 3); INSERT the step's events (one multi-row
 *           VALUES); UPSERT the state (version-guarded ON CONFLICT); COMMIT — 5 round trips. The
 *           documents are the ones the engine wrote for the same step of the same template (recorded
 *           from one engine run, given a new instance id and `occurredAt`, serialised per call), so
 *           both sides write the same number of events and the same bytes
 * control   the baseline again, against itself: must come out at 1.00 ± 0.05
 *
 * Instances are created and started before each slice, outside the measured time (engine: create +
 * start; raw: the same events and state, plus the `wm_instance_owners` row where that table exists);
 * a slice is BENCH_OPS steps spread over `lanes` concurrent callers, each on its own instances, on a
 * pool of `lanes` connections. Variants are interleaved, each round in another of their 6 orders
 * (BENCH_ROUNDS, default 12); the medians of the per-round ratios are reported.
 *
 * Besides the rates it reports where the time goes, per step: round trips (every statement the
 * engine's pool runs, by kind, with its mean latency as seen from Node), the time spent awaiting the
 * database vs the rest (JS), and the CPU of this process and of the PostgreSQL backends serving the
 * bench's connections (`/proc`, when the server runs on this machine).
 *
 *   pnpm --filter @workflow-manager/core --filter @workflow-manager/pg-rls build
 *   node bench/pg-rls-engine.mjs     # a fresh database wm_bench_<random> on DATABASE_URL's server, dropped at the end
 *   BENCH_OPS=1000 BENCH_ROUNDS=12 BENCH_WARMUP=300 BENCH_STEPS=8 BENCH_LANES=1,8 BENCH_KEYED=0 node bench/pg-rls-engine.mjs
 *   BENCH_RAW_SCOPE=function        # the raw side enters the scope with `select wm_enter_scope($1, '')` instead
 *   BENCH_RAW_INDEX=1               # the raw side also upserts the index entry (6 round trips), as wm_commit does
 *   BENCH_KEYED=1                   # every executeStep carries an idempotency key
 *
 * Exit code: 0 when engine ÷ raw ≥ 1.0 at every concurrency (issue 10's goal), 1 when not, 3 when a
 * control is outside 1.00 ± 0.05 (a noisy machine: rerun).
 */
import { randomBytes, randomUUID } from "node:crypto"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const pkg = join(here, "..", "packages", "pg-rls")
const require = createRequire(join(pkg, "package.json"))
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href)

const pg = (await load("pg")).default
const { Effect, Schema } = await load("effect")
const core = await load("@workflow-manager/core")
const pgRls = await import(pathToFileURL(join(pkg, "dist", "index.js")).href)

const env = process.env
const OPS = Number(env.BENCH_OPS ?? 1000)
const ROUNDS = Number(env.BENCH_ROUNDS ?? 12) // a multiple of 6: every order of the 3 variants as often
const WARMUP = Number(env.BENCH_WARMUP ?? 300)
const STEPS = Number(env.BENCH_STEPS ?? 8)
const LANES = (env.BENCH_LANES ?? "1,8").split(",").map(Number)
const KEYED = env.BENCH_KEYED === "1"
const RAW_SCOPE = env.BENCH_RAW_SCOPE ?? "set_config"
const RAW_INDEX = env.BENCH_RAW_INDEX === "1"
const SERVER_URL = env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

// ─── the workflow ─────────────────────────────────────────────────────────────────────────────────
const echo = core.defineStepHandler({
  type: "echo",
  description: "Returns its input",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ field: Schema.String, value: Schema.String, n: Schema.Number }),
  execute: ({ input }) => Effect.succeed(input)
})
const template = {
  schemaVersion: 1,
  id: "bench-engine",
  version: 1,
  name: "Benchmark: engine on PostgreSQL",
  marketRole: "BRP",
  steps: Array.from({ length: STEPS }, (_, i) => ({ id: `s${i + 1}`, type: "echo", config: {} }))
}
const inputOf = (stepId) => ({ field: stepId, value: `${stepId}-value`, n: 42 })

// ─── measuring: statements by kind, time awaiting them, CPU of this process and of the server ──────
const kindOf = (text) => {
  const fn = /\bwm_[a-z_]+/.exec(text)
  return fn !== null ? fn[0] : text.trimStart().split(/\s/, 1)[0].toLowerCase()
}
const CONNECT = "(connect)" // a connection taken from the pool: counted in the awaited time, not as a statement
const newStats = () => ({ on: false, statements: 0, awaitMs: 0, byKind: new Map() })
const record = (stats, text, ms) => {
  if (!stats.on) return
  if (text !== CONNECT) stats.statements++
  stats.awaitMs += ms
  const kind = kindOf(text)
  const entry = stats.byKind.get(kind) ?? { count: 0, ms: 0 }
  entry.count++
  entry.ms += ms
  stats.byKind.set(kind, entry)
}

/** The pool as the engine sees it: every statement counted and timed; `onQuery` sees the parameters. */
const instrument = (pool, stats, onQuery) => {
  const timed = async (run, text, values) => {
    onQuery?.(text, values)
    const start = performance.now()
    try {
      return await run()
    } finally {
      record(stats, text, performance.now() - start)
    }
  }
  return {
    query: (text, values) => timed(() => pool.query(text, values), text, values),
    connect: async () => {
      const start = performance.now()
      const connection = await pool.connect()
      record(stats, CONNECT, performance.now() - start)
      return {
        query: (text, values) => timed(() => connection.query(text, values), text, values),
        release: (error) => connection.release(error)
      }
    },
    end: () => pool.end()
  }
}

const TICK_MS = 10 // USER_HZ = 100 on Linux
/**
 * CPU milliseconds of the server backends serving the bench's database (their pids from
 * pg_stat_activity; their /proc entries when the server runs on this machine), else undefined.
 */
const backendCpuMs = async (admin, database) => {
  const { rows } = await admin.query("select pid from pg_stat_activity where datname = $1", [database])
  let ticks = 0
  for (const { pid } of rows) {
    let stat
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    } catch {
      return undefined
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
  }
  return rows.length === 0 ? undefined : ticks * TICK_MS
}

// ─── the raw side: a hand-written step transaction with pg ────────────────────────────────────────
const SCOPE_SQL =
  RAW_SCOPE === "function"
    ? "select wm_enter_scope($1, '')"
    : "select set_config('role', 'workflow_app', true), set_config('app.current_tenant', $1, true), set_config('app.current_role', '', true)"
const insertEventsSql = (n) =>
  `insert into workflow_events (instance_id, sequence, tenant_id, type, step_id, command_id, occurred_at, event) values ${Array.from(
    { length: n },
    (_, i) =>
      `($${i * 8 + 1}, $${i * 8 + 2}, $${i * 8 + 3}, $${i * 8 + 4}, $${i * 8 + 5}, $${i * 8 + 6}, $${i * 8 + 7}, $${i * 8 + 8}::jsonb)`
  ).join(", ")}`
const UPSERT_STATE_SQL = `insert into workflow_instances as t (instance_id, tenant_id, version, state) values ($1, $2, $3, $4::jsonb)
  on conflict (instance_id) do update set version = excluded.version, state = excluded.state, stored_at = now()
  where t.version < excluded.version`

// BENCH_RAW_INDEX=1: the index entry too, as the engine's commit does (its columns from the entry, as wm_commit does)
const UPSERT_ENTRY_SQL = `insert into workflow_instances_index as t (instance_id, tenant_id, template_id, template_version,
    market_role, status, current_step_id, version, created_at, updated_at, entry)
  select e ->> 'instanceId', (e ->> 'tenantId')::uuid, e ->> 'templateId', (e ->> 'templateVersion')::int, e ->> 'marketRole',
    e ->> 'status', e ->> 'currentStepId', (e ->> 'version')::int, (e ->> 'createdAt')::timestamptz, (e ->> 'updatedAt')::timestamptz, e
  from (select $1::jsonb as e) as x
  on conflict (instance_id) do update set status = excluded.status, current_step_id = excluded.current_step_id,
    version = excluded.version, updated_at = excluded.updated_at, entry = excluded.entry, stored_at = now()
  where t.version < excluded.version`

/** The events and state the engine wrote, one entry per commit: [create, start, step 1, …, step N]. */
const recordedCommits = []
/** On for the one recorded run only: the measured engine pays nothing for it. */
let recording = false
const captureCommit = (text, values) => {
  if (!recording || !/\bwm_commit\b/.test(text) || values === undefined) return
  let events
  let state
  let entry
  for (const value of values) {
    if (typeof value !== "string" || !/^[[{]/.test(value)) continue
    const doc = JSON.parse(value)
    if (Array.isArray(doc) && doc.length > 0 && typeof doc[0]?.sequence === "number") events ??= doc
    else if (doc !== null && typeof doc === "object" && "stepStates" in doc) state ??= doc
    else if (doc !== null && typeof doc === "object" && "currentStepId" in doc) entry ??= doc
  }
  if (events !== undefined && state !== undefined) recordedCommits.push({ events, state, entry })
}

/** The raw writes of commit `position`: the recorded documents with a new instance id, tenant and time. */
const rawDocuments = (position, instanceId, tenantId) => {
  const at = new Date().toISOString()
  const { events, state, entry } = recordedCommits[position]
  return {
    events: events.map((e) => ({ ...e, instanceId, tenantId, occurredAt: at })),
    state: { ...state, instanceId, tenantId, updatedAt: at },
    entry: { ...entry, instanceId, tenantId, updatedAt: at }
  }
}

/** Scope, [the ownership row,] events, state[, index entry]: as an application would write a step. */
const rawWrite = async (connection, tenantId, documents, owner = false) => {
  await connection.query(SCOPE_SQL, [tenantId])
  // migration 0002 on: the first write of an instance claims it (the tenant's insert policy allows it)
  if (owner) {
    await connection.query("insert into wm_instance_owners (instance_id, tenant_id) values ($1, $2)", [
      documents.state.instanceId,
      tenantId
    ])
  }
  const params = []
  for (const e of documents.events) {
    params.push(
      e.instanceId,
      e.sequence,
      e.tenantId,
      e.type,
      e.stepId ?? null,
      e.commandId ?? null,
      e.occurredAt,
      JSON.stringify(e)
    )
  }
  await connection.query(insertEventsSql(documents.events.length), params)
  const s = documents.state
  await connection.query(UPSERT_STATE_SQL, [s.instanceId, s.tenantId, s.version, JSON.stringify(s)])
  if (RAW_INDEX) await connection.query(UPSERT_ENTRY_SQL, [JSON.stringify(documents.entry)])
}

const inTransaction = async (pool, body) => {
  const connection = await pool.connect()
  try {
    await connection.query("begin")
    await body(connection)
    await connection.query("commit")
  } catch (error) {
    await connection.query("rollback").catch(() => {})
    throw error
  } finally {
    connection.release()
  }
}

// ─── the two sides: prepare instances (not measured), run one step (measured) ─────────────────────
const makeSides = ({ engine, pool, tenantId, ownersTable }) => {
  const actor = { userId: "bench-user", tenantId, role: "brp_admin", permissions: [] }
  let keys = 0
  const engineSide = {
    prepare: async () => {
      const created = await engine.create({ actor, templateId: template.id })
      const started = await engine.start({
        actor,
        instanceId: created.state.instanceId,
        expectedVersion: created.state.version
      })
      return { state: started.state, done: 0 }
    },
    step: async (instance) => {
      const stepId = instance.state.currentStepId
      const result = await engine.executeStep({
        actor,
        instanceId: instance.state.instanceId,
        expectedVersion: instance.state.version,
        stepId,
        input: inputOf(stepId),
        ...(KEYED ? { idempotencyKey: `k-${++keys}` } : {})
      })
      instance.state = result.state
      instance.done++
    }
  }
  const rawSide = {
    prepare: async () => {
      const instanceId = randomUUID()
      const created = rawDocuments(0, instanceId, tenantId)
      const started = rawDocuments(1, instanceId, tenantId)
      const documents = { events: [...created.events, ...started.events], state: started.state, entry: started.entry }
      await inTransaction(pool, (connection) => rawWrite(connection, tenantId, documents, ownersTable))
      return { instanceId, done: 0 }
    },
    step: async (instance) => {
      const documents = rawDocuments(2 + instance.done, instance.instanceId, tenantId)
      await inTransaction(pool, (connection) => rawWrite(connection, tenantId, documents))
      instance.done++
    }
  }
  return { engine: engineSide, raw: rawSide, control: rawSide }
}

/**
 * One slice: `ops` steps over `lanes` callers. Each caller's instances are prepared first (not
 * measured); a caller moves to its next instance when one has run all its steps.
 */
const slice = async (side, lanes, ops, server, stats) => {
  const perLane = Array.from({ length: lanes }, (_, i) => Math.floor(ops / lanes) + (i < ops % lanes ? 1 : 0))
  const queues = await Promise.all(
    perLane.map(async (n) => {
      const queue = []
      for (let i = 0; i < Math.ceil(n / STEPS); i++) queue.push(await side.prepare())
      return queue
    })
  )
  const cpu0 = process.cpuUsage()
  const server0 = await server()
  if (stats !== undefined) stats.on = true
  const start = performance.now()
  await Promise.all(
    queues.map(async (queue, lane) => {
      let index = 0
      for (let i = 0; i < perLane[lane]; i++) {
        if (queue[index].done === STEPS) index++
        await side.step(queue[index])
      }
    })
  )
  const ms = performance.now() - start
  if (stats !== undefined) stats.on = false
  const cpu = process.cpuUsage(cpu0)
  const server1 = await server()
  return {
    rate: ops / (ms / 1000),
    ms,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: server0 === undefined || server1 === undefined ? undefined : server1 - server0
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sum = (xs) => xs.reduce((a, b) => a + b, 0)

/**
 * The order of the variants in a round: the 6 orders of 3 in turn, so that each variant runs as
 * often right after each other one (a slice may pay for the previous one's dirty buffers,
 * autovacuum and garbage: a plain rotation would always put the control right after the engine).
 */
const ORDERS = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
  [1, 0, 2],
  [0, 2, 1]
]

const measure = async (label, sides, lanes, server, stats) => {
  const names = ["raw", "engine", "control"]
  const runs = Object.fromEntries(names.map((n) => [n, []]))
  for (const name of names) await slice(sides[name], lanes, WARMUP, server) // plans, JIT, connections
  for (let round = 0; round < ROUNDS; round++) {
    const order = ORDERS[round % ORDERS.length].map((i) => names[i])
    for (const name of order)
      runs[name].push(await slice(sides[name], lanes, OPS, server, name === "engine" ? stats : undefined))
  }
  const ratio = (name) => median(runs[name].map((r, i) => r.rate / runs.raw[i].rate))
  const perStep = (name, key) =>
    runs[name].every((r) => r[key] !== undefined) ? (sum(runs[name].map((r) => r[key])) * 1000) / (OPS * ROUNDS) : NaN
  const control = ratio("control")
  const engineMs = sum(runs.engine.map((r) => r.ms))
  const result = {
    label,
    lanes,
    engineStepsPerSecond: Math.round(median(runs.engine.map((r) => r.rate))),
    rawStepsPerSecond: Math.round(median(runs.raw.map((r) => r.rate))),
    "engine ÷ raw": Number(ratio("engine").toFixed(3)),
    "control (raw ÷ raw)": Number(control.toFixed(3)),
    controlOk: Math.abs(control - 1) <= 0.05,
    profile: {
      "engine statements per step": Number((stats.statements / (OPS * ROUNDS)).toFixed(2)),
      "raw statements per step": RAW_INDEX ? 6 : 5,
      "engine statements by kind (per step, mean ms)": Object.fromEntries(
        [...stats.byKind].map(([kind, e]) => [
          kind,
          `${(e.count / (OPS * ROUNDS)).toFixed(2)} × ${(e.ms / e.count).toFixed(3)} ms`
        ])
      ),
      // of the callers' time: awaiting a statement (connection wait included) vs everything else (JS, event loop)
      "engine share awaiting the database": Number((stats.awaitMs / (engineMs * lanes)).toFixed(3)),
      "engine wall µs per step per caller": Math.round((engineMs * lanes * 1000) / (OPS * ROUNDS)),
      "engine µs per step awaiting the database": Math.round((stats.awaitMs * 1000) / (OPS * ROUNDS)),
      "Node CPU µs per step (engine | raw)": `${Math.round(perStep("engine", "nodeCpuMs"))} | ${Math.round(perStep("raw", "nodeCpuMs"))}`,
      "PostgreSQL backends' CPU µs per step (engine | raw)": `${Math.round(perStep("engine", "serverCpuMs"))} | ${Math.round(perStep("raw", "serverCpuMs"))}`
    }
  }
  console.log(JSON.stringify(result, null, 2))
  return result
}

// ─── main ─────────────────────────────────────────────────────────────────────────────────────────
console.log(
  `node ${process.version} · ${ROUNDS} rounds × ${OPS} steps per slice (warm-up ${WARMUP}) · ${STEPS}-step template · lanes ${LANES.join(", ")}` +
    ` · raw scope by ${RAW_SCOPE}${RAW_INDEX ? " · raw writes the index entry too" : ""}${KEYED ? " · keyed commands" : ""}`
)
const database = `wm_bench_${randomBytes(5).toString("hex")}`
const dbUrl = new URL(SERVER_URL)
dbUrl.pathname = `/${database}`
const admin = new pg.Client({ connectionString: SERVER_URL })
await admin.connect()
await admin.query(`create database ${database}`)
// interrupted (Ctrl-C, `timeout`): drop the database on the way out
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    admin
      .query(`drop database if exists ${database} with (force)`)
      .catch(() => {})
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143))
  })
}
const results = []
try {
  for (const lanes of LANES) {
    const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: lanes, idleTimeoutMillis: 0 })
    pool.on("error", () => {})
    await pgRls.migratePromise(pgRls.fromPool(pool))
    const tenantId = randomUUID()
    await pool.query(
      "insert into tenants (id, company_name, vat_number, status) values ($1, 'Bench NV', $2, 'ACTIVE')",
      [tenantId, `BE0${randomBytes(5).readUInt32BE() % 1e9}`.padEnd(12, "0")]
    )
    const version = (await pool.query("show server_version")).rows[0].server_version
    const ownersTable =
      (await pool.query("select to_regclass('wm_instance_owners') is not null as present")).rows[0].present === true
    const stats = newStats()
    const engine = await core.createEngine({
      stores: pgRls.layer({ client: pgRls.fromPool(instrument(pool, stats, captureCommit)) }),
      handlers: [echo],
      templates: [template]
    })
    try {
      const sides = makeSides({ engine, pool, tenantId, ownersTable })
      if (recordedCommits.length === 0) {
        // one instance through the engine: the documents the raw side writes
        recording = true
        const instance = await sides.engine.prepare()
        while (instance.done < STEPS) await sides.engine.step(instance)
        recording = false
        if (recordedCommits.length !== STEPS + 2) {
          throw new Error(`recorded ${recordedCommits.length} commits of the engine, expected ${STEPS + 2}`)
        }
        const sizes = recordedCommits
          .slice(2)
          .map((c) => JSON.stringify(c.events).length + JSON.stringify(c.state).length)
        console.log(
          `raw documents: ${recordedCommits[2].events.length} event(s) per step (${recordedCommits[2].events.map((e) => e.type).join(", ")}), ` +
            `events + state ${Math.min(...sizes)}–${Math.max(...sizes)} bytes per step${ownersTable ? "; ownership row on create" : ""}`
        )
      }
      const server = () => backendCpuMs(admin, database)
      results.push(
        await measure(`PostgreSQL ${version}, pool of ${lanes}, ${lanes} caller(s)`, sides, lanes, server, stats)
      )
    } finally {
      await engine.dispose()
      await pool.end()
    }
  }
} finally {
  await admin.query(`drop database if exists ${database} with (force)`)
  await admin.end()
}

const noisy = results.filter((r) => !r.controlOk)
if (noisy.length > 0) {
  console.log(`control outside 1.00 ± 0.05 for: ${noisy.map((r) => r.label).join("; ")} — the machine was noisy, rerun`)
  process.exitCode = 3
} else if (results.some((r) => r["engine ÷ raw"] < 1)) {
  console.log("goal missed: engine ÷ raw < 1.0 (issue 10)")
  process.exitCode = 1
}
