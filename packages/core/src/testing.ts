/**
 * `@workflow-manager/core/testing` — the adapter conformance kit and the plugin test harness.
 *
 * @packageDocumentation
 */
export const placeholder = true
