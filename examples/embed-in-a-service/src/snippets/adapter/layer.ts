/**
 * The adapter's entry points: `make` (the four services), `layer` (all five ports, migrating first)
 * and `inspect` (direct reads for the conformance suite; a type-only import of the test kit).
 */
// #region layer
import {
  composedWorkflowStoreLayer,
  EventStore,
  type IndexEntry,
  InstanceStore,
  type StorageError,
  type Template,
  TemplateStore,
  type WorkflowEvent,
  WorkflowIndex,
  type WorkflowState,
  type WorkflowStore
} from "@workflow-manager/core"
import type { Inspect } from "@workflow-manager/core/testing"
import { Effect, Layer } from "effect"
import { migrate } from "./migrate.ts"
import { run } from "./run.ts"
import type { SqlClient } from "./SqlClient.ts"
import { makeEventStore } from "./SqlEventStore.ts"
import { makeInstanceStore } from "./SqlInstanceStore.ts"
import { makeTemplateStore } from "./SqlTemplateStore.ts"
import { makeWorkflowIndex } from "./SqlWorkflowIndex.ts"

/** The four storage services over one client. */
export const make = (client: SqlClient) => ({
  events: makeEventStore(client),
  instances: makeInstanceStore(client),
  index: makeWorkflowIndex(client),
  templates: makeTemplateStore(client)
})

/**
 * All five ports. The WorkflowStore is composed from the three others: `load` reads the snapshot
 * and the newer events, `commit` appends, then writes the projections version-guarded
 * (`capabilities: { state: "repaired", index: "repaired", outbox: "unsupported" }`). A backend that
 * writes events, snapshot, index and messages in one transaction provides its own WorkflowStore.
 */
export const layer = (
  client: SqlClient
): Layer.Layer<EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore, StorageError> =>
  Layer.unwrap(
    run("migrate", () => migrate(client)).pipe(
      Effect.map(() => {
        const stores = make(client)
        return composedWorkflowStoreLayer.pipe(
          Layer.provideMerge(
            Layer.mergeAll(
              Layer.succeed(EventStore)(stores.events),
              Layer.succeed(InstanceStore)(stores.instances),
              Layer.succeed(WorkflowIndex)(stores.index),
              Layer.succeed(TemplateStore)(stores.templates)
            )
          )
        )
      })
    )
  )
// #endregion layer

// #region inspect
/** Direct reads of every tenant's rows, with the driver — never through the adapter's own code. */
export const inspect = (client: SqlClient): Inspect => ({
  events: async (instanceId) =>
    (
      await client.query<{ event: WorkflowEvent }>(
        "SELECT event FROM wm_events WHERE instance_id = $1 ORDER BY sequence",
        [instanceId]
      )
    ).rows.map((row) => row.event),
  state: async (instanceId) =>
    (
      await client.query<{ state: WorkflowState }>("SELECT state FROM wm_instances WHERE instance_id = $1", [
        instanceId
      ])
    ).rows[0]?.state,
  indexEntry: async (instanceId) =>
    (await client.query<{ entry: IndexEntry }>("SELECT entry FROM wm_index WHERE instance_id = $1", [instanceId]))
      .rows[0]?.entry,
  template: async (id, version) =>
    (
      await client.query<{ template: Template }>("SELECT template FROM wm_templates WHERE id = $1 AND version = $2", [
        id,
        version
      ])
    ).rows[0]?.template,
  // No tenants table here; an adapter with one inserts the tenant so that foreign keys hold.
  ensureTenant: async () => {}
})
// #endregion inspect
