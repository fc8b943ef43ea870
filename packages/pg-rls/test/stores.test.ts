/**
 * The core ports on both backends, checked against what reached storage (direct superuser reads),
 * not only by round trips.
 */
import { Access, entryOf, type StorageError, type WorkflowEvent } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { beforeAll, expect, it } from "vitest"
import { describeBackends } from "./support/backends.js"
import { eventsOf, type InstanceSpec, newInstanceId, newTenantId, stateOf, template } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)
const fail = async <A>(effect: Effect.Effect<A, StorageError>): Promise<StorageError> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const error = exit.cause.reasons[0]
  if (error?._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return error.error
}

await describeBackends("storage ports", (backend) => {
  const tenantA = newTenantId()
  const tenantB = newTenantId()
  const a = Access.tenant(tenantA)
  const ops = Access.operator("ops-1")

  beforeAll(async () => {
    await backend().inspect.ensureTenant(tenantA)
    await backend().inspect.ensureTenant(tenantB)
  })

  it("appends at the expected version and reads back in order", async () => {
    const { eventStore } = backend().services
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    await run(eventStore.append(a, eventsOf(spec, 1, 2), 0))
    await run(eventStore.append(a, eventsOf(spec, 3, 5), 2))
    expect(await backend().inspect.events(spec.instanceId)).toEqual(eventsOf(spec, 1, 5))
    expect(await run(eventStore.read(a, spec.instanceId))).toEqual(eventsOf(spec, 1, 5))
    expect(await run(eventStore.read(a, spec.instanceId, { from: 2, to: 3 }))).toEqual(eventsOf(spec, 2, 3))
    expect(
      await run(eventStore.readUntil(a, spec.instanceId, (eventsOf(spec, 3, 3)[0] as WorkflowEvent).occurredAt))
    ).toEqual(eventsOf(spec, 1, 3))
    expect(await run(eventStore.readByCommand(a, spec.instanceId, `cmd-create-${spec.instanceId}`))).toEqual(
      eventsOf(spec, 1, 1)
    )
  })

  it("refuses an append at a stale or future version with a Conflict, writing nothing", async () => {
    const { eventStore } = backend().services
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    await run(eventStore.append(a, eventsOf(spec, 1, 2), 0))
    const stale = await fail(eventStore.append(a, eventsOf(spec, 2, 3), 1))
    expect(stale.reason._tag).toBe("Conflict")
    expect(stale.reason).toMatchObject({ expectedVersion: 1, actualVersion: 2 })
    const ahead = await fail(eventStore.append(a, eventsOf(spec, 5, 5), 4))
    expect(ahead.reason._tag).toBe("Conflict")
    expect(await backend().inspect.events(spec.instanceId)).toHaveLength(2)
  })

  it("saves state version-guarded", async () => {
    const { instanceStore } = backend().services
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    expect(await run(instanceStore.save(a, stateOf(spec, 3)))).toBe(true)
    expect(await run(instanceStore.save(a, stateOf(spec, 2)))).toBe(false)
    expect(await run(instanceStore.save(a, stateOf(spec, 3)))).toBe(false)
    expect(await backend().inspect.state(spec.instanceId)).toEqual(stateOf(spec, 3))
    expect(await run(instanceStore.save(a, stateOf(spec, 4)))).toBe(true)
    expect(await run(instanceStore.get(a, spec.instanceId))).toEqual(stateOf(spec, 4))
    expect(await run(instanceStore.get(a, newInstanceId()))).toBeUndefined()
    const other = { instanceId: newInstanceId(), tenantId: tenantA }
    await run(instanceStore.save(a, stateOf(other, 1)))
    const many = await run(instanceStore.getMany(a, [spec.instanceId, other.instanceId, newInstanceId()]))
    expect(many.map((s) => s.instanceId).sort()).toEqual([spec.instanceId, other.instanceId].sort())
  })

  it("commits events, state and index in one transaction", async () => {
    const { workflowStore } = backend().services
    expect(workflowStore.capabilities.atomicCommit).toBe(true)
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    await run(workflowStore.commit(a, { events: eventsOf(spec, 1, 1), expectedVersion: 0, state: stateOf(spec, 1) }))
    await run(workflowStore.commit(a, { events: eventsOf(spec, 2, 3), expectedVersion: 1, state: stateOf(spec, 3) }))
    const inspect = backend().inspect
    expect(await inspect.events(spec.instanceId)).toEqual(eventsOf(spec, 1, 3))
    expect(await inspect.state(spec.instanceId)).toEqual(stateOf(spec, 3))
    expect(await inspect.indexEntry(spec.instanceId)).toEqual(entryOf(stateOf(spec, 3)))
    // a conflicting commit writes none of the three
    const lost = await fail(
      workflowStore.commit(a, { events: eventsOf(spec, 3, 4), expectedVersion: 2, state: stateOf(spec, 4) })
    )
    expect(lost.reason._tag).toBe("Conflict")
    expect(await inspect.events(spec.instanceId)).toHaveLength(3)
    expect((await inspect.state(spec.instanceId))?.version).toBe(3)
    expect((await inspect.indexEntry(spec.instanceId))?.version).toBe(3)
  })

  it("indexes, filters and pages by keyset", async () => {
    const { workflowIndex } = backend().services
    const tenant = newTenantId()
    await backend().inspect.ensureTenant(tenant)
    const t = Access.tenant(tenant)
    const specs = Array.from({ length: 7 }, (_, i) => ({
      instanceId: `inst-${i}-${tenant.slice(0, 8)}`,
      tenantId: tenant,
      createdAt: 100 + Math.floor(i / 2), // pairs share a createdAt: the instance id breaks the tie
      marketRole: i % 2 === 0 ? "BRP" : "BSP",
      templateId: i < 4 ? "contract-onboarding" : "portfolio"
    }))
    for (const [i, spec] of specs.entries()) {
      expect(await run(workflowIndex.upsert(t, entryOf(stateOf(spec, i % 3 === 0 ? 2 : 1))))).toBe(true)
    }
    const first = specs[0] as InstanceSpec
    expect(await run(workflowIndex.upsert(t, entryOf(stateOf(first, 1))))).toBe(false)
    expect(await run(workflowIndex.get(t, first.instanceId))).toEqual(entryOf(stateOf(first, 2)))
    const ids: Array<string> = []
    let cursor: string | undefined
    do {
      const page = await run(workflowIndex.query(t, {}, { limit: 3, ...(cursor === undefined ? {} : { cursor }) }))
      ids.push(...page.items.map((e) => e.instanceId))
      cursor = page.nextCursor
    } while (cursor !== undefined)
    expect(ids).toEqual(specs.map((s) => s.instanceId))
    const brp = await run(workflowIndex.query(t, { marketRole: "BRP" }, { limit: 500 }))
    expect(brp.items.map((e) => e.instanceId)).toEqual(
      specs.filter((s) => s.marketRole === "BRP").map((s) => s.instanceId)
    )
    const inProgress = await run(workflowIndex.query(t, { status: ["IN_PROGRESS"] }, { limit: 500 }))
    expect(inProgress.items.map((e) => e.instanceId)).toEqual(
      specs.filter((_, i) => i % 3 === 0).map((s) => s.instanceId)
    )
    const portfolio = await run(
      workflowIndex.query(t, { templateId: "portfolio", currentStepId: "company-details" }, { limit: 10 })
    )
    expect(portfolio.items.map((e) => e.instanceId)).toEqual([(specs[6] as InstanceSpec).instanceId])
    const opsView = await run(workflowIndex.query(ops, { tenantId: tenant }, { limit: 500 }))
    expect(opsView.items).toHaveLength(7)
    const bad = await fail(workflowIndex.query(t, {}, { limit: 501 }))
    expect(bad.reason._tag).toBe("InvalidData")
  })

  it("publishes immutable template versions", async () => {
    const { templateStore } = backend().services
    const id = `tpl-${newInstanceId().slice(0, 8)}`
    await run(templateStore.publish(template(id, 1, "BRP")))
    await run(templateStore.publish(template(id, 1, "BRP")))
    await run(templateStore.publish(template(id, 2)))
    const changed = await fail(templateStore.publish({ ...template(id, 1, "BRP"), name: "changed" }))
    expect(changed.reason._tag).toBe("Conflict")
    expect(await backend().inspect.template(id, 1)).toEqual(template(id, 1, "BRP"))
    expect(await run(templateStore.get(id, 1))).toEqual(template(id, 1, "BRP"))
    expect(await run(templateStore.getLatest(id))).toEqual(template(id, 2))
    expect(await run(templateStore.get(id, 9))).toBeUndefined()
    const listed = (await run(templateStore.list())).filter((s) => s.id === id)
    expect(listed).toEqual([
      { id, version: 1, name: `Template ${id} v1`, marketRole: "BRP" },
      { id, version: 2, name: `Template ${id} v2`, marketRole: undefined }
    ])
    expect((await run(templateStore.list({ marketRole: "BRP" }))).some((s) => s.id === id && s.version === 2)).toBe(
      false
    )
  })
})
