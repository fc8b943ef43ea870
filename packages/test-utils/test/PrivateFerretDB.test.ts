import { existsSync } from "node:fs"
import { MongoClient } from "mongodb"
import { afterAll, beforeAll, expect, it } from "vitest"
import {
  describeWithService,
  FerretDBBinary,
  type PrivateFerretDB,
  probeMongo,
  processesWith,
  startPrivateFerretDB
} from "../src/index.js"

await describeWithService(FerretDBBinary, "a private FerretDB", () => {
  let ferret: PrivateFerretDB | undefined
  beforeAll(async () => {
    ferret = await startPrivateFerretDB()
  })
  afterAll(() => ferret?.destroy())

  const running = () => {
    if (ferret === undefined) throw new Error("no FerretDB")
    return ferret
  }

  it("answers on its own port, not 27017", async () => {
    const { url, port } = running()
    expect(port).not.toBe(27017)
    await expect(probeMongo(url)).resolves.toBeUndefined()
  })

  it("is killed like a crash, refuses meanwhile, and starts again with its data", async () => {
    const server = running()
    const client = await new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 }).connect()
    try {
      await client
        .db("kept")
        .collection("docs")
        .insertOne({ _id: "a", n: 42 } as never)
    } finally {
      await client.close()
    }
    await server.stop("SIGKILL")
    expect(server.pid()).toBeUndefined()
    await expect(probeMongo(server.url)).rejects.toThrow()
    await server.start()
    const again = await new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 }).connect()
    try {
      expect(
        await again
          .db("kept")
          .collection("docs")
          .findOne({ _id: "a" } as never)
      ).toEqual({ _id: "a", n: 42 })
    } finally {
      await again.close()
    }
  })

  it("destroy leaves no process and no folder", async () => {
    const server = running()
    await server.destroy()
    expect(await processesWith(server.dir)).toEqual([])
    expect(existsSync(server.dir)).toBe(false)
    await server.destroy()
  })
})
