/**
 * What the adapter is built from: a MongoDB database handle (`mongodb`'s `Db`, on MongoDB 7 or
 * FerretDB 1.24), the write concern that acknowledges a commit, and limits.
 *
 * @since 0.1.0
 */
import type { Db } from "mongodb"

/**
 * A write concern: how many members must have the write (`w`), journaled (`j`), and how long to
 * wait for them (`wtimeoutMS`).
 *
 * @since 0.1.0
 * @category config
 */
export interface WriteConcern {
  readonly w?: number | "majority"
  readonly j?: boolean
  readonly wtimeoutMS?: number
}

/**
 * Configuration of the adapter.
 *
 * @since 0.1.0
 * @category config
 */
export interface MongoConfig {
  /** The database (`client.db(name)`); the caller owns the client. */
  readonly db: Db
  /** The largest JSON document (one event, a state, an index entry, a template), in UTF-8 bytes; default 1 MiB. */
  readonly maxDocumentBytes?: number
  /** The write concern of every write; default `{ w: "majority", j: true }` (journaled, on a majority). */
  readonly writeConcern?: WriteConcern
  /** Create the indexes when the adapter is built (idempotent; default `true`). */
  readonly createIndexes?: boolean
}

/**
 * The default write concern: a commit is acknowledged once a majority has journaled it.
 *
 * @since 0.1.0
 * @category config
 */
export const DEFAULT_WRITE_CONCERN: WriteConcern = { w: "majority", j: true }

/**
 * The default document limit: 1 MiB.
 *
 * @since 0.1.0
 * @category config
 */
export const DEFAULT_MAX_DOCUMENT_BYTES: number = 1024 * 1024
