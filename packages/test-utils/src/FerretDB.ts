import { MongoClient } from "mongodb"
import type { Service } from "./Service.js"

/** Connects with the `mongodb` driver and runs the `ping` command. */
export const probeMongo = async (url: string): Promise<void> => {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3_000, connectTimeoutMS: 3_000 })
  try {
    await client.connect()
    await client.db("admin").command({ ping: 1 })
  } finally {
    await client.close().catch(() => {})
  }
}

/** The MongoDB-wire server at `MONGODB_URL` (FerretDB in this project's tests; any MongoDB-compatible server works). */
export const FerretDB: Service = {
  name: "FerretDB",
  envVar: "MONGODB_URL",
  defaultUrl: "mongodb://127.0.0.1:27017/",
  probe: probeMongo
}
