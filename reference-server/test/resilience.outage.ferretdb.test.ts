/**
 * Issue 15: the split's MongoDB (a private FerretDB) killed for 20 s under load, while clients keep
 * driving workflows (repeating unanswered mutations with their idempotency keys) and reading, and a
 * probe asks `/healthz` and `/readyz`. Throughout: every answer is an acknowledgement or a typed
 * `UNAVAILABLE` — never a 500, an `INTERNAL`, a stack, or a request past its bound — the server
 * process stays up, `/healthz` answers 200 and `/readyz` 503. When FerretDB is back, requests
 * succeed again, the in-process worker resumes (every notice delivered to the loopback peer), the
 * reconciler closes the gaps the outage left in the index, and nothing acknowledged is lost.
 *
 * The bound of a request is 45 s here, not PostgreSQL's 15: the driver waits up to 10 s to select
 * a server for each call, and a commit whose insert met the crash is read back (up to three times)
 * before it is reported unavailable — measured up to ~21 s for one mutation across the outage.
 *
 * The machine's shared FerretDB (27017) is never stopped: the one killed here is the test's own.
 */
import {
  describeWithServices,
  FerretDBBinary,
  freePort,
  PostgreSQL,
  type PrivateFerretDB,
  processesWith,
  startPrivateFerretDB
} from "@workflow-manager/test-utils"
import { afterAll, beforeAll, expect, it } from "vitest"
import { freshDatabase, freshDataDir } from "./support/databases.ts"
import { type LoopbackPeer, startLoopbackPeer } from "./support/loopbackPeer.ts"
import { loadThroughOutage, outageProblems, waitFor } from "./support/outage.ts"
import { inspectSplit, missingAcks, prepareDatabase, serverEnv, signIn, unsettled } from "./support/resilience.ts"
import { type ServerProcess, spawnServer } from "./support/serverProcess.ts"

const OUTAGE_MS = 20_000
const RECOVERY_BOUND_MS = 40_000
const REQUEST_BOUND_MS = 45_000

await describeWithServices(
  [PostgreSQL, FerretDBBinary],
  "FerretDB (the split's MongoDB) killed for 20 s under load",
  ([pgUrl]) => {
    let ferret: PrivateFerretDB | undefined
    let pgDb: Awaited<ReturnType<typeof freshDatabase>> | undefined
    let server: ServerProcess | undefined
    let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
    let peer: LoopbackPeer | undefined
    const database = "wm_outage"

    beforeAll(async () => {
      ferret = await startPrivateFerretDB()
      pgDb = await freshDatabase(pgUrl as string)
      data = await freshDataDir()
      peer = await startLoopbackPeer()
    })
    afterAll(async () => {
      try {
        await server?.kill("SIGTERM")
      } finally {
        await peer?.close()
        await ferret?.destroy()
        await pgDb?.drop()
        await data?.remove()
      }
      if (ferret !== undefined) expect(await processesWith(ferret.dir)).toEqual([])
      expect(server?.exited() ?? true).toBe(true)
    })

    it("answers UNAVAILABLE, stays up, and recovers fully when FerretDB returns; the reconciler closes the gaps", {
      timeout: 180_000
    }, async () => {
      if (ferret === undefined || pgDb === undefined || data === undefined || peer === undefined) {
        throw new Error("not prepared")
      }
      const mongo = ferret
      const pgUrl = pgDb.url
      const delivered = peer
      const prepared = await prepareDatabase(pgUrl)
      const env = serverEnv({
        port: await freePort(),
        dataDir: data.dir,
        peerUrl: delivered.url,
        workerName: "outage-ferretdb",
        storage: {
          DATABASE_URL: pgUrl,
          MONGODB_URL: `${mongo.url}${database}`,
          WM_RECONCILE_INTERVAL_MS: "1000",
          WM_RECONCILE_GRACE_MS: "1000"
        }
      })
      server = await spawnServer(env)
      const running = server
      const token = await signIn(() => running.url, Date.now() + 30_000)
      const { report, restartedAt } = await loadThroughOutage({
        label: "FerretDB outage",
        load: {
          url: running.url,
          token,
          tenantId: prepared.tenantId,
          run: "ferretdb-outage",
          lanes: 6,
          requestTimeoutMs: REQUEST_BOUND_MS
        },
        outageMs: OUTAGE_MS,
        recoveryMs: RECOVERY_BOUND_MS,
        slackMs: 60_000,
        stop: () => mongo.stop("SIGKILL"),
        start: () => mongo.start()
      })
      // the worker resumes after its backoff (at most 30 s); the reconciler repairs a commit whose
      // index write the outage cut short: every notice delivered, the index equal to the state
      let view = await inspectSplit(pgUrl, mongo.url, database)
      const expected = new Set(report.workload.acks.map((a) => a.instanceId)).size
      await waitFor(
        async () => {
          view = await inspectSplit(pgUrl, mongo.url, database)
          return unsettled(view, delivered.countsByKey(), expected).length === 0
        },
        60_000,
        500
      )
      const settledAt = Date.now()
      console.info(
        `FerretDB outage: every notice delivered ${settledAt - restartedAt} ms after the restart ` +
          `(${delivered.countsByKey().size} notices, ${delivered.deliveries().length} raw deliveries); ` +
          `left: ${unsettled(view, delivered.countsByKey(), expected).join(", ") || "nothing"}`
      )
      expect(outageProblems(report, running)).toEqual([])
      expect(report.workload.unfinished).toEqual([])
      expect(missingAcks(report.workload.acks, view.instances)).toEqual([])
      expect(unsettled(view, delivered.countsByKey(), expected)).toEqual([])
    })
  }
)
