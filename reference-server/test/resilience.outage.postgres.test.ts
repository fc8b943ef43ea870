/**
 * Issue 15: PostgreSQL stopped for 20 s under load. A private cluster (`pg_ctl stop -m immediate`:
 * a crash of the database server) goes down while clients keep driving workflows (repeating
 * unanswered mutations with their idempotency keys) and reading, and a probe asks `/healthz` and
 * `/readyz`. Throughout: every answer is an acknowledgement or a typed `UNAVAILABLE` — never a 500,
 * an `INTERNAL`, a stack, or a request past its bound (15 s) — the server process stays up,
 * `/healthz` answers 200 and `/readyz` 503. When the cluster is back, requests succeed again, the
 * in-process worker resumes (every notice delivered to the loopback peer), and nothing acknowledged
 * is lost.
 *
 * The machine's shared PostgreSQL (5432) is never stopped: the cluster stopped here is the test's
 * own, started for it and removed after it.
 */
import {
  describeWithServices,
  freePort,
  PostgreSQLBinaries,
  type PrivatePostgres,
  processesWith,
  startPrivatePostgres
} from "@workflow-manager/test-utils"
import { afterAll, beforeAll, expect, it } from "vitest"
import { freshDataDir } from "./support/databases.ts"
import { type LoopbackPeer, startLoopbackPeer } from "./support/loopbackPeer.ts"
import { loadThroughOutage, outageProblems, waitFor } from "./support/outage.ts"
import { inspectPostgres, missingAcks, prepareDatabase, serverEnv, signIn, unsettled } from "./support/resilience.ts"
import { type ServerProcess, spawnServer } from "./support/serverProcess.ts"

const OUTAGE_MS = 20_000
const RECOVERY_BOUND_MS = 40_000
/** PostgreSQL refuses connections at once while it is down: a request that takes longer than this hangs. */
const REQUEST_BOUND_MS = 15_000

await describeWithServices([PostgreSQLBinaries], "PostgreSQL stopped for 20 s under load", () => {
  let postgres: PrivatePostgres | undefined
  let server: ServerProcess | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let peer: LoopbackPeer | undefined

  beforeAll(async () => {
    postgres = await startPrivatePostgres()
    data = await freshDataDir()
    peer = await startLoopbackPeer()
  })
  afterAll(async () => {
    try {
      await server?.kill("SIGTERM")
    } finally {
      await peer?.close()
      await postgres?.destroy()
      await data?.remove()
    }
    if (postgres !== undefined) expect(await processesWith(postgres.dir)).toEqual([])
    expect(server?.exited() ?? true).toBe(true)
  })

  it("answers UNAVAILABLE, stays up, and recovers fully when PostgreSQL returns", { timeout: 150_000 }, async () => {
    if (postgres === undefined || data === undefined || peer === undefined) throw new Error("not prepared")
    const db = postgres
    const delivered = peer
    const prepared = await prepareDatabase(db.url)
    const env = serverEnv({
      port: await freePort(),
      dataDir: data.dir,
      peerUrl: delivered.url,
      workerName: "outage-pg",
      // users are re-read every 5 s: the outage meets both the sign-in check (503) and the resolvers (200 with errors)
      storage: { DATABASE_URL: db.url, AUTH_USER_CACHE_MS: "5000" }
    })
    server = await spawnServer(env)
    const running = server
    const token = await signIn(() => running.url, Date.now() + 30_000)
    const { report, restartedAt } = await loadThroughOutage({
      label: "PostgreSQL outage",
      load: {
        url: running.url,
        token,
        tenantId: prepared.tenantId,
        run: "pg-outage",
        lanes: 6,
        requestTimeoutMs: REQUEST_BOUND_MS
      },
      outageMs: OUTAGE_MS,
      recoveryMs: RECOVERY_BOUND_MS,
      slackMs: 30_000,
      stop: () => db.stop("immediate"),
      start: () => db.start()
    })
    // the worker resumes after its backoff (at most 30 s): every notice delivered, the index equal to the state
    let view = await inspectPostgres(db.url)
    const expected = new Set(report.workload.acks.map((a) => a.instanceId)).size
    await waitFor(
      async () => {
        view = await inspectPostgres(db.url)
        return unsettled(view, delivered.countsByKey(), expected).length === 0
      },
      60_000,
      500
    )
    const settledAt = Date.now()
    console.info(
      `PostgreSQL outage: every notice delivered ${settledAt - restartedAt} ms after the restart ` +
        `(${delivered.countsByKey().size} notices, ${delivered.deliveries().length} raw deliveries); ` +
        `left: ${unsettled(view, delivered.countsByKey(), expected).join(", ") || "nothing"}`
    )
    expect(outageProblems(report, running)).toEqual([])
    expect(report.workload.unfinished).toEqual([])
    expect(missingAcks(report.workload.acks, view.instances)).toEqual([])
    expect(unsettled(view, delivered.countsByKey(), expected)).toEqual([])
  })
})
