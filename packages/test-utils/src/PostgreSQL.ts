import pg from "pg"
import type { Service } from "./Service.js"

/** Connects with `pg` and runs `select 1`. */
export const probePostgres = async (url: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  // A refused or reset connection is reported by connect(); keep a late socket error from crashing the worker.
  client.on("error", () => {})
  try {
    await client.connect()
    await client.query("select 1")
  } finally {
    await client.end().catch(() => {})
  }
}

/** PostgreSQL at `DATABASE_URL` (default: the machine's server, trust auth for user postgres). */
export const PostgreSQL: Service = {
  name: "PostgreSQL",
  envVar: "DATABASE_URL",
  defaultUrl: "postgres://postgres@127.0.0.1:5432/postgres",
  probe: probePostgres
}
