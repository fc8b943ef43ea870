/**
 * What every store of the adapter shares: the collections, the write concern, the limits, and the
 * cache of instance owners (an owner never changes, so a confirmed one need not be read again).
 */
import type { WorkflowState } from "@workflow-manager/core"
import type { Collection, Db, Document } from "mongodb"
import { COLLECTIONS } from "../Indexes.js"
import {
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_WRITE_CONCERN,
  type MongoConfig,
  type WriteConcern
} from "../MongoConfig.js"

export interface Context {
  readonly db: Db
  readonly events: Collection<Document>
  readonly owners: Collection<Document>
  readonly commands: Collection<Document>
  readonly projected: Collection<Document>
  readonly instances: Collection<Document>
  readonly index: Collection<Document>
  readonly templates: Collection<Document>
  readonly outbox: Collection<Document>
  readonly outboxClaims: Collection<Document>
  readonly maxDocumentBytes: number
  readonly writeConcern: WriteConcern
  /** Instance id → owning tenant, for owners already confirmed (bounded). */
  readonly owned: Map<string, string>
  /**
   * `<tenant>/<instance>` → the newest commit this process has seen: its last sequence (a commit
   * boundary) and the state after it. Only a hint: every use checks the log after it by `_id`.
   */
  readonly heads: Map<string, { readonly v: number; readonly state: WorkflowState | undefined }>
}

/** How many heads are kept (the map is cleared when full). */
export const HEAD_CACHE_SIZE = 5_000

export const OWNER_CACHE_SIZE = 10_000

export const makeContext = (config: MongoConfig): Context => {
  const collection = (name: string) => config.db.collection<Document>(name)
  return {
    db: config.db,
    events: collection(COLLECTIONS.events),
    owners: collection(COLLECTIONS.owners),
    commands: collection(COLLECTIONS.commands),
    projected: collection(COLLECTIONS.projected),
    instances: collection(COLLECTIONS.instances),
    index: collection(COLLECTIONS.index),
    templates: collection(COLLECTIONS.templates),
    outbox: collection(COLLECTIONS.outbox),
    outboxClaims: collection(COLLECTIONS.outboxClaims),
    maxDocumentBytes: config.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    writeConcern: config.writeConcern ?? DEFAULT_WRITE_CONCERN,
    owned: new Map(),
    heads: new Map()
  }
}
