/**
 * The outbox on PostgreSQL: table `workflow_outbox`, filled by `wm_commit` in the same statement
 * as the events that queue the messages, and delivered through this port. `claim` is one
 * statement (`wm_outbox_claim`): it picks the available messages — pending and due, or claimed
 * with an ended lease — in (`availableAt`, `sequence`, `id`) order with `FOR UPDATE SKIP LOCKED`,
 * so concurrent claimers never wait for each other nor take the same message, and leases them.
 * `complete` and `fail` (`wm_outbox_settle`) succeed only for the current claim (same owner and
 * attempt): a claimer whose lease was taken over gets a `Conflict`. `stats` (`wm_outbox_stats`)
 * counts waiting, available and dead messages in one round trip, on the outbox's partial indexes.
 *
 * A tenant scope delivers its own messages; the system scope (`systemAccess`, a worker) and the
 * operator's deliver every tenant's.
 *
 * @since 0.1.0
 */
import {
  type Access,
  type ClaimedMessage,
  type ClaimRef,
  Conflict,
  type OutboxService,
  type StorageError,
  storageError
} from "@workflow-manager/core"
import { Effect } from "effect"
import { decodeMessage } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { instant } from "./internal/rows.js"
import { CLAIM_SQL, OUTBOX_STATS_SQL, SETTLE_SQL } from "./internal/sql.js"
import { checkInstant, checkInt, checkScope, checkText, invalid } from "./internal/validate.js"
import { scopeArgs } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/** The longest lease a claim may take: one day. */
const MAX_LEASE_MS = 86_400_000

const checkClaim = (operation: string, claim: ClaimRef) =>
  Effect.gen(function* () {
    if (claim === null || typeof claim !== "object") return yield* Effect.fail(invalid(operation, "missing claim"))
    const id = yield* checkText(operation, "message id", claim.id, 600)
    const owner = yield* checkText(operation, "owner", claim.owner, 200)
    const claimAttempt = yield* checkInt(operation, "attempt", claim.attempt, 1, 2_147_483_647)
    return { id, owner, attempt: claimAttempt }
  })

/**
 * Builds the outbox over a client.
 *
 * @example
 * ```ts
 * import { systemAccess } from "@workflow-manager/core"
 * import { makeOutbox, type PgClient } from "@workflow-manager/pg-rls"
 * import { Effect } from "effect"
 *
 * declare const client: PgClient
 * const outbox = makeOutbox({ client, maxDocumentBytes: 1_048_576 })
 * const batch = outbox.claim(systemAccess("worker-1"), {
 *   owner: "worker-1",
 *   now: new Date().toISOString(),
 *   leaseMs: 30_000,
 *   limit: 50
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeOutbox = (config: StoreConfig): OutboxService => {
  const { client } = config

  const settle = (
    operation: string,
    access: Access,
    claim: ClaimRef,
    status: "done" | "dead" | "pending",
    error: string | null,
    retryAt: string | null
  ): Effect.Effect<void, StorageError> =>
    Effect.gen(function* () {
      yield* checkScope(operation, access)
      const ref = yield* checkClaim(operation, claim)
      const [tenant, appRole] = scopeArgs(access)
      const rows = yield* attempt(operation, () =>
        client.query<{ held: boolean }>(SETTLE_SQL, [
          tenant,
          appRole,
          ref.id,
          ref.owner,
          ref.attempt,
          status,
          error,
          retryAt
        ])
      )
      if (rows[0]?.held !== true) {
        return yield* Effect.fail(
          storageError(
            operation,
            new Conflict({ message: `the claim ${ref.attempt} of ${ref.owner} on message ${ref.id} is no longer held` })
          )
        )
      }
    })

  return {
    claim: (access, request) =>
      Effect.gen(function* () {
        const operation = "Outbox.claim"
        yield* checkScope(operation, access)
        if (request === null || typeof request !== "object") {
          return yield* Effect.fail(invalid(operation, "missing claim request"))
        }
        const owner = yield* checkText(operation, "owner", request.owner, 200)
        const now = yield* checkInstant(operation, "now", request.now)
        const leaseMs = yield* checkInt(operation, "leaseMs", request.leaseMs, 1, MAX_LEASE_MS)
        const limit = yield* checkInt(operation, "limit", request.limit, 1, 500)
        let kinds: Array<string> | null = null
        if (request.kinds !== undefined) {
          if (!Array.isArray(request.kinds) || request.kinds.length > 100) {
            return yield* Effect.fail(invalid(operation, "kinds must be an array of at most 100 kinds"))
          }
          kinds = []
          for (const kind of request.kinds) kinds.push(yield* checkText(operation, "kind", kind, 200))
        }
        const leaseUntil = new Date(Date.parse(now) + leaseMs).toISOString()
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(operation, () =>
          client.query<{ doc: unknown; attempt: number }>(CLAIM_SQL, [
            tenant,
            appRole,
            owner,
            now,
            leaseUntil,
            limit,
            kinds
          ])
        )
        const claimed: Array<ClaimedMessage> = []
        for (const row of rows) {
          const message = yield* decodeMessage(operation, row.doc)
          claimed.push({ ...message, attempt: row.attempt, owner, leaseUntil })
        }
        return claimed
      }),
    complete: (access, claim) => settle("Outbox.complete", access, claim, "done", null, null),
    fail: (access, claim, failure) =>
      Effect.gen(function* () {
        const operation = "Outbox.fail"
        if (failure === null || typeof failure !== "object") {
          return yield* Effect.fail(invalid(operation, "missing failure"))
        }
        if (typeof failure.error !== "string") {
          return yield* Effect.fail(invalid(operation, "failure.error must be a string"))
        }
        // kept as a diagnostic: NUL cannot be stored in text, and 2,000 characters say enough
        const error = failure.error.replaceAll("\u0000", "").slice(0, 2000)
        const retryAt =
          failure.retryAt === undefined ? null : yield* checkInstant(operation, "retryAt", failure.retryAt)
        return yield* settle(operation, access, claim, retryAt === null ? "dead" : "pending", error, retryAt)
      }),
    stats: (access, now) =>
      Effect.gen(function* () {
        const operation = "Outbox.stats"
        yield* checkScope(operation, access)
        const at = yield* checkInstant(operation, "now", now)
        const [tenant, appRole] = scopeArgs(access)
        const [row] = yield* attempt(operation, () =>
          client.query<{ waiting: number; available: number; oldest_available_at: unknown; dead: number }>(
            OUTBOX_STATS_SQL,
            [tenant, appRole, at]
          )
        )
        const oldest = row?.oldest_available_at ?? null
        return {
          waiting: row?.waiting ?? 0,
          available: row?.available ?? 0,
          ...(oldest === null ? {} : { oldestAvailableAt: instant(oldest) }),
          dead: row?.dead ?? 0
        }
      })
  }
}
