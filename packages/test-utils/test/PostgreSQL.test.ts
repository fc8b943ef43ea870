import pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { describeWithService, PostgreSQL } from "../src/index.js"

await describeWithService(PostgreSQL, "PostgreSQL service", (url) => {
  let client: pg.Client

  beforeAll(async () => {
    client = new pg.Client({ connectionString: url })
    await client.connect()
  })

  afterAll(async () => {
    await client.end()
  })

  it("answers select version() with a PostgreSQL server version", async () => {
    const result = await client.query<{ version: string }>("select version()")
    expect(result.rows[0]?.version).toMatch(/^PostgreSQL \d+/)
  })

  it("round-trips a row through a temporary table", async () => {
    await client.query("create temporary table wm_probe (id int primary key, note text not null)")
    await client.query("insert into wm_probe (id, note) values ($1, $2)", [1, "hello"])
    const result = await client.query<{ note: string }>("select note from wm_probe where id = $1", [1])
    expect(result.rows).toEqual([{ note: "hello" }])
  })
})
