/**
 * The memory due-work queue: the memory index's entries with a `nextDueAt`, claimed under leases
 * kept beside them (a lease is the owner and its end; a released lease is removed).
 */
import { Effect } from "effect"
import { covers } from "../../Access.js"
import type { DueItem, DueWorkService } from "../../DueWork.js"
import { InvalidData, type StorageError, storageError } from "../../StorageError.js"
import type { IndexEntry } from "../../WorkflowIndex.js"

const bad = (operation: string, message: string): StorageError => storageError(operation, new InvalidData({ message }))

const MAX_LEASE_MS = 86_400_000

const instantOf = (value: unknown): number => (typeof value === "string" ? Date.parse(value) : Number.NaN)

const isOwner = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0 && value.length <= 200

/** The due-work port over the memory index's entries (by instance id). */
export const makeMemoryDueWork = (entries: ReadonlyMap<string, { readonly entry: IndexEntry }>): DueWorkService => {
  const leases = new Map<string, { owner: string; until: number }>()

  const due = (at: number, access: Parameters<DueWorkService["claim"]>[0]) =>
    [...entries.values()]
      .map((stored) => stored.entry)
      .filter((e) => e.nextDueAt !== undefined && Date.parse(e.nextDueAt) <= at && covers(access, e.tenantId))
      .sort(
        (a, b) =>
          Date.parse(a.nextDueAt as string) - Date.parse(b.nextDueAt as string) ||
          (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0)
      )

  return {
    claim: (access, request) =>
      Effect.suspend(() => {
        const operation = "DueWork.claim"
        if (request === null || typeof request !== "object") return Effect.fail(bad(operation, "missing claim request"))
        const at = instantOf(request.now)
        if (Number.isNaN(at)) return Effect.fail(bad(operation, "now must be an ISO-8601 instant"))
        if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > 500) {
          return Effect.fail(bad(operation, `limit must be 1 to 500, got ${String(request.limit)}`))
        }
        if (!Number.isInteger(request.leaseMs) || request.leaseMs < 1 || request.leaseMs > MAX_LEASE_MS) {
          return Effect.fail(bad(operation, `leaseMs must be 1 to ${MAX_LEASE_MS}, got ${String(request.leaseMs)}`))
        }
        if (!isOwner(request.owner)) return Effect.fail(bad(operation, "owner must be 1 to 200 characters"))
        const claimed: Array<DueItem> = []
        for (const entry of due(at, access)) {
          if (claimed.length >= request.limit) break
          const lease = leases.get(entry.instanceId)
          if (lease !== undefined && lease.until > at) continue
          leases.set(entry.instanceId, { owner: request.owner, until: at + request.leaseMs })
          claimed.push({
            tenantId: entry.tenantId,
            instanceId: entry.instanceId,
            version: entry.version,
            dueAt: entry.nextDueAt as string
          })
        }
        return Effect.succeed(claimed)
      }),
    release: (access, release) =>
      Effect.suspend(() => {
        const operation = "DueWork.release"
        if (release === null || typeof release !== "object") return Effect.fail(bad(operation, "missing release"))
        if (!isOwner(release.owner)) return Effect.fail(bad(operation, "owner must be 1 to 200 characters"))
        if (!Array.isArray(release.instanceIds) || release.instanceIds.length > 500) {
          return Effect.fail(bad(operation, "instanceIds must be an array of at most 500 ids"))
        }
        for (const id of release.instanceIds) {
          const tenantId = typeof id === "string" ? entries.get(id)?.entry.tenantId : undefined
          if (tenantId === undefined || !covers(access, tenantId)) continue
          if (leases.get(id)?.owner === release.owner) leases.delete(id)
        }
        return Effect.void
      }),
    stats: (access, now) =>
      Effect.suspend(() => {
        const at = instantOf(now)
        if (Number.isNaN(at)) return Effect.fail(bad("DueWork.stats", "now must be an ISO-8601 instant"))
        const list = due(at, access)
        const leased = list.filter((e) => (leases.get(e.instanceId)?.until ?? 0) > at).length
        const oldest = list[0]?.nextDueAt
        return Effect.succeed({ due: list.length, leased, ...(oldest === undefined ? {} : { oldestDueAt: oldest }) })
      })
  }
}
