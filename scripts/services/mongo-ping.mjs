#!/usr/bin/env node
// Runs the MongoDB `ping` command against a URL (default mongodb://127.0.0.1:27017/) with the
// `mongodb` driver; exits 0 when the server answers ok, 1 otherwise. Used by ferretdb.sh to wait
// for readiness. The driver is a devDependency of packages/test-utils (or of the root, if added).
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const url = process.argv[2] ?? process.env.MONGODB_URL ?? "mongodb://127.0.0.1:27017/"

let driverPath
for (const from of ["packages/test-utils/package.json", "package.json"]) {
  try {
    driverPath = createRequire(join(root, from)).resolve("mongodb")
    break
  } catch {}
}
if (driverPath === undefined) {
  console.error("mongo-ping: the mongodb driver is not installed (run pnpm install)")
  process.exit(2)
}

const { MongoClient } = await import(pathToFileURL(driverPath).href)
const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 })
try {
  const reply = await client.db("admin").command({ ping: 1 })
  if (reply.ok !== 1) throw new Error(`ping answered ${JSON.stringify(reply)}`)
  console.log(`mongo-ping: ${url} ok`)
  process.exitCode = 0
} catch (error) {
  console.error(`mongo-ping: ${url}: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await client.close().catch(() => {})
}
