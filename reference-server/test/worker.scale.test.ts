/**
 * Two worker processes (`node src/worker.ts`, as `pnpm worker` starts them) on one PostgreSQL
 * database (a fresh one, dropped afterwards): 200 instances whose step has two deadlines already
 * due — a reminder (escalation: a message in the outbox) and an overdue one (escalation: route to
 * another step) — each recorded exactly once, whichever worker got there: per instance one
 * TIMER_FIRED per deadline, one WORKFLOW_ROUTED, one reminder message. How the work split between
 * the two is printed.
 */
import { type Actor, operatorAccess, runPromise, type Template } from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { loadConfig } from "../src/config.ts"
import { type RunningServer, startServer } from "../src/server.ts"
import { freshDatabase, freshDataDir } from "./support/databases.ts"
import { waitFor } from "./support/workerPeers.ts"
import { killAllWorkers, spawnWorker, type WorkerProcess } from "./support/workerProcess.ts"

const INSTANCES = 200

const deadlines: Template = {
  schemaVersion: 1,
  id: "scale-deadlines",
  version: 1,
  name: "Two deadlines already due",
  marketRole: "BRP",
  steps: [
    {
      id: "invite",
      type: "form",
      config: { fields: { ok: { type: "boolean", label: "OK" } } },
      deadlines: [
        { id: "reminder", offset: "-PT2S", escalation: { kind: "notify", topic: "reminder" } },
        { id: "overdue", offset: "-PT1S", escalation: { kind: "route", to: "escalated", reason: "overdue" } }
      ]
    },
    { id: "done", type: "form", config: { fields: { ok: { type: "boolean", label: "OK" } } } },
    { id: "escalated", type: "form", config: { fields: { ok: { type: "boolean", label: "OK" } } } }
  ]
}

const sample = (text: string, metric: string, labels: Record<string, string>): number => {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`)) continue
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(" ").pop())
  }
  return 0
}

await describeWithService(PostgreSQL, "two worker processes on one PostgreSQL", (serverUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let server: RunningServer | undefined
  let admin: pg.Client | undefined
  const workers: Array<WorkerProcess> = []

  beforeAll(async () => {
    db = await freshDatabase(serverUrl)
    data = await freshDataDir()
    // a server without a worker prepares the database (migrations, operator, demo tenants) and creates the instances
    const env = {
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: "0",
      WM_DATA_DIR: data.dir,
      DATABASE_URL: db.url,
      WM_DEMO_DATA: "true",
      WM_WORKER: "off"
    }
    server = await startServer(loadConfig(env), env)
    await server.engine.publishTemplate(deadlines)
    admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
  })

  afterAll(async () => {
    try {
      await killAllWorkers()
      await server?.close()
      await admin?.end()
    } finally {
      await db?.drop()
      await data?.remove()
    }
  })

  it(`${INSTANCES} instances with due deadlines: each escalation recorded exactly once`, async () => {
    if (server === undefined || admin === undefined || db === undefined) throw new Error("not set up")
    const env = {
      DATABASE_URL: db.url,
      LOG_LEVEL: "info",
      WM_WORKER_POLL_MS: "50",
      WM_WORKER_BATCH: "10",
      WM_WORKER_CONCURRENCY: "4",
      WM_WORKER_LEASE_MS: "10000",
      WM_NOTIFY_INTERVAL_MS: "1000"
    }
    const tenants = await runPromise(
      server.storage.services.tenants.list(operatorAccess("scale-test", server.storage.operatorId))
    )
    const tenant = tenants.find((t) => t.id !== server?.storage.operatorId)
    if (tenant === undefined) throw new Error("no demo tenant")
    const actor: Actor = { userId: "scale-test", tenantId: tenant.id, role: "tenant_admin", permissions: [] }
    const ids: Array<string> = []
    const createSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const created = await server?.engine.create({ actor, templateId: deadlines.id })
        if (created === undefined) throw new Error("no server")
        await server?.engine.start({
          actor,
          instanceId: created.state.instanceId,
          expectedVersion: created.state.version
        })
        ids.push(created.state.instanceId)
      }
    }
    // half of them due before the workers start (a backlog they race for), half while they run
    await createSome(INSTANCES / 2)
    const started = Date.now()
    const [w1, w2] = await Promise.all([spawnWorker("w1", env), spawnWorker("w2", env)])
    workers.push(w1, w2)
    const ready = Date.now() - started
    await createSome(INSTANCES / 2)
    const createdMs = Date.now() - started
    const count = async (type: string) =>
      (
        await admin?.query<{ n: number }>(
          "select count(*)::int as n from workflow_events where type = $1 and instance_id = any($2)",
          [type, ids]
        )
      )?.rows[0]?.n ?? 0
    await waitFor("every instance routed", async () => (await count("WORKFLOW_ROUTED")) >= INSTANCES, 120_000)
    const doneMs = Date.now() - started
    const metrics = await Promise.all(workers.map(async (w) => (await fetch(`${w.metricsUrl}/metrics`)).text()))
    for (const w of workers) expect((await w.stop()).code).toBe(0)

    const rows = (
      await admin.query<{ instance_id: string; type: string; timer: string | null; by: string; n: number }>(
        `select instance_id, type, event->'data'->>'timerId' as timer, event->>'performedBy' as by, count(*)::int as n
           from workflow_events where instance_id = any($1) and type in ('TIMER_FIRED', 'WORKFLOW_ROUTED')
          group by 1, 2, 3, 4`,
        [ids]
      )
    ).rows
    const messages = (
      await admin.query<{ instance_id: string; n: number }>(
        "select instance_id, count(*)::int as n from workflow_outbox where kind = 'reminder' and instance_id = any($1) group by 1",
        [ids]
      )
    ).rows
    for (const id of ids) {
      const of = rows.filter((r) => r.instance_id === id)
      const total = (type: string, timer: string | null) =>
        of.filter((r) => r.type === type && r.timer === timer).reduce((n, r) => n + r.n, 0)
      expect(total("TIMER_FIRED", "reminder"), id).toBe(1)
      expect(total("TIMER_FIRED", "overdue"), id).toBe(1)
      expect(total("WORKFLOW_ROUTED", null), id).toBe(1)
      expect(messages.find((m) => m.instance_id === id)?.n, id).toBe(1)
      // the two deadlines and the routing are one commit of one worker
      expect(new Set(of.map((r) => r.by)).size, id).toBe(1)
    }
    const by = (who: string) =>
      rows.filter((r) => r.type === "WORKFLOW_ROUTED" && r.by === `system:${who}`).reduce((n, r) => n + r.n, 0)
    expect(by("w1") + by("w2")).toBe(INSTANCES)
    const outcomes = (text: string) =>
      ["recorded", "nothing", "fenced", "error"].map(
        (o) => `${o} ${sample(text, "wm_worker_due_total", { outcome: o })}`
      )
    console.log(
      `[worker scale] ${INSTANCES / 2} instances due before the workers started, ${INSTANCES / 2} created while they ran (both ready after ${ready} ms, ` +
        `the last created at ${createdMs} ms); every escalation recorded at ${doneMs} ms; ` +
        `w1 escalated ${by("w1")}, w2 ${by("w2")}; due outcomes w1: ${outcomes(metrics[0] ?? "").join(", ")}; w2: ${outcomes(metrics[1] ?? "").join(", ")}`
    )
  })
})
