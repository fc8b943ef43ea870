/**
 * Databases for the tests: a fresh database on the PostgreSQL server (dropped afterwards), a fresh
 * database on the MongoDB-wire server (its collections dropped afterwards) and a fresh data folder
 * for the embedded default (removed afterwards).
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MongoClient } from "mongodb"
import pg from "pg"

export interface TestDatabase {
  readonly url: string
  readonly drop: () => Promise<void>
}

const onServer = async (serverUrl: string, sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A new database on the server of `serverUrl` (the test's DATABASE_URL). */
export const freshDatabase = async (serverUrl: string): Promise<TestDatabase> => {
  const name = `wm_server_test_${randomBytes(6).toString("hex")}`
  await onServer(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`)
  }
}

/**
 * A new database name on the MongoDB-wire server of `serverUrl` (the test's MONGODB_URL); created by
 * the first write. `drop` drops its collections, not the database: FerretDB 1.24 deletes a
 * database's file, and a query still running on it then crashes the server. Call it once the
 * server using the database is closed.
 */
export const freshMongoDatabase = (serverUrl: string): TestDatabase & { readonly name: string } => {
  const name = `wm_server_test_${randomBytes(6).toString("hex")}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = await new MongoClient(serverUrl, { serverSelectionTimeoutMS: 5_000 }).connect()
      try {
        for (const collection of await client.db(name).collections()) {
          await collection.drop().catch(() => undefined)
        }
      } finally {
        await client.close()
      }
    }
  }
}

/** A new empty folder for the embedded database and generated keys. */
export const freshDataDir = async (): Promise<{ readonly dir: string; readonly remove: () => Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), "wm-server-test-"))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}
