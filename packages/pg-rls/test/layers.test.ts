/**
 * The conveniences: `layerPool` (creating and ending its pool) and `layerPGlite` (opening, migrating
 * and closing an embedded database) provide all five core ports and the repositories.
 */
import {
  EventStore,
  InstanceStore,
  operatorAccess,
  TemplateStore,
  tenantAccess,
  WorkflowIndex,
  WorkflowStore
} from "@workflow-manager/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { layerPGlite, layerPool, MarketRoles, Tenants, Users } from "../src/index.js"
import { describeBackends } from "./support/backends.js"
import { eventsOf, newInstanceId, newTenantId, stateOf } from "./support/fixtures.js"

const program = (tenantId: string) =>
  Effect.gen(function* () {
    yield* Effect.all([EventStore, InstanceStore, WorkflowIndex, TemplateStore, Tenants, Users, MarketRoles])
    const store = yield* WorkflowStore
    const tenants = yield* Tenants
    yield* tenants.create(operatorAccess("ops"), {
      id: tenantId,
      companyName: "Layered NV",
      vatNumber: `BE0${tenantId.replace(/\D/g, "").slice(0, 9).padEnd(9, "1")}`
    })
    const spec = { instanceId: newInstanceId(), tenantId }
    yield* store.commit(tenantAccess(tenantId), {
      events: eventsOf(spec, 1, 2),
      expectedVersion: 0,
      state: stateOf(spec, 2),
      messages: []
    })
    const index = yield* WorkflowIndex
    return (yield* index.get(tenantAccess(tenantId), spec.instanceId))?.version
  })

await describeBackends(
  "layerPool",
  (backend) => {
    it("creates a pool from a connection string, provides every service, ends the pool", async () => {
      const version = await Effect.runPromise(
        program(newTenantId()).pipe(Effect.provide(layerPool({ connectionString: backend().url as string, max: 2 })))
      )
      expect(version).toBe(2)
    })
  },
  { only: "postgres" }
)

it("layerPGlite opens an in-memory database, migrates it, provides every service and closes it", async () => {
  const version = await Effect.runPromise(program(newTenantId()).pipe(Effect.provide(layerPGlite())))
  expect(version).toBe(2)
})
