/**
 * Conformance: the `EventStore` port — exactly what was appended, only at the expected version, one winner of a race, reads by range, instant and command, tenant scopes.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { tenantAccess } from "../../Access.js"
import type { WorkflowEvent } from "../../Event.js"
import { EventStore } from "../../EventStore.js"
import { actorOf, history, instant, progress, uuid } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

export const eventStoreCases = (h: Harness): void => {
  describe("EventStore", () => {
    it("stores exactly the appended events, in sequence order", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events } = await h.seedEvents(tenantId, 2)
      expect(await h.inspect.events(instanceId)).toEqual(events)
      const read = await h.run(Effect.flatMap(EventStore, (s) => s.read(tenantAccess(tenantId), instanceId)))
      expect(read).toEqual(events)
    })

    it("rejects an append at a stale or future expected version with Conflict and writes nothing", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedEvents(tenantId, 1)
      const next = history(h.template, [
        ...progress(h.template, { instanceId, tenantId, steps: 1 }),
        (s) => ({
          _tag: "PauseWorkflow",
          actor: actorOf(tenantId),
          expectedVersion: s?.version ?? 0,
          at: instant(100)
        })
      ]).events.slice(events.length)
      const stale = next.map((e, i) => ({ ...e, sequence: state.version + i })) as ReadonlyArray<WorkflowEvent>
      const staleExit = await h.exit(
        Effect.flatMap(EventStore, (s) => s.append(tenantAccess(tenantId), stale, state.version - 1))
      )
      expect(failureTag(staleExit)).toBe("Conflict")
      const future = next.map((e, i) => ({ ...e, sequence: state.version + 2 + i })) as ReadonlyArray<WorkflowEvent>
      const futureExit = await h.exit(
        Effect.flatMap(EventStore, (s) => s.append(tenantAccess(tenantId), future, state.version + 1))
      )
      expect(failureTag(futureExit)).toBe("Conflict")
      expect(await h.inspect.events(instanceId)).toEqual(events)
    })

    it("rejects a malformed batch (gap in sequences, mixed instances) with InvalidData and writes nothing", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedEvents(tenantId, 1)
      const pause = history(h.template, [
        ...progress(h.template, { instanceId, tenantId, steps: 1 }),
        (s) => ({
          _tag: "PauseWorkflow",
          actor: actorOf(tenantId),
          expectedVersion: s?.version ?? 0,
          at: instant(100)
        }),
        (s) => ({
          _tag: "ResumeWorkflow",
          actor: actorOf(tenantId),
          expectedVersion: s?.version ?? 0,
          at: instant(101)
        })
      ]).events.slice(events.length)
      const gap = [pause[0], { ...pause[1], sequence: state.version + 3 }] as ReadonlyArray<WorkflowEvent>
      const gapExit = await h.exit(
        Effect.flatMap(EventStore, (s) => s.append(tenantAccess(tenantId), gap, state.version))
      )
      expect(failureTag(gapExit)).toBe("InvalidData")
      const mixed = [pause[0], { ...pause[1], instanceId: uuid() }] as ReadonlyArray<WorkflowEvent>
      const mixedExit = await h.exit(
        Effect.flatMap(EventStore, (s) => s.append(tenantAccess(tenantId), mixed, state.version))
      )
      expect(failureTag(mixedExit)).toBe("InvalidData")
      expect(await h.inspect.events(instanceId)).toEqual(events)
    })

    it(`lets exactly one of ${h.concurrency} concurrent appends at one expected version win`, async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedEvents(tenantId, 1)
      const candidates = Array.from({ length: h.concurrency }, (_, i) =>
        history(h.template, [
          ...progress(h.template, { instanceId, tenantId, steps: 1 }),
          (s) => ({
            _tag: "PauseWorkflow",
            actor: actorOf(tenantId),
            expectedVersion: s?.version ?? 0,
            at: instant(200),
            reason: `writer ${i}`
          })
        ]).events.slice(events.length)
      )
      const exits = await Promise.all(
        candidates.map((batch) =>
          h.exit(Effect.flatMap(EventStore, (s) => s.append(tenantAccess(tenantId), batch, state.version)))
        )
      )
      const reasons = exits.map(failureTag)
      expect(reasons.filter((r) => r === undefined)).toHaveLength(1)
      expect(reasons.filter((r) => r === "Conflict")).toHaveLength(h.concurrency - 1)
      const stored = await h.inspect.events(instanceId)
      expect(stored.map((e) => e.sequence)).toEqual(Array.from({ length: events.length + 1 }, (_, i) => i + 1))
      const winner = candidates[reasons.indexOf(undefined)]
      expect(stored[stored.length - 1]).toEqual(winner?.[0])
    })

    it("reads by sequence range, up to an instant and by command id", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events } = await h.seedEvents(tenantId, 3, 1000)
      const access = tenantAccess(tenantId)
      const range = await h.run(Effect.flatMap(EventStore, (s) => s.read(access, instanceId, { from: 2, to: 4 })))
      expect(range).toEqual(events.filter((e) => e.sequence >= 2 && e.sequence <= 4))
      const from = await h.run(Effect.flatMap(EventStore, (s) => s.read(access, instanceId, { from: 5 })))
      expect(from).toEqual(events.filter((e) => e.sequence >= 5))
      const cut = events[2] as WorkflowEvent
      const until = await h.run(Effect.flatMap(EventStore, (s) => s.readUntil(access, instanceId, cut.occurredAt)))
      expect(until).toEqual(events.filter((e) => Date.parse(e.occurredAt) <= Date.parse(cut.occurredAt)))
      const keyed = history(h.template, [
        ...progress(h.template, { instanceId, tenantId, steps: 3, at: 1000 }),
        (s) => ({
          _tag: "SubmitWorkflow",
          actor: actorOf(tenantId),
          expectedVersion: s?.version ?? 0,
          at: instant(2000),
          idempotencyKey: "submit-once"
        })
      ]).events.slice(events.length)
      await h.run(Effect.flatMap(EventStore, (s) => s.append(access, keyed, events.length)))
      const byCommand = await h.run(
        Effect.flatMap(EventStore, (s) => s.readByCommand(access, instanceId, "submit-once"))
      )
      expect(byCommand).toEqual(keyed)
      const none = await h.run(Effect.flatMap(EventStore, (s) => s.readByCommand(access, instanceId, "never-used")))
      expect(none).toEqual([])
    })

    it("scopes every read and write to the tenant", async () => {
      const a = await h.newTenant()
      const b = await h.newTenant()
      const { instanceId, events } = await h.seedEvents(b, 1)
      const asA = tenantAccess(a)
      const reads = await h.run(
        Effect.flatMap(EventStore, (s) =>
          Effect.all([
            s.read(asA, instanceId),
            s.readUntil(asA, instanceId, instant(1_000_000)),
            s.readByCommand(asA, instanceId, "x")
          ])
        )
      )
      expect(reads).toEqual([[], [], []])
      const ops = await h.operator()
      const operator = await h.run(Effect.flatMap(EventStore, (s) => s.read(ops, instanceId)))
      expect(operator).toEqual(events)
      // Appending B's events (B's tenant id) while scoped to A is a tenant violation.
      const more = history(h.template, [
        ...progress(h.template, { instanceId, tenantId: b, steps: 1 }),
        (s) => ({ _tag: "PauseWorkflow", actor: actorOf(b), expectedVersion: s?.version ?? 0, at: instant(300) })
      ]).events.slice(events.length)
      const violation = await h.exit(Effect.flatMap(EventStore, (s) => s.append(asA, more, events.length)))
      expect(failureTag(violation)).toBe("TenantViolation")
      // Appending to B's instance with events relabelled as A's must not land either.
      const relabelled = more.map((e) => ({ ...e, tenantId: a })) as ReadonlyArray<WorkflowEvent>
      const hijack = await h.exit(Effect.flatMap(EventStore, (s) => s.append(asA, relabelled, events.length)))
      expect(failureTag(hijack)).toMatch(/TenantViolation|Conflict/)
      expect(await h.inspect.events(instanceId)).toEqual(events)
    })
  })
}
