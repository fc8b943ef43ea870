/**
 * The write path on MongoDB (`capabilities: { state: "atomic", index: "repaired", outbox:
 * "atomic" }`).
 *
 * `commit` inserts ONE document holding the command's events, the resulting state and its outbox
 * messages, keyed
 * `<instanceId>#<first sequence>` so that two writers at one expected version collide on the unique
 * `_id`, with journaled majority write concern; that insert is the acknowledgement point. An
 * ambiguous outcome (timeout, network error) is resolved by reading the key back. Then the
 * messages are copied into the queue `workflow_outbox` (see `MongoOutbox.ts`) and the index
 * entry is written (to MongoDB, or to PostgreSQL in the split), version-guarded; when that fails
 * the command has still happened: the result names the index as pending, the commit stays "not
 * projected", and the reconciler brings the entry up to date. After a successful index write the
 * commit is marked projected — by inserting a marker (`workflow_projected`), never by an update:
 * the write path only inserts and reads by `_id`.
 *
 * `load` reads the tail of the log: the newest commit holds the current state (one query), and
 * then — only when there is a state — the events of a command id (its marker, then its commits by
 * `_id`). Never at the same time: a load that sees a state sees its command's events.
 *
 * @since 0.1.0
 */
import {
  entryOf,
  type LoadResult,
  Misconfigured,
  type StorageError,
  storageError,
  type WorkflowEvent,
  type WorkflowIndexService,
  type WorkflowStoreService
} from "@workflow-manager/core"
import { Clock, Effect } from "effect"
import { checkBatch } from "./internal/batch.js"
import type { Context } from "./internal/context.js"
import { decodeState } from "./internal/documents.js"
import { readCurrent, writeCommit } from "./internal/log.js"
import { prepareMessages, queueMessages } from "./internal/messages.js"
import { markProjected } from "./internal/projected.js"
import { attempt } from "./internal/run.js"
import { checkIdentifier, checkScope, checkText, invalid } from "./internal/validate.js"
import { readEvents } from "./MongoEventStore.js"
import { makeInstanceStore } from "./MongoInstanceStore.js"

/**
 * The gaps between the writes of a commit, where a test may simulate a crash: between the MongoDB
 * writes (the instance id's owner or a command id's marker written, the commit not yet inserted),
 * after the MongoDB insert (before its messages are queued and the index written), after the
 * messages are queued (before the index write), and after the index write (before the commit's
 * "projected" marker is inserted).
 */
export type CrashPoint = "beforeInsert" | "afterInsert" | "afterQueue" | "afterIndex"

/** Test hooks: `crash` returns `true` to stop the commit at that point, as if the process died. */
export interface Faults {
  readonly crash: (point: CrashPoint, instanceId: string) => boolean
}

/** The defect a simulated crash raises. */
export class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash"
}

const crashAt = (faults: Faults | undefined, point: CrashPoint, instanceId: string): Effect.Effect<void> =>
  faults?.crash(point, instanceId) === true
    ? Effect.die(new SimulatedCrash(`simulated crash ${point} of ${instanceId}`))
    : Effect.void

const NOTHING_PENDING = { pending: [] } as const
const INDEX_PENDING = { pending: ["index"] } as const

const check = (ctx: Context): Effect.Effect<void, StorageError> =>
  Effect.gen(function* () {
    const operation = "WorkflowStore.check"
    yield* attempt(operation, () => ctx.db.command({ ping: 1 }))
    const indexes = yield* attempt(operation, () => ctx.events.listIndexes().toArray()).pipe(
      Effect.catch(() => Effect.succeed([] as ReadonlyArray<{ readonly name?: unknown }>))
    )
    if (!indexes.some((index) => index.name === "tail")) {
      return yield* storageError(
        operation,
        new Misconfigured({
          message:
            "the workflow_events indexes are missing: build the adapter with createIndexes (the default) or run ensureIndexes(db)"
        })
      )
    }
  })

/**
 * Builds the write path over the log and an index (MongoDB's or PostgreSQL's).
 *
 * @internal
 */
export const makeWriteStore = (ctx: Context, index: WorkflowIndexService, faults?: Faults): WorkflowStoreService => {
  const reads = readEvents(ctx)
  const instances = makeInstanceStore(ctx)
  return {
    capabilities: { state: "atomic", index: "repaired", outbox: "atomic" },
    load: (access, instanceId, commandId) =>
      Effect.gen(function* () {
        const operation = "WorkflowStore.load"
        yield* checkScope(operation, access)
        yield* checkIdentifier(operation, "instance id", instanceId)
        if (commandId !== undefined) yield* checkText(operation, "command id", commandId, 500)
        // the state first, then the command's events: a command id's marker is written before its
        // commit, so a read that starts after the state was seen finds the events of every commit
        // that state includes. Read at the same time, the events could be read before a commit that
        // the state read then sees — a state "held by another command" although it is this one's.
        const current = yield* readCurrent(ctx, operation, access, instanceId)
        const state = current.state
        // no state: the scope sees no events of the instance, so none of the command
        const prior: ReadonlyArray<WorkflowEvent> =
          commandId === undefined || state === undefined ? [] : yield* reads.byCommand(access, instanceId, commandId)
        if (current.folded && state !== undefined) {
          // events appended without a state (EventStore.append): store the caught-up projections, best effort
          yield* Effect.all([instances.save(access, state), index.upsert(access, entryOf(state))], {
            concurrency: 2,
            discard: true
          }).pipe(Effect.catch((error) => Effect.logWarning("read-repair of a stale projection failed", error)))
        }
        return { state, prior } satisfies LoadResult
      }),
    commit: (access, batch) =>
      Effect.gen(function* () {
        const operation = "WorkflowStore.commit"
        yield* checkScope(operation, access)
        if (batch === null || typeof batch !== "object")
          return yield* Effect.fail(invalid(operation, "missing commit batch"))
        if (!Array.isArray(batch.messages)) return yield* Effect.fail(invalid(operation, "messages must be an array"))
        const checked = yield* checkBatch(operation, access, batch.events, batch.expectedVersion)
        const messages = yield* prepareMessages(
          operation,
          batch.messages,
          checked.instanceId,
          checked.tenantId,
          ctx.maxDocumentBytes
        )
        const state = yield* decodeState(operation, batch.state)
        if (state.instanceId !== checked.instanceId || state.tenantId !== checked.tenantId) {
          return yield* Effect.fail(invalid(operation, "the state belongs to another instance than the events"))
        }
        if (state.version !== checked.lastSequence) {
          return yield* Effect.fail(
            invalid(operation, `the state has version ${state.version}, the last event ${checked.lastSequence}`)
          )
        }
        const now = yield* Clock.currentTimeMillis
        const doc = yield* writeCommit(
          ctx,
          operation,
          { access, ...checked, expectedVersion: batch.expectedVersion, state, messages },
          now,
          crashAt(faults, "beforeInsert", state.instanceId)
        )
        yield* crashAt(faults, "afterInsert", state.instanceId)
        // acknowledged from here on: the messages are in the commit; copying them into the queue
        // (a repeated id is a no-op) may fail or be cut short, then the reconciler makes the copy
        const queued =
          doc.ms === undefined
            ? true
            : yield* queueMessages(ctx, operation, [doc], now).pipe(
                Effect.as(true),
                Effect.catch((error) =>
                  Effect.as(
                    Effect.logWarning("queueing a commit's messages failed; the reconciler will queue them", error),
                    false
                  )
                )
              )
        yield* crashAt(faults, "afterQueue", state.instanceId)
        // a failed index write leaves the commit "not projected"
        const written = yield* index.upsert(access, entryOf(state)).pipe(
          Effect.as(true),
          Effect.catch((error) =>
            Effect.as(
              Effect.logWarning("index write after a commit failed; the reconciler will repair it", error),
              false
            )
          )
        )
        if (!written) return INDEX_PENDING
        yield* crashAt(faults, "afterIndex", state.instanceId)
        if (!queued) return NOTHING_PENDING // not marked projected: the reconciler queues the messages
        // an insert, not an update: see internal/projected.ts
        yield* markProjected(ctx, operation, [{ key: doc._id, t: doc.t, i: doc.i, l: doc.l }]).pipe(
          Effect.catch((error) => Effect.logWarning("marking a commit projected failed; the reconciler will", error))
        )
        return NOTHING_PENDING
      }),
    check: check(ctx)
  }
}
