/**
 * Due work: the instances that have something due now — a deadline of the current step, an
 * automatic run, a deferred attempt, a retry whose backoff has passed (the index entry's
 * `nextDueAt`) — handed out to workers so that several of them share the work instead of all
 * running after the same instance.
 *
 * A claim is a **lease on finding the work, not on doing it**: what keeps the work correct is the
 * engine's expected version (a worker that lost a race gets a `Conflict` and finds nothing due any
 * more). The claim only makes such races rare, so that N workers do about 1/N of the work each and
 * an automatic step's handler is not run by two workers at once. A claimer that dies holds its
 * instances until the lease ends; then another claims them.
 *
 * Guide for adapter authors: `claim` takes, in (`nextDueAt`, `instanceId`) order, up to `limit`
 * instances whose `nextDueAt <= now` and which no other claimer holds (never claimed, or the lease
 * ended, or released), and leases them to `owner` until `now + leaseMs`. Two concurrent claims
 * never return the same instance while its lease runs (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
 * `release` ends the owner's own leases early (after the worker handled the instance, so that the
 * instance's next due work is found at once); other owners' leases are left alone. Every call is
 * scoped by its `Access`: a tenant scope sees its own instances only; the system scope
 * (`systemAccess`) every tenant's.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { Access } from "./Access.js"
import type { StorageError } from "./StorageError.js"

/**
 * An instance with something due: who owns it, the index version the claim saw, and when it fell due.
 *
 * @since 0.1.0
 * @category due work
 */
export interface DueItem {
  readonly tenantId: string
  readonly instanceId: string
  readonly version: number
  readonly dueAt: string
}

/**
 * A claim request: up to `limit` (1 to 500) instances due at `now`, leased to `owner` (1 to 200
 * characters) for `leaseMs` (1 ms to 1 day).
 *
 * @since 0.1.0
 * @category due work
 */
export interface DueClaimRequest {
  readonly owner: string
  readonly now: string
  readonly leaseMs: number
  readonly limit: number
}

/**
 * The queue's figures at an instant: instances due (`nextDueAt <= now`), those of them under a
 * running lease, and the oldest due time (absent when nothing is due).
 *
 * @since 0.1.0
 * @category due work
 */
export interface DueStats {
  readonly due: number
  readonly leased: number
  readonly oldestDueAt?: string
}

/**
 * The due-work interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface DueWorkService {
  /** Claims due instances no other claimer holds, oldest due first. */
  readonly claim: (access: Access, request: DueClaimRequest) => Effect.Effect<ReadonlyArray<DueItem>, StorageError>
  /** Ends `owner`'s leases on these instances (at most 500); unknown ids and other owners' leases are ignored. */
  readonly release: (
    access: Access,
    release: { readonly owner: string; readonly instanceIds: ReadonlyArray<string> }
  ) => Effect.Effect<void, StorageError>
  /** The queue's figures at `now`. */
  readonly stats: (access: Access, now: string) => Effect.Effect<DueStats, StorageError>
}

/**
 * The due-work port.
 *
 * @since 0.1.0
 * @category ports
 */
export class DueWork extends Context.Service<DueWork, DueWorkService>()("@workflow-manager/core/DueWork") {}
