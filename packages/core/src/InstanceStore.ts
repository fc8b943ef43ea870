/**
 * The instance store port: state snapshots (projections of the events), each carrying the
 * `version` it reflects.
 *
 * Guide for adapter authors: `save` is a version-guarded upsert — it writes only when the stored
 * version is lower than the new one (or nothing is stored), so a snapshot never moves backwards
 * even when two writers race or one is late. It reports whether it wrote.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type { Access } from "./Access.js"
import type { WorkflowState } from "./State.js"
import type { StorageError } from "./StorageError.js"

/**
 * The instance store interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface InstanceStoreService {
  /** Stores the snapshot unless a snapshot of an equal or higher version is stored; `true` if written. */
  readonly save: (access: Access, state: WorkflowState) => Effect.Effect<boolean, StorageError>
  /** The stored snapshot, or `undefined` (also when it belongs to a tenant outside `access`). */
  readonly get: (access: Access, instanceId: string) => Effect.Effect<WorkflowState | undefined, StorageError>
  /** Several snapshots at once (missing and foreign ids are left out), in no particular order. */
  readonly getMany: (
    access: Access,
    instanceIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<WorkflowState>, StorageError>
}

/**
 * The instance store port.
 *
 * @since 0.1.0
 * @category ports
 */
export class InstanceStore extends Context.Service<InstanceStore, InstanceStoreService>()(
  "@workflow-manager/core/InstanceStore"
) {}
