/**
 * Crash injection in the split (events in FerretDB, index in PostgreSQL): 500 workflows of 3
 * commands each, 200 of them stopped by a simulated crash at a gap between the writes — between the
 * MongoDB writes (the instance id claimed, its first commit not inserted; the index written, the
 * projected marker not inserted) or after the MongoDB insert (before the PostgreSQL index write). Reads merge the unprojected commits meanwhile; after the reconciler the index equals
 * the log's state for 100% of the instances, no acknowledged event is lost, and a second run
 * changes nothing.
 */
import {
  entryOf,
  type IndexEntry,
  type StorageError,
  systemAccess,
  tenantAccess,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { unescapeKeys } from "../src/internal/escape.js"
import type { CrashPoint } from "../src/MongoWorkflowStore.js"
import { describeBackend } from "./support/backend.js"
import { commits, progress, template, uuid } from "./support/fixtures.js"

const WORKFLOWS = 500
const CRASHED = 200
const TENANTS = 5
const LANES = 8

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)

await describeBackend("mongo crash injection", { split: true }, (backend) => {
  it(`${CRASHED} of ${WORKFLOWS} workflows crash between the writes; the reconciler repairs every index entry`, async () => {
    const t = template("crash")
    const tenants = Array.from({ length: TENANTS }, () => uuid())
    for (const tenantId of tenants) await backend().inspect.ensureTenant(tenantId)
    const plans = Array.from({ length: WORKFLOWS }, (_, n) => {
      const tenantId = tenants[n % TENANTS] as string
      const instanceId = uuid()
      // the first CRASHED workflows crash at one gap of one of their 3 commits: between the MongoDB
      // writes of the create (owner claimed, commit not inserted), after the MongoDB insert (index
      // not written), or after the index write (projected marker not inserted)
      const points = ["beforeInsert", "afterInsert", "afterIndex"] as const
      const crash: { readonly at: number; readonly point: CrashPoint } | undefined =
        n >= CRASHED ? undefined : { point: points[n % 3] as CrashPoint, at: n % 3 === 0 ? 0 : (n >> 1) % 3 }
      return { tenantId, instanceId, crash, commits: commits(t, progress(t, { instanceId, tenantId, steps: 1 })) }
    })
    const byInstance = new Map(plans.map((p) => [p.instanceId, p]))
    const current = new Map<string, number>() // instance → index of the commit being written
    const services = backend().withFaults({
      crash: (point, instanceId) => {
        const plan = byInstance.get(instanceId)
        return plan?.crash !== undefined && plan.crash.point === point && plan.crash.at === current.get(instanceId)
      }
    })
    const acknowledged: Array<WorkflowEvent> = []
    let crashed = 0
    const lane = async (start: number) => {
      for (let n = start; n < WORKFLOWS; n += LANES) {
        const plan = plans[n] as (typeof plans)[number]
        for (const [k, c] of plan.commits.entries()) {
          current.set(plan.instanceId, k)
          const exit = await Effect.runPromiseExit(
            services.workflowStore.commit(tenantAccess(plan.tenantId), { ...c, messages: [] })
          )
          if (exit._tag === "Failure") {
            crashed++
            break // the process "died": this workflow gets no further command
          }
          acknowledged.push(...c.events)
        }
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: LANES }, (_, n) => lane(n)))
    console.log(`crash injection: ${WORKFLOWS * 3} commits written in ${Math.round(performance.now() - started)} ms`)
    expect(crashed).toBe(CRASHED)

    // every instance's state in the log, read directly
    const docs = await backend()
      .raw.collection("workflow_events")
      .find({ t: { $in: tenants } }, { projection: { i: 1, l: 1, st: 1, ev: 1 } })
      .toArray()
    const states = new Map<string, WorkflowState>()
    const stored = new Set<string>()
    for (const d of docs) {
      const st = unescapeKeys(d.st) as WorkflowState
      if ((states.get(d.i as string)?.version ?? 0) < st.version) states.set(d.i as string, st)
      for (const e of d.ev as ReadonlyArray<WorkflowEvent>) stored.add(`${e.instanceId}#${e.sequence}`)
    }
    // a create stopped before its insert left no instance (and acknowledged nothing)
    expect(states.size).toBe(WORKFLOWS - plans.filter((p) => p.crash?.point === "beforeInsert").length)
    const lost = acknowledged.filter((e) => !stored.has(`${e.instanceId}#${e.sequence}`))
    expect(lost).toEqual([])

    // before the reconciler: the index lags for the crashed ones, reads do not
    const pg = backend().pg
    if (pg === undefined) throw new Error("the split backend has a PostgreSQL half")
    const indexed = async () =>
      new Map(
        (
          await pg.admin.query<{ entry: IndexEntry }>(
            "select entry from workflow_instances_index where tenant_id = any($1::uuid[])",
            [tenants]
          )
        ).map((r) => [r.entry.instanceId, r.entry])
      )
    const before = await indexed()
    const lagging = [...states.values()].filter((s) => before.get(s.instanceId)?.version !== s.version)
    expect(lagging.length).toBeGreaterThan(0)
    for (const s of lagging.slice(0, 20)) {
      expect(await run(backend().services.workflowIndex.get(tenantAccess(s.tenantId), s.instanceId))).toEqual(
        entryOf(s)
      )
    }
    const lag = await run(backend().services.reconciler.lag(systemAccess("metrics")))
    // every commit stopped after its insert waits (one stopped before its insert wrote no commit)
    expect(lag.unprojected).toBe(plans.filter((p) => p.crash !== undefined && p.crash.point !== "beforeInsert").length)

    // the reconciler, per tenant (one after the other, as a worker drives it), twice
    const pass = async () => {
      const reports = []
      for (const id of tenants) reports.push(await run(backend().services.reconciler.reconcile(id, { graceMs: 0 })))
      return reports
    }
    const first = await pass()
    expect(first.flatMap((r) => r.failed)).toEqual([])
    const after = await indexed()
    // 100%: the entry of every instance is the entry of its state in the log
    expect([...states.values()].map((s) => after.get(s.instanceId))).toEqual([...states.values()].map(entryOf))
    expect(after.size).toBe(states.size)
    const second = await pass()
    expect(second.map((r) => [r.scanned, r.indexWrites, r.marked])).toEqual(tenants.map(() => [0, 0, 0]))
    expect(await indexed()).toEqual(after)
    expect((await run(backend().services.reconciler.lag(systemAccess("metrics")))).unprojected).toBe(0)
    console.log(
      `crash injection: ${WORKFLOWS} workflows, ${CRASHED} crashed, ${lagging.length} index entries lagging before the reconciler; first run ${JSON.stringify(
        first.reduce(
          (a, r) => ({
            scanned: a.scanned + r.scanned,
            indexWrites: a.indexWrites + r.indexWrites,
            marked: a.marked + r.marked
          }),
          { scanned: 0, indexWrites: 0, marked: 0 }
        )
      )}`
    )
  }, 240_000)
})
