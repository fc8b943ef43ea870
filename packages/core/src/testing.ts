/**
 * `@workflow-manager/core/testing` — the adapter conformance kit and the plugin test harness.
 *
 * @packageDocumentation
 */
export {
  compensateStep,
  runStep,
  runTemplate,
  type StepRun,
  type TemplateRun,
  type TemplateRunResult,
  testActor,
  validateStep
} from "./testing/harness.js"
export type { Inspect } from "./testing/Inspect.js"
export { type AdapterPorts, type SuiteOptions, suite } from "./testing/suite.js"
