/**
 * Conformance: the `InstanceStore` port — snapshots never move backwards, tenant scopes.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { tenantAccess } from "../../Access.js"
import { evolve } from "../../Evolve.js"
import { InstanceStore } from "../../InstanceStore.js"
import type { WorkflowState } from "../../State.js"
import { history, progress, uuid } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

export const instanceStoreCases = (h: Harness): void => {
  describe("InstanceStore", () => {
    it("stores the snapshot and never moves it backwards", async () => {
      const tenantId = await h.newTenant()
      const instanceId = uuid()
      const states = history(h.template, progress(h.template, { instanceId, tenantId, steps: 3 }))
      const all: Array<WorkflowState> = []
      let s: WorkflowState | undefined
      for (const event of states.events) {
        s = evolve(s, event)
        all.push(s as WorkflowState)
      }
      const access = tenantAccess(tenantId)
      const shuffled = [...all].sort((x, y) => ((x.version * 7919) % 13) - ((y.version * 7919) % 13))
      await Promise.all(shuffled.map((state) => h.run(Effect.flatMap(InstanceStore, (st) => st.save(access, state)))))
      const latest = all[all.length - 1] as WorkflowState
      expect(await h.inspect.state(instanceId)).toEqual(latest)
      const older = await h.run(Effect.flatMap(InstanceStore, (st) => st.save(access, all[1] as WorkflowState)))
      expect(older).toBe(false)
      const same = await h.run(Effect.flatMap(InstanceStore, (st) => st.save(access, latest)))
      expect(same).toBe(false)
      expect(await h.inspect.state(instanceId)).toEqual(latest)
      expect(await h.run(Effect.flatMap(InstanceStore, (st) => st.get(access, instanceId)))).toEqual(latest)
    })

    it("scopes snapshots to the tenant", async () => {
      const a = await h.newTenant()
      const b = await h.newTenant()
      const ofB = await h.seedCommitted(b, 1)
      const ofA = await h.seedCommitted(a, 1)
      const asA = tenantAccess(a)
      expect(await h.run(Effect.flatMap(InstanceStore, (s) => s.get(asA, ofB.instanceId)))).toBeUndefined()
      const many = await h.run(
        Effect.flatMap(InstanceStore, (s) => s.getMany(asA, [ofA.instanceId, ofB.instanceId, uuid()]))
      )
      expect(many).toEqual([ofA.state])
      const forged = { ...ofB.state, version: ofB.state.version + 10 }
      const violation = await h.exit(Effect.flatMap(InstanceStore, (s) => s.save(asA, forged)))
      expect(failureTag(violation)).toBe("TenantViolation")
      expect(await h.inspect.state(ofB.instanceId)).toEqual(ofB.state)
    })
  })
}
