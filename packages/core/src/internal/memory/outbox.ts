/**
 * The memory outbox: messages (queued by the memory store's commit) claimed under a lease,
 * completed or failed with a retry time, each call fenced by the claim's owner and attempt.
 */
import { Effect } from "effect"
import { type Access, covers } from "../../Access.js"
import type { StoredMessage } from "../../Memory.js"
import type { ClaimedMessage, OutboxMessage, OutboxService } from "../../Outbox.js"
import { Conflict, InvalidData, type StorageError, storageError } from "../../StorageError.js"

/** A message slot: the message's JSON (as stored) and how it stands. */
export interface Slot {
  readonly json: string
  stored: StoredMessage
}

const bad = (operation: string, message: string): StorageError => storageError(operation, new InvalidData({ message }))

const parse = (text: string): OutboxMessage => JSON.parse(text) as OutboxMessage

/** The outbox port over the memory store's message slots. */
export const makeMemoryOutbox = (outbox: Map<string, Slot>): OutboxService => {
  const claimable = (stored: StoredMessage, now: number): boolean =>
    (stored.status === "pending" && Date.parse(stored.message.availableAt) <= now) ||
    (stored.status === "claimed" && Date.parse(stored.leaseUntil as string) <= now)

  const held = (operation: string, access: Access, claim: { id: string; owner: string; attempt: number }) => {
    if (claim === null || typeof claim !== "object") return bad(operation, "missing claim")
    const slot = outbox.get(claim.id)
    if (slot === undefined || !covers(access, slot.stored.message.tenantId)) {
      return storageError(
        operation,
        new Conflict({ message: `message ${String(claim.id)} is not claimed by ${String(claim.owner)}` })
      )
    }
    const s = slot.stored
    if (s.status !== "claimed" || s.owner !== claim.owner || s.attempt !== claim.attempt) {
      return storageError(
        operation,
        new Conflict({
          message: `the claim ${claim.attempt} of ${claim.owner} on message ${claim.id} is no longer held`
        })
      )
    }
    return slot
  }

  return {
    claim: (access, request) =>
      Effect.suspend(() => {
        const operation = "Outbox.claim"
        if (request === null || typeof request !== "object") return Effect.fail(bad(operation, "missing claim request"))
        const now = Date.parse(request.now)
        if (Number.isNaN(now)) return Effect.fail(bad(operation, "now must be an ISO-8601 instant"))
        if (!Number.isInteger(request.limit) || request.limit < 1 || request.limit > 500) {
          return Effect.fail(bad(operation, `limit must be 1 to 500, got ${request.limit}`))
        }
        if (!Number.isInteger(request.leaseMs) || request.leaseMs < 1) {
          return Effect.fail(bad(operation, `leaseMs must be a positive integer, got ${request.leaseMs}`))
        }
        if (typeof request.owner !== "string" || request.owner.length === 0 || request.owner.length > 200) {
          return Effect.fail(bad(operation, "owner must be 1 to 200 characters"))
        }
        const leaseUntil = new Date(now + request.leaseMs).toISOString()
        const candidates = [...outbox.values()]
          .filter(
            (slot) =>
              covers(access, slot.stored.message.tenantId) &&
              (request.kinds === undefined || request.kinds.includes(slot.stored.message.kind)) &&
              claimable(slot.stored, now)
          )
          .sort(
            (a, b) =>
              Date.parse(a.stored.message.availableAt) - Date.parse(b.stored.message.availableAt) ||
              a.stored.message.sequence - b.stored.message.sequence ||
              (a.stored.message.id < b.stored.message.id ? -1 : 1)
          )
          .slice(0, request.limit)
        const claimed: Array<ClaimedMessage> = []
        for (const slot of candidates) {
          slot.stored = {
            ...slot.stored,
            status: "claimed",
            attempt: slot.stored.attempt + 1,
            owner: request.owner,
            leaseUntil
          }
          claimed.push({
            ...parse(slot.json),
            attempt: slot.stored.attempt,
            owner: request.owner,
            leaseUntil
          })
        }
        return Effect.succeed(claimed)
      }),
    complete: (access, claim) =>
      Effect.suspend(() => {
        const slot = held("Outbox.complete", access, claim)
        if ("_tag" in slot) return Effect.fail(slot)
        slot.stored = { ...slot.stored, status: "done" }
        return Effect.void
      }),
    fail: (access, claim, failure) =>
      Effect.suspend(() => {
        if (failure === null || typeof failure !== "object" || typeof failure.error !== "string") {
          return Effect.fail(bad("Outbox.fail", "failure.error must be a string"))
        }
        const slot = held("Outbox.fail", access, claim)
        if ("_tag" in slot) return Effect.fail(slot)
        if (failure.retryAt !== undefined && Number.isNaN(Date.parse(failure.retryAt))) {
          return Effect.fail(bad("Outbox.fail", "retryAt must be an ISO-8601 instant"))
        }
        const { owner: _, leaseUntil: __, ...rest } = slot.stored
        slot.stored =
          failure.retryAt === undefined
            ? { ...rest, status: "dead", lastError: failure.error }
            : {
                ...rest,
                status: "pending",
                lastError: failure.error,
                message: { ...rest.message, availableAt: failure.retryAt }
              }
        return Effect.void
      }),
    stats: (access, now) =>
      Effect.suspend(() => {
        const at = typeof now === "string" ? Date.parse(now) : Number.NaN
        if (Number.isNaN(at)) return Effect.fail(bad("Outbox.stats", "now must be an ISO-8601 instant"))
        let waiting = 0
        let available = 0
        let dead = 0
        let oldest: string | undefined
        for (const slot of outbox.values()) {
          const stored = slot.stored
          if (!covers(access, stored.message.tenantId)) continue
          if (stored.status === "dead") dead++
          if (stored.status !== "pending" && stored.status !== "claimed") continue
          waiting++
          if (!claimable(stored, at)) continue
          available++
          if (oldest === undefined || Date.parse(stored.message.availableAt) < Date.parse(oldest)) {
            oldest = stored.message.availableAt
          }
        }
        return Effect.succeed({
          waiting,
          available,
          dead,
          ...(oldest === undefined ? {} : { oldestAvailableAt: oldest })
        })
      })
  }
}
