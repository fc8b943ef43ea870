/**
 * The instance store on PostgreSQL: table `workflow_instances`, one state document per instance,
 * written by a version-guarded upsert (`... ON CONFLICT DO UPDATE ... WHERE version <
 * EXCLUDED.version`) inside `wm_commit`, read by `wm_get_states` — one round trip each.
 *
 * @since 0.1.0
 */
import type { InstanceStoreService } from "@workflow-manager/core"
import { Effect } from "effect"
import { decodeAll, decodeState, prepareState } from "./internal/documents.js"
import { attempt } from "./internal/query.js"
import { COMMIT_SQL, type CommitRow, GET_STATES_SQL } from "./internal/sql.js"
import { checkIdentifier, checkScope, invalid } from "./internal/validate.js"
import { scopeArgs } from "./Scope.js"
import type { StoreConfig } from "./StoreConfig.js"

/** The most ids one `getMany` call takes. */
const MAX_MANY = 10_000

/**
 * Builds the instance store over a client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeInstanceStore = (config: StoreConfig): InstanceStoreService => {
  const { client } = config

  const getMany: InstanceStoreService["getMany"] = (access, instanceIds) =>
    Effect.gen(function* () {
      const operation = "InstanceStore.getMany"
      yield* checkScope(operation, access)
      if (!Array.isArray(instanceIds) || instanceIds.length > MAX_MANY) {
        return yield* Effect.fail(invalid(operation, `instance ids must be an array of at most ${MAX_MANY}`))
      }
      for (const id of instanceIds) yield* checkIdentifier(operation, "instance id", id)
      if (instanceIds.length === 0) return []
      const [tenant, appRole] = scopeArgs(access)
      const rows = yield* attempt(operation, () =>
        client.query<{ doc: unknown }>(GET_STATES_SQL, [tenant, appRole, [...new Set(instanceIds)]])
      )
      return yield* decodeAll(operation, rows, decodeState)
    })

  return {
    save: (access, state) =>
      Effect.gen(function* () {
        const operation = "InstanceStore.save"
        yield* checkScope(operation, access)
        const { decoded, json } = yield* prepareState(operation, access, state, config.maxDocumentBytes)
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(
          operation,
          () => client.query<CommitRow>(COMMIT_SQL, [tenant, appRole, 0, null, json, null, null]),
          { tenantId: decoded.tenantId, instanceId: decoded.instanceId }
        )
        return rows[0]?.state_written === true
      }),
    get: (access, instanceId) =>
      Effect.gen(function* () {
        const operation = "InstanceStore.get"
        yield* checkScope(operation, access)
        yield* checkIdentifier(operation, "instance id", instanceId)
        const [tenant, appRole] = scopeArgs(access)
        const rows = yield* attempt(operation, () =>
          client.query<{ doc: unknown }>(GET_STATES_SQL, [tenant, appRole, [instanceId]])
        )
        const states = yield* decodeAll(operation, rows, decodeState)
        return states[0]
      }),
    getMany
  }
}
