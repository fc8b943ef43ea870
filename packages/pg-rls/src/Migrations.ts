/**
 * Schema migrations: plain, numbered SQL files shipped in the package's `migrations/` folder
 * (`0001_initial.sql`, ...), applied in order by an idempotent {@link migrate} and recorded in the
 * history table `wm_schema_migrations` with a SHA-256 checksum.
 *
 * `migrate` takes a transaction-scoped advisory lock, so concurrent migrators wait for each other;
 * it applies every pending migration in that one transaction (all or nothing) and refuses to run
 * when an applied migration's file has changed — never edit an applied migration, add a new one.
 * Run it as the role that should OWN the tables (not as `workflow_app`). The history table has row
 * level security enabled and no grant: the application role cannot read it.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { readdir, readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { Effect, Schema } from "effect"
import type { PgClient } from "./PgClient.js"

/**
 * One migration: its number, its name and its SQL.
 *
 * @since 0.1.0
 * @category migrations
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * What {@link migrate} did.
 *
 * @since 0.1.0
 * @category migrations
 */
export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  readonly applied: ReadonlyArray<{ readonly version: number; readonly name: string }>
  /** The schema version after this call. */
  readonly version: number
}

/**
 * A migration run failed; nothing of it was applied.
 *
 * - `reason: "Checksum"` — an applied migration's file differs from what was applied.
 * - `reason: "Unknown"` — the database has a migration this package does not know (a newer package ran).
 * - `reason: "Failed"` — a statement failed (see `cause`), or the files could not be read.
 *
 * @since 0.1.0
 * @category migrations
 */
export class MigrationError extends Schema.TaggedError<MigrationError>("@workflow-manager/pg-rls/MigrationError")(
  "MigrationError",
  {
    reason: Schema.Literals(["Checksum", "Unknown", "Failed"]),
    message: Schema.String,
    version: Schema.optionalKey(Schema.Int),
    cause: Schema.optionalKey(Schema.Defect())
  }
) {}

/**
 * The folder of the shipped migrations (beside `dist/` and `src/`).
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrationsDirectory: string = fileURLToPath(new URL("../migrations/", import.meta.url))

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/

/**
 * Reads the migrations of a folder (default: the shipped ones), in version order.
 *
 * @since 0.1.0
 * @category migrations
 */
export const loadMigrations = (
  directory: string = migrationsDirectory
): Effect.Effect<ReadonlyArray<Migration>, MigrationError> =>
  Effect.tryPromise({
    try: async () => {
      const files = (await readdir(directory)).filter((file) => FILE_PATTERN.test(file)).sort()
      const migrations: Array<Migration> = []
      for (const file of files) {
        const [, version, name] = FILE_PATTERN.exec(file) as RegExpExecArray
        migrations.push({
          version: Number(version),
          name: name as string,
          sql: await readFile(`${directory}/${file}`, "utf8")
        })
      }
      return migrations
    },
    catch: (cause) =>
      new MigrationError({
        reason: "Failed",
        message: `cannot read the migrations in ${directory}: ${String(cause)}`,
        cause
      })
  })

/**
 * The SHA-256 of a migration's SQL (what the history table records).
 *
 * @since 0.1.0
 * @category migrations
 */
export const checksum = (sql: string): string => createHash("sha256").update(sql, "utf8").digest("hex")

const HISTORY_DDL = `
create table if not exists wm_schema_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table wm_schema_migrations enable row level security;
revoke all on wm_schema_migrations from public;
`

/** 'wm-pg-rls' as a number: the advisory lock every migrator takes. */
const LOCK_KEY = 0x776d_7067

/**
 * Applies the pending migrations (default: the shipped ones) in one transaction; a no-op when the
 * schema is current.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrate = (
  client: PgClient,
  options: { readonly migrations?: ReadonlyArray<Migration> } = {}
): Effect.Effect<MigrationReport, MigrationError> =>
  Effect.gen(function* () {
    const migrations = options.migrations ?? (yield* loadMigrations())
    return yield* Effect.tryPromise({
      try: () =>
        client.transaction(async (tx) => {
          await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY])
          await tx.exec(HISTORY_DDL)
          const history = await tx.query<{ version: number; name: string; checksum: string }>(
            "select version, name, checksum from wm_schema_migrations order by version"
          )
          const known = new Map(migrations.map((m) => [m.version, m]))
          for (const row of history) {
            const migration = known.get(row.version)
            if (migration === undefined) {
              throw new MigrationError({
                reason: "Unknown",
                version: row.version,
                message: `the database has migration ${row.version} (${row.name}), which this package does not ship`
              })
            }
            if (checksum(migration.sql) !== row.checksum) {
              throw new MigrationError({
                reason: "Checksum",
                version: row.version,
                message: `migration ${row.version} (${row.name}) was changed after it was applied; add a new migration instead`
              })
            }
          }
          const done = new Set(history.map((row) => row.version))
          const applied: Array<{ version: number; name: string }> = []
          for (const migration of migrations) {
            if (done.has(migration.version)) continue
            try {
              await tx.exec(migration.sql)
            } catch (cause) {
              throw new MigrationError({
                reason: "Failed",
                version: migration.version,
                message: `migration ${migration.version} (${migration.name}) failed: ${String((cause as Error)?.message ?? cause)}`,
                cause
              })
            }
            await tx.query("insert into wm_schema_migrations (version, name, checksum) values ($1, $2, $3)", [
              migration.version,
              migration.name,
              checksum(migration.sql)
            ])
            applied.push({ version: migration.version, name: migration.name })
          }
          const version = Math.max(0, ...history.map((row) => row.version), ...applied.map((m) => m.version))
          return { applied, version } satisfies MigrationReport
        }),
      catch: (cause) =>
        cause instanceof MigrationError
          ? cause
          : new MigrationError({
              reason: "Failed",
              message: `migration failed: ${String((cause as Error)?.message ?? cause)}`,
              cause
            })
    })
  })

/**
 * {@link migrate} for callers without Effect: resolves with the report, rejects with a
 * {@link MigrationError}.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migratePromise = (
  client: PgClient,
  options: { readonly migrations?: ReadonlyArray<Migration> } = {}
): Promise<MigrationReport> => Effect.runPromise(migrate(client, options))
