/**
 * Core's adapter conformance suites (the main one, the outbox's and the due-work queue's) on the PostgreSQL
 * server and on PGlite.
 */
import type { OutboxInspect } from "@workflow-manager/core/testing"
import { dueWorkSuite, outboxSuite, suite } from "@workflow-manager/core/testing"
import { Effect, Layer } from "effect"
import { make, toContext } from "../src/index.js"
import { describeBackends } from "./support/backends.js"

await describeBackends("pg-rls", (backend) => {
  // the backend is created in a beforeAll hook, before the suite's own: resolve both lazily
  const layer = Layer.effectContext(Effect.suspend(() => Effect.map(make({ client: backend().client }), toContext)))
  const inspect: OutboxInspect = {
    events: (id) => backend().inspect.events(id),
    state: (id) => backend().inspect.state(id),
    indexEntry: (id) => backend().inspect.indexEntry(id),
    template: (id, version) => backend().inspect.template(id, version),
    ensureTenant: (id) => backend().inspect.ensureTenant(id),
    ensureOperator: async () => backend().operator,
    outbox: (id) => backend().inspect.outbox(id)
  }
  suite(`pg-rls`, layer, inspect, { timeout: 60_000 })
  outboxSuite(`pg-rls`, layer, inspect, { timeout: 60_000 })
  dueWorkSuite(`pg-rls`, layer, inspect, { timeout: 60_000 })
})
