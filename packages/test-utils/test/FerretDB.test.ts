import { randomUUID } from "node:crypto"
import { type Db, MongoClient } from "mongodb"
import { afterAll, beforeAll, expect, it } from "vitest"
import { describeWithService, FerretDB } from "../src/index.js"

await describeWithService(FerretDB, "FerretDB service", (url) => {
  let client: MongoClient
  let db: Db
  const collectionName = `probe_${randomUUID().replaceAll("-", "")}`

  beforeAll(async () => {
    client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 })
    await client.connect()
    db = client.db("wm_test_utils")
  })

  afterAll(async () => {
    await db
      .collection(collectionName)
      .drop()
      .catch(() => {})
    await client.close()
  })

  it("answers ping", async () => {
    const reply = await db.command({ ping: 1 })
    expect(reply.ok).toBe(1)
  })

  it("inserts and finds a document in a throwaway collection", async () => {
    const collection = db.collection<{ _id: string; tenantId: string; n: number }>(collectionName)
    await collection.insertOne({ _id: "doc-1", tenantId: "t1", n: 42 })
    const found = await collection.findOne({ _id: "doc-1", tenantId: "t1" })
    expect(found).toEqual({ _id: "doc-1", tenantId: "t1", n: 42 })
  })

  it("rejects a duplicate _id with code 11000", async () => {
    const collection = db.collection<{ _id: string }>(collectionName)
    await collection.insertOne({ _id: "dup" })
    await expect(collection.insertOne({ _id: "dup" })).rejects.toMatchObject({ code: 11000 })
  })
})
