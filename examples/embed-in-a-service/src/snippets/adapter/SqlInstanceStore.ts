/**
 * The instance store: version-guarded snapshots, scoped by tenant.
 */
// #region instance-store
import {
  covers,
  type InstanceStoreService,
  storageError,
  TenantViolation,
  type WorkflowState
} from "@workflow-manager/core"
import { Effect } from "effect"
import { run, tenantOf } from "./run.ts"
import type { SqlClient } from "./SqlClient.ts"

export const makeInstanceStore = (client: SqlClient): InstanceStoreService => ({
  save: (access, state) =>
    Effect.gen(function* () {
      const operation = "InstanceStore.save"
      if (!covers(access, state.tenantId)) {
        return yield* storageError(
          operation,
          new TenantViolation({ message: `tenant ${state.tenantId} is outside the access scope` })
        )
      }
      // Writes only over an older version of the same tenant's instance: never backwards.
      const written = yield* run(operation, () =>
        client.query(
          `INSERT INTO wm_instances (instance_id, tenant_id, version, state) VALUES ($1, $2, $3, $4)
           ON CONFLICT (instance_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
           WHERE wm_instances.version < EXCLUDED.version AND wm_instances.tenant_id = EXCLUDED.tenant_id
           RETURNING instance_id`,
          [state.instanceId, state.tenantId, state.version, JSON.stringify(state)]
        )
      )
      if (written.rows.length > 0) return true
      const owner = yield* run(operation, () =>
        client.query<{ tenant_id: string }>("SELECT tenant_id FROM wm_instances WHERE instance_id = $1", [
          state.instanceId
        ])
      )
      if (owner.rows[0]?.tenant_id !== state.tenantId) {
        return yield* storageError(
          operation,
          new TenantViolation({ message: `instance ${state.instanceId} belongs to another tenant` })
        )
      }
      return false
    }),
  get: (access, instanceId) =>
    run("InstanceStore.get", () =>
      client.query<{ state: WorkflowState }>(
        "SELECT state FROM wm_instances WHERE instance_id = $1 AND ($2::text IS NULL OR tenant_id = $2)",
        [instanceId, tenantOf(access)]
      )
    ).pipe(Effect.map(({ rows }) => rows[0]?.state)),
  getMany: (access, instanceIds) =>
    run("InstanceStore.getMany", () =>
      client.query<{ state: WorkflowState }>(
        "SELECT state FROM wm_instances WHERE instance_id = ANY($1::text[]) AND ($2::text IS NULL OR tenant_id = $2)",
        [[...instanceIds], tenantOf(access)]
      )
    ).pipe(Effect.map(({ rows }) => rows.map((row) => row.state)))
})
// #endregion instance-store
