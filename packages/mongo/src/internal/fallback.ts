/**
 * Index reads that never hide what the log has acknowledged: in the split, an index entry in
 * PostgreSQL may lag behind a commit (its write failed, or it has not happened yet). `get` and
 * `query` also read the tenant's not-yet-projected commits from MongoDB and answer with the newer
 * of the two.
 */
import {
  type Access,
  encodeCursor,
  entryOf,
  type IndexEntry,
  type Page,
  type WorkflowIndexService
} from "@workflow-manager/core"
import { Effect } from "effect"
import type { Document } from "mongodb"
import type { Context } from "./context.js"
import { decodeState } from "./documents.js"
import { type CheckedQuery, checkQuery, compareEntries, matches, positionOf } from "./entryFilter.js"
import { unescapeKeys } from "./escape.js"
import { currentState } from "./log.js"
import { unprojected } from "./projected.js"
import { ALL_TENANTS } from "./scope.js"
import { checkIdentifier, checkScope } from "./validate.js"

/** At most this many unprojected commits are merged into one read. */
const MAX_PENDING = 500

/** The entries of the newest unprojected commit of each instance among `docs` (newest first). */
const pendingEntries = (ctx: Context, operation: string, access: Access, docs: ReadonlyArray<Document>) =>
  Effect.gen(function* () {
    const newest = new Map<string, Document>()
    for (const doc of docs) if (!newest.has(doc.i as string)) newest.set(doc.i as string, doc)
    const entries = new Map<string, IndexEntry>()
    for (const [id, doc] of newest) {
      const state =
        doc.st !== undefined
          ? yield* decodeState(operation, unescapeKeys(doc.st))
          : yield* currentState(ctx, operation, access, id)
      if (state !== undefined) entries.set(id, entryOf(state))
    }
    return entries
  })

const newer = (a: IndexEntry | undefined, b: IndexEntry | undefined): IndexEntry | undefined =>
  a === undefined ? b : b === undefined ? a : b.version > a.version ? b : a

const atOrBefore = (entry: IndexEntry, bound: { readonly ck: string; readonly i: string }): boolean => {
  const p = positionOf(entry)
  return p.ck < bound.ck || (p.ck === bound.ck && p.i <= bound.i)
}

/** Merges a page of the index with the pending entries, within the page's window. */
const merge = (page: Page<IndexEntry>, pending: ReadonlyMap<string, IndexEntry>, q: CheckedQuery): Page<IndexEntry> => {
  const last = page.items[page.items.length - 1]
  // while the index has more, a pending entry beyond its page belongs to a later page
  const bound = page.nextCursor !== undefined && last !== undefined ? positionOf(last) : undefined
  const merged = new Map<string, IndexEntry>()
  for (const item of page.items) {
    const current = newer(item, pending.get(item.instanceId)) as IndexEntry
    if (current === item || matches(current, q)) merged.set(item.instanceId, current)
  }
  for (const [id, entry] of pending) {
    if (merged.has(id) || !matches(entry, q)) continue
    if (bound === undefined || atOrBefore(entry, bound)) merged.set(id, entry)
  }
  const sorted = [...merged.values()].sort(compareEntries)
  if (sorted.length > q.limit) {
    const items = sorted.slice(0, q.limit)
    const end = items[items.length - 1] as IndexEntry
    return { items, nextCursor: encodeCursor({ createdAt: end.createdAt, instanceId: end.instanceId }) }
  }
  return { items: sorted, nextCursor: page.nextCursor }
}

/** The index, read together with the log's unprojected commits. */
export const withLogFallback = (ctx: Context, index: WorkflowIndexService): WorkflowIndexService => ({
  upsert: index.upsert,
  get: (access, instanceId) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.get"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      const [entry, state] = yield* Effect.all(
        [index.get(access, instanceId), currentState(ctx, operation, access, instanceId)],
        { concurrency: 2 }
      )
      return newer(entry, state === undefined ? undefined : entryOf(state))
    }),
  query: (access, filter, page) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.query"
      yield* checkScope(operation, access)
      const q = yield* checkQuery(operation, access, filter, page)
      if (q.tenantId === null) return { items: [], nextCursor: undefined }
      const [found, docs] = yield* Effect.all(
        [
          index.query(access, filter, page),
          unprojected(
            ctx,
            operation,
            { t: q.tenantId ?? ALL_TENANTS },
            {
              order: -1,
              limit: MAX_PENDING,
              projection: { st: 1 }
            }
          )
        ],
        { concurrency: 2 }
      )
      if (docs.length === 0) return found
      // newest commit of each instance first
      const ordered = [...docs].sort((x, y) => (y.l as number) - (x.l as number))
      return merge(found, yield* pendingEntries(ctx, operation, access, ordered), q)
    })
})
