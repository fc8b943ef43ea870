/**
 * `@workflow-manager/core/testing` — the adapter conformance kits and the plugin test harness.
 * It imports `vitest` (an optional peer dependency of core, needed only here).
 *
 * @packageDocumentation
 */
export {
  checkStepInput,
  compensateStep,
  runStep,
  runTemplate,
  type StepRun,
  type TemplateRun,
  type TemplateRunResult,
  testActor,
  validateStep
} from "./testing/harness.js"
export type { Inspect, InspectedMessage, OutboxInspect } from "./testing/Inspect.js"
export { type AdapterPorts, dueWorkSuite, outboxSuite, type SuiteOptions, suite } from "./testing/suite.js"
