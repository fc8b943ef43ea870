/**
 * The adapter conformance suites. An adapter's test file calls {@link suite} with its layer (the
 * five storage ports) and an {@link Inspect} that reads its storage directly, and — when it queues
 * outbox messages with its events — {@link outboxSuite} with the `Outbox` port too; the suites
 * register vitest tests that check what reached storage, not only round trips.
 *
 * @since 0.1.0
 */
import type { Layer } from "effect"
import { afterAll, beforeAll, describe } from "vitest"
import type { DueWork } from "../DueWork.js"
import type { Outbox } from "../Outbox.js"
import { type AdapterPorts, harness, type SuiteOptions } from "./conformance/context.js"
import { dueWorkCases } from "./conformance/dueWork.js"
import { engineCases } from "./conformance/engine.js"
import { eventStoreCases } from "./conformance/eventStore.js"
import { instanceStoreCases } from "./conformance/instanceStore.js"
import { outboxCases } from "./conformance/outbox.js"
import { templateStoreCases } from "./conformance/templateStore.js"
import { workflowIndexCases } from "./conformance/workflowIndex.js"
import { workflowStoreCases } from "./conformance/workflowStore.js"
import type { Inspect, OutboxInspect } from "./Inspect.js"

export type { AdapterPorts, SuiteOptions }

/**
 * Registers the conformance tests of the five storage ports, and of the engine on them.
 *
 * @param name - a label (e.g. `"pg-rls on PostgreSQL 15"`)
 * @param layer - the adapter's five ports
 * @param inspect - direct reads of the adapter's storage
 *
 * @example
 * ```ts
 * import { makeMemoryStorage } from "@workflow-manager/core"
 * import { suite } from "@workflow-manager/core/testing"
 *
 * const storage = makeMemoryStorage()
 * suite("memory adapter", storage.layer, { ...storage.inspect, ensureTenant: async () => {} })
 * ```
 *
 * @since 0.1.0
 * @category conformance
 */
export const suite = <E>(
  name: string,
  layer: Layer.Layer<AdapterPorts, E>,
  inspect: Inspect,
  options: SuiteOptions = {}
): void => {
  const timeout = options.timeout ?? 30_000
  describe(`storage conformance: ${name}`, { timeout }, () => {
    const { h, setup, teardown } = harness(layer, inspect, options, "conformance")
    beforeAll(setup, timeout)
    afterAll(teardown, timeout)
    eventStoreCases(h)
    instanceStoreCases(h)
    workflowIndexCases(h)
    templateStoreCases(h)
    workflowStoreCases(h)
    engineCases(h)
  })
}

/**
 * Registers the conformance tests of the `Outbox` port and of the messages the write path queues,
 * for backends whose `capabilities.outbox` is `atomic`.
 *
 * @example
 * ```ts
 * import { makeMemoryStorage } from "@workflow-manager/core"
 * import { outboxSuite } from "@workflow-manager/core/testing"
 *
 * const storage = makeMemoryStorage()
 * outboxSuite("memory adapter", storage.layer, { ...storage.inspect, ensureTenant: async () => {} })
 * ```
 *
 * @since 0.1.0
 * @category conformance
 */
export const outboxSuite = <E>(
  name: string,
  layer: Layer.Layer<AdapterPorts | Outbox, E>,
  inspect: OutboxInspect,
  options: SuiteOptions = {}
): void => {
  const timeout = options.timeout ?? 30_000
  describe(`outbox conformance: ${name}`, { timeout }, () => {
    const { h, setup, teardown } = harness(layer, inspect, options, "outbox")
    beforeAll(setup, timeout)
    afterAll(teardown, timeout)
    outboxCases(h, inspect)
  })
}

/**
 * Registers the conformance tests of the `DueWork` port (claims of due instances under leases),
 * for backends that provide it.
 *
 * @example
 * ```ts
 * import { makeMemoryStorage } from "@workflow-manager/core"
 * import { dueWorkSuite } from "@workflow-manager/core/testing"
 *
 * const storage = makeMemoryStorage()
 * dueWorkSuite("memory adapter", storage.layer, { ...storage.inspect, ensureTenant: async () => {} })
 * ```
 *
 * @since 0.1.0
 * @category conformance
 */
export const dueWorkSuite = <E>(
  name: string,
  layer: Layer.Layer<AdapterPorts | DueWork, E>,
  inspect: Inspect,
  options: SuiteOptions = {}
): void => {
  const timeout = options.timeout ?? 30_000
  describe(`due-work conformance: ${name}`, { timeout }, () => {
    const { h, setup, teardown } = harness(layer, inspect, options, "due")
    beforeAll(setup, timeout)
    afterAll(teardown, timeout)
    dueWorkCases(h)
  })
}
