/**
 * The write path of the engine, and its one-call read: `load` an instance's current state (and
 * what an idempotency key already recorded), then `commit` a command's events together with the
 * projections they lead to (the state snapshot and the index entry) and the outbox messages they
 * queue. A command costs these two calls.
 *
 * Events are the truth and the acknowledgement point: once `commit` has appended them, the command
 * has happened. `capabilities` say which other writes are atomic with the events. A backend that
 * writes everything in one transaction (PostgreSQL-only mode, memory) says `atomic` for each;
 * {@link composedWorkflowStoreLayer} composes the three ports for backends that cannot (MongoDB events
 * + PostgreSQL index): it appends first, then writes the projections version-guarded; a projection
 * that fails for a retryable reason is left stale — the commit result names it as pending — and is
 * detected on the next load and rebuilt from the events (the reconciler repairs the index). A
 * projection refused for any other reason fails the command.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { type Access, systemAccess } from "./Access.js"
import type { WorkflowEvent } from "./Event.js"
import { EventStore, type EventStoreService } from "./EventStore.js"
import { fold } from "./Evolve.js"
import { InstanceStore, type InstanceStoreService } from "./InstanceStore.js"
import type { OutboxMessage } from "./Outbox.js"
import type { WorkflowState } from "./State.js"
import { InvalidData, type StorageError, storageError } from "./StorageError.js"
import { entryOf, WorkflowIndex, type WorkflowIndexService } from "./WorkflowIndex.js"

/**
 * Which writes a backend makes atomically with the events: `atomic`, or `repaired` (written after
 * them; a failure leaves a stale projection that is rebuilt from the events). `outbox` is
 * `unsupported` for a backend that cannot queue messages with the events (it refuses a commit that
 * carries messages).
 *
 * @since 0.1.0
 * @category ports
 */
export interface Capabilities {
  readonly state: "atomic" | "repaired"
  readonly index: "atomic" | "repaired"
  readonly outbox: "atomic" | "unsupported"
}

/**
 * One command's write.
 *
 * @since 0.1.0
 * @category ports
 */
export interface CommitBatch {
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly expectedVersion: number
  /** The state after the events (its `version` is the last event's sequence). */
  readonly state: WorkflowState
  /** Messages to queue with the events (an empty list when none). */
  readonly messages: ReadonlyArray<OutboxMessage>
}

/**
 * What a commit left to repair: the projections written after the events that failed (for a
 * retryable reason) and stay stale until the next load or the reconciler rebuilds them.
 *
 * @since 0.1.0
 * @category ports
 */
export interface CommitResult {
  readonly pending: ReadonlyArray<"state" | "index">
}

/**
 * What `load` returns: the instance's current state — the snapshot caught up with any newer events
 * — or `undefined` when it does not exist (or is outside the access scope), and the events the
 * idempotency key recorded (empty without a key or when it recorded nothing).
 *
 * @since 0.1.0
 * @category ports
 */
export interface LoadResult {
  readonly state: WorkflowState | undefined
  readonly prior: ReadonlyArray<WorkflowEvent>
}

/**
 * The workflow store interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface WorkflowStoreService {
  readonly capabilities: Capabilities
  /** The current state and the events `commandId` recorded, in one call where the backend can. */
  readonly load: (access: Access, instanceId: string, commandId?: string) => Effect.Effect<LoadResult, StorageError>
  /** Appends the events at the expected version, brings the projections up to `state`, queues the messages. */
  readonly commit: (access: Access, batch: CommitBatch) => Effect.Effect<CommitResult, StorageError>
  /**
   * Checks the backend is reachable and set up (migrated) for the engine; an `Unavailable`
   * (unreachable), `Misconfigured` (no such database, not migrated, ...) or `InvalidData` error says
   * what is wrong. The engine runs it when it starts.
   */
  readonly check: Effect.Effect<void, StorageError>
}

/**
 * The workflow store port.
 *
 * @since 0.1.0
 * @category ports
 */
export class WorkflowStore extends Context.Service<WorkflowStore, WorkflowStoreService>()(
  "@workflow-manager/core/WorkflowStore"
) {}

const NOTHING_PENDING: CommitResult = { pending: [] }

/**
 * `load` over the three ports, for backends without a one-call read: the snapshot, the events after
 * it (a stale snapshot is caught up and its projections repaired, best effort) and the events of
 * `commandId` — three calls.
 *
 * @since 0.1.0
 * @category ports
 */
export const loadFromPorts =
  (ports: {
    readonly events: EventStoreService
    readonly instances: InstanceStoreService
    readonly index: WorkflowIndexService
  }) =>
  (access: Access, instanceId: string, commandId?: string): Effect.Effect<LoadResult, StorageError> =>
    Effect.gen(function* () {
      const snapshot = yield* ports.instances.get(access, instanceId)
      const newer = yield* ports.events.read(access, instanceId, { from: (snapshot?.version ?? 0) + 1 })
      const prior = commandId === undefined ? [] : yield* ports.events.readByCommand(access, instanceId, commandId)
      if (newer.length === 0) return { state: snapshot, prior }
      const state = fold(newer, snapshot)
      if (state !== undefined) {
        yield* Effect.all([ports.instances.save(access, state), ports.index.upsert(access, entryOf(state))], {
          discard: true
        }).pipe(Effect.catch((error) => Effect.logWarning("read-repair of a stale projection failed", error)))
      }
      return { state, prior }
    })

/** A projection write after the append: retryable failures are pending, the others fail the commit. */
const project = (
  name: "state" | "index",
  write: Effect.Effect<unknown, StorageError>
): Effect.Effect<ReadonlyArray<"state" | "index">, StorageError> =>
  write.pipe(
    Effect.as([] as ReadonlyArray<"state" | "index">),
    Effect.catch((error) =>
      error.isRetryable
        ? Effect.as(Effect.logWarning(`${name} projection write failed; it will be repaired from the events`, error), [
            name
          ])
        : Effect.fail(error)
    )
  )

/**
 * A non-atomic workflow store over the three ports (`state` and `index` repaired, no outbox): it
 * appends, then writes the projections version-guarded; a retryable projection failure is logged
 * and reported as pending, any other fails the command.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { composedWorkflowStoreLayer } from "@workflow-manager/core"
 *
 * // myEventStore, myInstanceStore, myIndex: layers of an adapter's three ports
 * declare const ports: Layer.Layer<import("@workflow-manager/core").EventStore | import("@workflow-manager/core").InstanceStore | import("@workflow-manager/core").WorkflowIndex>
 * const store = composedWorkflowStoreLayer.pipe(Layer.provide(ports))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const composedWorkflowStoreLayer: Layer.Layer<WorkflowStore, never, EventStore | InstanceStore | WorkflowIndex> =
  Layer.effect(WorkflowStore)(
    Effect.gen(function* () {
      const events = yield* EventStore
      const instances = yield* InstanceStore
      const index = yield* WorkflowIndex
      return {
        capabilities: { state: "repaired", index: "repaired", outbox: "unsupported" },
        load: loadFromPorts({ events, instances, index }),
        commit: (access, batch) =>
          batch.messages.length > 0
            ? Effect.fail(
                storageError(
                  "WorkflowStore.commit",
                  new InvalidData({
                    message: "this store cannot queue outbox messages (capabilities.outbox: unsupported)"
                  })
                )
              )
            : events.append(access, batch.events, batch.expectedVersion).pipe(
                Effect.andThen(
                  Effect.all(
                    [
                      project("state", instances.save(access, batch.state)),
                      project("index", index.upsert(access, entryOf(batch.state)))
                    ],
                    { concurrency: 2 }
                  )
                ),
                Effect.map(([a, b]) => (a.length + b.length === 0 ? NOTHING_PENDING : { pending: [...a, ...b] }))
              ),
        check: Effect.asVoid(events.read(systemAccess("check"), "wm-check", { from: 1, to: 1 }))
      }
    })
  )
