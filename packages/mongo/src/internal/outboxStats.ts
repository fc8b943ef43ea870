/**
 * `Outbox.stats` on MongoDB: the scope's queued messages and their slots, each read once in
 * (`t`, `m`) order and merged as they stream (see `sorted.ts`), never more than one message at a
 * time in memory.
 *
 * Why two sorted reads rather than counts: FerretDB 1.24 (SQLite) answers every filter but `_id`
 * equality by scanning the collection — a `count` or an `aggregate` costs a full scan like a
 * `find` — and its `$group` knows only `$sum` and `$count` (no `$last`, `$min`, `$cond`), so "the
 * newest slot of each message" cannot be computed on the server. Measured here (FerretDB, a busy
 * 2-core machine) at 10,000 messages and 20,000 slots: 0.6–1.8 s per count or find, 4–6 s per
 * `$group` on the message id; five counts and a group would be needed, and would still not give
 * the oldest available message. The work is bounded: at most {@link MAX_STATS_MESSAGES} messages
 * and {@link MAX_STATS_SLOTS} slots per call.
 */
import type { Access, OutboxStats, StorageError } from "@workflow-manager/core"
import { Effect } from "effect"
import type { Document } from "mongodb"
import type { Context } from "./context.js"
import { instantKey, keyInstant } from "./instant.js"
import { attempt } from "./run.js"
import { scoped } from "./scope.js"
import { availableFrom, type SlotKind } from "./slots.js"
import { closeAll, compareCodePoints, isStop, type Stop, sortedReader, stopError } from "./sorted.js"
import { checkInstant, checkScope } from "./validate.js"

/** The most messages one stats call reads (twice what a claim reaches: a stalled queue still shows). */
export const MAX_STATS_MESSAGES = 200_000
/** The most slots one stats call reads. */
export const MAX_STATS_SLOTS = 1_000_000
/** Documents per batch of each cursor. */
const BATCH = 2_000

/** A message as read for the figures: tenant, message id, availability key. */
interface Queued {
  readonly t: string
  readonly m: string
  readonly ak: string
}

/** A slot as read for the figures. */
interface Read {
  readonly t: string
  readonly m: string
  readonly k: number
  readonly r: SlotKind
  readonly lk?: string
}

const KINDS: ReadonlySet<unknown> = new Set(["claim", "done", "dead", "retry"])

const compareKeys = (a: { readonly t: string; readonly m: string }, b: { readonly t: string; readonly m: string }) =>
  compareCodePoints(a.t, b.t) || compareCodePoints(a.m, b.m)

const asQueued = (doc: Document): Queued | undefined =>
  typeof doc.t === "string" && typeof doc.m === "string" && typeof doc.ak === "string"
    ? (doc as unknown as Queued)
    : undefined

const asRead = (doc: Document): Read | undefined =>
  typeof doc.t === "string" &&
  typeof doc.m === "string" &&
  typeof doc.k === "number" &&
  KINDS.has(doc.r) &&
  (doc.lk === undefined || typeof doc.lk === "string")
    ? (doc as unknown as Read)
    : undefined

/** The figures so far (`oldest` a fixed-width key). */
interface Tally {
  waiting: number
  available: number
  dead: number
  oldest: string | undefined
}

/**
 * Adds one message, given its slots (in any order), to the tally. A message stands as its newest
 * slot says; it is available exactly when `claim` would take it at `now` (`availableFrom`, and its
 * `availableAt` not after `now` to the millisecond, like the claim's filter); its availability is
 * its `availableAt`, or the time of its latest retry when that is later.
 */
const add = (tally: Tally, message: Queued, slots: ReadonlyArray<Read>, nowKey: string): void => {
  let last: Read | undefined
  let retry: Read | undefined
  for (const slot of slots) {
    if (last === undefined || slot.k > last.k) last = slot
    if (slot.r === "retry" && (retry === undefined || slot.k > retry.k)) retry = slot
  }
  if (last?.r === "done") return
  if (last?.r === "dead") {
    tally.dead++
    return
  }
  tally.waiting++
  const from = availableFrom(message.ak, last)
  if (from === undefined || from > nowKey || message.ak.slice(0, 23) > nowKey.slice(0, 23)) return
  tally.available++
  const since = retry?.lk !== undefined && retry.lk > message.ak ? retry.lk : message.ak
  if (tally.oldest === undefined || since < tally.oldest) tally.oldest = since
}

/** Merges the two sorted reads into the tally (or says why it stopped). */
const merge = async (ctx: Context, access: Access, nowKey: string): Promise<Tally | Stop> => {
  const filter = scoped(access, {})
  const messages = ctx.outbox.find(filter, {
    projection: { _id: 0, t: 1, m: 1, ak: 1 },
    sort: { t: 1, m: 1 },
    batchSize: BATCH
  })
  const slots = ctx.outboxClaims.find(filter, {
    projection: { _id: 0, t: 1, m: 1, k: 1, r: 1, lk: 1 },
    sort: { t: 1, m: 1, k: 1 },
    batchSize: BATCH
  })
  try {
    const nextMessage = sortedReader(messages, asQueued, compareKeys, MAX_STATS_MESSAGES)
    const nextSlot = sortedReader(slots, asRead, compareKeys, MAX_STATS_SLOTS)
    const tally: Tally = { waiting: 0, available: 0, dead: 0, oldest: undefined }
    let slot = await nextSlot()
    for (;;) {
      const message = await nextMessage()
      if (message === null) return tally
      if (isStop(message)) return message
      const own: Array<Read> = []
      // a slot before the message's belongs to no queued message (there should be none): skipped
      while (slot !== null && !isStop(slot) && compareKeys(slot, message) <= 0) {
        if (compareKeys(slot, message) === 0) own.push(slot)
        slot = await nextSlot()
      }
      if (isStop(slot)) return slot
      add(tally, message, own, nowKey)
    }
  } finally {
    await closeAll(messages, slots)
  }
}

/** The outbox's figures at `now` within the scope. */
export const outboxStats = (ctx: Context, access: Access, now: string): Effect.Effect<OutboxStats, StorageError> =>
  Effect.gen(function* () {
    const operation = "Outbox.stats"
    yield* checkScope(operation, access)
    const at = yield* checkInstant(operation, "now", now)
    const result = yield* attempt(operation, () => merge(ctx, access, instantKey(at)))
    if (isStop(result)) {
      return yield* Effect.fail(
        stopError(
          operation,
          result,
          "workflow_outbox / workflow_outbox_claims",
          `the scope holds more than ${MAX_STATS_MESSAGES} outbox messages or ${MAX_STATS_SLOTS} slots, more than Outbox.stats reads: delivered messages stay in MongoDB until they are purged (see docs/mongo.md, "The outbox")`
        )
      )
    }
    return {
      waiting: result.waiting,
      available: result.available,
      ...(result.oldest === undefined ? {} : { oldestAvailableAt: keyInstant(result.oldest) }),
      dead: result.dead
    }
  })
