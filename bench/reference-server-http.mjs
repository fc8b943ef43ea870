#!/usr/bin/env node
/**
 * The reference server's overhead (issue 14): `executeStep` over HTTP (GraphQL mutation, JWT
 * verified and the user re-read, limits, graphql-http, Fastify; load from autocannon on loopback)
 * ÷ the same command called directly on the server's engine, with the same store, in the same
 * process and the same run.
 *
 * subject   autocannon, `lanes` connections, each driving its own workflow through an N-step
 *           template of form steps: POST /graphql `executeStep(input: { workflowId, expectedVersion,
 *           stepId, input })`, the next version read from each answer
 * baseline  `lanes` async loops calling `engine.executeStep` with the same actor (the token's) on
 *           their own workflows of the same template, on the same store
 * control   the baseline against itself: must come out at 1.00 ± 0.05
 *
 * Workflows are created and started before each slice, outside the measured time. Slices alternate
 * (BENCH_ROUNDS, default 8; BENCH_SLICE_MS, default 1000), the median of the per-round ratios is
 * reported. Storage: a fresh database `wm_bench_<random>` on DATABASE_URL's server (dropped at the
 * end), or the embedded default (PGlite) in a temporary folder when DATABASE_URL is unset.
 *
 *   ./wm setup                                 # builds the packages the server imports
 *   node bench/reference-server-http.mjs       # BENCH_LANES=1,8 BENCH_ROUNDS=8 BENCH_SLICE_MS=1000 BENCH_STEPS=200 BENCH_SPARE=6
 *
 * Exit code: 0 when HTTP ÷ direct ≥ 0.6 at every concurrency (the goal), 1 when not, 3 when
 * a control stays outside 1.00 ± 0.05 (a noisy machine: rerun).
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import autocannon from "autocannon"

const here = dirname(fileURLToPath(import.meta.url))
const serverDir = join(here, "..", "reference-server")
const require = createRequire(join(serverDir, "package.json"))
const pg = (await import(pathToFileURL(require.resolve("pg")).href)).default
const { loadConfig } = await import(pathToFileURL(join(serverDir, "src", "config.ts")).href)
const { startServer } = await import(pathToFileURL(join(serverDir, "src", "server.ts")).href)
const { hashPassword } = await import(pathToFileURL(join(serverDir, "src", "auth", "index.ts")).href)
const core = await import(pathToFileURL(require.resolve("@workflow-manager/core")).href)

const env = process.env
const LANES = (env.BENCH_LANES ?? "1,8").split(",").map(Number)
const ROUNDS = Number(env.BENCH_ROUNDS ?? 8)
const SLICE_MS = Number(env.BENCH_SLICE_MS ?? 1000)
const STEPS = Number(env.BENCH_STEPS ?? 200) // core's limit: 200 steps a template
/** Workflows prepared per lane and slice: a lane moves to a fresh one after the last step. */
const SPARE = Number(env.BENCH_SPARE ?? 6)
const GOAL = 0.6
const TOLERANCE = 0.05

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

// --- the server, on a fresh store --------------------------------------------------------------
const dataDir = await mkdtemp(join(tmpdir(), "wm-bench-http-"))
let database
if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== "") {
  const name = `wm_bench_${randomBytes(6).toString("hex")}`
  const admin = new pg.Client({ connectionString: env.DATABASE_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(env.DATABASE_URL)
  url.pathname = `/${name}`
  database = { name, url: url.toString() }
}
const serverEnv = {
  ...env,
  LOG_LEVEL: "silent",
  HOST: "127.0.0.1",
  PORT: "0",
  WM_DATA_DIR: dataDir,
  WM_DEMO_DATA: "false",
  WM_MAX_BODY_BYTES: "1048576",
  ...(database === undefined
    ? { DATABASE_URL: "" }
    : { DATABASE_URL: database.url, DATABASE_POOL_MAX: String(Math.max(...LANES) + 2) })
}
const server = await startServer(loadConfig(serverEnv), serverEnv)
const { engine, storage } = server
const cleanup = async () => {
  await server.close()
  await rm(dataDir, { recursive: true, force: true })
  if (database !== undefined) {
    const admin = new pg.Client({ connectionString: env.DATABASE_URL })
    await admin.connect()
    await admin.query(`drop database if exists ${database.name} with (force)`)
    await admin.end()
  }
}

// a participant, a user with a password, a token, and the actor the token stands for
const operator = core.operatorAccess("bench", storage.operatorId)
const tenant = await core.runPromise(
  storage.services.tenants.create(operator, { companyName: "Bench NV", vatNumber: "BE0476388378", status: "ACTIVE" })
)
await core.runPromise(
  storage.services.users.create(operator, {
    tenantId: tenant.id,
    email: "bench@bench.example",
    role: "tenant_admin",
    passwordHash: await hashPassword("bench-password-123")
  })
)
const signIn = await fetch(`${server.url}/graphql`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    query: 'mutation { login(email: "bench@bench.example", password: "bench-password-123") { token } }'
  })
}).then((r) => r.json())
const token = signIn.data.login.token
const actor = await server.auth.authenticate(`Bearer ${token}`)

await engine.publishTemplate({
  schemaVersion: 1,
  id: "bench-steps",
  version: 1,
  name: "Bench: form steps",
  marketRole: "BRP",
  steps: Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i + 1}`,
    type: "form",
    config: { fields: { note: { type: "string", max: 100 } } }
  }))
})

/** `count` started workflows: { id, version, step }. */
const prepare = async (count) => {
  const out = []
  for (let i = 0; i < count; i++) {
    const created = await engine.create({ actor, templateId: "bench-steps" })
    const started = await engine.start({
      actor,
      instanceId: created.state.instanceId,
      expectedVersion: created.state.version
    })
    out.push({ id: started.state.instanceId, version: started.state.version, step: 1 })
  }
  return out
}

const next = (pool) => {
  const w = pool.pop()
  if (w === undefined) throw new Error("out of prepared workflows: raise BENCH_SPARE")
  return w
}

const QUERY = "mutation ($i: ExecuteStepInput!) { executeStep(input: $i) { version } }"

/** One HTTP slice: commands per second (every answer checked). */
const httpSlice = async (lanes) => {
  const pool = await prepare(lanes * SPARE)
  const idle = pool.splice(0, lanes)
  let ok = 0
  let failed = 0
  let firstFailure
  const started = performance.now()
  await autocannon({
    url: `${server.url}/graphql`,
    connections: lanes,
    pipelining: 1,
    duration: SLICE_MS / 1000,
    requests: [
      {
        method: "POST",
        path: "/graphql",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        setupRequest: (request, context) => {
          // autocannon resets a connection's context after each answer: a workflow is taken from the
          // idle ones here and given back with its new version in onResponse (one request in flight per connection)
          let w = next(idle)
          if (w.step > STEPS) w = next(pool)
          context.workflow = w
          return {
            ...request,
            body: JSON.stringify({
              query: QUERY,
              variables: {
                i: { workflowId: w.id, expectedVersion: w.version, stepId: `s${w.step}`, input: { note: "bench" } }
              }
            })
          }
        },
        onResponse: (status, body, context) => {
          const answer = status === 200 ? JSON.parse(body) : undefined
          const version = answer?.data?.executeStep?.version
          if (typeof version === "number") {
            ok++
            context.workflow.version = version
            context.workflow.step++
            idle.push(context.workflow)
          } else {
            failed++
            firstFailure ??= `${status} ${String(body).slice(0, 300)}`
          }
        }
      }
    ]
  })
  const seconds = (performance.now() - started) / 1000
  if (failed > 0) throw new Error(`HTTP slice: ${failed} failed commands, e.g. ${firstFailure}`)
  return ok / seconds
}

/** One direct slice: commands per second. */
const directSlice = async (lanes) => {
  const pool = await prepare(lanes * SPARE)
  let ok = 0
  const started = performance.now()
  const end = started + SLICE_MS
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      let w = next(pool)
      while (performance.now() < end) {
        if (w.step > STEPS) w = next(pool)
        const result = await engine.executeStep({
          actor,
          instanceId: w.id,
          expectedVersion: w.version,
          stepId: `s${w.step}`,
          input: { note: "bench" }
        })
        w.version = result.state.version
        w.step++
        ok++
      }
    })
  )
  return ok / ((performance.now() - started) / 1000)
}

const compare = async (subject, baseline, lanes) => {
  await subject(lanes)
  await baseline(lanes)
  const ratios = []
  const subjectRates = []
  const baselineRates = []
  for (let round = 0; round < ROUNDS; round++) {
    let s
    let b
    if (round % 2 === 0) {
      s = await subject(lanes)
      b = await baseline(lanes)
    } else {
      b = await baseline(lanes)
      s = await subject(lanes)
    }
    subjectRates.push(s)
    baselineRates.push(b)
    ratios.push(s / b)
  }
  return { ratio: median(ratios), subjectRate: median(subjectRates), baselineRate: median(baselineRates) }
}

let exitCode = 0
try {
  console.log(
    `reference server executeStep: HTTP ÷ direct engine, ${server.storage.kind} store, node ${process.version}, ${ROUNDS} rounds of ${SLICE_MS} ms`
  )
  for (const lanes of LANES) {
    let control
    let result
    for (let attempt = 1; attempt <= 3; attempt++) {
      control = await compare(directSlice, directSlice, lanes)
      result = await compare(httpSlice, directSlice, lanes)
      if (Math.abs(control.ratio - 1) <= TOLERANCE) break
    }
    const verdict = result.ratio >= GOAL ? "meets" : "MISSES"
    console.log(
      `lanes ${lanes}: HTTP ${result.subjectRate.toFixed(0)}/s, direct ${result.baselineRate.toFixed(0)}/s, ratio ${result.ratio.toFixed(2)} (${verdict} the goal ${GOAL}); control ${control.ratio.toFixed(3)}`
    )
    if (Math.abs(control.ratio - 1) > TOLERANCE) exitCode = Math.max(exitCode, 3)
    else if (result.ratio < GOAL) exitCode = Math.max(exitCode, 1)
  }
} finally {
  await cleanup()
}
process.exit(exitCode)
