/**
 * `Reconciler.lag` as a worker's gauge, on FerretDB (MongoDB only, and the split): the system and
 * operator scopes count every tenant's unprojected commits and report the oldest, a tenant only
 * its own; the figures equal what storage holds (commits without a projected marker, read
 * directly); reconciling a tenant takes its commits off, and `reconcileAll` brings the gauge to 0.
 */
import { type Access, operatorAccess, type StorageError, systemAccess, tenantAccess } from "@workflow-manager/core"
import { Effect, Exit } from "effect"
import { expect, it } from "vitest"
import { describeBackend } from "./support/backend.js"
import { commits, progress, template, uuid } from "./support/fixtures.js"

const run = <A>(effect: Effect.Effect<A, StorageError>): Promise<A> => Effect.runPromise(effect)

for (const split of [false, true]) {
  await describeBackend("mongo reconciler lag", { split }, (backend) => {
    const t = template(`lag-${uuid().slice(0, 8)}`)
    const newTenant = async () => {
      const tenantId = uuid()
      await backend().inspect.ensureTenant(tenantId)
      return tenantId
    }
    /** Writes an instance of `steps` steps; with `crash`, its last commit stops after the MongoDB insert. */
    const write = async (tenantId: string, steps: number, crash: boolean) => {
      const instanceId = uuid()
      const all = commits(t, progress(t, { instanceId, tenantId, steps }))
      let written = 0
      const services = backend().withFaults({
        crash: (point, id) => crash && point === "afterInsert" && id === instanceId && written === all.length - 1
      })
      for (const c of all) {
        const exit = await Effect.runPromiseExit(
          services.workflowStore.commit(tenantAccess(tenantId), { ...c, messages: [] })
        )
        expect(Exit.isSuccess(exit)).toBe(!crash || written < all.length - 1)
        written++
      }
      return instanceId
    }
    /** The scope's commits without a marker, read directly: how many, and the oldest's time. */
    const stored = async (tenants: ReadonlyArray<string>) => {
      const raw = backend().raw
      const docs = await raw
        .collection("workflow_events")
        .find({ t: { $in: [...tenants] } }, { projection: { _id: 1, ca: 1 } })
        .toArray()
      const marked = new Set(
        (
          await raw
            .collection("workflow_projected")
            .find({ t: { $in: [...tenants] } }, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => d._id as unknown as string)
      )
      const waiting = docs.filter((d) => !marked.has(d._id as unknown as string)).map((d) => d.ca as Date)
      waiting.sort((x, y) => x.getTime() - y.getTime())
      return { unprojected: waiting.length, oldestUnprojectedAt: waiting[0]?.toISOString() }
    }
    const lag = (access: Access) => run(backend().services.reconciler.lag(access))

    // first in the file: the system and operator figures are of this database's commits only
    it("the system and operator scopes report every tenant's unprojected commits; a tenant its own", async () => {
      const [a, b] = [await newTenant(), await newTenant()]
      const system = systemAccess("metrics")
      const operator = backend().pg?.operator ?? operatorAccess("ops", uuid())
      const none = { unprojected: 0, oldestUnprojectedAt: undefined, lagMs: 0 }
      // projected commits (more than one of the old 500-commit batches) leave no lag
      for (let n = 0; n < 12; n++) await write(n % 2 === 0 ? a : b, 3, false)
      expect(await lag(system)).toEqual(none)
      await write(a, 0, true)
      await write(b, 1, true)
      await write(b, 2, true)
      await write(a, 1, false)
      const both = await stored([a, b])
      expect(both.unprojected).toBe(3)
      const before = Date.now()
      const gauge = await lag(system)
      expect({ unprojected: gauge.unprojected, oldestUnprojectedAt: gauge.oldestUnprojectedAt }).toEqual(both)
      // its age: from the oldest commit's time to the call, never negative
      expect(gauge.lagMs).toBeGreaterThanOrEqual(before - Date.parse(both.oldestUnprojectedAt as string))
      expect(gauge.lagMs).toBeLessThanOrEqual(Date.now() - Date.parse(both.oldestUnprojectedAt as string))
      expect((await lag(operator)).unprojected).toBe(3)
      const ofA = await lag(tenantAccess(a))
      expect({ unprojected: ofA.unprojected, oldestUnprojectedAt: ofA.oldestUnprojectedAt }).toEqual(await stored([a]))
      expect(ofA.unprojected).toBe(1)
      expect((await lag(tenantAccess(b))).unprojected).toBe(2)
      expect(await lag(tenantAccess(await newTenant()))).toEqual(none)

      // the reconciler takes a tenant's commits off the gauge, then every tenant's
      await run(backend().services.reconciler.reconcile(a, { graceMs: 0 }))
      const onlyB = await lag(system)
      expect({ unprojected: onlyB.unprojected, oldestUnprojectedAt: onlyB.oldestUnprojectedAt }).toEqual(
        await stored([b])
      )
      expect(onlyB.unprojected).toBe(2)
      const report = await run(backend().services.reconciler.reconcileAll({ graceMs: 0 }))
      expect(report.failed).toEqual([])
      expect(await lag(system)).toEqual(none)
      expect(await stored([a, b])).toEqual({ unprojected: 0, oldestUnprojectedAt: undefined })
    })

    it("refuses a malformed scope with InvalidData", async () => {
      for (const scope of [null, {}, { _tag: "Tenant", tenantId: { $ne: null } }, { _tag: "Operator", tenantId: "" }]) {
        const exit = await Effect.runPromiseExit(backend().services.reconciler.lag(scope as never))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = exit.cause.reasons.find((r) => r._tag === "Fail")
          expect(error?._tag === "Fail" ? (error.error as StorageError).reason._tag : "Die").toBe("InvalidData")
        }
      }
    })
  })
}
