/**
 * The messages a commit queues. They are part of the commit document (`ms`), so a message exists
 * exactly when its command happened: the commit's single insert is the only acknowledgement point.
 * After the insert each message is copied into `workflow_outbox` (`_id` = `<tenant>/<message id>`,
 * insert-only) where `Outbox.claim` finds it; a message id already queued by an earlier commit
 * stays as it is (duplicate key `11000`: a no-op). A crash or failure before the copy leaves the
 * commit "not projected", and the reconciler queues its messages before marking it projected.
 */
import { OutboxMessage, type OutboxMessage as OutboxMessageType, type StorageError } from "@workflow-manager/core"
import { Effect, Result, Schema } from "effect"
import type { Document } from "mongodb"
import { isDuplicateKeyError } from "../classifyMongoError.js"
import type { Context } from "./context.js"
import { toStored } from "./documents.js"
import { unescapeKeys } from "./escape.js"
import { instantDate, instantKey } from "./instant.js"
import { attempt } from "./run.js"
import { invalid } from "./validate.js"

/** The most messages one commit queues. */
export const MAX_MESSAGES = 1000

const decode = Schema.decodeUnknownResult(OutboxMessage)

/** A stored message (its document in `workflow_outbox` or in a commit) back as a checked message. */
export const decodeMessage = (operation: string, stored: unknown): Effect.Effect<OutboxMessageType, StorageError> => {
  const result = decode(unescapeKeys(stored))
  return Result.isSuccess(result)
    ? Effect.succeed(result.success)
    : Effect.fail(invalid(operation, `outbox message: ${result.failure.message}`, result.failure))
}

/** The `_id` of a queued message: `<tenant>/<message id>` (a read by it is tenant-scoped by construction). */
export const messageKey = (tenantId: string, messageId: string): string => `${tenantId}/${messageId}`

/**
 * Checks a commit's messages (core's schema, the commit's instance and tenant, an id that starts
 * with the instance id, a bounded size) and returns their stored (escaped) form.
 */
export const prepareMessages = Effect.fnUntraced(function* (
  operation: string,
  messages: ReadonlyArray<OutboxMessageType>,
  instanceId: string,
  tenantId: string,
  maxBytes: number
) {
  if (!Array.isArray(messages)) return yield* Effect.fail(invalid(operation, "messages must be an array"))
  if (messages.length > MAX_MESSAGES) {
    return yield* Effect.fail(invalid(operation, `a commit queues at most ${MAX_MESSAGES} messages`))
  }
  const stored: Array<unknown> = []
  const ids = new Set<string>()
  for (let n = 0; n < messages.length; n++) {
    const message = yield* decodeMessage(operation, messages[n])
    if (message.instanceId !== instanceId || message.tenantId !== tenantId) {
      return yield* Effect.fail(invalid(operation, `message ${n} belongs to another instance than the commit`))
    }
    if (!message.id.startsWith(`${instanceId}:`)) {
      return yield* Effect.fail(invalid(operation, `message ${n} has an id that does not start with its instance id`))
    }
    if (message.id.includes("\u0000")) return yield* Effect.fail(invalid(operation, `message ${n} has a NUL in its id`))
    if (ids.has(message.id)) continue // the same id twice in one commit: queued once
    ids.add(message.id)
    stored.push(yield* toStored(operation, `message ${n}`, message, maxBytes))
  }
  return stored
})

/** The `workflow_outbox` document of a message of the commit `commit`. */
const queued = (message: OutboxMessageType, stored: unknown, commit: string, now: Date): Document => ({
  _id: messageKey(message.tenantId, message.id),
  t: message.tenantId,
  i: message.instanceId,
  m: message.id,
  kd: message.kind,
  s: message.sequence,
  av: instantDate(message.availableAt),
  ak: instantKey(message.availableAt),
  c: commit,
  d: stored,
  ca: now
})

/**
 * Copies the messages of landed commits into `workflow_outbox` (one unordered `insertMany`); a
 * message id queued already is a no-op. Returns how many were new.
 */
export const queueMessages = (
  ctx: Context,
  operation: string,
  commits: ReadonlyArray<{ readonly _id: string; readonly ms?: ReadonlyArray<unknown> }>,
  now: number
): Effect.Effect<number, StorageError> =>
  Effect.gen(function* () {
    const docs: Array<Document> = []
    for (const commit of commits) {
      for (const stored of commit.ms ?? []) {
        const message = yield* decodeMessage(operation, stored)
        docs.push(queued(message, stored, commit._id, new Date(now)))
      }
    }
    if (docs.length === 0) return 0
    return yield* attempt(operation, async () => {
      try {
        const result = await ctx.outbox.insertMany(docs, { ordered: false, writeConcern: ctx.writeConcern })
        return result.insertedCount
      } catch (error) {
        const e = error as { writeErrors?: ReadonlyArray<{ code?: number }> | { code?: number } }
        const errors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors === undefined ? [] : [e.writeErrors]
        if (!isDuplicateKeyError(error) || !errors.every((w) => w.code === 11000)) throw error
        return docs.length - errors.length
      }
    })
  })
