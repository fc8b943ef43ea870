/**
 * The conveniences: `layerPool` (creating and ending its pool) and `layerPGlite` (opening, migrating
 * and closing an embedded database) provide every core port (the due-work queue included) and the repositories.
 */
import { PGlite } from "@electric-sql/pglite"
import {
  type Access,
  DueWork,
  EventStore,
  InstanceStore,
  TemplateStore,
  tenantAccess,
  WorkflowIndex,
  WorkflowStore
} from "@workflow-manager/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import {
  fromPGlite,
  layerPGlite,
  layerPool,
  MarketRoles,
  migrate,
  type PGliteLike,
  Tenants,
  Users
} from "../src/index.js"
import { describeBackends, newOperator } from "./support/backends.js"
import { eventsOf, newInstanceId, newTenantId, stateOf } from "./support/fixtures.js"

const program = (tenantId: string, ops: Access) =>
  Effect.gen(function* () {
    yield* Effect.all([EventStore, InstanceStore, WorkflowIndex, TemplateStore, DueWork, Tenants, Users, MarketRoles])
    const store = yield* WorkflowStore
    const tenants = yield* Tenants
    yield* tenants.create(ops, {
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
        program(newTenantId(), backend().operator).pipe(
          Effect.provide(layerPool({ connectionString: backend().url as string, max: 2 }))
        )
      )
      expect(version).toBe(2)
    })
  },
  { only: "postgres" }
)

it("layerPGlite opens an in-memory database and migrates it", async () => {
  const templates = await Effect.runPromise(
    Effect.flatMap(TemplateStore, (store) => store.list()).pipe(Effect.provide(layerPGlite()))
  )
  expect(templates).toEqual([])
})

it("layerPGlite over a given instance migrates it and provides every service", async () => {
  const db = await PGlite.create()
  try {
    const client = fromPGlite(db as unknown as PGliteLike)
    await Effect.runPromise(migrate(client))
    const ops = await newOperator(client)
    const version = await Effect.runPromise(
      program(newTenantId(), ops).pipe(Effect.provide(layerPGlite({ db: db as unknown as PGliteLike })))
    )
    expect(version).toBe(2)
  } finally {
    await db.close()
  }
})
