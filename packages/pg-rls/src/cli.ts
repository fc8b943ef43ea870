#!/usr/bin/env node
/**
 * `workflow-manager-pg-migrate` — applies the shipped migrations to a PostgreSQL database (or a
 * PGlite data directory) and prints what it did. Run it as the role that should own the tables.
 *
 *     workflow-manager-pg-migrate [--url postgres://owner@host/db | --pglite ./data] [--status]
 *
 * The URL defaults to `DATABASE_URL`. `--status` only lists applied and pending migrations.
 * Exit code 0 on success, 1 on failure (one line on stderr saying what to do, no stack), 2 on a
 * usage error (an unknown option, `--pglite` with `--url`, no database, a malformed URL).
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import { classifyPgError } from "./classifyPgError.js"
import { loadPGlite, loadPgPool } from "./internal/drivers.js"
import { loadMigrations, MigrationError, migrate } from "./Migrations.js"
import { fromPGlite, fromPool, type PGliteLike, type PgClient, type PoolLike } from "./PgClient.js"

const NAME = "workflow-manager-pg-migrate"

const usage = `Usage: ${NAME} [--url URL | --pglite DIR] [--status]

Applies the pending @workflow-manager/pg-rls migrations (idempotent; one transaction).

  --url URL      PostgreSQL connection string (default: $DATABASE_URL); connect as the owner role
  --pglite DIR   migrate a PGlite data directory instead (needs @electric-sql/pglite)
  --status       list applied and pending migrations, change nothing
  --help         show this help
`

/** Why `url` is not a PostgreSQL connection URL, or `undefined`. Never echoes it: it may hold a password. */
const malformed = (url: string): string | undefined => {
  if (!URL.canParse(url)) {
    return "it cannot be parsed as a URL (check the port, and percent-encode special characters of the user and password)"
  }
  const { protocol } = new URL(url)
  return protocol === "postgres:" || protocol === "postgresql:"
    ? undefined
    : `its scheme is ${protocol} where postgres: or postgresql: is expected`
}

const connect = (
  target: { readonly url: string } | { readonly pglite: string }
): Effect.Effect<PgClient, StorageError> =>
  "pglite" in target
    ? Effect.flatMap(loadPGlite(NAME), (PGlite) =>
        Effect.tryPromise({
          try: async () => fromPGlite((await PGlite.create(target.pglite)) as unknown as PGliteLike, { owned: true }),
          catch: (cause) => classifyPgError(NAME, cause)
        })
      )
    : Effect.map(loadPgPool(NAME), (Pool) => {
        const pool = new Pool({ connectionString: target.url, max: 1, application_name: NAME })
        pool.on("error", () => {})
        return fromPool(pool as unknown as PoolLike, { owned: true })
      })

const MIGRATION_FAILED = "migration failed: "

/** One line saying what went wrong and, where the database told us, what to do. */
const describeFailure = (error: unknown): string => {
  if (error instanceof StorageError) return error.reason.message
  if (error instanceof MigrationError) {
    // a migration named by number, a changed or unknown migration: its message says it all
    if (!error.message.startsWith(MIGRATION_FAILED)) return error.message
    // the connection or the transaction failed: the classified cause says what to do
    const code = (error.cause as { code?: unknown } | undefined)?.code
    return `${MIGRATION_FAILED}${
      typeof code === "string"
        ? classifyPgError(NAME, error.cause).reason.message
        : error.message.slice(MIGRATION_FAILED.length)
    }`
  }
  return classifyPgError(NAME, error).reason.message
}

const printStatus = async (client: PgClient): Promise<void> => {
  const shipped = await Effect.runPromise(loadMigrations())
  const applied = await client
    .query<{ version: number; name: string; applied_at: Date }>(
      "select version, name, applied_at from wm_schema_migrations order by version"
    )
    .catch((error: unknown) => {
      // no history table yet: nothing applied; anything else (no connection, no database) is a failure
      if ((error as { code?: unknown })?.code === "42P01") return []
      throw classifyPgError(NAME, error)
    })
  const done = new Map(applied.map((row) => [row.version, row]))
  for (const migration of shipped) {
    const row = done.get(migration.version)
    const state = row === undefined ? "pending" : `applied ${new Date(row.applied_at).toISOString()}`
    process.stdout.write(`${String(migration.version).padStart(4, "0")} ${migration.name}  ${state}\n`)
  }
}

const runMigrations = async (client: PgClient): Promise<void> => {
  const report = await Effect.runPromise(migrate(client))
  for (const m of report.applied) process.stdout.write(`applied ${String(m.version).padStart(4, "0")} ${m.name}\n`)
  process.stdout.write(
    report.applied.length === 0
      ? `schema is current (version ${report.version})\n`
      : `schema is at version ${report.version}\n`
  )
}

const usageError = (message: string): number => {
  process.stderr.write(`${NAME}: ${message}\n\n${usage}`)
  return 2
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
    return usageError((error as Error).message)
  }
  if (values.help === true) {
    process.stdout.write(usage)
    return 0
  }
  if (values.pglite !== undefined && values.url !== undefined) {
    return usageError("--pglite and --url name two databases: pass one of them")
  }
  const url = values.url ?? process.env.DATABASE_URL
  if (values.pglite === undefined && (url === undefined || url === "")) {
    return usageError("no database: pass --url or set DATABASE_URL")
  }
  const why = url === undefined || values.pglite !== undefined ? undefined : malformed(url)
  if (why !== undefined) {
    return usageError(
      `the database URL (${values.url === undefined ? "DATABASE_URL" : "--url"}) is malformed: ${why}; expected postgres://user:password@host:5432/database`
    )
  }
  let client: PgClient | undefined
  try {
    client = await Effect.runPromise(
      connect(values.pglite !== undefined ? { pglite: values.pglite } : { url: url as string })
    )
    await (values.status === true ? printStatus(client) : runMigrations(client))
    return 0
  } catch (error) {
    process.stderr.write(`${NAME}: ${describeFailure(error)}\n`)
    return 1
  } finally {
    await client?.close().catch(() => {})
  }
}

process.exitCode = await main(process.argv.slice(2))
