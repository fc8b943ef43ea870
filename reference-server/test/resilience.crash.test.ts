/**
 * Issue 15: `kill -9` of the server during 200 concurrent workflows, on PostgreSQL and on the split
 * (PostgreSQL + FerretDB). The server runs as a child process (`node src/main.ts`) with its worker
 * in process and a webhook endpoint pointing at a loopback peer that records every delivery with
 * its `Idempotency-Key`. Clients drive 200 workflows at once (create → start → a form step; the
 * worker then runs the webhook notice and delivers it), repeating unanswered mutations with their
 * idempotency keys. The server is killed twice — while the mutations run, then while the worker
 * delivers — and started again on the same port and databases each time. Then:
 * - every acknowledged mutation's events are in the log;
 * - each workflow's notice ran once; every outbox message reached the peer, exactly once by
 *   idempotency key (raw repeats, which a kill between "sent" and "completed" causes, are counted
 *   and reported);
 * - after reconciliation the index entry equals the state for 100 % of the instances.
 *
 * The split's FerretDB is the test's own, backed by a fresh database on the shared PostgreSQL:
 * FerretDB's SQLite backend answers 200 concurrent workflows on two cores with `SQLITE_BUSY` and
 * requests past 15 s.
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
import { waitFor } from "./support/outage.ts"
import {
  type InstanceView,
  indexMismatches,
  inspectPostgres,
  inspectSplit,
  missingAcks,
  type OutboxView,
  prepareDatabase,
  runWorkflows,
  serverEnv,
  signIn,
  unsettled
} from "./support/resilience.ts"
import { type ServerProcess, spawnServer } from "./support/serverProcess.ts"

const WORKFLOWS = 200
/** Mutations per workflow (create, start, details): the first kill comes at 40 % of them. */
const KILL_AT_ACKS = Math.round(WORKFLOWS * 3 * 0.4)
const SETTLE_BOUND_MS = 60_000

interface Backend {
  readonly name: string
  readonly storage: Record<string, string>
  readonly tenantId: string
  readonly inspect: () => Promise<{ instances: ReadonlyArray<InstanceView>; outbox: OutboxView }>
}

interface Kill {
  readonly acks: number
  readonly delivered: number
  /** From the SIGKILL until the new process printed its URL. */
  readonly upAgainMs: number
  /** From the SIGKILL until the first acknowledgement by the new process (the first kill only: clients are busy then). */
  readonly firstAckMs?: number
}

/** The whole scenario on one backend; returns what it measured. */
const crashTwice = async (backend: Backend, peer: LoopbackPeer, dataDir: string, servers: Array<ServerProcess>) => {
  const port = await freePort()
  const start = async (workerName: string) => {
    const server = await spawnServer(
      serverEnv({ port, dataDir, peerUrl: peer.url, workerName, storage: backend.storage })
    )
    servers.push(server)
    return server
  }
  let current = await start("crash-1")
  const token = await signIn(() => current.url, Date.now() + 30_000)

  const kills: Array<Kill> = []
  let firstKillAt: number | undefined
  let firstUpAt: number | undefined
  let firstAckAt: number | undefined
  let restarting: Promise<void> | undefined
  let restartFailed: unknown
  const killAndRestart = (acks: number, workerName: string) => {
    restarting ??= (async () => {
      const at = Date.now()
      const delivered = peer.countsByKey().size
      firstKillAt ??= at
      await current.kill("SIGKILL")
      current = await start(workerName)
      firstUpAt ??= Date.now()
      kills.push({ acks, delivered, upAgainMs: Date.now() - at })
    })()
      .catch((error: unknown) => {
        restartFailed ??= error
      })
      .finally(() => {
        restarting = undefined
      })
    return restarting
  }

  const workload = await runWorkflows({
    url: () => current.url,
    token: () => token,
    tenantId: backend.tenantId,
    count: WORKFLOWS,
    run: `crash-${backend.name}`,
    deadline: Date.now() + 120_000,
    onAck: (_ack, total) => {
      if (total === KILL_AT_ACKS && kills.length === 0) void killAndRestart(total, "crash-2")
      // the first acknowledgement by the new process (answers of the old one may still arrive while it dies)
      else if (firstUpAt !== undefined) firstAckAt ??= Date.now()
    }
  })
  await restarting
  if (restartFailed !== undefined) throw restartFailed
  if (kills[0] !== undefined && firstKillAt !== undefined && firstAckAt !== undefined) {
    kills[0] = { ...kills[0], firstAckMs: firstAckAt - firstKillAt }
  }

  // the second kill: while the worker delivers (some notices sent, not all), unless it has finished already
  const target = Math.min(WORKFLOWS - 20, peer.countsByKey().size + 40)
  if ((await waitFor(() => peer.countsByKey().size >= target, 30_000)) && peer.countsByKey().size < WORKFLOWS) {
    await killAndRestart(workload.acks.length, "crash-3")
    if (restartFailed !== undefined) throw restartFailed
  }

  // the worker delivers the rest (a dead worker's leases end after 5 s), the reconciler repairs the index
  const loadDone = Date.now()
  let view = await backend.inspect()
  await waitFor(
    async () => {
      view = await backend.inspect()
      return unsettled(view, peer.countsByKey(), WORKFLOWS).length === 0
    },
    SETTLE_BOUND_MS,
    500
  )
  return { workload, view, kills, settledMs: Date.now() - loadDone, server: current }
}

const check = (result: Awaited<ReturnType<typeof crashTwice>>, peer: LoopbackPeer, name: string) => {
  const { workload, view, kills } = result
  const counts = peer.countsByKey()
  const raw = peer.deliveries().length
  const repeats = [...counts.values()].reduce((n, c) => n + c - 1, 0)
  console.info(
    `kill -9 [${name}]: ${workload.acks.length} mutations acknowledged of ${WORKFLOWS * 3}; ${kills.length} kills (` +
      kills
        .map(
          (k) =>
            `at ${k.acks} acks / ${k.delivered} delivered: up again in ${k.upAgainMs} ms` +
            (k.firstAckMs === undefined ? "" : `, first ack ${k.firstAckMs} ms after the kill`)
        )
        .join("; ") +
      `); ${view.outbox.ids.length} outbox messages, ${counts.size} distinct keys at the peer, ${raw} raw deliveries ` +
      `(${repeats} repeats); settled ${result.settledMs} ms after the load\n  answers: ` +
      [...workload.tally].map(([label, n]) => `${label} ×${n}`).join(", ")
  )
  expect(kills.length).toBeGreaterThanOrEqual(1)
  expect(workload.unexpected).toEqual([])
  expect(workload.unfinished).toEqual([])
  // every acknowledged step is in the log
  expect(missingAcks(workload.acks, view.instances)).toEqual([])
  expect(view.instances).toHaveLength(WORKFLOWS)
  // each workflow's notice ran once (one completion, one message), whatever the kills interrupted
  for (const instance of view.instances) {
    const notices = instance.events.filter((e) => e.type === "STEP_COMPLETED" && e.stepId === "notify")
    expect(notices, instance.instanceId).toHaveLength(1)
  }
  expect(new Set(view.outbox.ids).size).toBe(WORKFLOWS)
  expect(view.outbox.notDone).toEqual([])
  // every message reached the peer; by idempotency key exactly once, and nothing else arrived
  expect(new Set(counts.keys())).toEqual(new Set(view.outbox.ids))
  expect(peer.deliveries().every((d) => d.idempotencyKey !== undefined)).toBe(true)
  // after reconciliation the index equals the state for 100 % of the instances
  expect(indexMismatches(view.instances)).toEqual([])
  expect(unsettled(view, counts, WORKFLOWS)).toEqual([])
  expect(result.server.exited()).toBe(false)
}

/** Ends every server process a scenario started and checks that none is left. */
const endServers = async (servers: ReadonlyArray<ServerProcess>) => {
  for (const server of servers) await server.kill("SIGTERM")
  expect(servers.every((s) => s.exited())).toBe(true)
}

await describeWithServices([PostgreSQL], "kill -9 of the server during 200 workflows [PostgreSQL]", ([pgUrl]) => {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let peer: LoopbackPeer | undefined
  const servers: Array<ServerProcess> = []

  beforeAll(async () => {
    db = await freshDatabase(pgUrl as string)
    data = await freshDataDir()
    peer = await startLoopbackPeer({ delayMs: 20 })
  })
  afterAll(async () => {
    try {
      await endServers(servers)
    } finally {
      await peer?.close()
      await db?.drop()
      await data?.remove()
    }
  })

  it("keeps every acknowledged step, delivers every message once by key, and the index equals the state", {
    timeout: 180_000
  }, async () => {
    if (db === undefined || data === undefined || peer === undefined) throw new Error("not prepared")
    const url = db.url
    const prepared = await prepareDatabase(url)
    const backend: Backend = {
      name: "postgres",
      storage: { DATABASE_URL: url },
      tenantId: prepared.tenantId,
      inspect: () => inspectPostgres(url)
    }
    check(await crashTwice(backend, peer, data.dir, servers), peer, "PostgreSQL")
  })
})

await describeWithServices(
  [PostgreSQL, FerretDBBinary],
  "kill -9 of the server during 200 workflows [split: PostgreSQL + FerretDB]",
  ([pgUrl]) => {
    let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
    let ferretBackend: Awaited<ReturnType<typeof freshDatabase>> | undefined
    let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
    let peer: LoopbackPeer | undefined
    let ferret: PrivateFerretDB | undefined
    const servers: Array<ServerProcess> = []
    const database = "wm_crash"

    beforeAll(async () => {
      ferretBackend = await freshDatabase(pgUrl as string)
      ferret = await startPrivateFerretDB({ postgresqlUrl: ferretBackend.url })
      db = await freshDatabase(pgUrl as string)
      data = await freshDataDir()
      peer = await startLoopbackPeer({ delayMs: 20 })
    })
    afterAll(async () => {
      try {
        await endServers(servers)
      } finally {
        await peer?.close()
        await ferret?.destroy()
        await ferretBackend?.drop()
        await db?.drop()
        await data?.remove()
      }
      if (ferret !== undefined) expect(await processesWith(ferret.dir)).toEqual([])
    })

    it("keeps every acknowledged step, delivers every message once by key, and the reconciled index equals the state", {
      timeout: 180_000
    }, async () => {
      if (db === undefined || data === undefined || peer === undefined || ferret === undefined) {
        throw new Error("not prepared")
      }
      const url = db.url
      const mongoUrl = ferret.url
      const prepared = await prepareDatabase(url)
      const backend: Backend = {
        name: "split",
        storage: {
          DATABASE_URL: url,
          MONGODB_URL: `${mongoUrl}${database}`,
          WM_RECONCILE_INTERVAL_MS: "1000",
          WM_RECONCILE_GRACE_MS: "1000"
        },
        tenantId: prepared.tenantId,
        inspect: () => inspectSplit(url, mongoUrl, database)
      }
      check(await crashTwice(backend, peer, data.dir, servers), peer, "split")
    })
  }
)
