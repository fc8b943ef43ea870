/**
 * The outbox: messages (notifications, jobs) a command queues in the same commit as its events, so
 * a message exists exactly when the command that caused it happened; and the port a worker uses to
 * deliver them — claim a batch under a lease, then complete each or fail it with a retry time.
 *
 * Guide for adapter authors: `WorkflowStore.commit` writes `batch.messages` atomically with the
 * events (`capabilities.outbox = "atomic"`); a message id is unique (a second insert of the same id
 * is a no-op), and ids are stable across retries of one attempt, so a retried step never queues a
 * message twice. `claim` hands a message to one claimer at a time: it takes messages that are
 * available (`availableAt <= now`) and either never claimed or whose lease has ended, in
 * (`availableAt`, `sequence`, `id`) order, and increments their `attempt`. `complete` and `fail`
 * succeed only for the current claim (same owner and attempt); a claimer whose lease was taken over
 * gets a `Conflict`, which is its fencing. Every call is tenant-scoped by its `Access`.
 *
 * @since 0.1.0
 */
import { Context, type Effect, Schema } from "effect"
import type { Access } from "./Access.js"
import { Identifier, Instant, Json } from "./Json.js"
import type { StorageError } from "./StorageError.js"

const MessageId = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(600))

/**
 * A queued message (stored shape, `schemaVersion` 1).
 *
 * @since 0.1.0
 * @category outbox
 */
export const OutboxMessage = Schema.Struct({
  schemaVersion: Schema.Literal(1),
  /** Stable across retries: `${attempt key}:${handler key}` or `${instance}:deadline:${entry}:${timer}`. */
  id: MessageId,
  tenantId: Identifier,
  instanceId: Identifier,
  /** The sequence of the first event of the commit that queued it. */
  sequence: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  kind: Identifier,
  payload: Json,
  createdAt: Instant,
  availableAt: Instant
})

/**
 * An outbox message.
 *
 * @since 0.1.0
 * @category outbox
 */
export type OutboxMessage = typeof OutboxMessage.Type

/**
 * A claimed message: the message, the claim's `attempt` (1 for the first claim), its owner and the
 * end of its lease.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface ClaimedMessage extends OutboxMessage {
  readonly attempt: number
  readonly owner: string
  readonly leaseUntil: string
}

/**
 * Which claim a `complete` or `fail` is about.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface ClaimRef {
  readonly id: string
  readonly owner: string
  readonly attempt: number
}

/**
 * A claim request: up to `limit` (1 to 500) available messages, optionally of some `kinds`, leased
 * to `owner` for `leaseMs` from `now`.
 *
 * @since 0.1.0
 * @category outbox
 */
export interface ClaimRequest {
  readonly owner: string
  readonly now: string
  readonly leaseMs: number
  readonly limit: number
  readonly kinds?: ReadonlyArray<string>
}

/**
 * The outbox's figures at an instant: messages waiting to be delivered (pending or claimed), those
 * of them available now (`availableAt <= now`, unclaimed or with an ended lease), the oldest
 * available time among those (absent when none is), and dead messages (failed for good).
 *
 * @since 0.1.0
 * @category outbox
 */
export interface OutboxStats {
  readonly waiting: number
  readonly available: number
  readonly oldestAvailableAt?: string
  readonly dead: number
}

/**
 * The outbox interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface OutboxService {
  /** Claims available messages (never claimed, or whose lease ended) in order. */
  readonly claim: (access: Access, request: ClaimRequest) => Effect.Effect<ReadonlyArray<ClaimedMessage>, StorageError>
  /** Marks the claimed message delivered; `Conflict` when the claim is no longer held. */
  readonly complete: (access: Access, claim: ClaimRef) => Effect.Effect<void, StorageError>
  /**
   * Records a failed delivery: available again at `retryAt`, or dead (never claimed again) without
   * it; `Conflict` when the claim is no longer held.
   */
  readonly fail: (
    access: Access,
    claim: ClaimRef,
    failure: { readonly error: string; readonly retryAt?: string }
  ) => Effect.Effect<void, StorageError>
  /**
   * The outbox's figures at `now`, within the scope (for a worker's metrics). Optional: a worker
   * reports no outbox figures for a store without it.
   */
  readonly stats?: (access: Access, now: string) => Effect.Effect<OutboxStats, StorageError>
}

/**
 * The outbox port.
 *
 * @since 0.1.0
 * @category ports
 */
export class Outbox extends Context.Service<Outbox, OutboxService>()("@workflow-manager/core/Outbox") {}
