/**
 * The memory index's query: filters within the access scope, keyset pages in (`createdAt`,
 * `instanceId`) order, the page and filter checks a database adapter makes.
 */
import { Effect } from "effect"
import { type Access, covers } from "../../Access.js"
import { InvalidData, type StorageError, storageError } from "../../StorageError.js"
import {
  decodeCursor,
  encodeCursor,
  type IndexEntry,
  type IndexFilter,
  type Page,
  type PageRequest
} from "../../WorkflowIndex.js"

const operation = "WorkflowIndex.query"

const bad = (message: string): StorageError => storageError(operation, new InvalidData({ message }))

const byPosition = (a: IndexEntry, b: IndexEntry): number =>
  a.createdAt < b.createdAt
    ? -1
    : a.createdAt > b.createdAt
      ? 1
      : a.instanceId < b.instanceId
        ? -1
        : a.instanceId > b.instanceId
          ? 1
          : 0

/** One page of the `entries` matching `filter` that `access` may see. */
export const queryEntries = (
  entries: ReadonlyArray<IndexEntry>,
  access: Access,
  filter: IndexFilter,
  page: PageRequest
): Effect.Effect<Page<IndexEntry>, StorageError> =>
  Effect.suspend(() => {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 500) {
      return Effect.fail(bad(`page limit must be 1 to 500, got ${page.limit}`))
    }
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor)
    if (page.cursor !== undefined && after === undefined) return Effect.fail(bad("malformed page cursor"))
    const instant = (name: string, value: string | undefined) => {
      if (value === undefined) return undefined
      const ms = typeof value === "string" ? Date.parse(value) : Number.NaN
      return Number.isNaN(ms) ? bad(`filter.${name} must be an ISO-8601 instant`) : ms
    }
    const since = instant("updatedSince", filter.updatedSince)
    const dueBy = instant("dueBy", filter.dueBy)
    if (typeof since === "object") return Effect.fail(since)
    if (typeof dueBy === "object") return Effect.fail(dueBy)
    const matching = entries
      .filter(
        (e) =>
          covers(access, e.tenantId) &&
          (filter.tenantId === undefined || e.tenantId === filter.tenantId) &&
          (filter.status === undefined || filter.status.includes(e.status)) &&
          (filter.marketRole === undefined || e.marketRole === filter.marketRole) &&
          (filter.currentStepId === undefined || e.currentStepId === filter.currentStepId) &&
          (filter.templateId === undefined || e.templateId === filter.templateId) &&
          (since === undefined || Date.parse(e.updatedAt) >= since) &&
          (dueBy === undefined || (e.nextDueAt !== undefined && Date.parse(e.nextDueAt) <= dueBy)) &&
          (after === undefined ||
            e.createdAt > after.createdAt ||
            (e.createdAt === after.createdAt && e.instanceId > after.instanceId))
      )
      .sort(byPosition)
    const items = matching.slice(0, page.limit).map((e): IndexEntry => JSON.parse(JSON.stringify(e)))
    const last = items[items.length - 1]
    return Effect.succeed({
      items,
      nextCursor: matching.length > page.limit && last !== undefined ? encodeCursor(last) : undefined
    })
  })
