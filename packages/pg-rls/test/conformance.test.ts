/**
 * Core's adapter conformance suite on the PostgreSQL server and on PGlite.
 */
import type { Inspect } from "@workflow-manager/core/testing"
import { suite } from "@workflow-manager/core/testing"
import { Effect, Layer } from "effect"
import { make, toContext } from "../src/index.js"
import { describeBackends } from "./support/backends.js"

await describeBackends("pg-rls", (backend) => {
  // the backend is created in a beforeAll hook, before the suite's own: resolve both lazily
  const layer = Layer.effectContext(Effect.suspend(() => Effect.map(make({ client: backend().client }), toContext)))
  const inspect: Inspect = {
    events: (id) => backend().inspect.events(id),
    state: (id) => backend().inspect.state(id),
    indexEntry: (id) => backend().inspect.indexEntry(id),
    template: (id, version) => backend().inspect.template(id, version),
    ensureTenant: (id) => backend().inspect.ensureTenant(id)
  }
  suite(`pg-rls`, layer, inspect, { timeout: 60_000 })
})
