/**
 * The event store on MongoDB: collection `workflow_events`, one document per commit keyed
 * `<instanceId>#<first sequence>` (see `docs/adr/0008-mongo-one-document-per-commit.md`).
 *
 * An append is one insert of one document (after the expected-version check), so it is atomic on
 * every MongoDB-compatible server; of two appends racing at one version the unique `_id` lets one
 * land and the other fails with duplicate key 11000, reported as a `Conflict`. Reads filter on the
 * tenant first and return events in sequence order; `readUntil` compares instants exactly (a
 * `Date` copy narrows the documents on the server, a fixed-width key decides).
 *
 * @since 0.1.0
 */
import type { Access, EventStoreService, WorkflowEvent } from "@workflow-manager/core"
import { Clock, Effect } from "effect"
import type { Document } from "mongodb"
import { checkBatch } from "./internal/batch.js"
import type { Context } from "./internal/context.js"
import { instantDate, instantKey } from "./internal/instant.js"
import { commandKey, commitKey, eventsOf, readCommits, writeCommit } from "./internal/log.js"
import { attempt } from "./internal/run.js"
import { checkIdentifier, checkInstant, checkInt, checkScope, checkText, invalid } from "./internal/validate.js"

const MAX_SEQUENCE = 2_147_483_647

/** How many commits `readByCommand` follows by `_id` from a command's marker before it scans. */
const MAX_COMMAND_WALK = 32

/** Reads of an instance's events, shared by the event store and the write path. */
export const readEvents = (ctx: Context) => ({
  range: (access: Access, instanceId: string, range?: { readonly from?: number; readonly to?: number }) =>
    Effect.gen(function* () {
      const operation = "EventStore.read"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      if (range !== undefined && (range === null || typeof range !== "object")) {
        return yield* Effect.fail(invalid(operation, "range must be an object { from?, to? }"))
      }
      const from = range?.from === undefined ? 1 : yield* checkInt(operation, "range.from", range.from, 0, MAX_SEQUENCE)
      const to =
        range?.to === undefined ? MAX_SEQUENCE : yield* checkInt(operation, "range.to", range.to, 0, MAX_SEQUENCE)
      const docs = yield* readCommits(ctx, operation, access, instanceId, { l: { $gte: from }, f: { $lte: to } })
      return yield* eventsOf(operation, docs, (e) => e.sequence >= from && e.sequence <= to)
    }),
  until: (access: Access, instanceId: string, instant: string) =>
    Effect.gen(function* () {
      const operation = "EventStore.readUntil"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      yield* checkInstant(operation, "instant", instant)
      const limit = instantKey(instant)
      const docs = yield* readCommits(ctx, operation, access, instanceId, { a: { $lte: instantDate(instant) } })
      return yield* eventsOf(operation, docs, (e) => instantKey(e.occurredAt) <= limit)
    }),
  byCommand: (access: Access, instanceId: string, commandId: string) =>
    Effect.gen(function* () {
      const operation = "EventStore.readByCommand"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      yield* checkText(operation, "command id", commandId, 500)
      const keep = (e: WorkflowEvent) => e.commandId === commandId
      // by `_id` (tenant scopes): a command id without a marker (written before its first commit)
      // recorded nothing; with one, its commits (a rollback writes several) lie at or after the
      // marked sequence: follow the log from there by `_id`, and scan only when the walk is long
      if (access._tag === "Tenant") {
        const tenantId = access.tenantId
        const marker = yield* attempt(operation, () =>
          ctx.commands.findOne({ _id: commandKey(tenantId, instanceId, commandId) as never }, { projection: { f: 1 } })
        )
        if (marker === null) return []
        const walked: Array<Document> = []
        let next = marker.f as number
        for (let hop = 0; hop < MAX_COMMAND_WALK; hop++) {
          const doc = yield* attempt(operation, () =>
            ctx.events.findOne({ _id: commitKey(tenantId, instanceId, next) as never }, { projection: { st: 0 } })
          )
          if (doc === null) return yield* eventsOf(operation, walked, keep)
          if ((doc.c as ReadonlyArray<string>).includes(commandId)) walked.push(doc)
          next = (doc.l as number) + 1
        }
      }
      const docs = yield* readCommits(ctx, operation, access, instanceId, { c: commandId })
      return yield* eventsOf(operation, docs, keep)
    })
})

/**
 * Builds the event store. Events appended through it carry no state: their commit stays "not
 * projected" until the reconciler (or the next commit) brings the index up to them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEventStore = (ctx: Context): EventStoreService => {
  const reads = readEvents(ctx)
  return {
    append: (access, events, expectedVersion) =>
      Effect.gen(function* () {
        const operation = "EventStore.append"
        yield* checkScope(operation, access)
        const batch = yield* checkBatch(operation, access, events, expectedVersion)
        const now = yield* Clock.currentTimeMillis
        yield* writeCommit(ctx, operation, { access, ...batch, expectedVersion, state: undefined }, now)
      }),
    read: reads.range,
    readUntil: reads.until,
    readByCommand: reads.byCommand
  }
}
