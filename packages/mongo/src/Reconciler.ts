/**
 * The reconciler of the PostgreSQL + MongoDB split (and of the MongoDB-only index): it finds
 * commits not yet confirmed projected (every commit is inserted so; among them those whose index
 * write failed or was never made — a crash between the two databases) older than a grace period,
 * queues their outbox messages (a message queued already is a no-op), brings each instance's index
 * entry up to the newest state in the log with a version-guarded write (an entry already up to
 * date is not written), then marks those commits projected in one insert of markers.
 *
 * It is idempotent and safe to run twice or in two processes at once: the index write never moves
 * an entry backwards, and marking a commit projected twice changes nothing. It is driven per tenant
 * (`reconcile(tenantId)`); `tenants()` lists the tenants that have unprojected commits and
 * `reconcileAll()` goes through them. `lag(access)` reports how many commits wait and the oldest.
 *
 * @since 0.1.0
 */
import {
  type Access,
  entryOf,
  type StorageError,
  tenantAccess,
  type WorkflowIndexService
} from "@workflow-manager/core"
import { Clock, Effect, Context as EffectContext } from "effect"
import type { Document } from "mongodb"
import type { Context } from "./internal/context.js"
import { decodeState } from "./internal/documents.js"
import { unescapeKeys } from "./internal/escape.js"
import { unprojectedLag } from "./internal/lag.js"
import { currentState, latestFrom } from "./internal/log.js"
import { queueMessages } from "./internal/messages.js"
import { markProjected, unprojected } from "./internal/projected.js"
import { attempt } from "./internal/run.js"
import { checkIdentifier, checkInt, checkScope, invalid } from "./internal/validate.js"

/**
 * Options of a run.
 *
 * @since 0.1.0
 * @category reconciler
 */
export interface ReconcileOptions {
  /** Only commits written at least this long ago (ms; default 30 000): younger ones may still be projecting. */
  readonly graceMs?: number
  /** At most this many unprojected commits per run (default 1000). */
  readonly limit?: number
}

/**
 * What a run did.
 *
 * @since 0.1.0
 * @category reconciler
 */
export interface ReconcileReport {
  /** Unprojected commits found. */
  readonly scanned: number
  /** Instances they belong to. */
  readonly instances: number
  /** Index entries written (an entry already up to date is not written again). */
  readonly indexWrites: number
  /** Outbox messages queued (those of commits whose queueing a crash or failure cut short). */
  readonly queued: number
  /** Commits marked projected. */
  readonly marked: number
  /** Instances whose index write failed (they stay unprojected for the next run). */
  readonly failed: ReadonlyArray<{ readonly instanceId: string; readonly message: string }>
}

/**
 * How far the index lags behind the log.
 *
 * @since 0.1.0
 * @category reconciler
 */
export interface LagMetrics {
  /** Commits not yet confirmed projected (every one: a call reads up to 1,000,000 commits of the scope). */
  readonly unprojected: number
  /** When the oldest of them was written (ISO instant), if any. */
  readonly oldestUnprojectedAt: string | undefined
  /** Its age in ms (0 when none). */
  readonly lagMs: number
}

/**
 * The reconciler.
 *
 * @since 0.1.0
 * @category reconciler
 */
export interface ReconcilerService {
  /** One pass over a tenant's unprojected commits. */
  readonly reconcile: (tenantId: string, options?: ReconcileOptions) => Effect.Effect<ReconcileReport, StorageError>
  /** The tenants that have commits (at most 10 000): the ones `reconcileAll` goes through. */
  readonly tenants: Effect.Effect<ReadonlyArray<string>, StorageError>
  /** `reconcile` for every tenant of `tenants`, one after the other; the reports summed. */
  readonly reconcileAll: (options?: ReconcileOptions) => Effect.Effect<ReconcileReport, StorageError>
  /**
   * Lag metrics within a scope (a tenant's; the system and operator scopes: every tenant's) — a
   * worker's "reconciler lag" gauge: commits waiting, and the age of the oldest. One read of the
   * scope's commit keys and one of its markers, whatever their number.
   */
  readonly lag: (access: Access) => Effect.Effect<LagMetrics, StorageError>
}

/**
 * The reconciler service tag.
 *
 * @since 0.1.0
 * @category reconciler
 */
export class Reconciler extends EffectContext.Service<Reconciler, ReconcilerService>()(
  "@workflow-manager/mongo/Reconciler"
) {}

interface Projected {
  readonly key: string
  readonly t: string
  readonly i: string
  readonly l: number
}

const EMPTY: ReconcileReport = { scanned: 0, instances: 0, indexWrites: 0, queued: 0, marked: 0, failed: [] }

const add = (a: ReconcileReport, b: ReconcileReport): ReconcileReport => ({
  scanned: a.scanned + b.scanned,
  instances: a.instances + b.instances,
  indexWrites: a.indexWrites + b.indexWrites,
  queued: a.queued + b.queued,
  marked: a.marked + b.marked,
  failed: [...a.failed, ...b.failed]
})

/**
 * Builds the reconciler over the log and the index it repairs.
 *
 * @internal
 */
export const makeReconciler = (ctx: Context, index: WorkflowIndexService): ReconcilerService => {
  const operation = "Reconciler.reconcile"
  /** Brings one instance's entry up to its newest state; its commits now projected. */
  const instance = (tenantId: string, instanceId: string, docs: ReadonlyArray<Document>, now: number) =>
    Effect.gen(function* () {
      const access = tenantAccess(tenantId)
      // the messages first: a commit is marked projected only once its messages are queued
      const queued = yield* queueMessages(ctx, operation, docs as ReadonlyArray<{ readonly _id: string }>, now)
      let newest: Document | undefined
      for (const d of docs)
        if (d.st !== undefined && (newest === undefined || (d.l as number) > (newest.l as number))) newest = d
      const state =
        newest === undefined
          ? yield* currentState(ctx, operation, access, instanceId)
          : yield* latestFrom(ctx, operation, tenantId, instanceId, {
              v: newest.l as number,
              state: yield* decodeState(operation, unescapeKeys(newest.st))
            })
      if (state === undefined) {
        return { report: { ...EMPTY, instances: 1, queued }, projected: [] as ReadonlyArray<Projected> }
      }
      const wrote = yield* index.upsert(access, entryOf(state))
      return {
        report: { ...EMPTY, instances: 1, indexWrites: wrote ? 1 : 0, queued },
        projected: docs
          .filter((d) => (d.l as number) <= state.version)
          .map((d): Projected => ({ key: d._id as unknown as string, t: tenantId, i: instanceId, l: d.l as number }))
      }
    }).pipe(
      Effect.catch((error) =>
        Effect.succeed({
          report: { ...EMPTY, instances: 1, failed: [{ instanceId, message: error.message }] },
          projected: [] as ReadonlyArray<Projected>
        })
      )
    )
  const reconcile: ReconcilerService["reconcile"] = (tenantId, given) =>
    Effect.gen(function* () {
      yield* checkIdentifier(operation, "tenant id", tenantId)
      if (given !== undefined && (given === null || typeof given !== "object")) {
        return yield* Effect.fail(invalid(operation, "options must be an object { graceMs?, limit? }"))
      }
      const options: ReconcileOptions = given ?? {}
      const graceMs = yield* checkInt(operation, "graceMs", options.graceMs ?? 30_000, 0, 2_147_483_647)
      const limit = yield* checkInt(operation, "limit", options.limit ?? 1000, 1, 100_000)
      const now = yield* Clock.currentTimeMillis
      const docs = yield* unprojected(
        ctx,
        operation,
        { t: tenantId, ca: { $lte: new Date(now - graceMs) } },
        { order: 1, limit, projection: { st: 1, ms: 1 } }
      )
      const byInstance = new Map<string, Array<Document>>()
      for (const d of docs) {
        const list = byInstance.get(d.i as string) ?? []
        list.push(d)
        byInstance.set(d.i as string, list)
      }
      const done = yield* Effect.forEach([...byInstance], ([id, commits]) => instance(tenantId, id, commits, now), {
        concurrency: 4
      })
      // one insert of markers for the whole pass
      const marked = yield* markProjected(
        ctx,
        operation,
        done.flatMap((d) => d.projected)
      )
      return done.map((d) => d.report).reduce(add, { ...EMPTY, scanned: docs.length, marked })
    })
  const tenants = attempt("Reconciler.tenants", () => ctx.events.distinct("t", { t: { $exists: true } })).pipe(
    Effect.map((ts) =>
      (ts as ReadonlyArray<unknown>).filter((t): t is string => typeof t === "string").slice(0, 10_000)
    )
  )
  return {
    reconcile,
    tenants,
    reconcileAll: (options) =>
      Effect.flatMap(tenants, (ts) =>
        Effect.reduce(
          ts,
          () => EMPTY,
          (total, tenantId) => Effect.map(reconcile(tenantId, options), (r) => add(total, r))
        )
      ),
    lag: (access) =>
      Effect.gen(function* () {
        const op = "Reconciler.lag"
        yield* checkScope(op, access)
        const { count, oldest } = yield* unprojectedLag(ctx, op, access)
        const now = yield* Clock.currentTimeMillis
        return {
          unprojected: count,
          oldestUnprojectedAt: oldest?.toISOString(),
          lagMs: oldest === undefined ? 0 : Math.max(0, now - oldest.getTime())
        }
      })
  }
}
