/**
 * The server's storage: the embedded PostgreSQL (PGlite, persisted in a data folder) by default,
 * a PostgreSQL server from `DATABASE_URL`, or the split with `MONGODB_URL` too. Opening it applies
 * the pending migrations (as the owner), registers the operator's organisation once, and builds
 * every pg-rls service over one client; the adapter switches to the `workflow_app` role in every
 * transaction, so row-level security holds whichever login the client uses.
 *
 * On the split, events, states and the outbox are in MongoDB; tenants, users, market roles,
 * templates and the index stay in PostgreSQL under RLS. The MongoDB indexes are created at start;
 * the reconciler's passes are made here and run by the process's worker (or its own timer).
 *
 * @since 0.1.0
 */
import { mkdir } from "node:fs/promises"
import { PGlite } from "@electric-sql/pglite"
import { runPromise } from "@workflow-manager/core"
import { makeSplit } from "@workflow-manager/mongo"
import {
  anonymous,
  createOperatorOrganisation,
  fromPGlite,
  fromPool,
  type MigrationReport,
  make,
  migrate,
  type PGliteLike,
  type PgClient,
  type PgRlsServices,
  type PoolLike,
  withTenant
} from "@workflow-manager/pg-rls"
import { MongoClient } from "mongodb"
import pg from "pg"
import type { MongoStorageConfig, ServerConfig, StorageConfig } from "./config.ts"
import { makeReconciliation, type ReconcilerLog, type Reconciliation } from "./reconcilerLoop.ts"

/**
 * The opened storage.
 *
 * @since 0.1.0
 * @category storage
 */
export interface Storage {
  readonly kind: StorageConfig["kind"]
  /** The application's client (pg-rls enters a tenant scope in each transaction). */
  readonly client: PgClient
  /** pg-rls's services; on the split, the event, instance, index and write stores and the outbox are MongoDB's. */
  readonly services: PgRlsServices
  /**
   * pg-rls's own services, PostgreSQL's on every storage: on the split, the index (and so the due
   * work the worker claims) is PostgreSQL's while `services` reads it together with the log.
   */
  readonly postgres: PgRlsServices
  /**
   * The split's MongoDB half (`undefined` on the other storages): its reconciler's passes, run by
   * the worker of the process (`reconciler.task`) or on their own timer (`reconciler.schedule()`).
   */
  readonly mongo: { readonly database: string; readonly reconciler: Reconciliation } | undefined
  /** The tenant id of the operator's organisation (whose users may be `market_ops`). */
  readonly operatorId: string
  /** What the migrations applied at start (empty when `migrate` is off or nothing was pending). */
  readonly migrations: MigrationReport | undefined
  /** Resolves when every database answers (the readiness probe). */
  readonly ping: () => Promise<void>
  /** Stops the reconciler, closes the MongoDB client and the PostgreSQL client (the pool, or the embedded database after a checkpoint). */
  readonly close: () => Promise<void>
}

/**
 * The storage could not be opened: what was tried and why it failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class StorageStartError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options)
    this.name = "StorageStartError"
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "object" && error !== null ? String(error) : String(error)

const quietPool = (url: string, max: number): pg.Pool => {
  const pool = new pg.Pool({ connectionString: url, max, application_name: "workflow-manager-reference-server" })
  // an idle connection dropped by the server must not crash the process; the next query reports it
  pool.on("error", () => {})
  return pool
}

/** The registered operator organisation, registering one from the configuration when there is none. */
const operatorOrganisation = async (
  owner: PgClient,
  app: PgClient,
  config: ServerConfig,
  register: boolean
): Promise<string> => {
  const registered = await withTenant(app, anonymous, (tx) =>
    tx.query<{ tenant_id: string }>("select tenant_id from wm_operator_organisations order by tenant_id")
  )
  const wanted = config.operator.id
  if (wanted !== undefined && registered.some((row) => row.tenant_id === wanted)) return wanted
  if (wanted === undefined && registered.length === 1) return (registered[0] as { tenant_id: string }).tenant_id
  if (wanted === undefined && registered.length > 1) {
    throw new StorageStartError(
      `${registered.length} operator organisations are registered; set WM_OPERATOR_ID to the one this server serves`
    )
  }
  if (!register) {
    throw new StorageStartError(
      wanted === undefined
        ? "no operator organisation is registered: start the server (or run pnpm db:migrate) first"
        : `the operator organisation ${wanted} (WM_OPERATOR_ID) is not registered`
    )
  }
  return runPromise(
    createOperatorOrganisation(owner, {
      ...(wanted === undefined ? {} : { id: wanted }),
      companyName: config.operator.companyName,
      vatNumber: config.operator.vatNumber
    })
  )
}

/**
 * Options of {@link openStorage}.
 *
 * @since 0.1.0
 * @category storage
 */
export interface OpenStorageOptions {
  /** Where the split's reconciler reports (default: nowhere). */
  readonly log?: ReconcilerLog
  /**
   * Register the operator organisation when none is (default `true`); `false` (the worker command)
   * only finds the registered one, and a database without one is a start error.
   */
  readonly register?: boolean
}

interface MongoHalf {
  readonly database: string
  readonly services: PgRlsServices
  readonly reconciler: Reconciliation
  readonly ping: () => Promise<void>
  readonly close: () => Promise<void>
}

/** Connects to MongoDB, creates its indexes, and puts the split together over pg-rls's index and templates. */
const openMongo = async (
  config: MongoStorageConfig,
  postgres: PgRlsServices,
  log: ReconcilerLog | undefined
): Promise<MongoHalf> => {
  const client = new MongoClient(config.url, {
    appName: "workflow-manager-reference-server",
    serverSelectionTimeoutMS: 10_000,
    connectTimeoutMS: 10_000
  })
  try {
    await client.connect()
    const db = client.db(config.database)
    const mongo = await runPromise(
      makeSplit({ db }, { index: postgres.workflowIndex, templates: postgres.templateStore })
    )
    const reconciler = makeReconciliation(mongo.reconciler, {
      everyMs: config.reconcileEveryMs,
      graceMs: config.reconcileGraceMs,
      limit: config.reconcileLimit,
      timeoutMs: config.reconcileTimeoutMs,
      ...(log === undefined ? {} : { log })
    })
    return {
      database: config.database,
      services: {
        ...postgres,
        eventStore: mongo.eventStore,
        instanceStore: mongo.instanceStore,
        workflowIndex: mongo.workflowIndex,
        templateStore: mongo.templateStore,
        workflowStore: mongo.workflowStore,
        outbox: mongo.outbox
      },
      reconciler,
      ping: async () => {
        await db.command({ ping: 1 })
      },
      close: async () => {
        try {
          await reconciler.stop()
        } finally {
          await client.close()
        }
      }
    }
  } catch (error) {
    await client.close().catch(() => {})
    throw new StorageStartError(`could not prepare MongoDB (database ${config.database}): ${describe(error)}`, {
      cause: error
    })
  }
}

const openClients = async (
  config: ServerConfig
): Promise<{ app: PgClient; owner: PgClient; closeOwner: () => Promise<void> }> => {
  const storage = config.storage
  if (storage.kind === "embedded") {
    await mkdir(storage.dataDir, { recursive: true })
    const db = await PGlite.create(storage.dataDir)
    const client = fromPGlite(db as unknown as PGliteLike, { owned: true })
    return { app: client, owner: client, closeOwner: async () => {} }
  }
  const app = fromPool(quietPool(storage.url, storage.poolMax) as unknown as PoolLike, { owned: true })
  if (storage.ownerUrl === storage.url) return { app, owner: app, closeOwner: async () => {} }
  const owner = fromPool(quietPool(storage.ownerUrl, 2) as unknown as PoolLike, { owned: true })
  return { app, owner, closeOwner: () => owner.close() }
}

/**
 * Opens the storage the configuration names: migrates (unless `WM_MIGRATE=false`), registers the
 * operator organisation when none is (unless `register: false`), and builds the pg-rls services.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts"
 * import { openStorage } from "./storage.ts"
 *
 * const storage = await openStorage(loadConfig({ WM_DATA_DIR: "/tmp/wm" }))
 * await storage.close()
 * ```
 *
 * @since 0.1.0
 * @category storage
 */
export const openStorage = async (config: ServerConfig, options: OpenStorageOptions = {}): Promise<Storage> => {
  const where = config.storage.kind === "embedded" ? `the embedded database in ${config.storage.dataDir}` : "PostgreSQL"
  let clients: Awaited<ReturnType<typeof openClients>>
  try {
    clients = await openClients(config)
  } catch (error) {
    throw new StorageStartError(`could not open ${where}: ${describe(error)}`, { cause: error })
  }
  const { app, owner, closeOwner } = clients
  let split: MongoHalf | undefined
  try {
    const migrations = config.migrate ? await runPromise(migrate(owner)) : undefined
    const operatorId = await operatorOrganisation(owner, app, config, options.register ?? true)
    await closeOwner()
    const postgres = await runPromise(make({ client: app }))
    if (config.storage.kind === "split") split = await openMongo(config.storage.mongo, postgres, options.log)
    const services = split === undefined ? postgres : split.services
    const half = split
    return {
      kind: config.storage.kind,
      client: app,
      services,
      postgres,
      mongo: half === undefined ? undefined : { database: half.database, reconciler: half.reconciler },
      operatorId,
      migrations,
      ping: async () => {
        await Promise.all([app.query("select 1"), half?.ping()])
      },
      close: async () => {
        try {
          await half?.close()
        } finally {
          await app.close()
        }
      }
    }
  } catch (error) {
    await split?.close().catch(() => {})
    await closeOwner().catch(() => {})
    await app.close().catch(() => {})
    if (error instanceof StorageStartError) throw error
    // an undefined function or table: the schema is not there (or older than this version)
    const code = (error as { code?: unknown } | null)?.code
    const hint =
      !config.migrate && (code === "42883" || code === "42P01")
        ? " — the database is not migrated to this version: run pnpm db:migrate (or start a server) first, or set WM_MIGRATE=true"
        : ""
    throw new StorageStartError(`could not prepare ${where}: ${describe(error)}${hint}`, { cause: error })
  }
}

/**
 * Applies the pending migrations and registers the operator organisation, then closes the storage
 * (the `pnpm db:migrate` command).
 *
 * @since 0.1.0
 * @category storage
 */
export const migrateStorage = async (config: ServerConfig): Promise<Storage["migrations"]> => {
  const storage = await openStorage({ ...config, migrate: true })
  await storage.close()
  return storage.migrations
}
