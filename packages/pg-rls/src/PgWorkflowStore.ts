/**
 * The atomic write path on PostgreSQL (`capabilities: { state: "atomic", index: "atomic", outbox:
 * "atomic" }`): a command costs two round trips. `load` is ONE statement, `wm_load(...)`: the state
 * snapshot, any newer events and the events of an idempotency key. `commit` is ONE statement,
 * `wm_commit(...)`, which is one transaction: check or claim the instance's owner, append at the
 * expected version, the two version-guarded upserts, and the outbox messages. Either all of it is
 * written or none, so a commit never leaves a projection pending and a message exists exactly when
 * its command happened.
 *
 * `check` verifies, in one statement run as `workflow_app`, that the database is reachable and
 * migrated, and that the application role has no way out of row-level security.
 *
 * @since 0.1.0
 */
import {
  type CommitResult,
  entryOf,
  fold,
  type LoadResult,
  Misconfigured,
  type StorageError,
  storageError,
  type WorkflowEvent,
  type WorkflowState,
  type WorkflowStoreService
} from "@workflow-manager/core"
import { Effect } from "effect"
import { classifyPgError } from "./classifyPgError.js"
import { decodeEvent, decodeState, prepareEvents, prepareMessages, prepareState } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { CHECK_SQL, COMMIT_SQL, LOAD_SQL } from "./internal/sql.js"
import { checkIdentifier, checkScope, checkText, invalid, toJson } from "./internal/validate.js"
import { anonymous, scopeArgs } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

const NOTHING_PENDING: CommitResult = { pending: [] }

/** What to do when the check fails for want of privileges rather than of a migration. */
const PRIVILEGES_HINT =
  "the connecting role cannot act as the application role: make it a member of workflow_app " +
  "(CREATE ROLE ... IN ROLE workflow_app, with INHERIT) so that it may call the wm_* functions and SET ROLE workflow_app"

/**
 * `check`: one statement, as `workflow_app` in the tenant-less scope (it sees no row), that calls
 * `wm_read_events` (so `wm_enter_scope`, the role switch, `workflow_events` and its policies) and
 * resolves the other scoped functions the adapter calls. A database that is not migrated fails with
 * 42883 / 42P01, which {@link classifyPgError} reports as "the database is not migrated".
 */
const check = (config: StoreConfig): Effect.Effect<void, StorageError> => {
  const operation = "WorkflowStore.check"
  return Effect.tryPromise({
    try: () => config.client.query<{ problems: ReadonlyArray<string> }>(CHECK_SQL, scopeArgs(anonymous)),
    catch: (error) => {
      const classified = classifyPgError(operation, error)
      // a refused SET ROLE / EXECUTE here is a deployment problem, not a tenant crossing a boundary
      return classified.reason._tag === "TenantViolation"
        ? storageError(
            operation,
            new Misconfigured({ message: `${PRIVILEGES_HINT}: ${classified.reason.message}`, cause: error })
          )
        : classified
    }
  }).pipe(
    Effect.flatMap((rows) => {
      const problems = rows[0]?.problems ?? []
      return problems.length === 0
        ? Effect.void
        : Effect.fail(
            storageError(
              operation,
              new Misconfigured({
                message: `the application role workflow_app must not have: ${problems.join(", ")} — each is a way out of row-level security (see docs/pg-rls.md, deployment checklist)`
              })
            )
          )
    })
  )
}

/** The load: the snapshot caught up with newer events (repaired, best effort), and the key's events. */
const load =
  (config: StoreConfig) =>
  (access: Parameters<WorkflowStoreService["load"]>[0], instanceId: string, commandId?: string) =>
    Effect.gen(function* () {
      const operation = "WorkflowStore.load"
      yield* checkScope(operation, access)
      yield* checkIdentifier(operation, "instance id", instanceId)
      if (commandId !== undefined) yield* checkText(operation, "command id", commandId, 500)
      const [tenant, appRole] = scopeArgs(access)
      const rows = yield* attempt(operation, () =>
        config.client.query<{ part: string; doc: unknown }>(LOAD_SQL, [tenant, appRole, instanceId, commandId ?? null])
      )
      let snapshot: WorkflowState | undefined
      const newer: Array<WorkflowEvent> = []
      const prior: Array<WorkflowEvent> = []
      for (const row of rows) {
        if (row.part === "s") snapshot = yield* decodeState(operation, row.doc)
        else if (row.part === "e") newer.push(yield* decodeEvent(operation, row.doc))
        else prior.push(yield* decodeEvent(operation, row.doc))
      }
      if (newer.length === 0) return { state: snapshot, prior } satisfies LoadResult
      // events appended without their projections (the composed ports): catch up, and repair
      const state = fold(newer, snapshot)
      if (state !== undefined) {
        yield* repair(config, access, state).pipe(
          Effect.catch((error) => Effect.logWarning("read-repair of a stale projection failed", error))
        )
      }
      return { state, prior } satisfies LoadResult
    })

const repair = (config: StoreConfig, access: Parameters<WorkflowStoreService["load"]>[0], state: WorkflowState) =>
  Effect.gen(function* () {
    const operation = "WorkflowStore.load"
    const json = yield* toJson(operation, "state", state, config.maxDocumentBytes)
    const entry = yield* toJson(operation, "index entry", entryOf(state), config.maxDocumentBytes)
    const [tenant, appRole] = scopeArgs(access)
    yield* attempt(operation, () => config.client.query(COMMIT_SQL, [tenant, appRole, 0, null, json, entry, null]))
  })

/**
 * Builds the workflow store over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWorkflowStore = (config: StoreConfig): WorkflowStoreService => ({
  capabilities: { state: "atomic", index: "atomic", outbox: "atomic" },
  load: load(config),
  commit: (access, batch) =>
    Effect.gen(function* () {
      const operation = "WorkflowStore.commit"
      yield* checkScope(operation, access)
      if (batch === null || typeof batch !== "object") {
        return yield* Effect.fail(invalid(operation, "missing commit batch"))
      }
      const events = yield* prepareEvents(
        operation,
        access,
        batch.events,
        batch.expectedVersion,
        config.maxDocumentBytes
      )
      const state = yield* prepareState(operation, access, batch.state, config.maxDocumentBytes)
      if (batch.events.length > 0) {
        if (
          state.decoded.instanceId !== events.instanceId ||
          state.decoded.tenantId.toLowerCase() !== events.tenantId
        ) {
          return yield* Effect.fail(invalid(operation, "the state belongs to another instance than the events"))
        }
        if (state.decoded.version !== events.lastSequence) {
          return yield* Effect.fail(
            invalid(operation, `the state has version ${state.decoded.version}, the last event ${events.lastSequence}`)
          )
        }
      }
      const messages = yield* prepareMessages(
        operation,
        batch.messages,
        state.decoded.instanceId,
        state.decoded.tenantId,
        config.maxDocumentBytes
      )
      // the entry of a checked state is valid by construction: no second decode
      const entry = yield* toJson(operation, "index entry", entryOf(state.decoded), config.maxDocumentBytes)
      const [tenant, appRole] = scopeArgs(access)
      yield* attempt(
        operation,
        () =>
          config.client.query(COMMIT_SQL, [
            tenant,
            appRole,
            batch.expectedVersion,
            batch.events.length === 0 ? null : events.json,
            state.json,
            entry,
            messages
          ]),
        {
          expectedVersion: batch.expectedVersion,
          tenantId: state.decoded.tenantId,
          instanceId: state.decoded.instanceId
        }
      )
      return NOTHING_PENDING
    }),
  check: check(config)
})
