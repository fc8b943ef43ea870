/**
 * `@workflow-manager/mongo` — the MongoDB adapter of Workflow Manager: the event log and instance
 * state in MongoDB (MongoDB 7 or FerretDB 1.24), one document per commit; and the PostgreSQL +
 * MongoDB split, with the reconciler that repairs the index after a crash between the two.
 *
 * @packageDocumentation
 */
export { classifyMongoError, isAmbiguousWriteError, isDuplicateKeyError } from "./classifyMongoError.js"
export { COLLECTIONS, ensureIndexes, INDEXES } from "./Indexes.js"
export {
  layer,
  layerSplit,
  type MongoLayerServices,
  type MongoPromise,
  type MongoServices,
  make,
  makePromise,
  makeSplit,
  type SplitPorts,
  toContext
} from "./Mongo.js"
export {
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_WRITE_CONCERN,
  type MongoConfig,
  type WriteConcern
} from "./MongoConfig.js"
export { makeOutbox } from "./MongoOutbox.js"
export {
  type LagMetrics,
  type ReconcileOptions,
  type ReconcileReport,
  Reconciler,
  type ReconcilerService
} from "./Reconciler.js"
