/**
 * The atomic write path on PostgreSQL (`capabilities: { state: "atomic", index: "atomic" }`): a
 * command's events, its state snapshot and its index entry are written by ONE statement,
 * `wm_commit(...)`, which is one transaction and one round trip — append at the expected version,
 * then the two version-guarded upserts. Either all three are written or none is, so a commit never
 * leaves a projection pending. The adapter has no outbox yet (`outbox: "unsupported"`): a commit
 * that carries messages is refused before anything is written.
 *
 * `load` reads the snapshot, the newer events and the events of an idempotency key through the
 * adapter's own stores; `check` verifies, in one statement run as `workflow_app`, that the database
 * is reachable and migrated.
 *
 * @since 0.1.0
 */
import {
  type CommitResult,
  entryOf,
  loadFromPorts,
  type StorageError,
  type WorkflowStoreService
} from "@workflow-manager/core"
import { Effect } from "effect"
import { classifyPgError } from "./classifyPgError.js"
import { prepareEvents, prepareState } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { CHECK_SQL, COMMIT_SQL } from "./internal/sql.js"
import { checkScope, invalid, toJson } from "./internal/validate.js"
import { makeEventStore } from "./PgEventStore.js"
import { makeInstanceStore } from "./PgInstanceStore.js"
import { makeWorkflowIndex } from "./PgWorkflowIndex.js"
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
    try: () => config.client.query(CHECK_SQL, scopeArgs(anonymous)),
    catch: (error) => {
      const classified = classifyPgError(operation, error)
      // a refused SET ROLE / EXECUTE here is a deployment problem, not a tenant crossing a boundary
      return classified.reason._tag === "TenantViolation"
        ? invalid(operation, `${PRIVILEGES_HINT}: ${classified.reason.message}`, error)
        : classified
    }
  }).pipe(Effect.asVoid)
}

/**
 * Builds the workflow store over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWorkflowStore = (config: StoreConfig): WorkflowStoreService => ({
  capabilities: { state: "atomic", index: "atomic", outbox: "unsupported" },
  // three round trips (snapshot, newer events, the key's events) over the adapter's own stores;
  // a one-round-trip load (one scoped SQL function) is a later issue
  load: loadFromPorts({
    events: makeEventStore(config),
    instances: makeInstanceStore(config),
    index: makeWorkflowIndex(config)
  }),
  commit: (access, batch) =>
    Effect.gen(function* () {
      const operation = "WorkflowStore.commit"
      yield* checkScope(operation, access)
      if (!Array.isArray(batch.messages) || batch.messages.length > 0) {
        return yield* Effect.fail(
          invalid(
            operation,
            Array.isArray(batch.messages)
              ? "this store cannot queue outbox messages (capabilities.outbox: unsupported)"
              : "messages must be an array (empty: this store has no outbox)"
          )
        )
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
            entry
          ]),
        { expectedVersion: batch.expectedVersion }
      )
      return NOTHING_PENDING
    }),
  check: check(config)
})
