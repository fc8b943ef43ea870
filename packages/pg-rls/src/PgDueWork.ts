/**
 * Due work on PostgreSQL: the index entries whose `nextDueAt` has come (column `next_due_at`, with
 * its partial indexes), handed out to workers under leases kept in `workflow_due_leases` (one per
 * instance, tied to the instance's owner like every instance table, under row-level security).
 *
 * `claim` is one statement (`wm_due_claim`): it picks the due index rows no running lease holds,
 * oldest due first, with `FOR UPDATE SKIP LOCKED` — so concurrent claimers neither wait for each
 * other nor pick the same rows — and leases them with an upsert that never overwrites a running
 * lease, which makes the claim exact even against a claimer that committed a moment earlier: two
 * claims never both get an instance while its lease runs. `release` (`wm_due_release`) ends the
 * owner's own leases; `stats` (`wm_due_stats`) counts due and leased instances in one round trip.
 *
 * A tenant scope claims its own instances; the system scope (`systemAccess`, a worker) and the
 * operator's claim every tenant's. The system scope may lock index rows for a claim but never
 * writes one.
 *
 * @since 0.1.0
 */
import type { DueItem, DueWorkService } from "@workflow-manager/core"
import { Effect } from "effect"
import { attempt } from "./internal/query.js"
import { instant } from "./internal/rows.js"
import { DUE_CLAIM_SQL, DUE_RELEASE_SQL, DUE_STATS_SQL } from "./internal/sql.js"
import { checkIdentifier, checkInstant, checkInt, checkScope, checkText, invalid } from "./internal/validate.js"
import { scopeArgs } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/** The longest lease a claim may take: one day. */
const MAX_LEASE_MS = 86_400_000

/** The most instances one claim or release names. */
const MAX_BATCH = 500

interface ClaimRow {
  readonly tenant_id: string
  readonly instance_id: string
  readonly version: number
  readonly due_at: string
}

interface StatsRow {
  readonly due: number
  readonly leased: number
  readonly oldest_due_at: unknown
}

/**
 * Builds the due-work queue over a client.
 *
 * @example
 * ```ts
 * import { systemAccess } from "@workflow-manager/core"
 * import { makeDueWork, type PgClient } from "@workflow-manager/pg-rls"
 * import { Effect } from "effect"
 *
 * declare const client: PgClient
 * const dueWork = makeDueWork({ client, maxDocumentBytes: 1_048_576 })
 * const worker = systemAccess("worker-1")
 * const round = Effect.gen(function* () {
 *   const due = yield* dueWork.claim(worker, {
 *     owner: "worker-1",
 *     now: new Date().toISOString(),
 *     leaseMs: 30_000,
 *     limit: 50
 *   })
 *   // ... handle each instance at `item.version` (tenantAccess(item.tenantId)), then:
 *   yield* dueWork.release(worker, { owner: "worker-1", instanceIds: due.map((item) => item.instanceId) })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDueWork = (config: StoreConfig): DueWorkService => {
  const { client } = config
  return {
    claim: (access, request) =>
      Effect.gen(function* () {
        const operation = "DueWork.claim"
        yield* checkScope(operation, access)
        if (request === null || typeof request !== "object") {
          return yield* Effect.fail(invalid(operation, "missing claim request"))
        }
        const owner = yield* checkText(operation, "owner", request.owner, 200)
        const now = yield* checkInstant(operation, "now", request.now)
        const leaseMs = yield* checkInt(operation, "leaseMs", request.leaseMs, 1, MAX_LEASE_MS)
        const limit = yield* checkInt(operation, "limit", request.limit, 1, MAX_BATCH)
        const leaseUntil = new Date(Date.parse(now) + leaseMs).toISOString()
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(operation, () =>
          client.query<ClaimRow>(DUE_CLAIM_SQL, [tenant, appRole, owner, now, leaseUntil, limit])
        )
        return rows.map(
          (row): DueItem => ({
            tenantId: row.tenant_id,
            instanceId: row.instance_id,
            version: row.version,
            dueAt: row.due_at
          })
        )
      }),
    release: (access, release) =>
      Effect.gen(function* () {
        const operation = "DueWork.release"
        yield* checkScope(operation, access)
        if (release === null || typeof release !== "object") {
          return yield* Effect.fail(invalid(operation, "missing release"))
        }
        const owner = yield* checkText(operation, "owner", release.owner, 200)
        if (!Array.isArray(release.instanceIds) || release.instanceIds.length > MAX_BATCH) {
          return yield* Effect.fail(invalid(operation, `instanceIds must be an array of at most ${MAX_BATCH} ids`))
        }
        const ids: Array<string> = []
        for (const id of release.instanceIds) ids.push(yield* checkIdentifier(operation, "instance id", id))
        if (ids.length === 0) return
        const [tenant, appRole] = scopeArgs(access)
        yield* attempt(operation, () => client.query(DUE_RELEASE_SQL, [tenant, appRole, owner, ids]))
      }),
    stats: (access, now) =>
      Effect.gen(function* () {
        const operation = "DueWork.stats"
        yield* checkScope(operation, access)
        const at = yield* checkInstant(operation, "now", now)
        const [tenant, appRole] = scopeArgs(access)
        const [row] = yield* attempt(operation, () => client.query<StatsRow>(DUE_STATS_SQL, [tenant, appRole, at]))
        const oldest = row?.oldest_due_at ?? null
        return {
          due: row?.due ?? 0,
          leased: row?.leased ?? 0,
          ...(oldest === null ? {} : { oldestDueAt: instant(oldest) })
        }
      })
  }
}
