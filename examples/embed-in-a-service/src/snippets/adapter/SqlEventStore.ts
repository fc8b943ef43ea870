/**
 * The event store: append at an expected version, reads scoped by tenant.
 */
// #region event-store
import {
  Conflict,
  covers,
  type EventStoreService,
  InvalidData,
  storageError,
  TenantViolation,
  type WorkflowEvent
} from "@workflow-manager/core"
import { Effect } from "effect"
import { run, tenantOf } from "./run.ts"
import type { SqlClient } from "./SqlClient.ts"

const select = `SELECT event FROM wm_events WHERE instance_id = $1 AND ($2::text IS NULL OR tenant_id = $2)`

export const makeEventStore = (client: SqlClient): EventStoreService => {
  const events = (rows: Array<{ event: WorkflowEvent }>) => rows.map((row) => row.event)
  return {
    append: (access, batch, expectedVersion) =>
      Effect.gen(function* () {
        const operation = "EventStore.append"
        const first = batch[0]
        if (first === undefined)
          return yield* storageError(operation, new InvalidData({ message: "no events to append" }))
        const malformed = batch.findIndex(
          (e, i) =>
            e.instanceId !== first.instanceId || e.tenantId !== first.tenantId || e.sequence !== expectedVersion + i + 1
        )
        if (malformed >= 0) {
          return yield* storageError(
            operation,
            new InvalidData({ message: `event ${malformed} is not the next event of one instance` })
          )
        }
        if (!covers(access, first.tenantId)) {
          return yield* storageError(
            operation,
            new TenantViolation({ message: `tenant ${first.tenantId} is outside the access scope` })
          )
        }
        const outcome = yield* run(operation, () =>
          client.transaction(async (tx) => {
            const { rows } = await tx.query<{ tenant_id: string; sequence: number }>(
              "SELECT tenant_id, sequence FROM wm_events WHERE instance_id = $1 ORDER BY sequence DESC LIMIT 1",
              [first.instanceId]
            )
            const last = rows[0]
            if (last !== undefined && last.tenant_id !== first.tenantId) return { _tag: "OtherTenant" as const }
            if ((last?.sequence ?? 0) !== expectedVersion)
              return { _tag: "Stale" as const, actual: last?.sequence ?? 0 }
            // Two writers that both saw `expectedVersion` race here: the primary key lets one win,
            // the other fails with 23505, which classifySqlError turns into a Conflict.
            for (const event of batch) {
              await tx.query(
                "INSERT INTO wm_events (instance_id, sequence, tenant_id, command_id, occurred_at, event) VALUES ($1, $2, $3, $4, $5, $6)",
                [
                  event.instanceId,
                  event.sequence,
                  event.tenantId,
                  event.commandId ?? null,
                  event.occurredAt,
                  JSON.stringify(event)
                ]
              )
            }
            return { _tag: "Appended" as const }
          })
        )
        if (outcome._tag === "OtherTenant") {
          // the id is taken: say so as a database would, without revealing whose it is
          return yield* storageError(
            operation,
            new Conflict({ message: `instance ${first.instanceId} already has events`, expectedVersion })
          )
        }
        if (outcome._tag === "Stale") {
          return yield* storageError(
            operation,
            new Conflict({
              message: `expected version ${expectedVersion} but the workflow is at version ${outcome.actual}`,
              expectedVersion,
              actualVersion: outcome.actual
            })
          )
        }
      }),
    read: (access, instanceId, range) =>
      run("EventStore.read", () =>
        client.query<{ event: WorkflowEvent }>(
          `${select} AND ($3::int IS NULL OR sequence >= $3) AND ($4::int IS NULL OR sequence <= $4) ORDER BY sequence`,
          [instanceId, tenantOf(access), range?.from ?? null, range?.to ?? null]
        )
      ).pipe(Effect.map(({ rows }) => events(rows))),
    readUntil: (access, instanceId, instant) =>
      run("EventStore.readUntil", () =>
        client.query<{ event: WorkflowEvent }>(`${select} AND occurred_at <= $3::timestamptz ORDER BY sequence`, [
          instanceId,
          tenantOf(access),
          instant
        ])
      ).pipe(Effect.map(({ rows }) => events(rows))),
    readByCommand: (access, instanceId, commandId) =>
      run("EventStore.readByCommand", () =>
        client.query<{ event: WorkflowEvent }>(`${select} AND command_id = $3 ORDER BY sequence`, [
          instanceId,
          tenantOf(access),
          commandId
        ])
      ).pipe(Effect.map(({ rows }) => events(rows)))
  }
}
// #endregion event-store
