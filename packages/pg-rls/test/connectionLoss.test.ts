/**
 * A connection that dies while a transaction holds it (the server stopped, the session
 * terminated): `pg` emits `error` on the client, which the pool listens to only while the client is
 * idle. Regression: the event went unheard and ended the process (the reference server died when
 * PostgreSQL was stopped under load). Now the transaction fails with a typed error, the dead
 * connection is destroyed, and the pool goes on.
 */
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { fromPool, type PoolLike } from "../src/index.js"

await describeWithService(PostgreSQL, "a connection lost inside a transaction", (url) => {
  let pool: pg.Pool | undefined
  let admin: pg.Client | undefined

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url, max: 2 })
    pool.on("error", () => {})
    admin = new pg.Client({ connectionString: url })
    await admin.connect()
  })
  afterAll(async () => {
    await admin?.end()
    await pool?.end()
  })

  it("fails the transaction, not the process; the connection is destroyed and the pool goes on", async () => {
    const client = fromPool(pool as unknown as PoolLike)
    let terminated: number | undefined
    const outcome = client.transaction(async (tx) => {
      const [row] = await tx.query<{ pid: number }>("select pg_backend_pid() as pid")
      terminated = row?.pid
      await (admin as pg.Client).query("select pg_terminate_backend($1)", [terminated])
      // the connection's error event arrives while no statement runs
      await new Promise((resolve) => setTimeout(resolve, 300))
      await tx.query("select 1")
    })
    await expect(outcome).rejects.toThrow()
    const [after] = await client.transaction((tx) => tx.query<{ pid: number }>("select pg_backend_pid() as pid"))
    expect(after?.pid).toBeGreaterThan(0)
    expect(after?.pid).not.toBe(terminated)
  })
})
