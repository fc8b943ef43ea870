/**
 * What each store and repository of the adapter is built from (see `make`, which fills the
 * defaults).
 *
 * @since 0.1.0
 */
import type { PgClient } from "./PgClient.js"

/**
 * The configuration every `make…` store constructor takes.
 *
 * @since 0.1.0
 * @category config
 */
export interface StoreConfig {
  /** The database client. */
  readonly client: PgClient
  /** The largest JSON document (one event, a state, an index entry, a template) accepted, in UTF-8 bytes. */
  readonly maxDocumentBytes: number
}

/**
 * The default document limit: 1 MiB.
 *
 * @since 0.1.0
 * @category config
 */
export const DEFAULT_MAX_DOCUMENT_BYTES: number = 1024 * 1024
