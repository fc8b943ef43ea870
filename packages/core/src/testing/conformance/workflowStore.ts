/**
 * Conformance: the `WorkflowStore` port — a commit writes events, state and index (and queues
 * messages where the backend has an outbox) or nothing; `load` returns the current state, caught up
 * with newer events, and what a command id recorded, within the tenant; `check` passes.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { tenantAccess } from "../../Access.js"
import { EventStore } from "../../EventStore.js"
import type { OutboxMessage } from "../../Outbox.js"
import { entryOf } from "../../WorkflowIndex.js"
import { WorkflowStore } from "../../WorkflowStore.js"
import { actorOf, history, instant, progress, uuid } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

export const workflowStoreCases = (h: Harness): void => {
  describe("WorkflowStore", () => {
    it("commits events, state and index together; a conflicting commit changes none of them", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedCommitted(tenantId, 1)
      expect(await h.inspect.events(instanceId)).toEqual(events)
      expect(await h.inspect.state(instanceId)).toEqual(state)
      expect(await h.inspect.indexEntry(instanceId)).toEqual(entryOf(state))
      const stale = history(h.template, progress(h.template, { instanceId, tenantId, steps: 2, at: 50 }))
      const result = await h.exit(
        Effect.flatMap(WorkflowStore, (s) =>
          s.commit(tenantAccess(tenantId), {
            events: stale.events.slice(1),
            expectedVersion: 1,
            state: stale.state,
            messages: []
          })
        )
      )
      expect(failureTag(result)).toBe("Conflict")
      expect(await h.inspect.events(instanceId)).toEqual(events)
      expect(await h.inspect.state(instanceId)).toEqual(state)
      expect(await h.inspect.indexEntry(instanceId)).toEqual(entryOf(state))
    })

    it("reports what a commit left pending, and nothing when every write landed", async () => {
      const tenantId = await h.newTenant()
      const instanceId = uuid()
      const { events, state } = history(h.template, progress(h.template, { instanceId, tenantId, steps: 1 }))
      const result = await h.run(
        Effect.flatMap(WorkflowStore, (s) =>
          s.commit(tenantAccess(tenantId), { events, expectedVersion: 0, state, messages: [] })
        )
      )
      expect(result.pending).toEqual([])
      expect(await h.inspect.state(instanceId)).toEqual(state)
    })

    it("loads the current state and the events a command id recorded, within the tenant", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedCommitted(tenantId, 1)
      const keyed = history(h.template, [
        ...progress(h.template, { instanceId, tenantId, steps: 1 }),
        (s) => ({
          _tag: "PauseWorkflow",
          actor: actorOf(tenantId),
          expectedVersion: s?.version ?? 0,
          at: instant(500),
          idempotencyKey: "pause-1"
        })
      ])
      const access = tenantAccess(tenantId)
      await h.run(
        Effect.flatMap(WorkflowStore, (s) =>
          s.commit(access, {
            events: keyed.events.slice(events.length),
            expectedVersion: state.version,
            state: keyed.state,
            messages: []
          })
        )
      )
      const loaded = await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(access, instanceId, "pause-1")))
      expect(loaded.state).toEqual(keyed.state)
      expect(loaded.prior).toEqual(keyed.events.slice(events.length))
      const unkeyed = await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(access, instanceId)))
      expect(unkeyed).toEqual({ state: keyed.state, prior: [] })
      const unknownKey = await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(access, instanceId, "never-used")))
      expect(unknownKey.prior).toEqual([])
      expect(await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(access, uuid(), "pause-1")))).toEqual({
        state: undefined,
        prior: []
      })
      const other = tenantAccess(await h.newTenant())
      expect(await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(other, instanceId, "pause-1")))).toEqual({
        state: undefined,
        prior: []
      })
      const asOps = await h.operator()
      const ops = await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(asOps, instanceId, "pause-1")))
      expect(ops.state).toEqual(keyed.state)
    })

    it("loads a state caught up with events appended after its snapshot", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedCommitted(tenantId, 1)
      const newer = history(h.template, progress(h.template, { instanceId, tenantId, steps: 2 }))
      await h.run(
        Effect.flatMap(EventStore, (s) =>
          s.append(tenantAccess(tenantId), newer.events.slice(events.length), state.version)
        )
      )
      const loaded = await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(tenantAccess(tenantId), instanceId)))
      expect(loaded.state).toEqual(newer.state)
    })

    it("refuses messages it cannot queue, or queues them with the events", async () => {
      const tenantId = await h.newTenant()
      const instanceId = uuid()
      const { events, state } = history(h.template, progress(h.template, { instanceId, tenantId, steps: 0 }))
      const message: OutboxMessage = {
        schemaVersion: 1,
        id: `${instanceId}:conformance`,
        tenantId,
        instanceId,
        sequence: 1,
        kind: "conformance",
        payload: { hello: "world" },
        createdAt: instant(0),
        availableAt: instant(0)
      }
      const capabilities = await h.run(Effect.map(WorkflowStore, (s) => s.capabilities))
      const result = await h.exit(
        Effect.flatMap(WorkflowStore, (s) =>
          s.commit(tenantAccess(tenantId), { events, expectedVersion: 0, state, messages: [message] })
        )
      )
      if (capabilities.outbox === "unsupported") {
        expect(failureTag(result)).toBe("InvalidData")
        expect(await h.inspect.events(instanceId)).toEqual([])
      } else {
        expect(failureTag(result)).toBeUndefined()
        expect(await h.inspect.events(instanceId)).toEqual(events)
      }
    })

    it("passes its own check", async () => {
      expect(await h.run(Effect.flatMap(WorkflowStore, (s) => s.check))).toBeUndefined()
    })
  })
}
