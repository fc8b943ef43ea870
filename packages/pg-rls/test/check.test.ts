/**
 * `WorkflowStore.check`, the engine's start-up check: it passes on a migrated database and fails
 * with a StorageError that says what to do on an unmigrated one (a fresh PGlite, a fresh PostgreSQL
 * database), an unreachable server, a database that does not exist and a role that cannot act as
 * `workflow_app` — through the Effect service, the Promise facade and core's `createEngine`.
 */
import { randomBytes } from "node:crypto"
import { PGlite } from "@electric-sql/pglite"
import { createEngine, type StorageError } from "@workflow-manager/core"
import { describeWithService, PostgreSQL } from "@workflow-manager/test-utils"
import { Effect, Exit } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  DEFAULT_MAX_DOCUMENT_BYTES,
  fromPGlite,
  fromPool,
  layer,
  makePromise,
  makeWorkflowStore,
  migrate,
  type PGliteLike,
  type PgClient,
  type PoolLike
} from "../src/index.js"

const check = async (client: PgClient): Promise<StorageError | undefined> => {
  const store = makeWorkflowStore({ client, maxDocumentBytes: DEFAULT_MAX_DOCUMENT_BYTES })
  const exit = await Effect.runPromiseExit(store.check)
  if (Exit.isSuccess(exit)) return undefined
  const reason = exit.cause.reasons[0]
  if (reason?._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return reason.error
}

const expectNotMigrated = (error: StorageError | undefined): void => {
  expect(error?._tag).toBe("StorageError")
  expect(error?.operation).toBe("WorkflowStore.check")
  expect(error?.reason._tag).toBe("Misconfigured")
  expect(error?.isRetryable).toBe(false)
  expect(error?.message).toContain("the database is not migrated: run workflow-manager-pg-migrate")
}

describe("check [pglite]", () => {
  let db: PGlite
  beforeAll(async () => {
    db = await PGlite.create()
  })
  afterAll(async () => {
    await db?.close()
  })

  it("fails actionably before the migration and passes after it", async () => {
    const client = fromPGlite(db as unknown as PGliteLike)
    expectNotMigrated(await check(client))
    // the Promise facade turns the Effect-valued member into a function; core's engine refuses to start
    const facade = await makePromise({ client })
    const rejected = await facade.workflowStore.check().catch((error: unknown) => error)
    expect(rejected).toMatchObject({ _tag: "StorageError", reason: { _tag: "Misconfigured" } })
    const engine = await createEngine({ stores: layer({ client }), handlers: [] }).catch((error: unknown) => error)
    expectNotMigrated(engine as StorageError)

    await Effect.runPromise(migrate(client))
    expect(await check(client)).toBeUndefined()
    await expect(facade.workflowStore.check()).resolves.toBeUndefined()
    const started = await createEngine({ stores: layer({ client }), handlers: [] })
    await started.dispose()
  })

  it("refuses an application role that was given a way out of row-level security after the migration", async () => {
    // PGlite has roles of its own: altering workflow_app here touches no other test's database
    const own = await PGlite.create()
    try {
      const client = fromPGlite(own as unknown as PGliteLike)
      await Effect.runPromise(migrate(client))
      expect(await check(client)).toBeUndefined()
      await client.exec("alter role workflow_app login createdb")
      const error = await check(client)
      expect(error?.reason._tag).toBe("Misconfigured")
      expect(error?.isRetryable).toBe(false)
      expect(error?.message).toContain("workflow_app must not have: LOGIN, CREATEDB")
      await client.exec("alter role workflow_app nologin nocreatedb")
      expect(await check(client)).toBeUndefined()
    } finally {
      await own.close()
    }
  })

  it("fails as Unavailable once the database is closed", async () => {
    const closed = await PGlite.create()
    await closed.close()
    const error = await check(fromPGlite(closed as unknown as PGliteLike))
    expect(error?.reason._tag).toBe("Unavailable")
    expect(error?.isRetryable).toBe(true)
  })
})

await describeWithService(PostgreSQL, "check [postgres]", (url) => {
  const databases: Array<string> = []
  const roles: Array<string> = []
  const pools: Array<pg.Pool> = []
  const urlOf = (database: string, user?: string) => {
    const u = new URL(url)
    u.pathname = `/${database}`
    if (user !== undefined) u.username = user
    return u.toString()
  }
  const pool = (connectionString: string): PgClient => {
    const p = new pg.Pool({ connectionString, max: 2 })
    p.on("error", () => {})
    pools.push(p)
    return fromPool(p as unknown as PoolLike)
  }
  const server = async <A>(body: (client: pg.Client) => Promise<A>): Promise<A> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return await body(client)
    } finally {
      await client.end()
    }
  }
  const freshDatabase = async (): Promise<string> => {
    const name = `wm_test_${randomBytes(6).toString("hex")}`
    await server((c) => c.query(`create database ${name}`))
    databases.push(name)
    return name
  }
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()))
    await server(async (c) => {
      for (const name of databases) await c.query(`drop database if exists ${name} with (force)`)
      for (const role of roles) await c.query(`drop role if exists ${role}`)
    })
  })

  it("fails actionably on a fresh database and passes once it is migrated", async () => {
    const client = pool(urlOf(await freshDatabase()))
    expectNotMigrated(await check(client))
    await Effect.runPromise(migrate(client))
    expect(await check(client)).toBeUndefined()
  })

  it("fails as Unavailable (retryable) when the server refuses the connection", async () => {
    const error = await check(pool("postgres://postgres@127.0.0.1:1/postgres"))
    expect(error?.operation).toBe("WorkflowStore.check")
    expect(error?.reason._tag).toBe("Unavailable")
    expect(error?.isRetryable).toBe(true)
    expect(error?.message).toContain("database unreachable")
    expect(error?.message).toContain("ECONNREFUSED")
  })

  it("says when the database does not exist (Misconfigured, not retryable)", async () => {
    const error = await check(pool(urlOf(`wm_missing_${randomBytes(6).toString("hex")}`)))
    expect(error?.reason._tag).toBe("Misconfigured")
    expect(error?.isRetryable).toBe(false)
    expect(error?.message).toContain("no such database")
  })

  it("says when the connecting role cannot act as workflow_app", async () => {
    const database = await freshDatabase()
    await Effect.runPromise(migrate(pool(urlOf(database))))
    const role = `wm_check_${randomBytes(6).toString("hex")}`
    await server((c) => c.query(`create role ${role} login`))
    roles.push(role)
    const error = await check(pool(urlOf(database, role)))
    expect(error?.reason._tag).toBe("Misconfigured")
    expect(error?.message).toContain("SET ROLE workflow_app")
  })
})
