/**
 * The server's configuration, read from the environment (see `.env.example` and
 * docs/reference-server.md). Every value has a default that runs the embedded database on
 * loopback; a malformed value is a {@link ConfigError} naming the variable, never a silent default.
 *
 * @since 0.1.0
 */
import { dirname, isAbsolute, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { ConfigError, flag, integer, list, text } from "./configValues.ts"
import { loadWorkerConfig, type WorkerConfig } from "./workerConfig.ts"

export { ConfigError } from "./configValues.ts"

/**
 * A PostgreSQL server: the application's connection and the owner's.
 *
 * @since 0.1.0
 * @category config
 */
export interface PostgresConfig {
  /** The application's connection (a member of `workflow_app`, or the owner in development). */
  readonly url: string
  /** The owner's connection, for migrations and registering the operator (default: `url`). */
  readonly ownerUrl: string
  readonly poolMax: number
}

/**
 * The MongoDB half of the split: where it is, and how often the reconciler repairs the index.
 *
 * @since 0.1.0
 * @category config
 */
export interface MongoStorageConfig {
  /** `MONGODB_URL` (`mongodb://` or `mongodb+srv://`; MongoDB 7 or FerretDB 1.24). */
  readonly url: string
  /** The database: the URL's path, else {@link DEFAULT_MONGODB_DATABASE}. */
  readonly database: string
  /** Mean interval between reconciler passes, in ms (each pass is jittered by ±20 %). */
  readonly reconcileEveryMs: number
  /** Commits younger than this are left to the write path that is projecting them, in ms. */
  readonly reconcileGraceMs: number
  /** Most commits one pass repairs. */
  readonly reconcileLimit: number
  /** Longest a pass may run before it is abandoned (the next pass takes over), in ms. */
  readonly reconcileTimeoutMs: number
}

/**
 * Where the data lives: the embedded PGlite database in a folder, a PostgreSQL server, or the
 * split — PostgreSQL for tenants, users, templates and the index, MongoDB for events and states.
 *
 * @since 0.1.0
 * @category config
 */
export type StorageConfig =
  | { readonly kind: "embedded"; readonly dataDir: string }
  | ({ readonly kind: "postgres" } & PostgresConfig)
  | ({ readonly kind: "split"; readonly mongo: MongoStorageConfig } & PostgresConfig)

/**
 * The MongoDB database of the split when `MONGODB_URL` names none.
 *
 * @since 0.1.0
 * @category config
 */
export const DEFAULT_MONGODB_DATABASE = "workflow_manager"

/**
 * Limits on a GraphQL request.
 *
 * @since 0.1.0
 * @category config
 */
export interface Limits {
  /** Largest request body, in bytes. */
  readonly bodyBytes: number
  /** Deepest selection (fragments followed). */
  readonly depth: number
  /** Most aliased fields in one document. */
  readonly aliases: number
  /** Most lexical tokens in one document. */
  readonly tokens: number
  /** Highest cost (fields, multiplied by the page sizes of the lists they sit in). */
  readonly cost: number
  /** Largest page (`first`) of a list. */
  readonly pageSize: number
}

/**
 * The whole configuration.
 *
 * @since 0.1.0
 * @category config
 */
export interface ServerConfig {
  readonly host: string
  readonly port: number
  /** Production mode: no introspection, no suggestions, no GraphiQL, secrets required. */
  readonly production: boolean
  /** Folder of the embedded database and of generated keys (also used with PostgreSQL for keys). */
  readonly dataDir: string
  readonly storage: StorageConfig
  /** Apply pending migrations at start. */
  readonly migrate: boolean
  /** Load the demo data at start (idempotent); default on the embedded database only. */
  readonly demo: boolean
  /** Secret keyed instance ids are derived with (`WM_KEY_SECRET`); generated and kept in `dataDir` when unset. */
  readonly keySecret: string | undefined
  readonly operator: { readonly id: string | undefined; readonly companyName: string; readonly vatNumber: string }
  /** Allowed CORS origins; `true` reflects any origin, `false` sends no CORS headers. */
  readonly corsOrigins: ReadonlyArray<string> | boolean
  readonly limits: Limits
  /** Allow-list of the api-call handler (`host:port` or CIDR entries). */
  readonly apiCallAllow: ReadonlyArray<string>
  readonly logLevel: string
  /** How long a graceful shutdown waits for requests in flight, in ms. */
  readonly shutdownGraceMs: number
  /** The worker: in process (`WM_WORKER`, default on) or as its own command; its notification transports. */
  readonly worker: WorkerConfig
}

/**
 * The reference server's folder (the default data folder is `.data/` inside it).
 *
 * @since 0.1.0
 * @category config
 */
export const serverDir: string = resolve(dirname(fileURLToPath(import.meta.url)), "..")

const postgresUrl = (name: string, raw: string): string => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(name, "is not a URL")
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(name, `expected a postgres:// URL, got ${url.protocol}//`)
  }
  return raw
}

/** A database name: letters, digits, `_` and `-` (a subset of what MongoDB and FerretDB accept), at most 63 bytes. */
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/

/** `scheme://[credentials@]hosts[/database][?options]`; hosts may be a comma-separated list (a replica set). */
const MONGODB_URL = /^(mongodb(?:\+srv)?):\/\/([^/?#]+)(?:\/([^?#]*))?(?:\?[^#]*)?$/

const mongoUrl = (env: NodeJS.ProcessEnv, raw: string): MongoStorageConfig => {
  const parsed = MONGODB_URL.exec(raw)
  if (parsed === null) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]
    throw new ConfigError(
      "MONGODB_URL",
      scheme === undefined || /^mongodb(\+srv)?$/i.test(scheme)
        ? "is not a mongodb:// URL"
        : `expected a mongodb:// or mongodb+srv:// URL, got ${scheme.slice(0, 20)}://`
    )
  }
  const path = parsed[3] ?? ""
  const database = path === "" ? DEFAULT_MONGODB_DATABASE : path
  if (!DATABASE_NAME.test(database)) {
    throw new ConfigError("MONGODB_URL", `"${database.slice(0, 80)}" is not a MongoDB database name`)
  }
  const everyMs = integer(env, "WM_RECONCILE_INTERVAL_MS", 15_000, 1_000, 3_600_000)
  return {
    url: raw,
    database,
    reconcileEveryMs: everyMs,
    reconcileGraceMs: integer(env, "WM_RECONCILE_GRACE_MS", 30_000, 0, 86_400_000),
    reconcileLimit: integer(env, "WM_RECONCILE_LIMIT", 1000, 1, 100_000),
    reconcileTimeoutMs: integer(env, "WM_RECONCILE_TIMEOUT_MS", 60_000, 1_000, 3_600_000)
  }
}

const storageOf = (env: NodeJS.ProcessEnv, dataDir: string): StorageConfig => {
  const databaseUrl = text(env, "DATABASE_URL")
  const mongodbUrl = text(env, "MONGODB_URL")
  if (databaseUrl === undefined) {
    if (mongodbUrl !== undefined) {
      throw new ConfigError(
        "MONGODB_URL",
        "needs DATABASE_URL too: the split keeps tenants, users, templates and the index in PostgreSQL (the embedded database is not shared with MongoDB)"
      )
    }
    return { kind: "embedded", dataDir: join(dataDir, "pglite") }
  }
  const postgres: PostgresConfig = {
    url: postgresUrl("DATABASE_URL", databaseUrl),
    ownerUrl: postgresUrl("DATABASE_OWNER_URL", text(env, "DATABASE_OWNER_URL") ?? databaseUrl),
    poolMax: integer(env, "DATABASE_POOL_MAX", 10, 1, 1000)
  }
  return mongodbUrl === undefined
    ? { kind: "postgres", ...postgres }
    : { kind: "split", ...postgres, mongo: mongoUrl(env, mongodbUrl) }
}

const cors = (raw: string | undefined): ReadonlyArray<string> | boolean => {
  if (raw === undefined || raw === "false") return false
  if (raw === "*" || raw === "true") return true
  const origins = list(raw)
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError("CORS_ORIGINS", `"${origin.slice(0, 80)}" is not an origin (scheme://host[:port])`)
    }
  }
  return origins
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Reads the configuration from an environment (`process.env` by default).
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts"
 *
 * const config = loadConfig({ PORT: "4100", DATABASE_URL: "postgres://wm_api@db/wm" })
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): ServerConfig => {
  const production = (text(env, "NODE_ENV") ?? "development") === "production"
  const rawDir = text(env, "WM_DATA_DIR")
  const dataDir = rawDir === undefined ? join(serverDir, ".data") : isAbsolute(rawDir) ? rawDir : resolve(rawDir)
  const storage = storageOf(env, dataDir)
  const keySecret = text(env, "WM_KEY_SECRET")
  if (keySecret !== undefined && keySecret.length < 16) {
    throw new ConfigError("WM_KEY_SECRET", "must be at least 16 characters")
  }
  const operatorId = text(env, "WM_OPERATOR_ID")
  if (operatorId !== undefined && !UUID.test(operatorId)) throw new ConfigError("WM_OPERATOR_ID", "must be a UUID")
  const host = text(env, "HOST") ?? "127.0.0.1"
  return {
    host,
    port: integer(env, "PORT", 4000, 0, 65_535),
    production,
    dataDir,
    storage,
    migrate: flag(env, "WM_MIGRATE", true),
    demo: flag(env, "WM_DEMO_DATA", storage.kind === "embedded" && !production),
    keySecret,
    operator: {
      id: operatorId,
      companyName: text(env, "WM_OPERATOR_NAME") ?? "Elia Transmission Belgium",
      vatNumber: text(env, "WM_OPERATOR_VAT") ?? "BE0731852231"
    },
    corsOrigins: cors(text(env, "CORS_ORIGINS")),
    limits: {
      bodyBytes: integer(env, "WM_MAX_BODY_BYTES", 256 * 1024, 1024, 64 * 1024 * 1024),
      depth: integer(env, "WM_MAX_DEPTH", 10, 2, 100),
      aliases: integer(env, "WM_MAX_ALIASES", 30, 0, 10_000),
      tokens: integer(env, "WM_MAX_TOKENS", 3000, 50, 1_000_000),
      cost: integer(env, "WM_MAX_COST", 20_000, 10, 100_000_000),
      pageSize: integer(env, "WM_MAX_PAGE_SIZE", 100, 1, 500)
    },
    apiCallAllow: list(text(env, "WM_API_CALL_ALLOW")),
    logLevel: text(env, "LOG_LEVEL") ?? "info",
    shutdownGraceMs: integer(env, "WM_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
    worker: loadWorkerConfig(env, { production })
  }
}
