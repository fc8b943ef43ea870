/**
 * The event store port: the append-only log of every instance, the source of truth.
 *
 * Guide for adapter authors: an append succeeds only when the instance's last stored sequence
 * equals `expectedVersion`; enforce it with a unique key on (instance id, sequence) so that of two
 * racing appends exactly one wins and the other fails with a `Conflict`. Events arrive complete
 * (sequence, time, actor are set by the decider); store them as they are and return them in
 * sequence order. Every read is tenant-scoped by its `Access`.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { Access } from "./Access.js"
import type { WorkflowEvent } from "./Event.js"
import type { StorageError } from "./StorageError.js"

/**
 * A sequence range, both ends inclusive and optional.
 *
 * @since 0.1.0
 * @category ports
 */
export interface SequenceRange {
  readonly from?: number
  readonly to?: number
}

/**
 * The event store interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface EventStoreService {
  /**
   * Appends `events` (one instance, contiguous sequences starting at `expectedVersion + 1`)
   * atomically, or fails with `Conflict` when the instance's version is not `expectedVersion`,
   * `TenantViolation` when the events' tenant is outside `access`.
   */
  readonly append: (
    access: Access,
    events: ReadonlyArray<WorkflowEvent>,
    expectedVersion: number
  ) => Effect.Effect<void, StorageError>
  /** Events of an instance in sequence order, optionally within a sequence range. */
  readonly read: (
    access: Access,
    instanceId: string,
    range?: SequenceRange
  ) => Effect.Effect<ReadonlyArray<WorkflowEvent>, StorageError>
  /** Events of an instance that occurred at or before `instant`, in sequence order. */
  readonly readUntil: (
    access: Access,
    instanceId: string,
    instant: string
  ) => Effect.Effect<ReadonlyArray<WorkflowEvent>, StorageError>
  /** Events of an instance recorded by the command with this idempotency key, in sequence order. */
  readonly readByCommand: (
    access: Access,
    instanceId: string,
    commandId: string
  ) => Effect.Effect<ReadonlyArray<WorkflowEvent>, StorageError>
}

/**
 * The event store port.
 *
 * @since 0.1.0
 * @category ports
 */
export class EventStore extends Context.Service<EventStore, EventStoreService>()("@workflow-manager/core/EventStore") {}
