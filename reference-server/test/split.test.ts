/**
 * The PostgreSQL + MongoDB split (`DATABASE_URL` and `MONGODB_URL`): its configuration, where the
 * data lands (events, states and outbox messages in MongoDB, the index in PostgreSQL), the indexes created at
 * start, the readiness probe over both stores, the reconciler repairing an index entry lost in a
 * crash between the two writes, and a shutdown that stops it and closes the MongoDB client.
 */
import { runPromise } from "@workflow-manager/core"
import { MongoClient } from "mongodb"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ConfigError, DEFAULT_MONGODB_DATABASE, loadConfig } from "../src/config.ts"
import { DEMO_PARTICIPANTS, DEMO_PASSWORD, DEMO_TEMPLATE_ID } from "../src/demo.ts"
import { startServer } from "../src/server.ts"
import { StorageStartError } from "../src/storage.ts"
import { freshDatabase, freshDataDir, freshMongoDatabase } from "./support/databases.ts"
import { noticeTemplate } from "./support/notice.ts"
import { dataOf, describeWithSplit, type GraphQLAnswer, post } from "./support/server.ts"

const PG = "postgres://wm@127.0.0.1:5432/wm"

const configError = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`)
}

describe("the split's configuration", () => {
  it("MONGODB_URL without DATABASE_URL is refused, naming both", () => {
    const error = configError({ MONGODB_URL: "mongodb://127.0.0.1:27017/wm" })
    expect(error.variable).toBe("MONGODB_URL")
    expect(error.message).toContain("DATABASE_URL")
  })

  it("takes the database from the URL's path, or the documented default", () => {
    const named = loadConfig({
      DATABASE_URL: PG,
      MONGODB_URL: "mongodb://u:p@127.0.0.1:27017/onboarding?authSource=admin"
    })
    expect(named.storage).toMatchObject({ kind: "split", url: PG, mongo: { database: "onboarding" } })
    for (const url of ["mongodb://127.0.0.1:27017", "mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1/?tls=true"]) {
      const config = loadConfig({ DATABASE_URL: PG, MONGODB_URL: url })
      expect(config.storage.kind === "split" && config.storage.mongo.database).toBe(DEFAULT_MONGODB_DATABASE)
    }
    const replicaSet = loadConfig({
      DATABASE_URL: PG,
      MONGODB_URL: "mongodb://a.example:27017,b.example:27017,c.example:27017/wm?replicaSet=rs0"
    })
    expect(replicaSet.storage.kind === "split" && replicaSet.storage.mongo.database).toBe("wm")
    const srv = loadConfig({ DATABASE_URL: PG, MONGODB_URL: "mongodb+srv://cluster.example/wm" })
    expect(srv.storage.kind).toBe("split")
  })

  it("the reconciler's defaults, and its settings checked", () => {
    const config = loadConfig({ DATABASE_URL: PG, MONGODB_URL: "mongodb://127.0.0.1/" })
    expect(config.storage.kind === "split" && config.storage.mongo).toMatchObject({
      reconcileEveryMs: 15_000,
      reconcileGraceMs: 30_000,
      reconcileLimit: 1000,
      reconcileTimeoutMs: 60_000
    })
    const split = { DATABASE_URL: PG, MONGODB_URL: "mongodb://127.0.0.1/" }
    expect(configError({ ...split, WM_RECONCILE_INTERVAL_MS: "10" }).variable).toBe("WM_RECONCILE_INTERVAL_MS")
    expect(configError({ ...split, WM_RECONCILE_LIMIT: "-1" }).variable).toBe("WM_RECONCILE_LIMIT")
    expect(configError({ ...split, WM_RECONCILE_GRACE_MS: "1e9" }).variable).toBe("WM_RECONCILE_GRACE_MS")
    // the reconciler settings mean nothing without MONGODB_URL and are not read
    expect(loadConfig({ DATABASE_URL: PG, WM_RECONCILE_LIMIT: "x" }).storage.kind).toBe("postgres")
  })

  it("malformed URLs and database names are configuration errors, never a crash", () => {
    const bad = [
      "postgres://127.0.0.1/wm",
      "http://127.0.0.1:27017/",
      "mongodb:/127.0.0.1",
      "mongodb://",
      "not a url",
      "mongodb://127.0.0.1/a.b",
      "mongodb://127.0.0.1/a$b",
      "mongodb://127.0.0.1/a%2Fb",
      "mongodb://127.0.0.1/a b",
      "mongodb://127.0.0.1/a/b",
      `mongodb://127.0.0.1/${"x".repeat(64)}`,
      "mongodb://127.0.0.1/__proto__\u0000"
    ]
    for (const url of bad) {
      const error = configError({ DATABASE_URL: PG, MONGODB_URL: url })
      expect(error.variable, url).toBe("MONGODB_URL")
    }
    // the message never echoes credentials of a refused URL's host part
    expect(configError({ DATABASE_URL: PG, MONGODB_URL: "https://user:secret@host/" }).message).not.toContain("secret")
  })
})

const gql = (url: string, query: string, variables: Record<string, unknown> = {}, token?: string) =>
  post(`${url}/graphql`, JSON.stringify({ query, variables }), {
    "content-type": "application/json",
    accept: "application/graphql-response+json",
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
  })

const tokenOf = (answer: GraphQLAnswer): string => dataOf<{ token: string }>(answer, "login").token

await describeWithSplit("the split over HTTP [PostgreSQL + FerretDB]", (pgUrl, mongoUrl) => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let pgDb: Awaited<ReturnType<typeof freshDatabase>> | undefined
  const mongoDb = freshMongoDatabase(mongoUrl)
  let reader: MongoClient | undefined
  let admin: pg.Client | undefined
  let closed = false

  beforeAll(async () => {
    data = await freshDataDir()
    pgDb = await freshDatabase(pgUrl)
    const env = {
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: "0",
      WM_DATA_DIR: data.dir,
      WM_DEMO_DATA: "true",
      DATABASE_URL: pgDb.url,
      MONGODB_URL: mongoDb.url,
      WM_RECONCILE_GRACE_MS: "0",
      WM_RECONCILE_INTERVAL_MS: "1000",
      // the notice is executed by hand below; without a worker the reconciler runs on its own timer
      WM_WORKER: "off"
    }
    server = await startServer(loadConfig(env), env)
    reader = await new MongoClient(mongoUrl).connect()
    admin = new pg.Client({ connectionString: pgDb.url })
    await admin.connect()
  })

  afterAll(async () => {
    try {
      if (!closed) await server?.close()
      await reader?.close()
      await admin?.end()
    } finally {
      await mongoDb.drop()
      await pgDb?.drop()
      await data?.remove()
    }
  })

  const running = () => {
    if (server === undefined || reader === undefined || admin === undefined) throw new Error("the split is not up")
    return { server, mongo: reader.db(mongoDb.name), admin }
  }

  it("is ready when both stores answer, and says it runs the split", async () => {
    const { server } = running()
    const response = await fetch(`${server.url}/readyz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: "ready", storage: "split" })
    expect(server.storage.mongo?.database).toBe(mongoDb.name)
  })

  it("created the MongoDB indexes at start", async () => {
    const { mongo } = running()
    const names = async (collection: string) =>
      (await mongo.collection(collection).listIndexes().toArray()).map((index) => index.name as string)
    expect(await names("workflow_events")).toEqual(expect.arrayContaining(["tail", "by_command", "by_time"]))
    expect(await names("workflow_projected")).toEqual(expect.arrayContaining(["by_instance"]))
  })

  it("writes events and state to MongoDB and the index to PostgreSQL; the reconciler repairs a lost index write", async () => {
    const { server, mongo, admin } = running()
    const ops = tokenOf(
      await gql(
        server.url,
        "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
        { email: "ops@elia.example", password: DEMO_PASSWORD }
      )
    )
    const vat = (DEMO_PARTICIPANTS[0] as (typeof DEMO_PARTICIPANTS)[number]).vatNumber
    const tenants = dataOf<ReadonlyArray<{ id: string; vatNumber: string }>>(
      await gql(server.url, "{ tenants { id vatNumber } }", {}, ops),
      "tenants"
    )
    const tenantId = tenants.find((t) => t.vatNumber === vat)?.id
    const created = dataOf<{ workflow: { id: string }; version: number }>(
      await gql(
        server.url,
        "mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { workflow { id } version } }",
        { input: { templateId: DEMO_TEMPLATE_ID, tenantId, marketRole: "BRP" } },
        ops
      ),
      "createWorkflow"
    )
    const id = created.workflow.id
    const started = dataOf<{ version: number }>(
      await gql(
        server.url,
        "mutation ($input: CommandInput!) { startWorkflow(input: $input) { version } }",
        { input: { workflowId: id, expectedVersion: created.version } },
        ops
      ),
      "startWorkflow"
    )
    expect(started.version).toBe(2)

    // events and state: in MongoDB, not in PostgreSQL
    const commits = await mongo.collection("workflow_events").find({ i: id }).toArray()
    expect(commits.flatMap((commit) => (commit.ev as ReadonlyArray<{ type: string }>).map((e) => e.type))).toEqual([
      "WORKFLOW_CREATED",
      "WORKFLOW_STARTED"
    ])
    const pgEvents = await admin.query("select count(*)::int as n from workflow_events where instance_id = $1", [id])
    expect(pgEvents.rows[0].n).toBe(0)
    const indexRow = async () =>
      (
        await admin.query<{ version: number }>("select version from workflow_instances_index where instance_id = $1", [
          id
        ])
      ).rows[0]
    expect((await indexRow())?.version).toBe(2)

    // a crash after the MongoDB commit and before the index write: no entry, no projected marker
    await admin.query("delete from workflow_instances_index where instance_id = $1", [id])
    await mongo.collection("workflow_projected").deleteMany({ i: id })
    expect(await indexRow()).toBeUndefined()
    // reads never hide it meanwhile (the split merges unprojected commits into the index)
    const seen = await gql(server.url, "query ($id: ID!) { workflow(id: $id) { id status } }", { id }, ops)
    expect(seen.body.data?.workflow).toEqual({ id, status: "IN_PROGRESS" })

    // a pass now (the periodic one, every second here, may have repaired it first: the outcome is what counts)
    const report = await server.storage.mongo?.reconciler.runOnce()
    expect(report?.failed).toEqual([])
    expect((await indexRow())?.version).toBe(2)
    expect(await mongo.collection("workflow_projected").countDocuments({ i: id })).toBeGreaterThanOrEqual(1)
  })

  it("queues a notice's message in MongoDB's outbox, with its commit; nothing in PostgreSQL's", async () => {
    const { server, mongo, admin } = running()
    await runPromise(server.storage.services.templateStore.publish(noticeTemplate))
    const ops = tokenOf(
      await gql(
        server.url,
        "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
        { email: "ops@elia.example", password: DEMO_PASSWORD }
      )
    )
    const tenants = dataOf<ReadonlyArray<{ id: string }>>(
      await gql(server.url, "{ tenants { id } }", {}, ops),
      "tenants"
    )
    const tenantId = tenants.find((t) => t.id !== server.storage.operatorId)?.id
    const command = async (field: string, type: string, input: Record<string, unknown>) =>
      dataOf<{ workflow: { id: string }; version: number }>(
        await gql(
          server.url,
          `mutation ($input: ${type}!) { ${field}(input: $input) { workflow { id } version } }`,
          { input },
          ops
        ),
        field
      )
    const created = await command("createWorkflow", "CreateWorkflowInput", {
      templateId: noticeTemplate.id,
      tenantId,
      marketRole: "BRP"
    })
    const id = created.workflow.id
    let at = await command("startWorkflow", "CommandInput", { workflowId: id, expectedVersion: created.version })
    at = await command("executeStep", "ExecuteStepInput", {
      workflowId: id,
      expectedVersion: at.version,
      stepId: "details",
      input: { reference: "SPLIT-1" }
    })
    const before = await mongo.collection("workflow_outbox").countDocuments({ t: tenantId })
    await command("executeStep", "ExecuteStepInput", {
      workflowId: id,
      expectedVersion: at.version,
      stepId: "notice",
      input: null
    })
    expect(await mongo.collection("workflow_outbox").countDocuments({ t: tenantId })).toBe(before + 1)
    const pgOutbox = await admin.query("select count(*)::int as n from workflow_outbox")
    expect(pgOutbox.rows[0].n).toBe(0)
  })

  it("runs the reconciler periodically, and a shutdown stops it and closes the MongoDB client", async () => {
    const { server } = running()
    const loop = server.storage.mongo?.reconciler
    if (loop === undefined) throw new Error("no reconciler on the split")
    const before = loop.passes()
    // every 1 s (±20 %): two more passes within a generous bound
    for (let i = 0; i < 300 && loop.passes() < before + 2; i++) await new Promise((r) => setTimeout(r, 100))
    expect(loop.passes()).toBeGreaterThanOrEqual(before + 2)

    await server.close()
    closed = true
    const after = loop.passes()
    expect(await loop.runOnce()).toBeUndefined()
    await new Promise((r) => setTimeout(r, 2_500))
    expect(loop.passes()).toBe(after)
    await expect(server.storage.ping()).rejects.toThrow()
  })
})

await describeWithSplit("the split's start [PostgreSQL + FerretDB]", (pgUrl) => {
  let data: Awaited<ReturnType<typeof freshDataDir>> | undefined
  let pgDb: Awaited<ReturnType<typeof freshDatabase>> | undefined
  beforeAll(async () => {
    data = await freshDataDir()
    pgDb = await freshDatabase(pgUrl)
  })
  afterAll(async () => {
    await pgDb?.drop()
    await data?.remove()
  })

  it("a MongoDB that does not answer is a start error naming MongoDB, within the bound, and nothing is left open", async () => {
    if (pgDb === undefined || data === undefined) throw new Error("no database")
    const env = {
      LOG_LEVEL: "silent",
      PORT: "0",
      WM_DATA_DIR: data.dir,
      DATABASE_URL: pgDb.url,
      MONGODB_URL: "mongodb://127.0.0.1:1/wm"
    }
    const error = await startServer(loadConfig(env), env).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(StorageStartError)
    expect((error as Error).message).toMatch(/could not prepare MongoDB \(database wm\)/)
    // the PostgreSQL pool was closed: the database can be dropped without force-closing a session
    const client = new pg.Client({ connectionString: pgDb.url })
    await client.connect()
    try {
      const sessions = await client.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
      )
      expect(sessions.rows[0].n).toBe(0)
    } finally {
      await client.end()
    }
  })
})
