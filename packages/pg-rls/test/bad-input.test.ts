/**
 * Bad input — unknown tenants, malformed ids, oversized JSON, SQL metacharacters — gets a typed
 * error (or, in free-text fields, is stored verbatim as data), and nothing is written: checked by
 * direct reads.
 */
import {
  entryOf,
  type StorageError,
  tenantAccess,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { beforeAll, expect, it } from "vitest"
import { createOperatorOrganisation } from "../src/index.js"
import { describeBackends } from "./support/backends.js"
import { createdEvent, eventsOf, newInstanceId, newTenantId, stateOf, template } from "./support/fixtures.js"

const reason = async (effect: Effect.Effect<unknown, StorageError>): Promise<string> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause.reasons[0]
  return failure?._tag === "Fail" ? failure.error.reason._tag : `defect ${String(exit.cause)}`
}
const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)

const METACHARACTERS = [
  "'; drop table workflow_events; --",
  '" or "1"="1',
  "') or ('1'='1",
  "$1 $$ $body$",
  "\\'; select pg_sleep(10); --",
  "%_*?[]{}",
  "line\nbreak\ttab\r",
  "ünïcödé ✓ 🚀",
  "/* comment */ union select * from users --"
]

await describeBackends("bad input", (backend) => {
  const tenantId = newTenantId()
  const access = tenantAccess(tenantId)
  const ops = () => backend().operator

  /** Row counts of every table: a failed call must leave them unchanged. */
  const counts = async () =>
    (
      await backend().admin.query<{ counts: Record<string, number> }>(
        `select json_build_object(
           'tenants', (select count(*) from tenants), 'users', (select count(*) from users),
           'roles', (select count(*) from tenant_market_roles), 'templates', (select count(*) from workflow_templates),
           'events', (select count(*) from workflow_events), 'states', (select count(*) from workflow_instances),
           'index', (select count(*) from workflow_instances_index), 'outbox', (select count(*) from workflow_outbox), 'owners', (select count(*) from wm_instance_owners)) as counts`
      )
    )[0]?.counts

  beforeAll(async () => {
    await backend().inspect.ensureTenant(tenantId)
  })

  it("an unknown tenant: NotFound (or refused), nothing written", async () => {
    const { services } = backend()
    const unknown = newTenantId()
    const spec = { instanceId: newInstanceId(), tenantId: unknown }
    const before = await counts()
    expect(await reason(services.eventStore.append(tenantAccess(unknown), eventsOf(spec, 1, 1), 0))).toBe("NotFound")
    expect(await reason(services.eventStore.append(ops(), eventsOf(spec, 1, 1), 0))).toBe("NotFound")
    expect(
      await reason(
        services.workflowStore.commit(tenantAccess(unknown), {
          events: eventsOf(spec, 1, 2),
          expectedVersion: 0,
          state: stateOf(spec, 2),
          messages: []
        })
      )
    ).toBe("NotFound")
    expect(await reason(services.instanceStore.save(ops(), stateOf(spec, 1)))).toBe("NotFound")
    expect(await reason(services.workflowIndex.upsert(ops(), entryOf(stateOf(spec, 1))))).toBe("NotFound")
    expect(
      await reason(services.users.create(ops(), { tenantId: unknown, email: "a@b.example", role: "tenant_user" }))
    ).toBe("NotFound")
    expect(await reason(services.marketRoles.assign(ops(), { tenantId: unknown, role: "BRP" }))).toBe("NotFound")
    expect(await counts()).toEqual(before)
    // reads in an unknown tenant simply see nothing
    expect(await run(services.eventStore.read(tenantAccess(unknown), spec.instanceId))).toEqual([])
  })

  it("malformed ids: InvalidData before any round trip, nothing written", async () => {
    const { services } = backend()
    const before = await counts()
    const spec = { instanceId: newInstanceId(), tenantId }
    const malformed = ["", " ", "has space", "a/b", "../etc", "x".repeat(201), "'; drop table users; --", "-leading"]
    for (const id of malformed) {
      const bad = { ...spec, instanceId: id }
      expect(await reason(services.eventStore.append(access, [createdEvent(bad)], 0)), id).toBe("InvalidData")
      expect(await reason(services.eventStore.read(access, id)), id).toBe("InvalidData")
      expect(await reason(services.instanceStore.get(access, id)), id).toBe("InvalidData")
      expect(await reason(services.instanceStore.getMany(access, [spec.instanceId, id])), id).toBe("InvalidData")
      expect(await reason(services.workflowIndex.get(access, id)), id).toBe("InvalidData")
      expect(await reason(services.templateStore.get(id, 1)), id).toBe("InvalidData")
      expect(await reason(services.templateStore.publish({ ...template("ok", 1), id })), id).toBe("InvalidData")
    }
    for (const tenant of ["not-a-uuid", "", "00000000-0000-0000-0000-00000000000g", "'; set role postgres; --"]) {
      expect(await reason(services.eventStore.read(tenantAccess(tenant), spec.instanceId)), tenant).toBe("InvalidData")
      expect(await reason(services.workflowIndex.query(tenantAccess(tenant), {}, { limit: 10 })), tenant).toBe(
        "InvalidData"
      )
      expect(
        await reason(services.eventStore.append(ops(), eventsOf({ ...spec, tenantId: tenant }, 1, 1), 0)),
        tenant
      ).toBe("InvalidData")
      expect(await reason(services.tenants.get(ops(), tenant)), tenant).toBe("InvalidData")
      expect(await reason(services.users.list(ops(), { tenantId: tenant })), tenant).toBe("InvalidData")
    }
    expect(await reason(services.users.get(access, "42"))).toBe("InvalidData")
    expect(await reason(services.workflowIndex.query(access, {}, { limit: 10, cursor: "eyJ4IjoxfQ" }))).toBe(
      "InvalidData"
    )
    expect(await reason(services.workflowIndex.query(access, { status: ["NOPE" as "DRAFT"] }, { limit: 10 }))).toBe(
      "InvalidData"
    )
    expect(await reason(services.workflowIndex.query(access, { updatedSince: "yesterday" }, { limit: 10 }))).toBe(
      "InvalidData"
    )
    expect(await reason(services.eventStore.readUntil(access, spec.instanceId, "2026-13-45"))).toBe("InvalidData")
    expect(await reason(services.eventStore.append(access, eventsOf(spec, 1, 1), -1))).toBe("InvalidData")
    expect(
      await reason(
        services.eventStore.append(
          access,
          [{ ...createdEvent(spec), type: "NOT_AN_EVENT" } as unknown as WorkflowEvent],
          0
        )
      )
    ).toBe("InvalidData")
    expect(await counts()).toEqual(before)
  })

  it("oversized JSON (> 1 MiB per document): InvalidData before sending, nothing written", async () => {
    const { services, inspect } = backend()
    const before = await counts()
    const spec = { instanceId: newInstanceId(), tenantId }
    const huge = "x".repeat(1024 * 1024 + 1)
    const bigEvent = {
      ...createdEvent(spec),
      data: { ...createdEvent(spec).data, metadata: { huge } }
    } as WorkflowEvent
    expect(await reason(services.eventStore.append(access, [bigEvent], 0))).toBe("InvalidData")
    const bigState: WorkflowState = { ...stateOf(spec, 1), metadata: { huge } }
    expect(await reason(services.instanceStore.save(access, bigState))).toBe("InvalidData")
    expect(
      await reason(
        services.workflowStore.commit(access, {
          events: [createdEvent(spec)],
          expectedVersion: 0,
          state: bigState,
          messages: []
        })
      )
    ).toBe("InvalidData")
    // multi-byte characters count in bytes: 400k × 3 bytes is above the limit
    const wide = { ...stateOf(spec, 1), metadata: { wide: "€".repeat(400_000) } }
    expect(await reason(services.instanceStore.save(access, wide))).toBe("InvalidData")
    expect(await reason(services.templateStore.publish({ ...template("big-template", 1), metadata: { huge } }))).toBe(
      "InvalidData"
    )
    expect(await inspect.events(spec.instanceId)).toEqual([])
    expect(await inspect.state(spec.instanceId)).toBeUndefined()
    expect(await counts()).toEqual(before)
    // just below the limit is fine
    const fits = { ...stateOf(spec, 1), metadata: { fits: "y".repeat(512 * 1024) } }
    expect(await run(services.instanceStore.save(access, fits))).toBe(true)
  })

  it("non-objects where an object is expected: InvalidData, never a crash, nothing written", async () => {
    const { services, admin } = backend()
    const before = await counts()
    for (const value of [null, undefined, "x", 42, []]) {
      expect(await reason(services.workflowStore.commit(access, value as never))).toBe("InvalidData")
      expect(await reason(createOperatorOrganisation(admin, value as never))).toBe("InvalidData")
      expect(await reason(services.outbox.claim(access, value as never))).toBe("InvalidData")
      expect(await reason(services.outbox.complete(access, value as never))).toBe("InvalidData")
    }
    expect(await counts()).toEqual(before)
  })

  it("NUL characters: InvalidData, nothing written", async () => {
    const { services, inspect } = backend()
    const spec = { instanceId: newInstanceId(), tenantId }
    const withNul = {
      ...createdEvent(spec),
      data: { ...createdEvent(spec).data, metadata: { note: "a\u0000b" } }
    } as WorkflowEvent
    expect(await reason(services.eventStore.append(access, [withNul], 0))).toBe("InvalidData")
    expect(await inspect.events(spec.instanceId)).toEqual([])
  })

  it("SQL metacharacters in every string field: constrained fields refuse them, free text stores them verbatim", async () => {
    const { services, inspect } = backend()
    // constrained fields: typed InvalidData, nothing written
    const before = await counts()
    for (const text of METACHARACTERS) {
      const spec = { instanceId: newInstanceId(), tenantId }
      expect(
        await reason(services.eventStore.append(access, [{ ...createdEvent(spec), performedBy: text }], 0)),
        text
      ).toBe("InvalidData")
      expect(
        await reason(services.eventStore.append(access, [{ ...createdEvent(spec), instanceId: text }], 0)),
        text
      ).toBe("InvalidData")
      expect(
        await reason(
          services.eventStore.append(
            access,
            [{ ...createdEvent(spec), data: { ...createdEvent(spec).data, templateId: text } } as WorkflowEvent],
            0
          )
        ),
        text
      ).toBe("InvalidData")
      expect(await reason(services.workflowIndex.query(access, { currentStepId: text }, { limit: 5 })), text).toBe(
        "InvalidData"
      )
      expect(await reason(services.workflowIndex.query(access, { templateId: text }, { limit: 5 })), text).toBe(
        "InvalidData"
      )
      expect(await reason(services.users.create(access, { tenantId, email: text, role: "tenant_user" })), text).toBe(
        "InvalidData"
      )
      expect(await reason(services.users.create(access, { tenantId, email: "m@x.example", role: text })), text).toBe(
        "InvalidData"
      )
      // (a VAT number drops spaces, dots and dashes first: only other characters make it malformed)
      if (/[^A-Za-z0-9\s.-]/.test(text)) {
        expect(await reason(services.tenants.create(ops(), { companyName: "Meta", vatNumber: text })), text).toBe(
          "InvalidData"
        )
      }
      expect(await reason(services.marketRoles.assign(ops(), { tenantId, role: text })), text).toBe("InvalidData")
    }
    expect(await counts()).toEqual(before)
    // free text: stored and read back exactly, nothing else touched
    for (const [i, text] of METACHARACTERS.entries()) {
      const spec = { instanceId: newInstanceId(), tenantId, marketRole: `BRP${text}` }
      const event = {
        ...createdEvent(spec),
        commandId: `cmd ${text}`,
        data: { ...createdEvent(spec).data, metadata: { [text]: text, nested: [text, { text }] } }
      } as WorkflowEvent
      await run(services.eventStore.append(access, [event], 0))
      expect(await inspect.events(spec.instanceId)).toEqual([event])
      expect(await run(services.eventStore.readByCommand(access, spec.instanceId, `cmd ${text}`))).toEqual([event])
      const state = { ...stateOf(spec, 1), metadata: { [text]: text } }
      await run(services.instanceStore.save(access, state))
      expect(await inspect.state(spec.instanceId)).toEqual(state)
      await run(services.workflowIndex.upsert(access, entryOf(state)))
      const found = await run(services.workflowIndex.query(access, { marketRole: `BRP${text}` }, { limit: 5 }))
      expect(found.items.map((e) => e.instanceId)).toEqual([spec.instanceId])
      // a due-work owner is free text too: the lease names it verbatim, and only it ends the lease
      const dueAt = new Date(Date.UTC(2040, 0, 1, 0, 0, i)).toISOString()
      await run(services.workflowIndex.upsert(access, { ...entryOf(state), version: 2, nextDueAt: dueAt }))
      const claimed = await run(services.dueWork.claim(access, { owner: text, now: dueAt, leaseMs: 60_000, limit: 5 }))
      expect(claimed.map((item) => item.instanceId)).toEqual([spec.instanceId])
      const lease = await backend().admin.query<{ owner: string }>(
        "select owner from workflow_due_leases where instance_id = $1",
        [spec.instanceId]
      )
      expect(lease).toEqual([{ owner: text }])
      await run(services.dueWork.release(access, { owner: `${text} `, instanceIds: [spec.instanceId] }))
      expect(await run(services.dueWork.stats(access, dueAt))).toMatchObject({ due: 1, leased: 1 })
      await run(services.dueWork.release(access, { owner: text, instanceIds: [spec.instanceId] }))
      expect(await run(services.dueWork.stats(access, dueAt))).toMatchObject({ due: 1, leased: 0 })
      await run(services.workflowIndex.upsert(access, { ...entryOf(state), version: 3 }))
      const t = {
        ...template(`meta-${i}`, 1, text),
        description: text,
        steps: [{ id: "s", type: text, name: text, config: { [text]: text } }]
      }
      await run(services.templateStore.publish(t))
      expect(await run(services.templateStore.get(`meta-${i}`, 1))).toEqual(t)
      const tenant = await run(
        services.tenants.create(ops(), { companyName: text, vatNumber: `BE0${String(100000000 + i)}` })
      )
      expect((await run(services.tenants.get(ops(), tenant.id)))?.companyName).toBe(text)
      const user = await run(
        services.users.create(access, {
          tenantId,
          email: `meta${i}@x.example`,
          role: "tenant_user",
          displayName: text
        })
      )
      expect(user.displayName).toBe(text)
      // a password hash is not free text: metacharacters are refused like any non-hash
      const hash = await reason(
        services.users.create(access, {
          tenantId,
          email: `meta${i}h@x.example`,
          role: "tenant_user",
          passwordHash: text
        })
      )
      expect(hash).toBe("InvalidData")
      const role = await run(
        services.marketRoles.assign(ops(), { tenantId: tenant.id, role: "BRP", contractReference: text })
      )
      expect(role.contractReference).toBe(text)
    }
    const tables = await backend().admin.query<{ n: number }>(
      "select count(*)::int as n from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace"
    )
    expect(tables[0]?.n).toBe(13)
  })
})
