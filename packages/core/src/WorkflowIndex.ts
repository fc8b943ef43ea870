/**
 * The workflow index port: the lightweight query projection (the seed's
 * `workflow_instances_index`) — tenant, template, market role, status, current step, version and
 * timestamps of every instance.
 *
 * Guide for adapter authors: `upsert` is version-guarded (`... WHERE index.version <
 * EXCLUDED.version`); `query` is tenant-scoped by `access` and paginates by keyset on the
 * immutable (`createdAt`, `instanceId`) order, so that concurrent inserts and updates never make a
 * page repeat or skip an entry that existed when the first page was read.
 *
 * @since 0.1.0
 */
import { Context, type Effect, Schema } from "effect"
import type { Access } from "./Access.js"
import { nextDueAt, WorkflowState } from "./State.js"
import type { WorkflowStatus } from "./Status.js"
import type { StorageError } from "./StorageError.js"

/**
 * One index entry (stored shape, `schemaVersion` 1).
 *
 * @since 0.1.0
 * @category index
 */
export const IndexEntry = Schema.Struct({
  schemaVersion: WorkflowState.fields.schemaVersion,
  instanceId: WorkflowState.fields.instanceId,
  tenantId: WorkflowState.fields.tenantId,
  templateId: WorkflowState.fields.templateId,
  templateVersion: WorkflowState.fields.templateVersion,
  marketRole: WorkflowState.fields.marketRole,
  status: WorkflowState.fields.status,
  currentStepId: WorkflowState.fields.currentStepId,
  version: WorkflowState.fields.version,
  createdAt: WorkflowState.fields.createdAt,
  updatedAt: WorkflowState.fields.updatedAt,
  /** When the instance next has something due (a deadline, an automatic run, a retry); absent when nothing is. */
  nextDueAt: Schema.optionalKey(WorkflowState.fields.createdAt)
})

/**
 * An index entry.
 *
 * @since 0.1.0
 * @category index
 */
export type IndexEntry = typeof IndexEntry.Type

/**
 * The index entry that reflects a state.
 *
 * @since 0.1.0
 * @category index
 */
export const entryOf = (state: WorkflowState): IndexEntry => {
  const due = nextDueAt(state)
  return {
    schemaVersion: 1,
    instanceId: state.instanceId,
    tenantId: state.tenantId,
    templateId: state.templateId,
    templateVersion: state.templateVersion,
    marketRole: state.marketRole,
    status: state.status,
    currentStepId: state.currentStepId,
    version: state.version,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    ...(due === undefined ? {} : { nextDueAt: due })
  }
}

/**
 * Filters of an index query; all given filters must hold. `tenantId` narrows an operator's
 * query to one tenant (a tenant scope is always narrowed to its own tenant).
 *
 * @since 0.1.0
 * @category index
 */
export interface IndexFilter {
  readonly tenantId?: string
  readonly status?: ReadonlyArray<WorkflowStatus>
  readonly marketRole?: string
  readonly currentStepId?: string
  readonly templateId?: string
  readonly updatedSince?: string
  /** Only instances with something due at or before this instant (`nextDueAt <= dueBy`) — what a worker polls. */
  readonly dueBy?: string
}

/**
 * A page request: at most `limit` entries (1 to 500) after the opaque `cursor` of the previous page.
 *
 * @since 0.1.0
 * @category index
 */
export interface PageRequest {
  readonly limit: number
  readonly cursor?: string
}

/**
 * A page of entries and the cursor of the next page (`undefined` on the last page).
 *
 * @since 0.1.0
 * @category index
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | undefined
}

/**
 * The position after which a page starts, in (`createdAt`, `instanceId`) order.
 *
 * @since 0.1.0
 * @category index
 */
export interface Position {
  readonly createdAt: string
  readonly instanceId: string
}

/**
 * Encodes a keyset position as an opaque cursor.
 *
 * @since 0.1.0
 * @category index
 */
export const encodeCursor = (position: Position): string =>
  Buffer.from(JSON.stringify([position.createdAt, position.instanceId])).toString("base64url")

/**
 * Decodes a cursor; `undefined` when it is not one this module made.
 *
 * @since 0.1.0
 * @category index
 */
export const decodeCursor = (cursor: string): Position | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string") {
      return { createdAt: value[0], instanceId: value[1] }
    }
  } catch {
    return undefined
  }
  return undefined
}

/**
 * The workflow index interface.
 *
 * @since 0.1.0
 * @category ports
 */
export interface WorkflowIndexService {
  /** Writes the entry unless an entry of an equal or higher version is stored; `true` if written. */
  readonly upsert: (access: Access, entry: IndexEntry) => Effect.Effect<boolean, StorageError>
  /** The entry of one instance, or `undefined` (also when outside `access`). */
  readonly get: (access: Access, instanceId: string) => Effect.Effect<IndexEntry | undefined, StorageError>
  /** Entries matching `filter` in (`createdAt`, `instanceId`) order, one page at a time. */
  readonly query: (
    access: Access,
    filter: IndexFilter,
    page: PageRequest
  ) => Effect.Effect<Page<IndexEntry>, StorageError>
}

/**
 * The workflow index port.
 *
 * @since 0.1.0
 * @category ports
 */
export class WorkflowIndex extends Context.Service<WorkflowIndex, WorkflowIndexService>()(
  "@workflow-manager/core/WorkflowIndex"
) {}
