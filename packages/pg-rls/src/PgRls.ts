/**
 * The PostgreSQL adapter put together: every core storage port (`EventStore`, `InstanceStore`,
 * `WorkflowIndex`, `TemplateStore`, an atomic `WorkflowStore`, the `Outbox` and `DueWork`) plus the `Tenants`,
 * `Users` and `MarketRoles` repositories, over one {@link PgClient} — a `pg` Pool or a PGlite instance.
 *
 * - {@link make} builds the services from a client;
 * - {@link layer} provides all of them as one `Layer`;
 * - {@link layerPool} and {@link layerPGlite} also create (and close) the pool or the embedded
 *   database;
 * - {@link makePromise} is the same for callers without Effect: Promise-returning methods that
 *   reject with the same tagged errors.
 *
 * @since 0.1.0
 */
import {
  type Promisified as CorePromisified,
  DueWork,
  type DueWorkService,
  EventStore,
  type EventStoreService,
  InstanceStore,
  type InstanceStoreService,
  Outbox,
  type OutboxService,
  promisify,
  runPromise,
  type StorageError,
  TemplateStore,
  type TemplateStoreService,
  WorkflowIndex,
  type WorkflowIndexService,
  WorkflowStore,
  type WorkflowStoreService
} from "@workflow-manager/core"
import { Context, Effect, Layer } from "effect"
import { loadPGlite, loadPgPool } from "./internal/drivers.js"
import { MarketRoles, type MarketRolesService, makeMarketRoles } from "./MarketRoles.js"
import { type MigrationError, type MigrationReport, migrate } from "./Migrations.js"
import { fromPGlite, fromPool, type PGliteLike, type PgClient, type PoolLike } from "./PgClient.js"
import { makeDueWork } from "./PgDueWork.js"
import { makeEventStore } from "./PgEventStore.js"
import { makeInstanceStore } from "./PgInstanceStore.js"
import { makeOutbox } from "./PgOutbox.js"
import { makeTemplateStore } from "./PgTemplateStore.js"
import { makeWorkflowIndex } from "./PgWorkflowIndex.js"
import { makeWorkflowStore } from "./PgWorkflowStore.js"
import { DEFAULT_MAX_DOCUMENT_BYTES, type StoreConfig } from "./StoreConfig.js"
import { createOperatorOrganisation, makeTenants, Tenants, type TenantsService } from "./Tenants.js"
import { makeUsers, Users, type UsersService } from "./Users.js"

/**
 * Configuration of the adapter.
 *
 * @since 0.1.0
 * @category config
 */
export interface PgRlsConfig {
  /** The database client ({@link fromPool} or {@link fromPGlite}). */
  readonly client: PgClient
  /** The largest JSON document (one event, a state, an index entry, a template), in UTF-8 bytes; default 1 MiB. */
  readonly maxDocumentBytes?: number
  /** Apply the pending migrations first (default `false`; run them as the owner role). */
  readonly migrate?: boolean
}

/**
 * Every service of the adapter.
 *
 * @since 0.1.0
 * @category models
 */
export interface PgRlsServices {
  readonly client: PgClient
  readonly eventStore: EventStoreService
  readonly instanceStore: InstanceStoreService
  readonly workflowIndex: WorkflowIndexService
  readonly templateStore: TemplateStoreService
  readonly workflowStore: WorkflowStoreService
  readonly outbox: OutboxService
  readonly dueWork: DueWorkService
  readonly tenants: TenantsService
  readonly users: UsersService
  readonly marketRoles: MarketRolesService
}

/**
 * The services {@link layer} provides.
 *
 * @since 0.1.0
 * @category layers
 */
export type PgRlsLayerServices =
  | EventStore
  | InstanceStore
  | WorkflowIndex
  | TemplateStore
  | WorkflowStore
  | Outbox
  | DueWork
  | Tenants
  | Users
  | MarketRoles

/**
 * Builds every service of the adapter over a client (migrating first when `config.migrate`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: PgRlsConfig): Effect.Effect<PgRlsServices, MigrationError> =>
  Effect.gen(function* () {
    if (config.migrate === true) yield* migrate(config.client)
    const store: StoreConfig = {
      client: config.client,
      maxDocumentBytes: config.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES
    }
    return {
      client: config.client,
      eventStore: makeEventStore(store),
      instanceStore: makeInstanceStore(store),
      workflowIndex: makeWorkflowIndex(store),
      templateStore: makeTemplateStore(store),
      workflowStore: makeWorkflowStore(store),
      outbox: makeOutbox(store),
      dueWork: makeDueWork(store),
      tenants: makeTenants(store),
      users: makeUsers(store),
      marketRoles: makeMarketRoles(store)
    }
  })

/**
 * The context holding every service.
 *
 * @since 0.1.0
 * @category layers
 */
export const toContext = (services: PgRlsServices): Context.Context<PgRlsLayerServices> =>
  Context.make(EventStore, services.eventStore).pipe(
    Context.add(InstanceStore, services.instanceStore),
    Context.add(WorkflowIndex, services.workflowIndex),
    Context.add(TemplateStore, services.templateStore),
    Context.add(WorkflowStore, services.workflowStore),
    Context.add(Outbox, services.outbox),
    Context.add(DueWork, services.dueWork),
    Context.add(Tenants, services.tenants),
    Context.add(Users, services.users),
    Context.add(MarketRoles, services.marketRoles)
  )

/**
 * Provides every core storage port and the repositories over a client the caller owns.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: PgRlsConfig): Layer.Layer<PgRlsLayerServices, MigrationError> =>
  Layer.effectContext(Effect.map(make(config), toContext))

/**
 * Options of {@link layerPool}: an existing pool (which the caller keeps owning), or what to
 * create one from (closed with the layer).
 *
 * @since 0.1.0
 * @category layers
 */
export type PoolOptions = Omit<PgRlsConfig, "client"> &
  (
    | { readonly pool: PoolLike }
    | { readonly connectionString: string; readonly max?: number; readonly applicationName?: string }
  )

/**
 * {@link layer} over a `pg` Pool. Give it a pool, or a connection string to create one (needs the
 * `pg` package; the pool is ended when the layer is released). Without `pg` installed, it fails
 * with a `StorageError` (`Misconfigured`) that says to install it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPool = (options: PoolOptions): Layer.Layer<PgRlsLayerServices, MigrationError | StorageError> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const client =
        "pool" in options
          ? fromPool(options.pool)
          : yield* Effect.acquireRelease(
              Effect.map(loadPgPool("layerPool"), (Pool) => {
                const pool = new Pool({
                  connectionString: options.connectionString,
                  max: options.max ?? 10,
                  application_name: options.applicationName ?? "workflow-manager"
                })
                // an idle connection dropped by the server must not crash the process; the next query reports it
                pool.on("error", () => {})
                return fromPool(pool as unknown as PoolLike, { owned: true })
              }),
              (client) => Effect.promise(() => client.close())
            )
      return toContext(yield* make({ ...options, client }))
    })
  )

/**
 * Options of {@link layerPGlite}: an existing PGlite instance (which the caller keeps owning), or
 * a data directory to open one in (in memory when absent; closed with the layer). Migrations run
 * unless `migrate: false` — the embedded database belongs to the application.
 *
 * @since 0.1.0
 * @category layers
 */
export type PGliteOptions = Omit<PgRlsConfig, "client"> & { readonly db?: PGliteLike; readonly dataDir?: string }

/**
 * {@link layer} over PGlite, the embedded PostgreSQL (needs the `@electric-sql/pglite` package;
 * without it, it fails with a `StorageError` (`Misconfigured`) that says to install it).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPGlite = (
  options: PGliteOptions = {}
): Layer.Layer<PgRlsLayerServices, MigrationError | StorageError> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const client =
        options.db !== undefined
          ? fromPGlite(options.db)
          : yield* Effect.acquireRelease(
              Effect.flatMap(loadPGlite("layerPGlite"), (PGlite) =>
                Effect.promise(async () =>
                  fromPGlite((await PGlite.create(options.dataDir)) as unknown as PGliteLike, { owned: true })
                )
              ),
              (client) => Effect.promise(() => client.close())
            )
      return toContext(yield* make({ ...options, migrate: options.migrate ?? true, client }))
    })
  )

/**
 * A service whose Effect-returning methods return Promises instead (rejecting with the same
 * errors); an Effect-valued member (`workflowStore.check`) becomes a function returning a Promise.
 * The same type as core's `Promisified`, re-exported under the name this package has always used.
 *
 * @since 0.1.0
 * @category models
 */
export type Promisified<S> = CorePromisified<S>

/**
 * The adapter for callers without Effect: the same services, with methods that return Promises
 * and reject with the same tagged errors (`StorageError`, `MigrationError`).
 *
 * @since 0.1.0
 * @category models
 */
export interface PgRlsPromise {
  readonly client: PgClient
  readonly eventStore: Promisified<EventStoreService>
  readonly instanceStore: Promisified<InstanceStoreService>
  readonly workflowIndex: Promisified<WorkflowIndexService>
  readonly templateStore: Promisified<TemplateStoreService>
  readonly workflowStore: Promisified<WorkflowStoreService>
  readonly outbox: Promisified<OutboxService>
  readonly dueWork: Promisified<DueWorkService>
  readonly tenants: Promisified<TenantsService>
  readonly users: Promisified<UsersService>
  readonly marketRoles: Promisified<MarketRolesService>
  /** Applies the pending migrations. */
  readonly migrate: () => Promise<MigrationReport>
  /**
   * Registers the operator's organisation (see {@link createOperatorOrganisation}); the client
   * must connect as the owner of the schema. Resolves to its tenant id.
   */
  readonly createOperatorOrganisation: (organisation: {
    readonly id?: string
    readonly companyName: string
    readonly vatNumber: string
  }) => Promise<string>
  /** Closes the client if it owns its pool or database. */
  readonly close: () => Promise<void>
}

/**
 * Builds the adapter for callers without Effect.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePromise = async (config: PgRlsConfig): Promise<PgRlsPromise> => {
  const services = await runPromise(make(config))
  return {
    client: services.client,
    eventStore: promisify(services.eventStore),
    instanceStore: promisify(services.instanceStore),
    workflowIndex: promisify(services.workflowIndex),
    templateStore: promisify(services.templateStore),
    workflowStore: promisify(services.workflowStore),
    outbox: promisify(services.outbox),
    dueWork: promisify(services.dueWork),
    tenants: promisify(services.tenants),
    users: promisify(services.users),
    marketRoles: promisify(services.marketRoles),
    migrate: () => runPromise(migrate(config.client)),
    createOperatorOrganisation: (organisation) => runPromise(createOperatorOrganisation(config.client, organisation)),
    close: () => config.client.close()
  }
}
