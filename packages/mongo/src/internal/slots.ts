/**
 * The slots of an outbox message (`workflow_outbox_claims`, `_id` = `<tenant>/<message id>#<slot>`):
 * slot 1 is the first claim; each later slot is a claim that took over an ended lease, or the
 * settlement of the claim before it (`done`, `dead`, or `retry` at a time). Only the newest slot
 * says how a message stands; `claim`, `complete`, `fail` and `stats` read it the same way here.
 */
import type { Document } from "mongodb"
import { messageKey } from "./messages.js"

/** What a slot of a message holds: a claim, or the settlement of the claim before it. */
export type SlotKind = "claim" | "done" | "dead" | "retry"

/** A slot as read back (`k` slot, `r` kind, `n` attempt, `o` owner, `lk` lease end / retry time as a fixed-width key). */
export interface Slot {
  readonly t: string
  readonly m: string
  readonly k: number
  readonly r: SlotKind
  readonly n: number
  readonly o: string
  readonly lk?: string
}

/** The `_id` of a slot: `<tenant>/<message id>#<slot>`. */
export const slotKey = (tenantId: string, messageId: string, slot: number): string =>
  `${messageKey(tenantId, messageId)}#${slot}`

export const SLOT_PROJECTION = { _id: 0, t: 1, m: 1, k: 1, r: 1, n: 1, o: 1, lk: 1 } as const

/** The last slot of each message among `slots` (the one the next write competes after). */
export const lastSlots = (slots: ReadonlyArray<Document>): Map<string, Slot> => {
  const last = new Map<string, Slot>()
  for (const doc of slots) {
    const slot = doc as unknown as Slot
    const known = last.get(slot.m)
    if (known === undefined || slot.k > known.k) last.set(slot.m, slot)
  }
  return last
}

/**
 * When a message is claimable given its last slot (a fixed-width instant key), or `undefined` when
 * it never is again (done, dead).
 */
export const availableFrom = (availableKey: string, last: Pick<Slot, "r" | "lk"> | undefined): string | undefined => {
  if (last === undefined) return availableKey
  switch (last.r) {
    case "claim":
    case "retry":
      return last.lk
    default:
      return undefined
  }
}
