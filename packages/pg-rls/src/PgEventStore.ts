/**
 * The event store on PostgreSQL: table `workflow_events`, primary key (instance_id, sequence).
 *
 * An append is one statement, `wm_commit(...)`, which enters the scope, checks that the
 * instance's last visible sequence equals the expected version, and inserts the batch; of two
 * racing appends the primary key lets exactly one insert, the other fails with `23505` — both
 * outcomes surface as a `Conflict`. Reads are one statement too (`wm_read_events`).
 *
 * @since 0.1.0
 */
import type { EventStoreService, StorageError, WorkflowEvent } from "@workflow-manager/core"
import { Effect } from "effect"
import { decodeAll, decodeEvent, prepareEvents } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { COMMIT_SQL, READ_EVENTS_SQL } from "./internal/sql.js"
import { checkIdentifier, checkInstant, checkInt, checkScope, checkText } from "./internal/validate.js"
import { scopeArgs } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/**
 * Builds the event store over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEventStore = (config: StoreConfig): EventStoreService => {
  const { client } = config

  const readWith = (
    operation: string,
    access: Parameters<EventStoreService["read"]>[0],
    instanceId: string,
    filter: { from?: number | undefined; to?: number | undefined; until?: string; commandId?: string }
  ): Effect.Effect<ReadonlyArray<WorkflowEvent>, StorageError> =>
    Effect.gen(function* () {
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      const [tenant, appRole] = scopeArgs(access)
      const rows = yield* attempt(operation, () =>
        client.query<{ doc: unknown }>(READ_EVENTS_SQL, [
          tenant,
          appRole,
          instanceId,
          filter.from ?? null,
          filter.to ?? null,
          filter.until ?? null,
          filter.commandId ?? null
        ])
      )
      return yield* decodeAll(operation, rows, decodeEvent)
    })

  return {
    append: (access, events, expectedVersion) =>
      Effect.gen(function* () {
        const operation = "EventStore.append"
        yield* checkScope(operation, access)
        const batch = yield* prepareEvents(operation, access, events, expectedVersion, config.maxDocumentBytes)
        if (events.length === 0) return
        const [tenant, appRole] = scopeArgs(access)
        yield* attempt(
          operation,
          () => client.query(COMMIT_SQL, [tenant, appRole, expectedVersion, batch.json, null, null, null]),
          { expectedVersion, tenantId: batch.tenantId, instanceId: batch.instanceId }
        )
      }),
    read: (access, instanceId, range) =>
      Effect.gen(function* () {
        const operation = "EventStore.read"
        const from =
          range?.from === undefined ? undefined : yield* checkInt(operation, "range.from", range.from, 0, 2_147_483_647)
        const to =
          range?.to === undefined ? undefined : yield* checkInt(operation, "range.to", range.to, 0, 2_147_483_647)
        return yield* readWith(operation, access, instanceId, { from, to })
      }),
    readUntil: (access, instanceId, instant) =>
      Effect.gen(function* () {
        const operation = "EventStore.readUntil"
        const until = yield* checkInstant(operation, "instant", instant)
        return yield* readWith(operation, access, instanceId, { until })
      }),
    readByCommand: (access, instanceId, commandId) =>
      Effect.gen(function* () {
        const operation = "EventStore.readByCommand"
        yield* checkText(operation, "command id", commandId, 500)
        return yield* readWith(operation, access, instanceId, { commandId })
      })
  }
}
