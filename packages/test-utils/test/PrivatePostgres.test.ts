import { existsSync } from "node:fs"
import pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import {
  describeWithService,
  PostgreSQLBinaries,
  type PrivatePostgres,
  processesWith,
  startPrivatePostgres
} from "../src/index.js"

const query = async (url: string, sql: string): Promise<unknown> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  client.on("error", () => {})
  try {
    await client.connect()
    return (await client.query(sql)).rows[0]
  } finally {
    await client.end().catch(() => {})
  }
}

await describeWithService(PostgreSQLBinaries, "a private PostgreSQL cluster", () => {
  let postgres: PrivatePostgres | undefined
  beforeAll(async () => {
    postgres = await startPrivatePostgres()
  })
  afterAll(() => postgres?.destroy())

  const running = () => {
    if (postgres === undefined) throw new Error("no cluster")
    return postgres
  }

  it("answers on its own port, not 5432, with trust for postgres", async () => {
    const { url, port } = running()
    expect(port).not.toBe(5432)
    expect(await query(url, "select current_setting('port') as port")).toEqual({ port: String(port) })
  })

  it("stops like a crash, refuses connections meanwhile, and starts again with its data", async () => {
    const cluster = running()
    await query(cluster.url, "create table kept (n int)")
    await query(cluster.url, "insert into kept values (42)")
    await cluster.stop("immediate")
    expect(await cluster.pid()).toBeUndefined()
    await expect(query(cluster.url, "select 1")).rejects.toThrow()
    await cluster.start()
    expect(await query(cluster.url, "select n from kept")).toEqual({ n: 42 })
  })

  it("destroy leaves no process and no folder", async () => {
    const cluster = running()
    const pid = await cluster.pid()
    expect(pid).toBeGreaterThan(0)
    await cluster.destroy()
    expect(await processesWith(cluster.dir)).toEqual([])
    expect(existsSync(cluster.dir)).toBe(false)
    await cluster.destroy()
  })
})
