/**
 * The write path of the engine: commit a command's events together with the projections they
 * lead to (the state snapshot and the index entry).
 *
 * Events are the truth and the acknowledgement point: once `commit` has appended them, the command
 * has happened. Backends that can write all three atomically (PostgreSQL-only mode) say so with
 * `capabilities.atomicCommit` and do it in one transaction. {@link layerFromPorts} composes the
 * three ports for backends that cannot (MongoDB events + PostgreSQL index): it appends first, then
 * writes the projections version-guarded; a projection that fails to write is left stale, detected
 * on read and rebuilt from the events (and the reconciler repairs the index).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import type { Access } from "./Access.js"
import type { WorkflowEvent } from "./Event.js"
import { EventStore } from "./EventStore.js"
import { InstanceStore } from "./InstanceStore.js"
import type { WorkflowState } from "./State.js"
import type { StorageError } from "./StorageError.js"
import { entryOf, WorkflowIndex } from "./WorkflowIndex.js"

/**
 * What differs between backends.
 *
 * @since 0.1.0
 * @category ports
 */
export interface Capabilities {
  /** Events, state and index are written in one transaction. */
  readonly atomicCommit: boolean
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
}

/**
 * The workflow store interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface WorkflowStoreService {
  readonly capabilities: Capabilities
  /** Appends the events at the expected version, then brings the projections up to `state`. */
  readonly commit: (access: Access, batch: CommitBatch) => Effect.Effect<void, StorageError>
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

/**
 * A non-atomic workflow store over the three ports: append, then version-guarded projection
 * writes whose failures are logged and left for read-repair.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromPorts: Layer.Layer<WorkflowStore, never, EventStore | InstanceStore | WorkflowIndex> =
  Layer.effect(WorkflowStore)(
    Effect.gen(function* () {
      const events = yield* EventStore
      const instances = yield* InstanceStore
      const index = yield* WorkflowIndex
      return {
        capabilities: { atomicCommit: false },
        commit: (access, batch) =>
          events.append(access, batch.events, batch.expectedVersion).pipe(
            Effect.andThen(
              Effect.all([instances.save(access, batch.state), index.upsert(access, entryOf(batch.state))], {
                concurrency: 2,
                discard: true
              }).pipe(
                Effect.catch((error) =>
                  Effect.logWarning("projection write failed; it will be repaired from the events", error)
                )
              )
            )
          )
      }
    })
  )
