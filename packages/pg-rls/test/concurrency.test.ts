/**
 * Racing writers on the PostgreSQL server (a pool of 16 connections) and on PGlite: of 64
 * concurrent appends or commits at one expected version exactly one wins, 63 get a typed
 * `Conflict`, and the log has no gap and no duplicate.
 */
import { entryOf, type StorageError, tenantAccess, type WorkflowEvent } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import type pg from "pg"
import { afterAll, beforeAll, expect, it } from "vitest"
import { fromPool, make, type PgRlsServices, type PoolLike } from "../src/index.js"
import { describeBackends } from "./support/backends.js"
import { createdEvent, eventsOf, newInstanceId, newTenantId, stateOf } from "./support/fixtures.js"

const outcome = async (effect: Effect.Effect<unknown, StorageError>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause.reasons[0]
  return failure?._tag === "Fail" ? failure.error.reason._tag : `defect ${String(exit.cause)}`
}

await describeBackends("concurrency", (backend) => {
  const tenantId = newTenantId()
  const access = tenantAccess(tenantId)
  let pool: pg.Pool | undefined
  let services: PgRlsServices

  beforeAll(async () => {
    await backend().inspect.ensureTenant(tenantId)
    const b = backend()
    pool = b.newPool?.(16)
    services =
      pool === undefined ? b.services : await Effect.runPromise(make({ client: fromPool(pool as unknown as PoolLike) }))
  })
  afterAll(async () => {
    await pool?.end()
  })

  it("64 concurrent appends at one expected version: 1 success, 63 Conflict, no gap", async () => {
    const spec = { instanceId: newInstanceId(), tenantId }
    await Effect.runPromise(services.eventStore.append(access, eventsOf(spec, 1, 2), 0))
    const contenders = Array.from(
      { length: 64 },
      (_, i): ReadonlyArray<WorkflowEvent> => [
        { ...(eventsOf(spec, 3, 3)[0] as WorkflowEvent), commandId: `writer-${i}` }
      ]
    )
    const outcomes = await Promise.all(contenders.map((batch) => outcome(services.eventStore.append(access, batch, 2))))
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1)
    expect(outcomes.filter((o) => o === "Conflict")).toHaveLength(63)
    const stored = await backend().inspect.events(spec.instanceId)
    expect(stored.map((e) => e.sequence)).toEqual([1, 2, 3])
    expect(stored[2]?.commandId).toBe(`writer-${outcomes.indexOf("ok")}`)
  })

  it("64 concurrent creations of one instance id: 1 success, 63 Conflict", async () => {
    const spec = { instanceId: newInstanceId(), tenantId }
    const outcomes = await Promise.all(
      Array.from({ length: 64 }, () =>
        outcome(
          services.workflowStore.commit(access, {
            events: [createdEvent(spec)],
            expectedVersion: 0,
            state: stateOf(spec, 1),
            messages: []
          })
        )
      )
    )
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1)
    expect(outcomes.filter((o) => o === "Conflict")).toHaveLength(63)
    expect((await backend().inspect.events(spec.instanceId)).map((e) => e.sequence)).toEqual([1])
  })

  it("64 concurrent commits at one expected version: the winner's events, state and index, nothing of the losers", async () => {
    const spec = { instanceId: newInstanceId(), tenantId }
    await Effect.runPromise(
      services.workflowStore.commit(access, {
        events: eventsOf(spec, 1, 2),
        expectedVersion: 0,
        state: stateOf(spec, 2),
        messages: []
      })
    )
    const outcomes = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        outcome(
          services.workflowStore.commit(access, {
            events: eventsOf(spec, 3, 4).map((e) => ({ ...e, commandId: `writer-${i}` })),
            expectedVersion: 2,
            state: stateOf(spec, 4),
            messages: []
          })
        )
      )
    )
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1)
    expect(outcomes.filter((o) => o === "Conflict")).toHaveLength(63)
    const inspect = backend().inspect
    const stored = await inspect.events(spec.instanceId)
    expect(stored.map((e) => e.sequence)).toEqual([1, 2, 3, 4])
    expect(new Set(stored.slice(2).map((e) => e.commandId))).toEqual(new Set([`writer-${outcomes.indexOf("ok")}`]))
    expect(await inspect.state(spec.instanceId)).toEqual(stateOf(spec, 4))
    expect(await inspect.indexEntry(spec.instanceId)).toEqual(entryOf(stateOf(spec, 4)))
  })
})
