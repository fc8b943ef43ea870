/**
 * An index query's filter and page, checked once and then used two ways: as a MongoDB filter on
 * the index documents, and as a predicate on entries (for the newest version of an instance, and
 * for entries built from not-yet-projected commits in the PostgreSQL + MongoDB split).
 */
import {
  type Access,
  decodeCursor,
  type IndexEntry,
  type IndexFilter,
  type PageRequest,
  WorkflowStatus
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { instantKey } from "./instant.js"
import { checkIdentifier, checkInstant, checkInt, checkText, invalid } from "./validate.js"

/** The largest page. */
export const MAX_PAGE_SIZE = 500

const isStatus = Schema.is(WorkflowStatus)

export interface CheckedQuery {
  readonly limit: number
  /** `undefined`: every tenant the scope sees; `null`: none (a tenant asking for another). */
  readonly tenantId: string | undefined | null
  readonly status?: ReadonlyArray<string>
  readonly marketRole?: string
  readonly currentStepId?: string
  readonly templateId?: string
  readonly updatedSince?: string
  readonly dueBy?: string
  readonly after?: { readonly ck: string; readonly i: string }
}

export const checkQuery = Effect.fnUntraced(function* (
  operation: string,
  access: Access,
  filter: IndexFilter,
  page: PageRequest
) {
  if (filter === null || typeof filter !== "object")
    return yield* Effect.fail(invalid(operation, "filter must be an object"))
  if (page === null || typeof page !== "object") return yield* Effect.fail(invalid(operation, "page must be an object"))
  const limit = yield* checkInt(operation, "page limit", page.limit, 1, MAX_PAGE_SIZE)
  const asked =
    filter.tenantId === undefined ? undefined : yield* checkIdentifier(operation, "filter.tenantId", filter.tenantId)
  const tenantId =
    access._tag === "Tenant" ? (asked === undefined || asked === access.tenantId ? access.tenantId : null) : asked
  let query: CheckedQuery = { limit, tenantId }
  if (filter.status !== undefined) {
    if (!Array.isArray(filter.status) || !filter.status.every(isStatus)) {
      return yield* Effect.fail(invalid(operation, "filter.status must be an array of workflow statuses"))
    }
    query = { ...query, status: [...filter.status] }
  }
  if (filter.marketRole !== undefined) {
    query = { ...query, marketRole: yield* checkText(operation, "filter.marketRole", filter.marketRole, 200) }
  }
  if (filter.currentStepId !== undefined) {
    query = { ...query, currentStepId: yield* checkIdentifier(operation, "filter.currentStepId", filter.currentStepId) }
  }
  if (filter.templateId !== undefined) {
    query = { ...query, templateId: yield* checkIdentifier(operation, "filter.templateId", filter.templateId) }
  }
  if (filter.updatedSince !== undefined) {
    query = {
      ...query,
      updatedSince: instantKey(yield* checkInstant(operation, "filter.updatedSince", filter.updatedSince))
    }
  }
  if (filter.dueBy !== undefined) {
    query = { ...query, dueBy: instantKey(yield* checkInstant(operation, "filter.dueBy", filter.dueBy)) }
  }
  if (page.cursor !== undefined) {
    const position = typeof page.cursor === "string" ? decodeCursor(page.cursor) : undefined
    if (position === undefined) return yield* Effect.fail(invalid(operation, "the cursor is not one this index made"))
    const createdAt = yield* checkInstant(operation, "cursor position", position.createdAt)
    const i = yield* checkIdentifier(operation, "cursor position", position.instanceId)
    query = { ...query, after: { ck: instantKey(createdAt), i } }
  }
  return query
})

/** The (createdAt, instanceId) position of an entry, as compared. */
export const positionOf = (entry: IndexEntry) => ({ ck: instantKey(entry.createdAt), i: entry.instanceId })

/** Order of entries in pages. */
export const compareEntries = (a: IndexEntry, b: IndexEntry): number => {
  const x = positionOf(a)
  const y = positionOf(b)
  return x.ck < y.ck ? -1 : x.ck > y.ck ? 1 : x.i < y.i ? -1 : x.i > y.i ? 1 : 0
}

/** Whether an entry matches the query (tenant, filters, after the cursor). */
export const matches = (entry: IndexEntry, q: CheckedQuery): boolean => {
  if (q.tenantId === null || (q.tenantId !== undefined && entry.tenantId !== q.tenantId)) return false
  if (q.status !== undefined && !q.status.includes(entry.status)) return false
  if (q.marketRole !== undefined && entry.marketRole !== q.marketRole) return false
  if (q.currentStepId !== undefined && entry.currentStepId !== q.currentStepId) return false
  if (q.templateId !== undefined && entry.templateId !== q.templateId) return false
  if (q.updatedSince !== undefined && instantKey(entry.updatedAt) < q.updatedSince) return false
  if (q.dueBy !== undefined && (entry.nextDueAt === undefined || instantKey(entry.nextDueAt) > q.dueBy)) return false
  if (q.after !== undefined) {
    const p = positionOf(entry)
    if (p.ck < q.after.ck || (p.ck === q.after.ck && p.i <= q.after.i)) return false
  }
  return true
}

/** The MongoDB filter of a query on `workflow_index` documents (`tenantId` must not be `null`). */
export const toMongoFilter = (q: CheckedQuery): Record<string, unknown> => {
  const filter: Record<string, unknown> = { t: q.tenantId ?? { $exists: true } }
  if (q.status !== undefined) filter.s = { $in: [...q.status] }
  if (q.marketRole !== undefined) filter.r = q.marketRole
  if (q.currentStepId !== undefined) filter.cs = q.currentStepId
  if (q.templateId !== undefined) filter.tp = q.templateId
  if (q.updatedSince !== undefined) filter.uk = { $gte: q.updatedSince }
  if (q.dueBy !== undefined) filter.dk = { $lte: q.dueBy }
  if (q.after !== undefined) {
    filter.$or = [{ ck: { $gt: q.after.ck } }, { ck: q.after.ck, i: { $gt: q.after.i } }]
  }
  return filter
}
