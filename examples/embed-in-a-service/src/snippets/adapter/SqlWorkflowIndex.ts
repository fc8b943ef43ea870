/**
 * The workflow index: version-guarded entries, tenant-scoped filtered queries, keyset pagination
 * on (createdAt, instanceId).
 */
// #region workflow-index
import {
  covers,
  decodeCursor,
  encodeCursor,
  type IndexEntry,
  InvalidData,
  storageError,
  TenantViolation,
  type WorkflowIndexService
} from "@workflow-manager/core"
import { Effect } from "effect"
import { run, tenantOf } from "./run.ts"
import type { SqlClient } from "./SqlClient.ts"

export const makeWorkflowIndex = (client: SqlClient): WorkflowIndexService => ({
  upsert: (access, entry) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.upsert"
      if (!covers(access, entry.tenantId)) {
        return yield* storageError(
          operation,
          new TenantViolation({ message: `tenant ${entry.tenantId} is outside the access scope` })
        )
      }
      const written = yield* run(operation, () =>
        client.query(
          `INSERT INTO wm_index (instance_id, tenant_id, template_id, market_role, status, current_step_id, version, created_at, updated_at, next_due_at, entry)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (instance_id) DO UPDATE SET status = EXCLUDED.status, current_step_id = EXCLUDED.current_step_id,
             version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, next_due_at = EXCLUDED.next_due_at,
             entry = EXCLUDED.entry
           WHERE wm_index.version < EXCLUDED.version AND wm_index.tenant_id = EXCLUDED.tenant_id
           RETURNING instance_id`,
          [
            entry.instanceId,
            entry.tenantId,
            entry.templateId,
            entry.marketRole,
            entry.status,
            entry.currentStepId,
            entry.version,
            entry.createdAt,
            entry.updatedAt,
            entry.nextDueAt ?? null, // absent: nothing due, and no dueBy query matches the entry
            JSON.stringify(entry)
          ]
        )
      )
      if (written.rows.length > 0) return true
      const owner = yield* run(operation, () =>
        client.query<{ tenant_id: string }>("SELECT tenant_id FROM wm_index WHERE instance_id = $1", [entry.instanceId])
      )
      if (owner.rows[0]?.tenant_id !== entry.tenantId) {
        return yield* storageError(
          operation,
          new TenantViolation({ message: `instance ${entry.instanceId} belongs to another tenant` })
        )
      }
      return false
    }),
  get: (access, instanceId) =>
    run("WorkflowIndex.get", () =>
      client.query<{ entry: IndexEntry }>(
        "SELECT entry FROM wm_index WHERE instance_id = $1 AND ($2::text IS NULL OR tenant_id = $2)",
        [instanceId, tenantOf(access)]
      )
    ).pipe(Effect.map(({ rows }) => rows[0]?.entry)),
  query: (access, filter, page) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.query"
      if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 500) {
        return yield* storageError(
          operation,
          new InvalidData({ message: `page limit must be 1 to 500, got ${page.limit}` })
        )
      }
      const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor)
      if (page.cursor !== undefined && after === undefined) {
        return yield* storageError(operation, new InvalidData({ message: "malformed page cursor" }))
      }
      const { rows } = yield* run(operation, () =>
        client.query<{ entry: IndexEntry }>(
          `SELECT entry FROM wm_index
           WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR tenant_id = $2)
             AND ($3::text[] IS NULL OR status = ANY($3)) AND ($4::text IS NULL OR market_role = $4)
             AND ($5::text IS NULL OR current_step_id = $5) AND ($6::text IS NULL OR template_id = $6)
             AND ($7::timestamptz IS NULL OR updated_at >= $7) AND ($8::timestamptz IS NULL OR next_due_at <= $8)
             AND ($9::timestamptz IS NULL OR (created_at, instance_id) > ($9::timestamptz, $10::text))
           ORDER BY created_at, instance_id
           LIMIT $11`,
          [
            tenantOf(access),
            filter.tenantId ?? null,
            filter.status === undefined ? null : [...filter.status],
            filter.marketRole ?? null,
            filter.currentStepId ?? null,
            filter.templateId ?? null,
            filter.updatedSince ?? null,
            filter.dueBy ?? null,
            after?.createdAt ?? null,
            after?.instanceId ?? null,
            page.limit + 1 // one more than asked tells whether there is a next page
          ]
        )
      )
      const items = rows.slice(0, page.limit).map((row) => row.entry)
      const last = items.at(-1)
      return { items, nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor(last) : undefined }
    })
})
// #endregion workflow-index
