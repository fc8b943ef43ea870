import { Effect, Layer } from "effect"
import { expect, it } from "vitest"
import { makeMemoryStorage, WorkflowStore, workflowStoreFromPorts } from "../../src/index.js"
import { suite } from "../../src/testing.js"

const storage = makeMemoryStorage()
suite("memory adapter", storage.layer, storage.inspect)

// The same ports with the non-atomic write path (append, then version-guarded projections), as a
// MongoDB + PostgreSQL deployment composes them.
const composed = makeMemoryStorage()
suite(
  "memory ports composed with workflowStoreFromPorts",
  Layer.merge(composed.layer, workflowStoreFromPorts.pipe(Layer.provide(composed.layer))),
  composed.inspect
)

it("the composed layer really uses the non-atomic write path", async () => {
  const atomic = await Effect.runPromise(
    Effect.map(WorkflowStore, (s) => s.capabilities.atomicCommit).pipe(
      Effect.provide(Layer.merge(composed.layer, workflowStoreFromPorts.pipe(Layer.provide(composed.layer))))
    )
  )
  expect(atomic).toBe(false)
})
