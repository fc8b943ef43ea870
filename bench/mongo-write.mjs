#!/usr/bin/env node
/**
 * A step through the MongoDB adapter ÷ the same driver calls made directly (issue 11), on the
 * MongoDB-wire server at MONGODB_URL (FerretDB 1.24 here), in the same process.
 *
 * subject   one step as the engine makes it: `workflowStore.load(access, id)` then
 *           `workflowStore.commit(access, { events, expectedVersion, state, messages: [] })` — the
 *           MongoDB-only adapter (`make({ db })`), whose commit writes the index entry in MongoDB
 * baseline  the same driver calls, sent directly with documents of the same shape: the load's
 *           `findOne({ _id: <tenant>/<id>#<v + 1> })`, `insertOne` of the commit document
 *           (`{ w: "majority", j: true }`), `findOne` of the newest index version, `insertOne` of the
 *           index version (and, not awaited, `deleteOne` of the version it replaces), `insertMany`
 *           of the "projected" marker — 5 round trips awaited, as the adapter
 * control   the baseline against itself: must come out at 1.00 ± 0.05
 *
 * A step is one command (alternately PauseWorkflow and ResumeWorkflow, decided by core's `decide`
 * on both sides, inside the measured loop) on an instance each lane owns, created and started
 * before the slice. Every slice runs in a fresh database (FerretDB scans grow with a collection:
 * a shared one would make whichever variant goes later slower); the variants are interleaved in a
 * rotated order, and the median per-round ratio is reported.
 *
 *   pnpm --filter @workflow-manager/core --filter @workflow-manager/mongo build
 *   node bench/mongo-write.mjs              # BENCH_ROUNDS=8 BENCH_SLICE_MS=1000 BENCH_LANES=1,4
 *
 * Exit code: 0, or 3 when a control is outside 1.00 ± 0.05 (a noisy machine: rerun).
 */
import { randomBytes, randomUUID } from "node:crypto"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const pkg = join(here, "..", "packages", "mongo")
const require = createRequire(join(pkg, "package.json"))
const load = (specifier) => import(pathToFileURL(require.resolve(specifier)).href)

const { MongoClient } = await load("mongodb")
const { Effect, Result } = await load("effect")
const core = await load("@workflow-manager/core")
const mongo = await import(pathToFileURL(join(pkg, "dist", "index.js")).href)

const env = process.env
const URL = env.MONGODB_URL ?? "mongodb://127.0.0.1:27017/"
const ROUNDS = Number(env.BENCH_ROUNDS ?? 8)
const SLICE_MS = Number(env.BENCH_SLICE_MS ?? 1000)
const LANES = (env.BENCH_LANES ?? "1,4").split(",").map(Number)
const WRITE_CONCERN = { w: "majority", j: true }

const template = {
  schemaVersion: 1,
  id: "bench",
  version: 1,
  name: "Bench",
  marketRole: "BRP",
  steps: [{ id: "one", type: "record", config: {} }]
}
const at = (n) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()

/** An instance's commands, decided by core: create, start, then pause / resume forever. */
const history = (tenantId) => {
  const instanceId = randomUUID()
  const actor = { userId: "bench", tenantId, role: "tenant_admin", permissions: [] }
  let state
  let n = 0
  const decideNext = () => {
    const env = { actor, expectedVersion: state?.version ?? 0, at: at(n) }
    const command =
      n === 0
        ? {
            _tag: "CreateWorkflow",
            ...env,
            instanceId,
            tenantId,
            templateId: "bench",
            templateVersion: 1,
            marketRole: "BRP"
          }
        : n === 1
          ? { _tag: "StartWorkflow", ...env }
          : n % 2 === 0
            ? { _tag: "PauseWorkflow", ...env }
            : { _tag: "ResumeWorkflow", ...env }
    n++
    const decided = core.decide(state, command, template)
    if (Result.isFailure(decided)) throw decided.failure
    const expectedVersion = state?.version ?? 0
    state = core.fold(decided.success, state)
    return { events: decided.success, expectedVersion, state, messages: [] }
  }
  return { instanceId, tenantId, next: decideNext }
}

const instantKey = (instant) => {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(instant)
  return `${m[1]}.${(m[2] ?? "").padEnd(9, "0")}Z`
}

/** The variants over one database. */
const variants = (db, services) => {
  const events = db.collection("workflow_events")
  const index = db.collection("workflow_index")
  const projected = db.collection("workflow_projected")
  const direct = async (h, batch) => {
    const { tenantId: t, instanceId: i } = h
    const first = batch.expectedVersion + 1
    const key = `${t}/${i}#${first}`
    await events.findOne({ _id: key })
    const ats = batch.events.map((e) => new Date(e.occurredAt))
    await events.insertOne(
      {
        _id: key,
        t,
        i,
        f: first,
        l: batch.state.version,
        ev: batch.events,
        at: ats,
        a: ats[0],
        c: [],
        st: batch.state,
        cid: randomUUID(),
        ca: new Date()
      },
      { writeConcern: WRITE_CONCERN }
    )
    const e = core.entryOf(batch.state)
    const previous = await index.findOne({ t, i }, { sort: { v: -1 } })
    await index.insertOne(
      {
        _id: `${t}/${i}#${e.version}`,
        t,
        i,
        v: e.version,
        e,
        s: e.status,
        r: e.marketRole,
        cs: e.currentStepId,
        tp: e.templateId,
        ck: instantKey(e.createdAt),
        uk: instantKey(e.updatedAt)
      },
      { writeConcern: WRITE_CONCERN }
    )
    if (previous !== null) index.deleteOne({ _id: previous._id }).catch(() => undefined)
    await projected.insertMany([{ _id: key, t, i, l: batch.state.version }], {
      ordered: false,
      writeConcern: WRITE_CONCERN
    })
  }
  const store = services.workflowStore
  return {
    baseline: direct,
    control: direct,
    subject: async (h, batch) => {
      const access = core.tenantAccess(h.tenantId)
      await Effect.runPromise(store.load(access, h.instanceId))
      await Effect.runPromise(store.commit(access, batch))
    }
  }
}

/** A created and started instance (through the adapter: not measured). */
const ready = async (services, tenantId) => {
  const h = history(tenantId)
  for (let k = 0; k < 2; k++)
    await Effect.runPromise(services.workflowStore.commit(core.tenantAccess(tenantId), h.next()))
  return h
}

const slice = async (step, services, tenantId, lanes) => {
  const instances = await Promise.all(Array.from({ length: lanes }, () => ready(services, tenantId)))
  let steps = 0
  const start = performance.now()
  const deadline = start + SLICE_MS
  await Promise.all(
    instances.map(async (h) => {
      for (let n = 0; n < 100_000 && performance.now() < deadline; n++) {
        await step(h, h.next())
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

const client = await new MongoClient(URL, { maxPoolSize: 16 }).connect()
const databases = []
const results = []
try {
  for (const lanes of LANES) {
    const names = ["baseline", "subject", "control"]
    const rates = { baseline: [], subject: [], control: [] }
    const fresh = async () => {
      const db = client.db(`wm_bench_${randomBytes(5).toString("hex")}`)
      databases.push(db)
      const services = await Effect.runPromise(mongo.make({ db }))
      await Effect.runPromise(services.templateStore.publish(template))
      return { db, services, tenantId: randomUUID() }
    }
    // warm-up (JIT, connections)
    {
      const { db, services, tenantId } = await fresh()
      const fns = variants(db, services)
      for (const name of names) {
        const h = await ready(services, tenantId)
        for (let k = 0; k < 20; k++) await fns[name](h, h.next())
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length])
      for (const name of order) {
        const { db, services, tenantId } = await fresh()
        rates[name].push(await slice(variants(db, services)[name], services, tenantId, lanes))
      }
    }
    const ratio = (name) => median(rates[name].map((r, i) => r / rates.baseline[i]))
    const result = {
      lanes,
      baselineStepsPerSecond: Math.round(median(rates.baseline)),
      subjectStepsPerSecond: Math.round(median(rates.subject)),
      "adapter ÷ direct": Number(ratio("subject").toFixed(3)),
      "control (direct ÷ direct)": Number(ratio("control").toFixed(3))
    }
    result.controlOk = Math.abs(result["control (direct ÷ direct)"] - 1) <= 0.05
    console.log(JSON.stringify(result))
    results.push(result)
  }
} finally {
  // collections, not databases: FerretDB 1.24 may crash when a database file goes while it is read
  for (const db of databases) for (const c of await db.collections()) await c.drop().catch(() => undefined)
  await client.close()
}
console.log(
  `node ${process.version} · ${ROUNDS} rounds × ${SLICE_MS} ms slices · variants interleaved, order rotated per round`
)
if (results.some((r) => !r.controlOk)) {
  console.log("a control is outside 1.00 ± 0.05 — the machine was noisy, rerun")
  process.exit(3)
}
