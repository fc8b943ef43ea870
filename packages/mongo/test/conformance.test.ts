/**
 * Core's adapter conformance suites (the main one and the outbox's) on FerretDB: the MongoDB-only stores, and the split with pg-rls
 * (events and state in MongoDB, index and templates in PostgreSQL under row-level security).
 */
import { randomUUID } from "node:crypto"
import { operatorAccess } from "@workflow-manager/core"
import { type OutboxInspect, outboxSuite, suite } from "@workflow-manager/core/testing"
import { Effect, Layer } from "effect"
import { toContext } from "../src/index.js"
import { type Backend, describeBackend } from "./support/backend.js"

const register = (label: string) => (backend: () => Backend) => {
  // the backend is created in a beforeAll hook, before the suite's own: resolve both lazily
  const layer = Layer.effectContext(Effect.sync(() => toContext(backend().services)))
  const inspect: OutboxInspect = {
    events: (id) => backend().inspect.events(id),
    state: (id) => backend().inspect.state(id),
    indexEntry: (id) => backend().inspect.indexEntry(id),
    template: (id, version) => backend().inspect.template(id, version),
    ensureTenant: (id) => backend().inspect.ensureTenant(id),
    ensureOperator: async () => (await backend().inspect.ensureOperator?.()) ?? operatorAccess("ops", randomUUID()),
    outbox: (id) => backend().inspect.outbox(id)
  }
  suite(label, layer, inspect, { timeout: 120_000 })
  outboxSuite(label, layer, inspect, { timeout: 120_000 })
}

await describeBackend("mongo conformance", { split: false }, register("mongo on FerretDB"))
await describeBackend("mongo conformance", { split: true }, register("mongo + pg-rls split"))
