/**
 * The event log: one document per commit in `workflow_events`, keyed `<instanceId>#<first
 * sequence>`, holding the commit's events (keys escaped, each with a `Date` copy of its instant),
 * the state after them, the command ids and a commit id (whether it is projected is a marker of its
 * own, see `projected.ts`). One insert is atomic
 * on every MongoDB-compatible server, so a commit is all or nothing; two writers at one expected
 * version build the same key and the unique `_id` lets exactly one insert land.
 */
import { randomUUID } from "node:crypto"
import {
  type Access,
  Conflict,
  fold,
  type StorageError,
  storageError,
  tenantAccess,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { Effect } from "effect"
import type { Document } from "mongodb"
import { isAmbiguousWriteError, isDuplicateKeyError } from "../classifyMongoError.js"
import { type Context, HEAD_CACHE_SIZE } from "./context.js"
import { decodeState, readEvent, toStored } from "./documents.js"
import { unescapeKeys } from "./escape.js"
import { instantDate } from "./instant.js"
import { claimOwner } from "./owners.js"
import { attempt } from "./run.js"
import { scoped } from "./scope.js"

/**
 * The `_id` of the commit whose first event has sequence `first`: `<tenant>/<instance>#<first>`.
 * The tenant is part of the key, so a read by `_id` filters on the tenant by construction — and a
 * filter on `_id` alone is the one FerretDB 1.24 answers from its index whether or not the document
 * exists (`{ _id, t }` is scanned when nothing matches). Identifiers have no `/` or `#`.
 */
export const commitKey = (tenantId: string, instanceId: string, first: number): string =>
  `${tenantId}/${instanceId}#${first}`

/** A stored commit. */
export interface CommitDoc extends Document {
  readonly _id: string
  readonly t: string
  readonly i: string
  readonly f: number
  readonly l: number
  readonly ev: ReadonlyArray<unknown>
  readonly at: ReadonlyArray<Date>
  readonly a: Date
  readonly c: ReadonlyArray<string>
  readonly st?: unknown
  /** The outbox messages the commit queues (stored form), absent when none. */
  readonly ms?: ReadonlyArray<unknown>
  readonly cid: string
  readonly ca: Date
}

/** The part of a collection the insert needs (a test wraps it to make a landed insert look failed). */
export interface InsertTarget {
  readonly insertOne: (doc: CommitDoc, options: object) => Promise<unknown>
  readonly findOne: (filter: Document, options: object) => Promise<Document | null>
}

/** How many times an insert whose outcome is unknown is tried again before it is reported unavailable. */
export const AMBIGUOUS_RETRIES = 3

/**
 * Inserts a commit and says whether it is in the log: `"inserted"`, or `"taken"` when its key holds
 * another commit. A duplicate key or an ambiguous failure (timeout, network error, failover) is
 * resolved by reading the key back: the same commit id means it landed — success, not a conflict.
 */
export const insertCommit = async (
  target: InsertTarget,
  doc: CommitDoc,
  writeConcern: object
): Promise<"inserted" | "taken"> => {
  const readBack = async () => {
    const back = await target.findOne({ _id: doc._id }, { projection: { cid: 1 } })
    return back === null ? undefined : back.cid === doc.cid ? "inserted" : "taken"
  }
  let last: unknown
  for (let tries = 0; tries <= AMBIGUOUS_RETRIES; tries++) {
    try {
      await target.insertOne(doc, { writeConcern })
      return "inserted"
    } catch (error) {
      if (isDuplicateKeyError(error)) return (await readBack()) ?? "taken"
      if (!isAmbiguousWriteError(error)) throw error
      last = error
      const resolved = await readBack().catch(() => undefined)
      if (resolved !== undefined) return resolved
      // not there (yet): the insert is tried again with the same key and commit id
    }
  }
  throw last
}

/** The `_id` of a command id's marker in `workflow_commands`: `<tenant>/<instance>/<command id>`. */
export const commandKey = (tenantId: string, instanceId: string, commandId: string): string =>
  `${tenantId}/${instanceId}/${commandId}`

/**
 * Records, before a commit is inserted, which commit a command id is about to write (`f`). The
 * first marker of an id stays (insert-only): a later commit of the same id is found by a scan.
 */
const markCommands = (
  ctx: Context,
  operation: string,
  tenantId: string,
  instanceId: string,
  commandIds: ReadonlyArray<string>,
  first: number
) =>
  commandIds.length === 0
    ? Effect.void
    : attempt(operation, () =>
        ctx.commands
          .insertMany(
            commandIds.map((c) => ({
              _id: commandKey(tenantId, instanceId, c) as never,
              t: tenantId,
              i: instanceId,
              f: first
            })),
            { ordered: false, writeConcern: ctx.writeConcern }
          )
          .catch((error: unknown) => {
            // markers that exist already are fine; anything else is a failed write
            const errors = (error as { writeErrors?: ReadonlyArray<{ code?: number }> }).writeErrors
            if (isDuplicateKeyError(error) || (Array.isArray(errors) && errors.every((e) => e.code === 11000))) return
            throw error
          })
      )

/** What a commit writes. */
export interface CommitInput {
  readonly access: Access
  readonly instanceId: string
  readonly tenantId: string
  readonly expectedVersion: number
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly state: WorkflowState | undefined
  /** The checked messages in their stored form (see `messages.ts`). */
  readonly messages?: ReadonlyArray<unknown>
}

const conflict = (operation: string, message: string, expectedVersion: number, actualVersion?: number) =>
  storageError(
    operation,
    new Conflict(
      actualVersion === undefined ? { message, expectedVersion } : { message, expectedVersion, actualVersion }
    )
  )

/** The last sequence of an instance in the scope (0 when it has no events there), by a sorted read. */
export const tailVersion = (ctx: Context, operation: string, access: Access, instanceId: string) =>
  attempt(operation, () =>
    ctx.events.findOne(scoped(access, { i: instanceId }), { sort: { f: -1 }, projection: { l: 1 } })
  ).pipe(Effect.map((doc) => (doc === null ? 0 : (doc.l as number))))

const headKey = (tenantId: string, instanceId: string): string => `${tenantId}/${instanceId}`

/** Remembers a commit boundary (and the state after it) this process has seen. */
export const rememberHead = (
  ctx: Context,
  tenantId: string,
  instanceId: string,
  v: number,
  state: WorkflowState | undefined
): void => {
  const key = headKey(tenantId, instanceId)
  const known = ctx.heads.get(key)
  if (known !== undefined && known.v >= v) return
  if (ctx.heads.size >= HEAD_CACHE_SIZE) ctx.heads.clear()
  ctx.heads.set(key, { v, state })
}

/** How many commits a walk follows by `_id` before it falls back to a sorted read. */
const MAX_WALK = 16

/**
 * Follows the log forward from a known boundary by `_id` (`<instance>#<v + 1>`, ...) — the reads
 * every MongoDB-compatible server answers from its primary key — to the tail. `undefined` when the
 * walk is too long, or meets a commit without a state while `withState`.
 */
const walk = (
  ctx: Context,
  operation: string,
  tenantId: string,
  instanceId: string,
  from: { readonly v: number; readonly state: WorkflowState | undefined },
  withState: boolean
) =>
  Effect.gen(function* () {
    let head = from
    for (let n = 0; n < MAX_WALK; n++) {
      const next = yield* attempt(operation, () =>
        ctx.events.findOne(
          { _id: commitKey(tenantId, instanceId, head.v + 1) as never },
          { projection: withState ? { l: 1, st: 1 } : { l: 1 } }
        )
      )
      if (next === null) return head
      if (withState && next.st === undefined) return undefined
      head = {
        v: next.l as number,
        state: withState ? yield* decodeState(operation, unescapeKeys(next.st)) : undefined
      }
    }
    return undefined
  })

/**
 * The newest state of an instance from a commit known to hold a state: followed by `_id` to the
 * tail, else read with {@link currentState}.
 */
export const latestFrom = (
  ctx: Context,
  operation: string,
  tenantId: string,
  instanceId: string,
  head: { readonly v: number; readonly state: WorkflowState }
): Effect.Effect<WorkflowState | undefined, StorageError> =>
  Effect.flatMap(walk(ctx, operation, tenantId, instanceId, head, true), (found) =>
    found?.state !== undefined
      ? Effect.succeed(found.state)
      : currentState(ctx, operation, tenantAccess(tenantId), instanceId)
  )

/** The instance's last sequence for a commit's expected-version check: from a known head by `_id`, else a sorted read. */
const versionFor = (ctx: Context, operation: string, tenantId: string, instanceId: string, expected: number) =>
  Effect.gen(function* () {
    const known = ctx.heads.get(headKey(tenantId, instanceId))
    if (known !== undefined) {
      if (known.v >= expected) return known.v // a boundary: the insert's key settles the rest
      const head = yield* walk(ctx, operation, tenantId, instanceId, known, false)
      if (head !== undefined) return head.v
    }
    return yield* tailVersion(ctx, operation, tenantAccess(tenantId), instanceId)
  })

/**
 * Writes one commit at the expected version: at version 0 the instance id is claimed for the
 * tenant first (another tenant's id is a `Conflict`, as if simply taken); above 0 the tail of the
 * log must be at the expected version (a stale or future version is a `Conflict`). The insert's
 * unique key settles every race after that check.
 */
export const writeCommit = (
  ctx: Context,
  operation: string,
  input: CommitInput,
  now: number,
  beforeInsert: Effect.Effect<void> = Effect.void
) =>
  Effect.gen(function* () {
    const { instanceId, tenantId, expectedVersion, events } = input
    if (expectedVersion === 0) {
      const ours = yield* claimOwner(ctx, operation, tenantId, instanceId)
      if (!ours) return yield* conflict(operation, `instance id ${instanceId} is taken`, 0)
    } else {
      const actual = yield* versionFor(ctx, operation, tenantId, instanceId, expectedVersion)
      if (actual !== expectedVersion) {
        return yield* conflict(operation, `instance ${instanceId} is at version ${actual}`, expectedVersion, actual)
      }
    }
    const stored: Array<unknown> = []
    const at: Array<Date> = []
    const commands = new Set<string>()
    for (const [n, event] of events.entries()) {
      stored.push(yield* toStored(operation, `event ${n}`, event, ctx.maxDocumentBytes))
      at.push(instantDate(event.occurredAt))
      if (event.commandId !== undefined) commands.add(event.commandId)
    }
    const first = expectedVersion + 1
    // a command id's marker goes first, so a missing marker proves the id recorded nothing
    yield* markCommands(ctx, operation, tenantId, instanceId, [...commands], first)
    const doc: CommitDoc = {
      _id: commitKey(tenantId, instanceId, first),
      t: tenantId,
      i: instanceId,
      f: first,
      l: expectedVersion + events.length,
      ev: stored,
      at,
      a: new Date(Math.min(...at.map((d) => d.getTime()))),
      c: [...commands],
      ...(input.state === undefined
        ? {}
        : { st: yield* toStored(operation, "state", input.state, ctx.maxDocumentBytes) }),
      ...(input.messages === undefined || input.messages.length === 0 ? {} : { ms: input.messages }),
      cid: randomUUID(),
      ca: new Date(now)
    }
    yield* beforeInsert
    const outcome = yield* attempt(operation, () =>
      insertCommit(ctx.events as unknown as InsertTarget, doc, ctx.writeConcern)
    )
    if (outcome === "taken") {
      return yield* conflict(operation, `another commit holds version ${first} of ${instanceId}`, expectedVersion)
    }
    rememberHead(ctx, tenantId, instanceId, doc.l, input.state)
    return doc
  })

/** The events of stored commits (in the order given), optionally only those that pass `keep`. */
export const eventsOf = (
  operation: string,
  docs: ReadonlyArray<Document>,
  keep: (event: WorkflowEvent) => boolean = () => true
): Effect.Effect<ReadonlyArray<WorkflowEvent>, StorageError> =>
  Effect.gen(function* () {
    const out: Array<WorkflowEvent> = []
    for (const doc of docs) {
      for (const stored of doc.ev as ReadonlyArray<unknown>) {
        const event = yield* readEvent(operation, stored)
        if (keep(event)) out.push(event)
      }
    }
    return out
  })

/** Commits of an instance in the scope, oldest first, without their states. */
export const readCommits = (ctx: Context, operation: string, access: Access, instanceId: string, rest: Document) =>
  attempt(operation, () =>
    ctx.events
      .find(scoped(access, { i: instanceId, ...rest }), { projection: { st: 0, ms: 0 } })
      .sort({ f: 1 })
      .toArray()
  )

/**
 * The current state of an instance from the tail of its log: the newest commit's state, or — when
 * the newest commits were appended without one — the newest stored state caught up with the
 * events after it. `undefined` when the scope sees no events of the instance.
 */
export const currentState = (
  ctx: Context,
  operation: string,
  access: Access,
  instanceId: string
): Effect.Effect<WorkflowState | undefined, StorageError> =>
  Effect.map(readCurrent(ctx, operation, access, instanceId), (r) => r.state)

/** {@link currentState}, and whether it was folded from events (no stored state was current). */
export const readCurrent = (
  ctx: Context,
  operation: string,
  access: Access,
  instanceId: string
): Effect.Effect<{ readonly state: WorkflowState | undefined; readonly folded: boolean }, StorageError> =>
  Effect.gen(function* () {
    const known = access._tag === "Tenant" ? ctx.heads.get(headKey(access.tenantId, instanceId)) : undefined
    if (access._tag === "Tenant" && known?.state !== undefined) {
      const head = yield* walk(ctx, operation, access.tenantId, instanceId, known, true)
      if (head?.state !== undefined) {
        rememberHead(ctx, access.tenantId, instanceId, head.v, head.state)
        return { state: head.state, folded: false }
      }
    }
    const found = yield* scanCurrent(ctx, operation, access, instanceId)
    if (found.state !== undefined) {
      rememberHead(ctx, found.state.tenantId, instanceId, found.state.version, found.state)
    }
    return found
  })

const scanCurrent = (ctx: Context, operation: string, access: Access, instanceId: string) =>
  Effect.gen(function* () {
    const newest = yield* attempt(operation, () =>
      ctx.events.findOne(scoped(access, { i: instanceId }), { sort: { f: -1 } })
    )
    if (newest === null) return { state: undefined, folded: false }
    if (newest.st !== undefined) return { state: yield* decodeState(operation, unescapeKeys(newest.st)), folded: false }
    const base = yield* attempt(operation, () =>
      ctx.events.findOne(scoped(access, { i: instanceId, st: { $exists: true } }), {
        sort: { f: -1 },
        projection: { l: 1, st: 1 }
      })
    )
    const snapshot = base === null ? undefined : yield* decodeState(operation, unescapeKeys(base.st))
    const later = yield* readCommits(ctx, operation, access, instanceId, { f: { $gt: snapshot?.version ?? 0 } })
    return { state: fold(yield* eventsOf(operation, later), snapshot), folded: true }
  })
