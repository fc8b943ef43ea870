/**
 * The outbox on MongoDB, insert-only, so that it runs on FerretDB 1.24 too (no transactions, no
 * compare-and-set `findOneAndUpdate`): the only atomic decision is a unique `_id`.
 *
 * - **Messages** are part of their commit document (the commit's single insert is the only
 *   acknowledgement point: a message exists exactly when its command happened) and are copied
 *   after the insert into `workflow_outbox`, `_id` = `<tenant>/<message id>` (a repeated id is a
 *   duplicate key: a no-op). A copy interrupted by a crash is made by the reconciler, which queues
 *   the messages of every commit not yet projected before it marks the commit projected.
 * - **Claims and settlements** are slots of a message in `workflow_outbox_claims`, `_id` =
 *   `<tenant>/<message id>#<slot>` (1, 2, …). A slot holds a claim (attempt, owner, lease end) or
 *   the settlement of the claim in the slot before it (`done`, `dead`, or `retry` at a time). The
 *   next slot is what every writer competes for: a claimer whose lease ended and the one taking it
 *   over both insert slot `k + 1`, so exactly one wins (the other gets `11000`): the claimer's
 *   `complete`/`fail` after a takeover is a `Conflict` — its fencing — and a claim never lands
 *   after a settlement.
 * - `claim` reads the scope's due messages in (`availableAt`, `sequence`, `id`) order a page at a
 *   time, reads their slots, and inserts the next slot of each available one (never claimed,
 *   retried and due, or with an ended lease) until `limit` are won; a lost slot is simply skipped.
 * - `stats` reads the scope's messages and slots once each, sorted by message, and merges them as
 *   they stream (waiting, available now, the oldest available time, dead).
 *
 * A tenant scope delivers its own messages; the system scope (`systemAccess`, a worker) and the
 * operator's deliver every tenant's.
 *
 * @since 0.1.0
 */
import {
  type Access,
  type ClaimedMessage,
  type ClaimRef,
  Conflict,
  type OutboxService,
  type StorageError,
  storageError
} from "@workflow-manager/core"
import { Clock, Effect } from "effect"
import type { Collection, Document } from "mongodb"
import { isDuplicateKeyError } from "./classifyMongoError.js"
import { type Context, makeContext } from "./internal/context.js"
import { instantDate, instantKey } from "./internal/instant.js"
import { decodeMessage } from "./internal/messages.js"
import { outboxStats } from "./internal/outboxStats.js"
import { attempt } from "./internal/run.js"
import { scoped } from "./internal/scope.js"
import { availableFrom, lastSlots, SLOT_PROJECTION, type Slot, type SlotKind, slotKey } from "./internal/slots.js"
import { checkInstant, checkInt, checkScope, checkText, invalid } from "./internal/validate.js"
import type { MongoConfig } from "./MongoConfig.js"

/** The longest lease a claim may take: one day. */
const MAX_LEASE_MS = 86_400_000
/** How many messages one read of the queue returns. */
const PAGE = 200
/** How many pages one claim reads at most. */
const MAX_PAGES = 500
/** How many available messages a claim collects, per message it wants, before it competes for them. */
const SPARE = 4

/**
 * Inserts documents without order; the indexes of those refused with a duplicate key (another
 * writer's slot). Any other failure fails the call.
 */
const insertRefused = async (
  collection: Collection<Document>,
  docs: ReadonlyArray<Document>,
  writeConcern: object
): Promise<ReadonlySet<number>> => {
  try {
    await collection.insertMany([...docs], { ordered: false, writeConcern })
    return new Set()
  } catch (error) {
    const raw = (error as { writeErrors?: unknown }).writeErrors
    const errors = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as ReadonlyArray<{
      readonly index?: number
      readonly code?: number
    }>
    if (!isDuplicateKeyError(error) || errors.length === 0 || !errors.every((e) => e.code === 11000)) throw error
    return new Set(errors.map((e) => e.index ?? -1))
  }
}

const checkClaim = (operation: string, claim: ClaimRef) =>
  Effect.gen(function* () {
    if (claim === null || typeof claim !== "object") return yield* Effect.fail(invalid(operation, "missing claim"))
    const id = yield* checkText(operation, "message id", claim.id, 600)
    const owner = yield* checkText(operation, "owner", claim.owner, 200)
    const claimAttempt = yield* checkInt(operation, "attempt", claim.attempt, 1, 2_147_483_647)
    return { id, owner, attempt: claimAttempt }
  })

const notHeld = (operation: string, ref: ClaimRef) =>
  storageError(
    operation,
    new Conflict({ message: `the claim ${ref.attempt} of ${ref.owner} on message ${ref.id} is no longer held` })
  )

/**
 * Builds the outbox over the adapter's collections (`make`, `layer` and the split include it).
 *
 * @internal
 */
export const makeMongoOutbox = (ctx: Context): OutboxService => {
  /** Settles the current claim `claim` by inserting the slot after it. */
  const settle = (
    operation: string,
    access: Access,
    claim: ClaimRef,
    settlement: { readonly r: Exclude<SlotKind, "claim">; readonly retryAt?: string; readonly error?: string }
  ): Effect.Effect<void, StorageError> =>
    Effect.gen(function* () {
      yield* checkScope(operation, access)
      const ref = yield* checkClaim(operation, claim)
      const slots = yield* attempt(operation, () =>
        ctx.outboxClaims.find(scoped(access, { m: ref.id }), { projection: SLOT_PROJECTION }).toArray()
      )
      const last = lastSlots(slots).get(ref.id)
      if (last === undefined || last.r !== "claim" || last.n !== ref.attempt || last.o !== ref.owner) {
        return yield* Effect.fail(notHeld(operation, ref))
      }
      const now = yield* Clock.currentTimeMillis
      const doc: Document = {
        _id: slotKey(last.t, ref.id, last.k + 1),
        t: last.t,
        m: ref.id,
        k: last.k + 1,
        r: settlement.r,
        n: ref.attempt,
        o: ref.owner,
        ...(settlement.retryAt === undefined ? {} : { lk: instantKey(settlement.retryAt) }),
        ...(settlement.error === undefined ? {} : { e: settlement.error }),
        ca: new Date(now)
      }
      const refused = yield* attempt(operation, () => insertRefused(ctx.outboxClaims, [doc], ctx.writeConcern))
      // the slot after the claim is taken: the lease was taken over (or the claim settled already)
      if (refused.size > 0) return yield* Effect.fail(notHeld(operation, ref))
    })

  return {
    claim: (access, request) =>
      Effect.gen(function* () {
        const operation = "Outbox.claim"
        yield* checkScope(operation, access)
        if (request === null || typeof request !== "object" || Array.isArray(request)) {
          return yield* Effect.fail(invalid(operation, "missing claim request"))
        }
        const owner = yield* checkText(operation, "owner", request.owner, 200)
        const now = yield* checkInstant(operation, "now", request.now)
        const leaseMs = yield* checkInt(operation, "leaseMs", request.leaseMs, 1, MAX_LEASE_MS)
        const limit = yield* checkInt(operation, "limit", request.limit, 1, 500)
        let kinds: Array<string> | undefined
        if (request.kinds !== undefined) {
          if (!Array.isArray(request.kinds) || request.kinds.length > 100) {
            return yield* Effect.fail(invalid(operation, "kinds must be an array of at most 100 kinds"))
          }
          kinds = []
          for (const kind of request.kinds) kinds.push(yield* checkText(operation, "kind", kind, 200))
        }
        const nowKey = instantKey(now)
        const leaseUntil = new Date(Date.parse(now) + leaseMs).toISOString()
        const filter = scoped(access, {
          av: { $lte: instantDate(now) },
          ...(kinds === undefined ? {} : { kd: { $in: kinds } })
        })

        // the available messages, in queue order, a page at a time
        const wanted = Math.min(limit * SPARE, 2000)
        const found: Array<{ readonly doc: Document; readonly from: string; readonly last: Slot | undefined }> = []
        let after: { readonly ak: string; readonly s: number; readonly m: string } | undefined
        for (let page = 0; page < MAX_PAGES && found.length < wanted; page++) {
          const cursor = after
          const docs = yield* attempt(operation, () =>
            ctx.outbox
              .find(
                cursor === undefined
                  ? filter
                  : {
                      ...filter,
                      $or: [
                        { ak: { $gt: cursor.ak } },
                        { ak: cursor.ak, s: { $gt: cursor.s } },
                        { ak: cursor.ak, s: cursor.s, m: { $gt: cursor.m } }
                      ]
                    },
                { projection: { t: 1, m: 1, s: 1, ak: 1, d: 1 } }
              )
              .sort({ ak: 1, s: 1, m: 1 })
              .limit(PAGE)
              .toArray()
          )
          if (docs.length === 0) break
          const tail = docs[docs.length - 1] as Document
          after = { ak: tail.ak as string, s: tail.s as number, m: tail.m as string }
          const slots = yield* attempt(operation, () =>
            ctx.outboxClaims
              .find(scoped(access, { m: { $in: docs.map((d) => d.m as string) } }), { projection: SLOT_PROJECTION })
              .toArray()
          )
          const last = lastSlots(slots)
          for (const doc of docs) {
            const slot = last.get(doc.m as string)
            const from = availableFrom(doc.ak as string, slot)
            if (from !== undefined && from <= nowKey && found.length < wanted) found.push({ doc, from, last: slot })
          }
          if (docs.length < PAGE) break
        }
        // a retried message is due at its retry time: order by when each became available
        found.sort(
          (a, b) =>
            (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) ||
            (a.doc.s as number) - (b.doc.s as number) ||
            (a.doc.m < b.doc.m ? -1 : a.doc.m > b.doc.m ? 1 : 0)
        )

        // compete for the next slot of each, in order, until `limit` are won
        const at = new Date(yield* Clock.currentTimeMillis)
        const claimed: Array<ClaimedMessage> = []
        let next = 0
        while (claimed.length < limit && next < found.length) {
          const round = found.slice(next, next + limit - claimed.length)
          next += round.length
          const docs = round.map(({ doc, last }): Document => {
            const k = (last?.k ?? 0) + 1
            return {
              _id: slotKey(doc.t as string, doc.m as string, k),
              t: doc.t as string,
              m: doc.m as string,
              k,
              r: "claim",
              n: (last?.n ?? 0) + 1,
              o: owner,
              lk: instantKey(leaseUntil),
              ca: at
            }
          })
          const refused = yield* attempt(operation, () => insertRefused(ctx.outboxClaims, docs, ctx.writeConcern))
          for (const [n, won] of docs.entries()) {
            if (refused.has(n)) continue // another claimer took this slot first
            const message = yield* decodeMessage(operation, (round[n] as (typeof round)[number]).doc.d)
            claimed.push({ ...message, attempt: won.n as number, owner, leaseUntil })
          }
        }
        return claimed
      }),
    complete: (access, claim) => settle("Outbox.complete", access, claim, { r: "done" }),
    fail: (access, claim, failure) =>
      Effect.gen(function* () {
        const operation = "Outbox.fail"
        if (failure === null || typeof failure !== "object") {
          return yield* Effect.fail(invalid(operation, "missing failure"))
        }
        if (typeof failure.error !== "string") {
          return yield* Effect.fail(invalid(operation, "failure.error must be a string"))
        }
        // kept as a diagnostic, bounded
        const error = failure.error.replaceAll("\u0000", "").slice(0, 2000)
        if (failure.retryAt === undefined) return yield* settle(operation, access, claim, { r: "dead", error })
        const retryAt = yield* checkInstant(operation, "retryAt", failure.retryAt)
        return yield* settle(operation, access, claim, { r: "retry", retryAt, error })
      }),
    stats: (access, now) => outboxStats(ctx, access, now)
  }
}

/**
 * Builds the outbox over a database (without creating the indexes: `make` / `layer` do, or
 * `ensureIndexes`). `make`, `makeSplit`, `layer` and `layerSplit` include it already; this is for
 * a worker process that only delivers messages.
 *
 * @example
 * ```ts
 * import { systemAccess } from "@workflow-manager/core"
 * import { Effect } from "effect"
 * import { MongoClient } from "mongodb"
 * import { makeOutbox } from "@workflow-manager/mongo"
 *
 * const client = await new MongoClient("mongodb://127.0.0.1:27017/").connect()
 * const outbox = makeOutbox({ db: client.db("workflows") })
 * const batch = await Effect.runPromise(
 *   outbox.claim(systemAccess("worker-1"), {
 *     owner: "worker-1",
 *     now: new Date().toISOString(),
 *     leaseMs: 30_000,
 *     limit: 50
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeOutbox = (config: MongoConfig): OutboxService => makeMongoOutbox(makeContext(config))
