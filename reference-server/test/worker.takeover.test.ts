/**
 * A worker process stopped (SIGSTOP) past its lease while it holds a deferred api-call attempt:
 * another worker process takes the attempt over and records it; the loopback API, which counts
 * requests per `Idempotency-Key` and holds the first one until released, sees one key — one effect
 * for a receiver that dedupes on it — however many raw requests arrive; when the first worker
 * resumes (SIGCONT) its late result is refused by the event log (its JSON log line says so) and
 * the step is completed once. Short leases (2 s); a fresh PostgreSQL database, dropped afterwards.
 */
import { type Actor, operatorAccess, runPromise, type Template } from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { loadConfig } from "../src/config.ts"
import { type RunningServer, startServer } from "../src/server.ts"
import { freshDatabase, freshDataDir } from "./support/databases.ts"
import { type HttpPeer, startHttpPeer, waitFor } from "./support/workerPeers.ts"
import { killAllWorkers, spawnWorker } from "./support/workerProcess.ts"

const LEASE_MS = 2000

const heldCall = (url: string): Template => ({
  schemaVersion: 1,
  id: "held-call",
  version: 1,
  name: "A deferred API call",
  marketRole: "BRP",
  steps: [
    {
      id: "call",
      type: "api-call",
      config: {
        method: "POST",
        url: `${url}/register`,
        body: { instance: "{{instance.id}}" },
        response: { reference: "/reference" },
        run: "deferred",
        timeoutMs: 30_000,
        retry: { maxAttempts: 1 }
      }
    },
    { id: "after", type: "form", config: { fields: { ok: { type: "boolean", label: "OK" } } } }
  ]
})

await describeWithService(PostgreSQL, "a worker stopped past its lease", (serverUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let server: RunningServer | undefined
  let admin: pg.Client | undefined
  let peer: HttpPeer | undefined

  beforeAll(async () => {
    db = await freshDatabase(serverUrl)
    data = await freshDataDir()
    peer = await startHttpPeer({ holdFirst: true })
    const env = {
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: "0",
      WM_DATA_DIR: data.dir,
      DATABASE_URL: db.url,
      WM_DEMO_DATA: "true",
      WM_WORKER: "off",
      WM_API_CALL_ALLOW: `127.0.0.1:${peer.port}`
    }
    server = await startServer(loadConfig(env), env)
    await server.engine.publishTemplate(heldCall(peer.url))
    admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
  })

  afterAll(async () => {
    try {
      await killAllWorkers()
      await server?.close()
      await admin?.end()
      await peer?.close()
    } finally {
      await db?.drop()
      await data?.remove()
    }
  })

  it("another worker takes the attempt over, the API sees one key, and the late result is refused", async () => {
    if (server === undefined || admin === undefined || db === undefined || peer === undefined)
      throw new Error("not set up")
    const api = peer
    const env = {
      DATABASE_URL: db.url,
      LOG_LEVEL: "info",
      WM_WORKER_POLL_MS: "50",
      WM_WORKER_LEASE_MS: String(LEASE_MS),
      WM_API_CALL_ALLOW: `127.0.0.1:${api.port}`
    }
    const slow = await spawnWorker("slow", env)
    const tenants = await runPromise(
      server.storage.services.tenants.list(operatorAccess("takeover-test", server.storage.operatorId))
    )
    const tenant = tenants.find((t) => t.id !== server?.storage.operatorId)
    if (tenant === undefined) throw new Error("no demo tenant")
    const actor: Actor = { userId: "takeover-test", tenantId: tenant.id, role: "tenant_admin", permissions: [] }
    const created = await server.engine.create({ actor, templateId: "held-call" })
    const id = created.state.instanceId
    await server.engine.start({ actor, instanceId: id, expectedVersion: created.state.version })

    // the slow worker claimed the attempt and sent its request; the API holds it
    await waitFor("the slow worker's request", () => api.received().length === 1)
    slow.signal("SIGSTOP")
    const stoppedAt = Date.now()
    const events = async () =>
      (
        await admin?.query<{ type: string; step: string | null; by: string }>(
          "select type, step_id as step, event->>'performedBy' as by from workflow_events where instance_id = $1 order by sequence",
          [id]
        )
      )?.rows ?? []
    const completed = async () => (await events()).filter((e) => e.type === "STEP_COMPLETED" && e.step === "call")

    // the rescuer claims the attempt once the lease has ended, calls again with the same key, records it
    const rescuer = await spawnWorker("rescuer", env)
    await waitFor("the rescuer recorded the step", async () => (await completed()).length === 1, 30_000)
    const takenOverAfter = Date.now() - stoppedAt
    // the rescuer claimed the attempt again only once the slow worker's lease had ended
    const claims = (
      await admin.query<{ by: string; attempt: number; at: string; until: string }>(
        `select event->>'performedBy' as by, (event->'data'->>'attempt')::int as attempt, event->>'occurredAt' as at,
                event->'data'->'lease'->>'until' as until
           from workflow_events where instance_id = $1 and type = 'STEP_STARTED' order by sequence`,
        [id]
      )
    ).rows
    expect(claims.map((c) => [c.by, c.attempt])).toEqual([
      ["system:slow", 1],
      ["system:rescuer", 1]
    ])
    expect(Date.parse((claims[1] as { at: string }).at)).toBeGreaterThanOrEqual(
      Date.parse((claims[0] as { until: string }).until)
    )

    // the slow worker resumes and gets its (late) answer: the event log refuses its result
    api.release()
    slow.signal("SIGCONT")
    const refused = await slow.waitForLine(
      "its late result refused",
      (line) => typeof line.msg === "string" && line.msg.includes("write was refused") && line.instanceId === id,
      30_000
    )
    expect(refused).toMatchObject({ level: "info", worker: "slow", service: "workflow-manager-worker" })

    const exits = [await slow.stop(), await rescuer.stop()]
    expect(exits.map((e) => e.code)).toEqual([0, 0])

    const log = await events()
    expect(await completed()).toEqual([{ type: "STEP_COMPLETED", step: "call", by: "system:rescuer" }])
    expect(log.filter((e) => e.type === "STEP_FAILED")).toEqual([])
    // one key for the attempt, whoever sent it: one effect at a receiver that dedupes on it
    const counts = api.countsByKey()
    expect(api.effects()).toBe(1)
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(api.received().length)
    expect(api.received().length).toBeGreaterThanOrEqual(2)
    const state = await server.engine.get({ actor, instanceId: id })
    expect(state.currentStepId).toBe("after")
    expect(state.stepStates.call?.data).toEqual({ reference: "REF-1" })
    console.log(
      `[worker takeover] lease ${LEASE_MS} ms; taken over ${takenOverAfter} ms after SIGSTOP; API requests: ${api.received().length} raw, ` +
        `${api.effects()} key(s) (${[...counts.entries()].map(([k, n]) => `${k} ×${n}`).join(", ")}); events: ${log
          .map((e) => `${e.type}${e.step === null ? "" : `:${e.step}`}@${e.by}`)
          .join(" ")}`
    )
  })
})
