/**
 * The worker command (`node src/worker.ts`) as a process: without DATABASE_URL, on a database
 * nobody migrated, and on one without an operator organisation it stops at once with one JSON
 * error line saying what to do (it never migrates unless asked, never registers or seeds
 * anything); on a prepared database it serves `/healthz` and `/metrics`, writes nothing by itself,
 * and exits 0 after SIGINT with a `worker stopped` line. A fresh PostgreSQL database per case,
 * dropped afterwards.
 */
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import pg from "pg"
import { afterAll, expect, it } from "vitest"
import { loadConfig } from "../src/config.ts"
import { startServer } from "../src/server.ts"
import { freshDatabase, freshDataDir } from "./support/databases.ts"
import { killAllWorkers, spawnWorker } from "./support/workerProcess.ts"

afterAll(async () => {
  await killAllWorkers()
})

const startError = async (env: Record<string, string>): Promise<string> => {
  const error = await spawnWorker("failing", env).then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof Error)) throw new Error("the worker started")
  expect(error.message).toMatch(/exited at start \(code 1/)
  return error.message
}

it("without DATABASE_URL it refuses to start, naming the variable", async () => {
  const message = await startError({ LOG_LEVEL: "info" })
  expect(message).toContain('"msg":"the worker could not start"')
  expect(message).toContain("DATABASE_URL: the worker command needs a PostgreSQL server")
})

await describeWithService(PostgreSQL, "the worker command [postgres]", (serverUrl) => {
  it("never migrates unless asked, and never registers an operator organisation", async () => {
    const db = await freshDatabase(serverUrl)
    try {
      const unmigrated = await startError({ DATABASE_URL: db.url })
      expect(unmigrated).toContain("the database is not migrated to this version: run pnpm db:migrate")
      const admin = new pg.Client({ connectionString: db.url })
      await admin.connect()
      try {
        const tables = await admin.query("select count(*)::int as n from pg_tables where schemaname = 'public'")
        expect(tables.rows[0].n).toBe(0)
        // asked to migrate, it migrates, but registers no operator organisation
        const unregistered = await startError({ DATABASE_URL: db.url, WM_MIGRATE: "true" })
        expect(unregistered).toContain("no operator organisation is registered")
        const operators = await admin.query("select count(*)::int as n from wm_operator_organisations")
        expect(operators.rows[0].n).toBe(0)
      } finally {
        await admin.end()
      }
    } finally {
      await db.drop()
    }
  })

  it("on a prepared database: /healthz and /metrics, nothing written by itself, exit 0 after SIGINT", async () => {
    const db = await freshDatabase(serverUrl)
    const data = await freshDataDir()
    const admin = new pg.Client({ connectionString: db.url })
    try {
      // a server prepares the database (migrations, the operator organisation), without demo data
      const env = { LOG_LEVEL: "silent", PORT: "0", WM_DATA_DIR: data.dir, DATABASE_URL: db.url, WM_WORKER: "off" }
      await (await startServer(loadConfig(env), env)).close()
      await admin.connect()
      const counts = async () =>
        (
          await admin.query<{ tenants: number; users: number; events: number; templates: number }>(
            `select (select count(*)::int from tenants) as tenants, (select count(*)::int from users) as users,
                    (select count(*)::int from workflow_events) as events, (select count(*)::int from workflow_templates) as templates`
          )
        ).rows[0]
      const before = await counts()
      const worker = await spawnWorker("quiet", { DATABASE_URL: db.url, LOG_LEVEL: "info", WM_WORKER_POLL_MS: "50" })
      expect((await fetch(`${worker.metricsUrl}/healthz`)).status).toBe(200)
      const metrics = await fetch(`${worker.metricsUrl}/metrics`)
      expect(metrics.status).toBe(200)
      const text = await metrics.text()
      expect(text).toMatch(/^wm_due_instances\{worker="quiet"\} 0$/m)
      expect(text).toMatch(/^wm_outbox_waiting\{worker="quiet"\} 0$/m)
      // it ran (its loops started, the figures above were read), now stop it
      await worker.waitForLine("worker started", (line) => line.msg === "worker started")
      worker.signal("SIGINT")
      const exit = await worker.exit
      expect(exit.code).toBe(0)
      expect(worker.lines().some((line) => line.msg === "worker stopped")).toBe(true)
      expect(worker.lines().filter((line) => line.level === "error" || line.level === "warn")).toEqual([])
      expect(await counts()).toEqual(before)
    } finally {
      await admin.end().catch(() => {})
      await db.drop()
      await data.remove()
    }
  })
})
