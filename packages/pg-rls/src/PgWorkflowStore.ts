/**
 * The atomic write path on PostgreSQL (`capabilities.atomicCommit = true`): a command's events,
 * its state snapshot and its index entry are written by ONE statement, `wm_commit(...)`, which is
 * one transaction and one round trip — append at the expected version, then the two
 * version-guarded upserts. Either all three are written or none is.
 *
 * @since 0.1.0
 */
import { entryOf, type WorkflowStoreService } from "@workflow-manager/core"
import { Effect } from "effect"
import { prepareEvents, prepareState } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { COMMIT_SQL } from "./internal/sql.js"
import { checkScope, invalid, toJson } from "./internal/validate.js"
import { scopeArgs } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/**
 * Builds the workflow store over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWorkflowStore = (config: StoreConfig): WorkflowStoreService => ({
  capabilities: { atomicCommit: true },
  commit: (access, batch) =>
    Effect.gen(function* () {
      const operation = "WorkflowStore.commit"
      yield* checkScope(operation, access)
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
    })
})
