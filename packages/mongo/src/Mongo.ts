/**
 * The MongoDB adapter put together, in two deployments:
 *
 * - MongoDB only — {@link make} / {@link layer}: events, state, the index and the templates in
 *   MongoDB;
 * - the PostgreSQL + MongoDB split — {@link makeSplit} / {@link layerSplit}: events and state in
 *   MongoDB, the index and the templates from the `WorkflowIndex` and `TemplateStore` the caller
 *   provides (pg-rls's, under row-level security). This package depends on core only; the
 *   application wires pg-rls in.
 *
 * Both provide the five core storage ports, the `Outbox` and the {@link Reconciler}; {@link makePromise} is the
 * same for callers without Effect.
 *
 * @since 0.1.0
 */
import {
  EventStore,
  type EventStoreService,
  InstanceStore,
  type InstanceStoreService,
  Outbox,
  type OutboxService,
  type Promisified,
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
import { ensureIndexes } from "./Indexes.js"
import { makeContext, type Context as StoreContext } from "./internal/context.js"
import { withLogFallback } from "./internal/fallback.js"
import { attempt } from "./internal/run.js"
import type { MongoConfig } from "./MongoConfig.js"
import { makeEventStore } from "./MongoEventStore.js"
import { makeInstanceStore } from "./MongoInstanceStore.js"
import { makeMongoOutbox } from "./MongoOutbox.js"
import { makeTemplateStore } from "./MongoTemplateStore.js"
import { makeWorkflowIndex } from "./MongoWorkflowIndex.js"
import { type Faults, makeWriteStore } from "./MongoWorkflowStore.js"
import { makeReconciler, Reconciler, type ReconcilerService } from "./Reconciler.js"

/**
 * Every service of the adapter.
 *
 * @since 0.1.0
 * @category models
 */
export interface MongoServices {
  readonly eventStore: EventStoreService
  readonly instanceStore: InstanceStoreService
  readonly workflowIndex: WorkflowIndexService
  readonly templateStore: TemplateStoreService
  readonly workflowStore: WorkflowStoreService
  readonly outbox: OutboxService
  readonly reconciler: ReconcilerService
}

/**
 * The services the layers provide.
 *
 * @since 0.1.0
 * @category layers
 */
export type MongoLayerServices =
  | EventStore
  | InstanceStore
  | WorkflowIndex
  | TemplateStore
  | WorkflowStore
  | Outbox
  | Reconciler

/**
 * The index and template layers of the split (pg-rls's `workflowIndex` and `templateStore`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SplitPorts {
  readonly index: WorkflowIndexService
  readonly templates: TemplateStoreService
}

/** Assembles the services over a context (tests pass `faults`). @internal */
export const assemble = (ctx: StoreContext, ports: SplitPorts | undefined, faults?: Faults): MongoServices => {
  const index = ports?.index ?? makeWorkflowIndex(ctx)
  return {
    eventStore: makeEventStore(ctx),
    instanceStore: makeInstanceStore(ctx),
    workflowIndex: ports === undefined ? index : withLogFallback(ctx, index),
    templateStore: ports?.templates ?? makeTemplateStore(ctx),
    workflowStore: makeWriteStore(ctx, index, faults),
    outbox: makeMongoOutbox(ctx),
    reconciler: makeReconciler(ctx, index)
  }
}

const prepare = (config: MongoConfig): Effect.Effect<StoreContext, StorageError> =>
  config.createIndexes === false
    ? Effect.sync(() => makeContext(config))
    : Effect.map(
        attempt("ensureIndexes", () => ensureIndexes(config.db)),
        () => makeContext(config)
      )

/**
 * Builds the MongoDB-only adapter (creating the indexes first unless `createIndexes: false`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MongoClient } from "mongodb"
 * import { make } from "@workflow-manager/mongo"
 *
 * const client = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * const services = await Effect.runPromise(make({ db: client.db("workflows") }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (config: MongoConfig): Effect.Effect<MongoServices, StorageError> =>
  Effect.map(prepare(config), (ctx) => assemble(ctx, undefined))

/**
 * Builds the split: events and state in MongoDB, the index and templates given (pg-rls's).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MongoClient } from "mongodb"
 * import pg from "pg"
 * import { make as makePg, fromPool } from "@workflow-manager/pg-rls"
 * import { makeSplit } from "@workflow-manager/mongo"
 *
 * const mongo = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * const pool = new pg.Pool({ connectionString: "postgres://app@127.0.0.1/workflows" })
 * const program = Effect.gen(function* () {
 *   const postgres = yield* makePg({ client: fromPool(pool) })
 *   return yield* makeSplit(
 *     { db: mongo.db("workflows") },
 *     { index: postgres.workflowIndex, templates: postgres.templateStore }
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSplit = (config: MongoConfig, ports: SplitPorts): Effect.Effect<MongoServices, StorageError> =>
  Effect.map(prepare(config), (ctx) => assemble(ctx, ports))

/**
 * The context holding every service.
 *
 * @since 0.1.0
 * @category layers
 */
export const toContext = (services: MongoServices): Context.Context<MongoLayerServices> =>
  Context.make(EventStore, services.eventStore).pipe(
    Context.add(InstanceStore, services.instanceStore),
    Context.add(WorkflowIndex, services.workflowIndex),
    Context.add(TemplateStore, services.templateStore),
    Context.add(WorkflowStore, services.workflowStore),
    Context.add(Outbox, services.outbox),
    Context.add(Reconciler, services.reconciler)
  )

/**
 * The MongoDB-only adapter as a layer: the five storage ports, the outbox and the reconciler.
 *
 * @example
 * ```ts
 * import { MongoClient } from "mongodb"
 * import { layer } from "@workflow-manager/mongo"
 *
 * const client = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * const storage = layer({ db: client.db("workflows") }) // give it to engineLayer / createEngine
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: MongoConfig): Layer.Layer<MongoLayerServices, StorageError> =>
  Layer.effectContext(Effect.map(make(config), toContext))

/**
 * The split as a layer: it takes the `WorkflowIndex` and `TemplateStore` from the layer it is
 * provided with (pg-rls's) and provides the five ports (the index now read together with the log),
 * the outbox (in MongoDB, with the commits) and the reconciler.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { MongoClient } from "mongodb"
 * import { layerPool } from "@workflow-manager/pg-rls"
 * import { layerSplit } from "@workflow-manager/mongo"
 *
 * const mongo = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * const storage = layerSplit({ db: mongo.db("workflows") }).pipe(
 *   Layer.provide(layerPool({ connectionString: "postgres://app@127.0.0.1/workflows" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSplit = (
  config: MongoConfig
): Layer.Layer<MongoLayerServices, StorageError, WorkflowIndex | TemplateStore> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const index = yield* WorkflowIndex
      const templates = yield* TemplateStore
      return toContext(yield* makeSplit(config, { index, templates }))
    })
  )

/**
 * The adapter for callers without Effect: the same services, with methods that return Promises
 * and reject with the same tagged errors.
 *
 * @since 0.1.0
 * @category models
 */
export interface MongoPromise {
  readonly eventStore: Promisified<EventStoreService>
  readonly instanceStore: Promisified<InstanceStoreService>
  readonly workflowIndex: Promisified<WorkflowIndexService>
  readonly templateStore: Promisified<TemplateStoreService>
  readonly workflowStore: Promisified<WorkflowStoreService>
  readonly outbox: Promisified<OutboxService>
  readonly reconciler: Promisified<ReconcilerService>
}

/**
 * Builds the MongoDB-only adapter (or, given `ports`, the split) for callers without Effect.
 *
 * @example
 * ```ts
 * import { MongoClient } from "mongodb"
 * import { makePromise } from "@workflow-manager/mongo"
 *
 * const client = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * const mongo = await makePromise({ db: client.db("workflows") })
 * const report = await mongo.reconciler.reconcile("3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePromise = async (config: MongoConfig, ports?: SplitPorts): Promise<MongoPromise> => {
  const services = await runPromise(ports === undefined ? make(config) : makeSplit(config, ports))
  return {
    eventStore: promisify(services.eventStore),
    instanceStore: promisify(services.instanceStore),
    workflowIndex: promisify(services.workflowIndex),
    templateStore: promisify(services.templateStore),
    workflowStore: promisify(services.workflowStore),
    outbox: promisify(services.outbox),
    reconciler: promisify(services.reconciler)
  }
}
