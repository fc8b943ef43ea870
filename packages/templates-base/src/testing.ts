/**
 * `@workflow-manager/templates-base/testing` — what every template pack's tests share: a harness
 * that drives templates through a real engine (memory storage, the real handler plugins, a loopback
 * register, a test clock), the templates' JSON snapshots, test actors, refusal readers and the
 * built-package smoke consumer.
 *
 * @packageDocumentation
 */
export { operator, participant } from "./testing/actors.js"
export {
  type InstanceDriver,
  makePackHarness,
  type PackHarness,
  type PackHarnessOptions
} from "./testing/PackHarness.js"
export { packSnapshots, type TemplateSnapshot } from "./testing/packSnapshots.js"
export { type RegisterRequest, type RegisterServer, startRegister } from "./testing/RegisterServer.js"
export { issuePaths, rejectionOf } from "./testing/rejection.js"
export { type PackSmoke, packSmoke, type SmokeConsumer, smokeConsumer } from "./testing/smoke.js"
