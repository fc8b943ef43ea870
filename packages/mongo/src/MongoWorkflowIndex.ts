/**
 * The workflow index on MongoDB (for deployments without PostgreSQL): collection `workflow_index`,
 * insert-only versioned entries (see `internal/versioned.ts`) with the fields a query filters on,
 * instants as fixed-width keys (`ck`, `uk`, `dk`) so that they compare exactly.
 *
 * A page is read in (`createdAt`, `instanceId`) keyset order. A lower version of an entry may
 * briefly sit beside a newer one (until it is deleted), so each page keeps only the newest version
 * of each instance, and evaluates the query on it: an instance is never listed twice, and never
 * by a version that is no longer its newest.
 *
 * @since 0.1.0
 */
import {
  encodeCursor,
  type IndexEntry,
  type Page,
  tenantAccess,
  type WorkflowIndexService
} from "@workflow-manager/core"
import { Effect } from "effect"
import type { Document } from "mongodb"
import type { Context } from "./internal/context.js"
import { decodeEntry } from "./internal/documents.js"
import { checkQuery, compareEntries, matches, toMongoFilter } from "./internal/entryFilter.js"
import { instantKey } from "./internal/instant.js"
import { claimOwner } from "./internal/owners.js"
import { attempt } from "./internal/run.js"
import { scoped } from "./internal/scope.js"
import { checkCovers, checkIdentifier, checkScope, tenantViolation } from "./internal/validate.js"
import { insertVersion, newest } from "./internal/versioned.js"

/** How many batches one page may read before it returns what it has (each batch moves the keyset forward). */
const MAX_BATCHES = 20

/** A page from a sorted list of candidates: `limit` items and whether there are more. */
export const pageOf = (sorted: ReadonlyArray<IndexEntry>, limit: number, more: boolean): Page<IndexEntry> => {
  const items = sorted.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items,
    nextCursor:
      (more || sorted.length > limit) && last !== undefined
        ? encodeCursor({ createdAt: last.createdAt, instanceId: last.instanceId })
        : undefined
  }
}

/**
 * Builds the index.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWorkflowIndex = (ctx: Context): WorkflowIndexService => ({
  upsert: (access, entry) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.upsert"
      yield* checkScope(operation, access)
      const e = yield* decodeEntry(operation, entry)
      yield* checkCovers(operation, access, e.tenantId)
      const ours = yield* claimOwner(ctx, operation, e.tenantId, e.instanceId)
      if (!ours)
        return yield* Effect.fail(tenantViolation(operation, `instance ${e.instanceId} belongs to another tenant`))
      const latest = yield* newest(ctx.index, operation, tenantAccess(e.tenantId), e.instanceId)
      const doc: Document & { t: string; i: string; v: number } = {
        t: e.tenantId,
        i: e.instanceId,
        v: e.version,
        e,
        s: e.status,
        r: e.marketRole,
        cs: e.currentStepId,
        tp: e.templateId,
        ck: instantKey(e.createdAt),
        uk: instantKey(e.updatedAt),
        ...(e.nextDueAt === undefined ? {} : { dk: instantKey(e.nextDueAt) })
      }
      return yield* insertVersion(ctx, ctx.index, operation, doc, latest === null ? 0 : (latest.v as number))
    }),
  get: (access, instanceId) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.get"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      const doc = yield* newest(ctx.index, operation, access, instanceId)
      return doc === null ? undefined : yield* decodeEntry(operation, doc.e)
    }),
  query: (access, filter, page) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.query"
      yield* checkScope(operation, access)
      const asked = yield* checkQuery(operation, access, filter, page)
      let q = asked
      if (q.tenantId === null) return { items: [], nextCursor: undefined }
      const found = new Map<string, IndexEntry>()
      let more = true
      for (let batch = 0; batch < MAX_BATCHES && more && found.size <= q.limit; batch++) {
        const size = q.limit + 1 - found.size
        const docs = yield* attempt(operation, () =>
          ctx.index.find(toMongoFilter(q)).sort({ ck: 1, i: 1, v: -1 }).limit(size).toArray()
        )
        more = docs.length === size
        const last = docs[docs.length - 1]
        if (last !== undefined) q = { ...q, after: { ck: last.ck as string, i: last.i as string } }
        const ids = [...new Set(docs.map((d) => d.i as string))]
        // the newest version of each candidate: a candidate that is not its instance's newest is replaced by it
        const newestDocs = yield* attempt(operation, () =>
          ctx.index
            .find(scoped(access, { i: { $in: ids } }))
            .sort({ i: 1, v: -1 })
            .toArray()
        )
        const latest = new Map<string, Document>()
        for (const d of newestDocs) if (!latest.has(d.i as string)) latest.set(d.i as string, d)
        for (const id of ids) {
          const d = latest.get(id)
          if (d === undefined) continue
          const e = yield* decodeEntry(operation, d.e)
          if (matches(e, asked)) found.set(id, e)
        }
      }
      return pageOf([...found.values()].sort(compareEntries), q.limit, more)
    })
})
