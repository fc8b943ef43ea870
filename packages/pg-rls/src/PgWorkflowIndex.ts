/**
 * The workflow index on PostgreSQL: table `workflow_instances_index`, the query projection.
 *
 * `upsert` is version-guarded (`... WHERE index.version < EXCLUDED.version`); `query` filters on
 * tenant, status, market role, current step, template, `updatedSince` and `dueBy` (the entry's
 * `nextDueAt`, in the `next_due_at` column with a partial index of due instances by time), and pages by keyset on
 * the immutable (`created_at`, `instance_id`) order: a page starts strictly after the cursor's
 * position, so entries inserted or updated meanwhile never make a page repeat or skip one that
 * existed when the first page was read.
 *
 * @since 0.1.0
 */
import {
  decodeCursor,
  encodeCursor,
  type IndexEntry,
  type IndexFilter,
  type Page,
  type PageRequest,
  type WorkflowIndexService,
  WorkflowStatus
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { decodeAll, decodeEntry, prepareEntry } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { COMMIT_SQL, type CommitRow, GET_ENTRIES_SQL } from "./internal/sql.js"
import {
  checkIdentifier,
  checkInstant,
  checkInt,
  checkScope,
  checkText,
  checkUuid,
  invalid
} from "./internal/validate.js"
import { scopeArgs, withTenant } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/**
 * The largest page `query` returns.
 *
 * @since 0.1.0
 * @category index
 */
export const MAX_PAGE_SIZE = 500

const isStatus = Schema.is(WorkflowStatus)

/**
 * Builds the workflow index over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWorkflowIndex = (config: StoreConfig): WorkflowIndexService => {
  const { client } = config

  const query = (access: Parameters<WorkflowIndexService["query"]>[0], filter: IndexFilter, page: PageRequest) =>
    Effect.gen(function* () {
      const operation = "WorkflowIndex.query"
      yield* checkScope(operation, access)
      const limit = yield* checkInt(operation, "page limit", page?.limit, 1, MAX_PAGE_SIZE)
      const where: Array<string> = []
      const params: Array<unknown> = []
      const param = (value: unknown): string => {
        params.push(value)
        return `$${params.length}`
      }
      // defence in depth and index use: a tenant scope filters on its tenant explicitly, RLS again
      if (access._tag === "Tenant") where.push(`tenant_id = ${param(access.tenantId)}::uuid`)
      if (filter.tenantId !== undefined) {
        where.push(`tenant_id = ${param(yield* checkUuid(operation, "filter.tenantId", filter.tenantId))}::uuid`)
      }
      if (filter.status !== undefined) {
        if (!Array.isArray(filter.status) || !filter.status.every(isStatus)) {
          return yield* Effect.fail(invalid(operation, "filter.status must be an array of workflow statuses"))
        }
        where.push(`status = any (${param([...filter.status])}::text[])`)
      }
      if (filter.marketRole !== undefined) {
        where.push(`market_role = ${param(yield* checkText(operation, "filter.marketRole", filter.marketRole, 200))}`)
      }
      if (filter.currentStepId !== undefined) {
        where.push(
          `current_step_id = ${param(yield* checkIdentifier(operation, "filter.currentStepId", filter.currentStepId))}`
        )
      }
      if (filter.templateId !== undefined) {
        where.push(`template_id = ${param(yield* checkIdentifier(operation, "filter.templateId", filter.templateId))}`)
      }
      if (filter.updatedSince !== undefined) {
        where.push(
          `updated_at >= ${param(yield* checkInstant(operation, "filter.updatedSince", filter.updatedSince))}::timestamptz`
        )
      }
      if (filter.dueBy !== undefined) {
        // an entry without nextDueAt has nothing due: it never matches
        where.push(`next_due_at <= ${param(yield* checkInstant(operation, "filter.dueBy", filter.dueBy))}::timestamptz`)
      }
      if (page.cursor !== undefined) {
        const position = typeof page.cursor === "string" ? decodeCursor(page.cursor) : undefined
        if (position === undefined)
          return yield* Effect.fail(invalid(operation, "the cursor is not one this index made"))
        const createdAt = yield* checkInstant(operation, "cursor position", position.createdAt)
        const instanceId = yield* checkIdentifier(operation, "cursor position", position.instanceId)
        where.push(`(created_at, instance_id) > (${param(createdAt)}::timestamptz, ${param(instanceId)})`)
      }
      const sql = `select entry as doc from workflow_instances_index${
        where.length === 0 ? "" : ` where ${where.join(" and ")}`
      } order by created_at, instance_id limit ${param(limit + 1)}`
      const rows = yield* attempt(operation, () =>
        withTenant(client, access, (tx) => tx.query<{ doc: unknown }>(sql, params))
      )
      const entries = yield* decodeAll(operation, rows, decodeEntry)
      const items = entries.slice(0, limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor:
          entries.length > limit && last !== undefined
            ? encodeCursor({ createdAt: last.createdAt, instanceId: last.instanceId })
            : undefined
      } satisfies Page<IndexEntry>
    })

  return {
    upsert: (access, entry) =>
      Effect.gen(function* () {
        const operation = "WorkflowIndex.upsert"
        yield* checkScope(operation, access)
        const json = yield* prepareEntry(operation, access, entry, config.maxDocumentBytes)
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(
          operation,
          () => client.query<CommitRow>(COMMIT_SQL, [tenant, appRole, 0, null, null, json, null]),
          { tenantId: entry.tenantId, instanceId: entry.instanceId }
        )
        return rows[0]?.index_written === true
      }),
    get: (access, instanceId) =>
      Effect.gen(function* () {
        const operation = "WorkflowIndex.get"
        yield* checkScope(operation, access)
        yield* checkIdentifier(operation, "instance id", instanceId)
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(operation, () =>
          client.query<{ doc: unknown }>(GET_ENTRIES_SQL, [tenant, appRole, [instanceId]])
        )
        const entries = yield* decodeAll(operation, rows, decodeEntry)
        return entries[0]
      }),
    query
  }
}
