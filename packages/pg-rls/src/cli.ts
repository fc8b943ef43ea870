#!/usr/bin/env node
/**
 * `workflow-manager-pg-migrate` — applies the shipped migrations to a PostgreSQL database (or a
 * PGlite data directory) and prints what it did. Run it as the role that should own the tables.
 *
 *     workflow-manager-pg-migrate [--url postgres://owner@host/db] [--pglite ./data] [--status]
 *
 * The URL defaults to `DATABASE_URL`. `--status` only lists applied and pending migrations.
 * Exit code 0 on success, 1 on failure, 2 on a usage error.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { loadMigrations, MigrationError, migrate } from "./Migrations.js"
import { fromPGlite, fromPool, type PGliteLike, type PgClient, type PoolLike } from "./PgClient.js"

const usage = `Usage: workflow-manager-pg-migrate [--url URL] [--pglite DIR] [--status]

Applies the pending @workflow-manager/pg-rls migrations (idempotent; one transaction).

  --url URL      PostgreSQL connection string (default: $DATABASE_URL); connect as the owner role
  --pglite DIR   migrate a PGlite data directory instead (needs @electric-sql/pglite)
  --status       list applied and pending migrations, change nothing
  --help         show this help
`

const connect = async (url: string | undefined, pgliteDir: string | undefined): Promise<PgClient> => {
  if (pgliteDir !== undefined) {
    const { PGlite } = await import("@electric-sql/pglite")
    return fromPGlite((await PGlite.create(pgliteDir)) as unknown as PGliteLike, { owned: true })
  }
  const pg = await import("pg")
  const pool = new (pg.default ?? pg).Pool({
    connectionString: url,
    max: 1,
    application_name: "workflow-manager-pg-migrate"
  })
  pool.on("error", () => {})
  return fromPool(pool as unknown as PoolLike, { owned: true })
}

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  let values: {
    url?: string | undefined
    pglite?: string | undefined
    status?: boolean | undefined
    help?: boolean | undefined
  }
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        url: { type: "string" },
        pglite: { type: "string" },
        status: { type: "boolean" },
        help: { type: "boolean", short: "h" }
      }
    }).values
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`)
    return 2
  }
  if (values.help === true) {
    process.stdout.write(usage)
    return 0
  }
  const url = values.url ?? process.env.DATABASE_URL
  if (values.pglite === undefined && (url === undefined || url === "")) {
    process.stderr.write(`No database: pass --url or set DATABASE_URL.\n\n${usage}`)
    return 2
  }
  const client = await connect(url, values.pglite)
  try {
    if (values.status === true) {
      const shipped = await Effect.runPromise(loadMigrations())
      const applied = await client
        .query<{ version: number; name: string; applied_at: Date }>(
          "select version, name, applied_at from wm_schema_migrations order by version"
        )
        .catch(() => [])
      const done = new Map(applied.map((row) => [row.version, row]))
      for (const migration of shipped) {
        const row = done.get(migration.version)
        const state = row === undefined ? "pending" : `applied ${new Date(row.applied_at).toISOString()}`
        process.stdout.write(`${String(migration.version).padStart(4, "0")} ${migration.name}  ${state}\n`)
      }
      return 0
    }
    const report = await Effect.runPromise(migrate(client))
    for (const m of report.applied) process.stdout.write(`applied ${String(m.version).padStart(4, "0")} ${m.name}\n`)
    process.stdout.write(
      report.applied.length === 0
        ? `schema is current (version ${report.version})\n`
        : `schema is at version ${report.version}\n`
    )
    return 0
  } catch (error) {
    const message =
      error instanceof MigrationError ? `${error.reason}: ${error.message}` : String((error as Error)?.message ?? error)
    process.stderr.write(`migration failed: ${message}\n`)
    return 1
  } finally {
    await client.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
