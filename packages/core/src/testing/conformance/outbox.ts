/**
 * Conformance of the `Outbox` port, for backends that queue messages with the events: a message
 * exists exactly when its commit happened, is claimed by one claimer at a time (8 racing claimers
 * deliver 100 messages once each), is taken over when its claimer's lease ends (the old claimer's
 * completion is refused), and is retried at its retry time or dead.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type Access, tenantAccess } from "../../Access.js"
import { systemActor } from "../../Actor.js"
import { Engine } from "../../Engine.js"
import { type ClaimedMessage, Outbox, type OutboxMessage } from "../../Outbox.js"
import { WorkflowStore } from "../../WorkflowStore.js"
import { actorOf, dueDeadlineTemplate, history, instant, progress, uuid } from "../fixtures.js"
import type { OutboxInspect } from "../Inspect.js"
import { failureTag, type Harness } from "./context.js"

export const outboxCases = (h: Harness, inspect: OutboxInspect): void => {
  const message = (tenantId: string, instanceId: string, n: number, availableAt = 0): OutboxMessage => ({
    schemaVersion: 1,
    id: `${instanceId}:m${n}`,
    tenantId,
    instanceId,
    sequence: 1,
    kind: "conformance",
    payload: { n },
    createdAt: instant(0),
    availableAt: instant(availableAt)
  })

  /** A new instance committed with `messages(instanceId)`. */
  const commitWith = async (tenantId: string, messages: (instanceId: string) => ReadonlyArray<OutboxMessage>) => {
    const instanceId = uuid()
    const { events, state } = history(h.template, progress(h.template, { instanceId, tenantId, steps: 0 }))
    await h.run(
      Effect.flatMap(WorkflowStore, (s) =>
        s.commit(tenantAccess(tenantId), { events, expectedVersion: 0, state, messages: messages(instanceId) })
      )
    )
    return { instanceId, events, state }
  }

  /** Claims at `now` seconds, for `leaseSeconds`. */
  const claim = (access: Access, owner: string, now: number, limit = 10, leaseSeconds = 1) =>
    h.run(
      Effect.flatMap(Outbox, (o) => o.claim(access, { owner, now: instant(now), leaseMs: leaseSeconds * 1000, limit }))
    )

  describe("Outbox", () => {
    it("queues a message only with the commit that carries it, once per id", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await commitWith(tenantId, (id) => [
        message(tenantId, id, 1),
        message(tenantId, id, 2)
      ])
      expect((await inspect.outbox(instanceId)).map((m) => [m.message, m.status, m.attempt])).toEqual([
        [message(tenantId, instanceId, 1), "pending", 0],
        [message(tenantId, instanceId, 2), "pending", 0]
      ])
      const pause = history(h.template, [
        ...progress(h.template, { instanceId, tenantId, steps: 0 }),
        (s) => ({ _tag: "PauseWorkflow", actor: actorOf(tenantId), expectedVersion: s?.version ?? 0, at: instant(9) })
      ])
      const extra = { ...message(tenantId, instanceId, 3), sequence: state.version + 1 }
      const commit = (messages: ReadonlyArray<OutboxMessage>) =>
        h.exit(
          Effect.flatMap(WorkflowStore, (s) =>
            s.commit(tenantAccess(tenantId), {
              events: pause.events.slice(events.length),
              expectedVersion: state.version,
              state: pause.state,
              messages
            })
          )
        )
      expect(failureTag(await commit([]))).toBeUndefined()
      // the same commit again, now carrying a message: it loses to the first, and so does its message
      expect(failureTag(await commit([extra]))).toBe("Conflict")
      expect((await inspect.outbox(instanceId)).map((m) => m.message.id)).toEqual([
        `${instanceId}:m1`,
        `${instanceId}:m2`
      ])
    })

    it("claims available messages in order, once each, within the tenant", async () => {
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const { instanceId } = await commitWith(tenantId, (id) => [
        message(tenantId, id, 1, 100),
        message(tenantId, id, 2, 50)
      ])
      expect(await claim(tenantAccess(await h.newTenant()), "other", 1000)).toEqual([])
      expect(await claim(access, "early", 10)).toEqual([])
      const claimed = await claim(access, "w1", 100)
      expect(claimed.map((m) => [m.id, m.attempt, m.owner, m.leaseUntil])).toEqual([
        [`${instanceId}:m2`, 1, "w1", instant(101)],
        [`${instanceId}:m1`, 1, "w1", instant(101)]
      ])
      expect(await claim(access, "w2", 100)).toEqual([])
      for (const m of claimed) await h.run(Effect.flatMap(Outbox, (o) => o.complete(access, m)))
      expect((await inspect.outbox(instanceId)).map((m) => m.status)).toEqual(["done", "done"])
      expect(await claim(access, "w2", 10_000)).toEqual([])
    })

    it("8 concurrent claimers deliver 100 messages, each once", async () => {
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const { instanceId } = await commitWith(tenantId, (id) =>
        Array.from({ length: 100 }, (_, i) => message(tenantId, id, i))
      )
      const delivered: Array<string> = []
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (;;) {
            const batch: ReadonlyArray<ClaimedMessage> = await claim(access, `worker-${w}`, 1000, 7, 600)
            if (batch.length === 0) return
            for (const m of batch) {
              await h.run(Effect.flatMap(Outbox, (o) => o.complete(access, m)))
              delivered.push(m.id)
            }
          }
        })
      )
      expect(delivered).toHaveLength(100)
      expect(new Set(delivered).size).toBe(100)
      const stored = await inspect.outbox(instanceId)
      expect(stored.every((m) => m.status === "done" && m.attempt === 1)).toBe(true)
    })

    it("takes over a message whose claimer's lease ended; the old claim is refused", async () => {
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const { instanceId } = await commitWith(tenantId, (id) => [message(tenantId, id, 1)])
      const [first] = await claim(access, "dies", 0, 10, 1000)
      expect(first?.leaseUntil).toBe(instant(1000))
      expect(first?.attempt).toBe(1)
      expect(await claim(access, "rescuer", 999)).toEqual([])
      const [second] = await claim(access, "rescuer", 1000)
      expect([second?.id, second?.attempt, second?.owner]).toEqual([`${instanceId}:m1`, 2, "rescuer"])
      const late = await h.exit(Effect.flatMap(Outbox, (o) => o.complete(access, first as ClaimedMessage)))
      expect(failureTag(late)).toBe("Conflict")
      const lateFail = await h.exit(
        Effect.flatMap(Outbox, (o) => o.fail(access, first as ClaimedMessage, { error: "x" }))
      )
      expect(failureTag(lateFail)).toBe("Conflict")
      await h.run(Effect.flatMap(Outbox, (o) => o.complete(access, second as ClaimedMessage)))
      expect((await inspect.outbox(instanceId)).map((m) => [m.status, m.attempt])).toEqual([["done", 2]])
    })

    it("reports its figures (waiting, available, oldest available, dead) within the scope", async (ctx) => {
      const hasStats = await h.run(Effect.map(Outbox, (o) => o.stats !== undefined))
      // the figures are optional: an outbox without them says so by leaving `stats` out
      if (!hasStats) return ctx.skip()
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const stats = (scope: Access, now: number) =>
        h.run(Effect.flatMap(Outbox, (o) => (o.stats as NonNullable<typeof o.stats>)(scope, instant(now))))
      expect(await stats(access, 0)).toEqual({ waiting: 0, available: 0, dead: 0 })
      await commitWith(tenantId, (id) => [
        message(tenantId, id, 1, 10),
        message(tenantId, id, 2, 20),
        message(tenantId, id, 3, 30)
      ])
      expect(await stats(access, 5)).toEqual({ waiting: 3, available: 0, dead: 0 })
      expect(await stats(access, 25)).toEqual({ waiting: 3, available: 2, oldestAvailableAt: instant(10), dead: 0 })
      const [first, second] = (await claim(access, "w", 25, 2, 100)) as [ClaimedMessage, ClaimedMessage]
      expect(await stats(access, 30)).toEqual({ waiting: 3, available: 1, oldestAvailableAt: instant(30), dead: 0 })
      await h.run(Effect.flatMap(Outbox, (o) => o.complete(access, first)))
      await h.run(Effect.flatMap(Outbox, (o) => o.fail(access, second, { error: "refused" })))
      expect(await stats(access, 30)).toEqual({ waiting: 1, available: 1, oldestAvailableAt: instant(30), dead: 1 })
      expect(await stats(tenantAccess(await h.newTenant()), 30)).toEqual({ waiting: 0, available: 0, dead: 0 })
      const bad = await h.exit(Effect.flatMap(Outbox, (o) => (o.stats as NonNullable<typeof o.stats>)(access, "soon")))
      expect(failureTag(bad)).toBe("InvalidData")
    })

    it("retries a failed delivery at its retry time, and gives up on one failed without", async () => {
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const { instanceId } = await commitWith(tenantId, (id) => [message(tenantId, id, 1), message(tenantId, id, 2)])
      const claimed = await claim(access, "w", 0)
      const [one, two] = claimed as [ClaimedMessage, ClaimedMessage]
      await h.run(Effect.flatMap(Outbox, (o) => o.fail(access, one, { error: "503", retryAt: instant(30) })))
      await h.run(Effect.flatMap(Outbox, (o) => o.fail(access, two, { error: "invalid address" })))
      expect(await claim(access, "w", 29)).toEqual([])
      const again = await claim(access, "w", 30)
      expect(again.map((m) => [m.id, m.attempt])).toEqual([[one.id, 2]])
      expect((await inspect.outbox(instanceId)).map((m) => m.status)).toEqual(["claimed", "dead"])
      await h.run(Effect.flatMap(Outbox, (o) => o.complete(access, again[0] as ClaimedMessage)))
      expect(await claim(access, "w", 1_000_000)).toEqual([])
      expect((await inspect.outbox(instanceId)).map((m) => m.status)).toEqual(["done", "dead"])
    })

    it("refuses malformed claims, claim references and failures with InvalidData, changing nothing", async () => {
      const tenantId = await h.newTenant()
      const access = tenantAccess(tenantId)
      const { instanceId } = await commitWith(tenantId, (id) => [message(tenantId, id, 1)])
      const [held] = await claim(access, "w", 0, 10, 1000)
      const outbox = <A>(f: (o: Outbox["Service"]) => Effect.Effect<A, unknown>) => h.exit(Effect.flatMap(Outbox, f))
      const malformed: ReadonlyArray<unknown> = [null, "x", 42, [], { owner: "w" }]
      for (const request of malformed) {
        expect(failureTag(await outbox((o) => o.claim(access, request as never)))).toBe("InvalidData")
        expect(failureTag(await outbox((o) => o.complete(access, request as never)))).not.toBeUndefined()
      }
      for (const failure of [
        null,
        "x",
        { error: 42 },
        { error: { toString: null } },
        { error: "e", retryAt: "soon" }
      ]) {
        expect(failureTag(await outbox((o) => o.fail(access, held as ClaimedMessage, failure as never)))).toBe(
          "InvalidData"
        )
      }
      for (const limit of [0, 501, 1.5, Number.NaN]) {
        expect(
          failureTag(await outbox((o) => o.claim(access, { owner: "w", now: instant(0), leaseMs: 1, limit })))
        ).toBe("InvalidData")
      }
      // the claim is still held, untouched: it completes
      expect((await inspect.outbox(instanceId)).map((m) => [m.status, m.attempt])).toEqual([["claimed", 1]])
      await h.run(Effect.flatMap(Outbox, (o) => o.complete(access, held as ClaimedMessage)))
      expect((await inspect.outbox(instanceId)).map((m) => m.status)).toEqual(["done"])
    })

    it("queues a deadline's notification with the event that fired it", async () => {
      const tenantId = await h.newTenant()
      const actor = actorOf(tenantId)
      const template = dueDeadlineTemplate(`${h.template.id}-notify`, {
        kind: "notify",
        topic: "reminder",
        payload: { to: "ops" }
      })
      const engine = <A, E>(f: (e: Engine["Service"]) => Effect.Effect<A, E>) => h.run(Effect.flatMap(Engine, f))
      await engine((e) => e.publishTemplate(template))
      const created = await engine((e) => e.create({ actor, templateId: template.id }))
      const { state } = await engine((e) =>
        e.start({ actor, instanceId: created.state.instanceId, expectedVersion: created.state.version })
      )
      const fired = await engine((e) => e.fireDueTimers({ actor: systemActor(tenantId), instanceId: state.instanceId }))
      const queued = await inspect.outbox(state.instanceId)
      expect(queued.map((m) => [m.message.kind, m.message.sequence, m.status])).toEqual([
        ["reminder", fired.events[0]?.sequence, "pending"]
      ])
      expect(queued[0]?.message.payload).toMatchObject({ to: "ops", deadline: "overdue", stepId: "one" })
    })
  })
}
