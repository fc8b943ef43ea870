/**
 * Tools of the due-work tests: instances made due through the adapter, instants of a year of the
 * test's own (a system-scope claim at `now` takes every tenant's instance due by then, so tests that
 * claim in the system scope keep to instants no other test of the file uses), and the figures'
 * functions without their optional mark.
 */
import { entryOf, type OutboxStats, tenantAccess } from "@workflow-manager/core"
import type { PgRlsServices } from "../../src/index.js"
import { run } from "./attacks.js"
import { eventsOf, newInstanceId, stateOf } from "./fixtures.js"

/** `seconds` after the start of `year`, as an ISO-8601 instant. */
export const instantIn = (year: number, seconds: number): string =>
  new Date(Date.UTC(year, 0, 1) + seconds * 1000).toISOString()

/**
 * A committed instance of `tenantId` (events, state, and an index entry at version 3) due at
 * `dueAt`, with one outbox message available at `dueAt` when `message` is set.
 */
export const dueInstance = async (
  services: PgRlsServices,
  tenantId: string,
  dueAt: string,
  options: { readonly message?: boolean } = {}
): Promise<string> => {
  const spec = { instanceId: newInstanceId(), tenantId }
  const access = tenantAccess(tenantId)
  await run(
    services.workflowStore.commit(access, {
      events: eventsOf(spec, 1, 2),
      expectedVersion: 0,
      state: stateOf(spec, 2),
      messages:
        options.message === true
          ? [
              {
                schemaVersion: 1,
                id: `${spec.instanceId}:notify`,
                tenantId,
                instanceId: spec.instanceId,
                sequence: 2,
                kind: "notify",
                payload: {},
                createdAt: dueAt,
                availableAt: dueAt
              }
            ]
          : []
    })
  )
  await run(services.workflowIndex.upsert(access, { ...entryOf(stateOf(spec, 2)), version: 3, nextDueAt: dueAt }))
  return spec.instanceId
}

/** The outbox's figures (pg-rls always has them). */
export const outboxStats = (
  services: PgRlsServices,
  ...args: Parameters<NonNullable<PgRlsServices["outbox"]["stats"]>>
) => {
  const stats = services.outbox.stats
  if (stats === undefined) throw new Error("pg-rls's outbox has figures")
  return run<OutboxStats, unknown>(stats(...args))
}
