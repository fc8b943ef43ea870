/**
 * `ensureIndexes` on the MongoDB-wire server (FerretDB here): idempotent — a second run, as every
 * restart of a server makes, leaves the indexes as they are. Regression: FerretDB 1.24 dropped the
 * connection when one `createIndexes` named several indexes that all existed, so a split server
 * could not start twice on one database.
 */
import { randomBytes } from "node:crypto"
import { describeWithService, FerretDB } from "@workflow-manager/test-utils"
import { MongoClient } from "mongodb"
import { afterAll, beforeAll, expect, it } from "vitest"
import { COLLECTIONS, ensureIndexes, INDEXES } from "../src/index.js"

await describeWithService(FerretDB, "ensureIndexes", (url) => {
  let client: MongoClient | undefined
  const name = `wm_indexes_${randomBytes(6).toString("hex")}`

  beforeAll(async () => {
    client = await new MongoClient(url, { serverSelectionTimeoutMS: 5_000 }).connect()
  })
  afterAll(async () => {
    // collections, never the database: FerretDB 1.24 crashes on dropDatabase while queries run
    for (const collection of (await client?.db(name).collections()) ?? []) await collection.drop().catch(() => {})
    await client?.close()
  })

  it("creates every index, and a second and third run (a restart) change nothing", async () => {
    const db = (client as MongoClient).db(name)
    await ensureIndexes(db)
    await ensureIndexes(db)
    await ensureIndexes(db)
    for (const [key, collection] of Object.entries(COLLECTIONS)) {
      const names = (await db.collection(collection).listIndexes().toArray()).map((index) => index.name as string)
      const wanted = INDEXES[key as keyof typeof COLLECTIONS].map((index) => index.name as string)
      expect(names.sort(), collection).toEqual(["_id_", ...wanted].sort())
    }
    // the connection survived: the server still answers on it
    expect((await db.command({ ping: 1 })).ok).toBe(1)
  })
})
