import { Effect, Layer } from "effect"
import { expect, it } from "vitest"
import { composedWorkflowStoreLayer, makeMemoryStorage, WorkflowStore } from "../../src/index.js"
import { dueWorkSuite, outboxSuite, suite } from "../../src/testing.js"
import { inspectMemory } from "../broken/adapters.js"

const storage = makeMemoryStorage()
suite("memory adapter", storage.layer, inspectMemory(storage))
outboxSuite("memory adapter", storage.layer, inspectMemory(storage))
dueWorkSuite("memory adapter", storage.layer, inspectMemory(storage))

// The same ports with the non-atomic write path (append, then version-guarded projections), as a
// MongoDB + PostgreSQL deployment composes them.
const composed = makeMemoryStorage()
const composedLayer = Layer.merge(composed.layer, composedWorkflowStoreLayer.pipe(Layer.provide(composed.layer)))
suite("memory ports composed with composedWorkflowStoreLayer", composedLayer, inspectMemory(composed))

it("the composed layer really uses the non-atomic write path", async () => {
  const capabilities = await Effect.runPromise(
    Effect.map(WorkflowStore, (s) => s.capabilities).pipe(Effect.provide(composedLayer))
  )
  expect(capabilities).toEqual({ state: "repaired", index: "repaired", outbox: "unsupported" })
})
