/**
 * The core ports on both backends, checked against what reached storage (direct superuser reads),
 * not only by round trips.
 */
import {
  type CommitBatch,
  entryOf,
  type OutboxMessage,
  type StorageError,
  systemAccess,
  tenantAccess,
  type WorkflowEvent
} from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { beforeAll, expect, it } from "vitest"
import { describeBackends } from "./support/backends.js"
import {
  at,
  eventsOf,
  type InstanceSpec,
  laterEvent,
  newInstanceId,
  newTenantId,
  stateOf,
  template
} from "./support/fixtures.js"

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
  const a = tenantAccess(tenantA)
  const ops = () => backend().operator

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

  it("concurrent first writes of one instance all find its owner: never a unique violation", async () => {
    const { instanceStore } = backend().services
    // 300 fresh instances, each written first by 6 snapshot saves at once: before migration 0003 the
    // owner claim lost some of these races with a duplicate key on (instance_id, tenant_id)
    for (let round = 0; round < 300; round++) {
      const spec = { instanceId: newInstanceId(), tenantId: tenantA }
      const states = [1, 2, 3, 4, 5, 6].map((version) => stateOf(spec, version))
      const written = await Promise.all(states.map((state) => run(instanceStore.save(a, state))))
      expect(written).toContain(true)
      expect(await backend().inspect.state(spec.instanceId)).toEqual(stateOf(spec, 6))
    }
  })

  it("commits events, state and index in one transaction", async () => {
    const { workflowStore } = backend().services
    expect(workflowStore.capabilities).toEqual({ state: "atomic", index: "atomic", outbox: "atomic" })
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    const created = await run(
      workflowStore.commit(a, {
        events: eventsOf(spec, 1, 1),
        expectedVersion: 0,
        state: stateOf(spec, 1),
        messages: []
      })
    )
    expect(created).toEqual({ pending: [] })
    const progressed = await run(
      workflowStore.commit(a, {
        events: eventsOf(spec, 2, 3),
        expectedVersion: 1,
        state: stateOf(spec, 3),
        messages: []
      })
    )
    expect(progressed).toEqual({ pending: [] })
    const inspect = backend().inspect
    expect(await inspect.events(spec.instanceId)).toEqual(eventsOf(spec, 1, 3))
    expect(await inspect.state(spec.instanceId)).toEqual(stateOf(spec, 3))
    expect(await inspect.indexEntry(spec.instanceId)).toEqual(entryOf(stateOf(spec, 3)))
    // a conflicting commit writes none of the three
    const lost = await fail(
      workflowStore.commit(a, {
        events: eventsOf(spec, 3, 4),
        expectedVersion: 2,
        state: stateOf(spec, 4),
        messages: []
      })
    )
    expect(lost.reason._tag).toBe("Conflict")
    expect(await inspect.events(spec.instanceId)).toHaveLength(3)
    expect((await inspect.state(spec.instanceId))?.version).toBe(3)
    expect((await inspect.indexEntry(spec.instanceId))?.version).toBe(3)
  })

  it("queues outbox messages with the commit, and refuses messages of another instance, writing nothing", async () => {
    const { workflowStore } = backend().services
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    const message: OutboxMessage = {
      schemaVersion: 1,
      id: `${spec.instanceId}:notify`,
      tenantId: tenantA,
      instanceId: spec.instanceId,
      sequence: 1,
      kind: "notify",
      payload: { hello: "world" },
      createdAt: at(0),
      availableAt: at(0)
    }
    const commit = (messages: ReadonlyArray<OutboxMessage>) =>
      workflowStore.commit(a, { events: eventsOf(spec, 1, 1), expectedVersion: 0, state: stateOf(spec, 1), messages })
    const other = newInstanceId()
    for (const bad of [
      { ...message, instanceId: other, id: `${other}:notify` },
      { ...message, id: "not-of-this-instance:notify" },
      { ...message, tenantId: tenantB }
    ]) {
      const refused = await fail(commit([bad]))
      expect(refused.reason._tag).toBe("InvalidData")
    }
    // a JavaScript caller that leaves `messages` out is refused, not taken for "no messages"
    const malformed = await fail(
      workflowStore.commit(a, {
        events: eventsOf(spec, 1, 1),
        expectedVersion: 0,
        state: stateOf(spec, 1)
      } as unknown as CommitBatch)
    )
    expect(malformed.reason._tag).toBe("InvalidData")
    const inspect = backend().inspect
    expect(await inspect.events(spec.instanceId)).toEqual([])
    expect(await inspect.state(spec.instanceId)).toBeUndefined()
    expect(await inspect.outbox(spec.instanceId)).toEqual([])
    await run(commit([message]))
    expect(await inspect.outbox(spec.instanceId)).toEqual([{ message, status: "pending", attempt: 0 }])
    // the same commit again loses the race, and so does its message: nothing more is queued
    expect((await fail(commit([{ ...message, id: `${spec.instanceId}:again` }]))).reason._tag).toBe("Conflict")
    expect((await inspect.outbox(spec.instanceId)).map((m) => m.message.id)).toEqual([message.id])
  })

  it("the system scope (a worker) reads and delivers every tenant's outbox, and writes no instance data", async () => {
    const { workflowStore, outbox, workflowIndex, eventStore, instanceStore } = backend().services
    const worker = systemAccess("worker-1")
    const owner = `worker-${Math.random().toString(36).slice(2)}`
    const queued: Array<string> = []
    for (const tenantId of [tenantA, tenantB]) {
      const spec = { instanceId: newInstanceId(), tenantId }
      const message: OutboxMessage = {
        schemaVersion: 1,
        id: `${spec.instanceId}:notify`,
        tenantId,
        instanceId: spec.instanceId,
        sequence: 1,
        kind: `system-scope-${owner}`,
        payload: {},
        createdAt: at(0),
        availableAt: at(0)
      }
      await run(
        workflowStore.commit(tenantAccess(tenantId), {
          events: eventsOf(spec, 1, 1),
          expectedVersion: 0,
          state: stateOf(spec, 1),
          messages: [message]
        })
      )
      queued.push(message.id)
    }
    const request = { owner, now: at(1), leaseMs: 60_000, limit: 10, kinds: [`system-scope-${owner}`] }
    // a tenant claims only its own; the worker claims the rest, across tenants
    const own = await run(outbox.claim(tenantAccess(tenantA), request))
    expect(own.map((m) => m.tenantId)).toEqual([tenantA])
    const claimed = await run(outbox.claim(worker, { ...request, now: at(120) }))
    expect(claimed.map((m) => m.id).sort()).toEqual([...queued].sort())
    for (const m of claimed) await run(outbox.complete(worker, m))
    expect((await backend().inspect.outbox(claimed[0]?.instanceId)).map((m) => m.status)).toEqual(["done"])
    // it reads every tenant's index and events...
    const listed = await run(workflowIndex.query(worker, {}, { limit: 500 }))
    expect(listed.items.some((e) => e.tenantId === tenantA) && listed.items.some((e) => e.tenantId === tenantB)).toBe(
      true
    )
    // ...and writes none of it: refused before a round trip, and by the database when sent raw
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    expect((await fail(eventStore.append(worker, eventsOf(spec, 1, 1), 0))).reason._tag).toBe("TenantViolation")
    expect((await fail(instanceStore.save(worker, stateOf(spec, 1)))).reason._tag).toBe("TenantViolation")
    const raw = await backend()
      .client.query("select state_written from wm_commit('', 'worker', 0, null, $1::jsonb, null, null)", [
        JSON.stringify(stateOf(spec, 1))
      ])
      .then(
        () => "written",
        (error: { code?: string }) => error.code
      )
    expect(raw).toBe("42501")
    expect(await backend().inspect.state(spec.instanceId)).toBeUndefined()
  })

  it("loads the state caught up with newer events, repairs the projections, and returns a command's events", async () => {
    const { workflowStore, eventStore } = backend().services
    const spec = { instanceId: newInstanceId(), tenantId: tenantA }
    await run(
      workflowStore.commit(a, {
        events: eventsOf(spec, 1, 2),
        expectedVersion: 0,
        state: stateOf(spec, 2),
        messages: []
      })
    )
    expect(await run(workflowStore.load(a, spec.instanceId))).toEqual({ state: stateOf(spec, 2), prior: [] })
    // events appended without their projections (a writer that stopped half way)
    const keyed = [laterEvent(spec, 3, { commandId: "pause-1" }), laterEvent(spec, 4, { commandId: "pause-1" })]
    await run(eventStore.append(a, keyed, 2))
    const loaded = await run(workflowStore.load(a, spec.instanceId, "pause-1"))
    expect(loaded).toEqual({ state: stateOf(spec, 4), prior: keyed })
    const inspect = backend().inspect
    expect(await inspect.state(spec.instanceId)).toEqual(stateOf(spec, 4))
    expect(await inspect.indexEntry(spec.instanceId)).toEqual(entryOf(stateOf(spec, 4)))
    expect((await run(workflowStore.load(a, spec.instanceId, "never-used"))).prior).toEqual([])
    expect(await run(workflowStore.load(a, newInstanceId(), "pause-1"))).toEqual({ state: undefined, prior: [] })
    // another tenant sees nothing, the operator everything
    expect(await run(workflowStore.load(tenantAccess(tenantB), spec.instanceId, "pause-1"))).toEqual({
      state: undefined,
      prior: []
    })
    expect(await run(workflowStore.load(ops(), spec.instanceId, "pause-1"))).toEqual(loaded)
    const bad = await fail(workflowStore.load(tenantAccess("not-a-uuid"), spec.instanceId))
    expect(bad.reason._tag).toBe("InvalidData")
  })

  it("passes its check on a migrated database", async () => {
    expect(await run(backend().services.workflowStore.check)).toBeUndefined()
  })

  it("filters on nextDueAt (dueBy): due at or before the instant, never without nextDueAt", async () => {
    const { workflowIndex } = backend().services
    const tenant = newTenantId()
    await backend().inspect.ensureTenant(tenant)
    const t = tenantAccess(tenant)
    const specs = Array.from({ length: 4 }, (_, i) => ({
      instanceId: `due-${i}-${tenant.slice(0, 8)}`,
      tenantId: tenant,
      createdAt: 200 + i
    }))
    const due: ReadonlyArray<string | undefined> = [at(1_000), at(2_000), undefined, at(1_000.5)]
    for (const [i, spec] of specs.entries()) {
      const { nextDueAt: _, ...entry } = entryOf(stateOf(spec, 2))
      const when = due[i]
      expect(await run(workflowIndex.upsert(t, when === undefined ? entry : { ...entry, nextDueAt: when }))).toBe(true)
    }
    expect((await backend().inspect.indexEntry((specs[0] as InstanceSpec).instanceId))?.nextDueAt).toBe(at(1_000))
    expect((await backend().inspect.indexEntry((specs[2] as InstanceSpec).instanceId))?.nextDueAt).toBeUndefined()
    const dueBy = async (instant: string, extra: object = {}) =>
      (await run(workflowIndex.query(t, { dueBy: instant, ...extra }, { limit: 500 }))).items.map((e) => e.instanceId)
    const ids = specs.map((s) => s.instanceId)
    expect(await dueBy(at(999))).toEqual([])
    expect(await dueBy(at(1_000))).toEqual([ids[0]])
    expect(await dueBy(at(1_001))).toEqual([ids[0], ids[3]])
    expect(await dueBy(at(5_000))).toEqual([ids[0], ids[1], ids[3]])
    expect(await dueBy(at(5_000), { status: ["IN_PROGRESS"] })).toEqual([ids[0], ids[1], ids[3]])
    expect(await dueBy(at(5_000), { status: ["COMPLETED"] })).toEqual([])
    // pages of a dueBy query keep the (createdAt, instanceId) order
    const first = await run(workflowIndex.query(t, { dueBy: at(5_000) }, { limit: 2 }))
    expect(first.items.map((e) => e.instanceId)).toEqual([ids[0], ids[1]])
    const second = await run(
      workflowIndex.query(t, { dueBy: at(5_000) }, { limit: 2, cursor: first.nextCursor as string })
    )
    expect(second.items.map((e) => e.instanceId)).toEqual([ids[3]])
    expect(second.nextCursor).toBeUndefined()
    // the operator sees them too; another tenant does not
    expect(
      (await run(workflowIndex.query(ops(), { tenantId: tenant, dueBy: at(5_000) }, { limit: 500 }))).items
    ).toHaveLength(3)
    expect(
      (await run(workflowIndex.query(tenantAccess(tenantB), { dueBy: at(5_000) }, { limit: 500 }))).items.filter((e) =>
        ids.includes(e.instanceId)
      )
    ).toEqual([])
    for (const badInstant of ["yesterday", "2026-11-26", "2026-11-26T09:00:00+01:00", 42]) {
      const bad = await fail(workflowIndex.query(t, { dueBy: badInstant as string }, { limit: 10 }))
      expect(bad.reason._tag, String(badInstant)).toBe("InvalidData")
    }
  })

  it("indexes, filters and pages by keyset", async () => {
    const { workflowIndex } = backend().services
    const tenant = newTenantId()
    await backend().inspect.ensureTenant(tenant)
    const t = tenantAccess(tenant)
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
    const opsView = await run(workflowIndex.query(ops(), { tenantId: tenant }, { limit: 500 }))
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
