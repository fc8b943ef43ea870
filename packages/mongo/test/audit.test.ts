/**
 * The tenant-scoping audit itself: every test file runs with the driver's command monitoring on
 * and fails (in its `afterAll`) when the adapter sent a `find`, `aggregate`, `insert`, `update` or
 * `delete` that does not filter on (or insert) the tenant. Here: the audit catches an unscoped
 * command, a tenant-scoped workload never reads across tenants, and the operator's reads are the
 * explicit cross-tenant condition.
 */
import { operatorAccess, tenantAccess } from "@workflow-manager/core"
import { FerretDB, serviceUrl } from "@workflow-manager/test-utils"
import { Effect } from "effect"
import { MongoClient } from "mongodb"
import { expect, it } from "vitest"
import { audit } from "./support/audit.js"
import { describeBackend } from "./support/backend.js"
import { commits, progress, template, uuid } from "./support/fixtures.js"

await describeBackend("mongo tenant-scoping audit", { split: false }, (backend) => {
  it("fails on a filter without the tenant", async () => {
    const client = new MongoClient(serviceUrl(FerretDB), { monitorCommands: true })
    const audited = audit(client)
    await client.connect()
    try {
      const events = client.db(backend().db.databaseName).collection("workflow_events")
      await events.findOne({ i: "anything" })
      await events.findOne({ _id: "no-tenant-here#1" as never })
      await events.findOne({ t: "a-tenant", i: "anything" })
      await events.findOne({ _id: "a-tenant/anything#1" as never })
    } finally {
      await client.close()
    }
    const log = audited.log()
    expect(log.checked).toBe(4)
    expect(log.violations).toHaveLength(2)
  })

  it("a tenant-scoped workload filters on its tenant only; operator reads are the explicit cross-tenant condition", async () => {
    const before = backend().audit()
    const tenantId = uuid()
    const instanceId = uuid()
    const t = template(`audit-${uuid().slice(0, 8)}`)
    const access = tenantAccess(tenantId)
    const s = backend().services
    await Effect.runPromise(s.templateStore.publish(t))
    for (const c of commits(t, progress(t, { instanceId, tenantId, steps: 2 }))) {
      await Effect.runPromise(s.workflowStore.commit(access, { ...c, messages: [] }))
    }
    await Effect.runPromise(
      Effect.all([
        s.workflowStore.load(access, instanceId, "some-key"),
        s.eventStore.read(access, instanceId, { from: 2 }),
        s.eventStore.readUntil(access, instanceId, "2030-01-01T00:00:00Z"),
        s.instanceStore.getMany(access, [instanceId]),
        s.workflowIndex.query(access, { status: ["IN_PROGRESS"] }, { limit: 10 }),
        s.reconciler.reconcile(tenantId, { graceMs: 0 }),
        s.reconciler.lag(access),
        s.outbox.stats?.(access, "2030-01-01T00:00:00Z") ?? Effect.void
      ])
    )
    const scoped = backend().audit()
    expect(scoped.checked).toBeGreaterThan(before.checked)
    expect(scoped.crossTenant).toBe(before.crossTenant)
    await Effect.runPromise(s.eventStore.read(operatorAccess("ops", uuid()), instanceId))
    const after = backend().audit()
    expect(after.crossTenant).toBeGreaterThan(scoped.crossTenant)
    expect(after.violations).toEqual([])
  })
})
