/**
 * Conformance through the engine: keyed commands replay instead of applying twice — also under
 * 20 concurrent repeats of every keyed command —, a stale snapshot is rebuilt on read, another
 * tenant's instance answers like a missing one, and of concurrent workers firing one deadline one
 * records it.
 */
import { Effect, type Exit } from "effect"
import { describe, expect, it } from "vitest"
import { tenantAccess } from "../../Access.js"
import { type Actor, systemActor } from "../../Actor.js"
import { type CommandResult, Engine, type EngineError, type EngineService } from "../../Engine.js"
import { EventStore } from "../../EventStore.js"
import type { JsonObject } from "../../Json.js"
import type { WorkflowState } from "../../State.js"
import type { Template } from "../../Template.js"
import { entryOf } from "../../WorkflowIndex.js"
import { WorkflowStore } from "../../WorkflowStore.js"
import { actorOf, dueDeadlineTemplate, history, progress, uuid } from "../fixtures.js"
import { failureTag, type Harness } from "./context.js"

const REPEATS = 20

export const engineCases = (h: Harness): void => {
  const engine = <A>(f: (e: EngineService) => Effect.Effect<A, EngineError>) => h.run(Effect.flatMap(Engine, f))
  const engineExit = <A>(f: (e: EngineService) => Effect.Effect<A, EngineError>) => h.exit(Effect.flatMap(Engine, f))

  describe("through the engine", () => {
    it("replays a command repeated with its idempotency key instead of applying it twice", async () => {
      const tenantId = await h.newTenant()
      const actor = actorOf(tenantId)
      const created = await engine((e) =>
        e.create({ actor, templateId: h.template.id, instanceId: uuid(), idempotencyKey: "create-1" })
      )
      const instanceId = created.state.instanceId
      const again = await engine((e) =>
        e.create({ actor, templateId: h.template.id, instanceId, idempotencyKey: "create-1" })
      )
      expect(again).toEqual(created)
      await engine((e) => e.start({ actor, instanceId, expectedVersion: 1 }))
      const step = () =>
        engine((e) =>
          e.executeStep({
            actor,
            instanceId,
            expectedVersion: 2,
            stepId: "one",
            input: { n: 7 },
            idempotencyKey: "step-1"
          })
        )
      const results = []
      for (let i = 0; i < 10; i++) results.push(await step())
      for (const r of results) expect(r).toEqual(results[0])
      const stored = await h.inspect.events(instanceId)
      expect(stored.map((e) => e.type)).toEqual([
        "WORKFLOW_CREATED",
        "WORKFLOW_STARTED",
        "STEP_STARTED",
        "STEP_COMPLETED"
      ])
      expect(stored.filter((e) => e.commandId === "step-1")).toHaveLength(2)
      expect(await h.inspect.state(instanceId)).toEqual(results[0]?.state)
      expect(await h.inspect.indexEntry(instanceId)).toEqual(entryOf(results[0]?.state as WorkflowState))
      const reused = await engineExit((e) =>
        e.executeStep({
          actor,
          instanceId,
          expectedVersion: 2,
          stepId: "one",
          input: { n: 8 },
          idempotencyKey: "step-1"
        })
      )
      expect(failureTag(reused)).toBe("IdempotencyKeyReused")
    })

    it("detects a snapshot older than the event log on read and rebuilds it", async () => {
      const tenantId = await h.newTenant()
      const { instanceId, events, state } = await h.seedCommitted(tenantId, 1)
      const newer = history(h.template, progress(h.template, { instanceId, tenantId, steps: 2 }))
      await h.run(
        Effect.flatMap(EventStore, (s) =>
          s.append(tenantAccess(tenantId), newer.events.slice(events.length), state.version)
        )
      )
      expect((await h.inspect.state(instanceId))?.version).toBe(state.version)
      const got = await engine((e) => e.get({ actor: actorOf(tenantId), instanceId }))
      expect(got).toEqual(newer.state)
      expect(await h.inspect.state(instanceId)).toEqual(newer.state)
      expect(await h.inspect.indexEntry(instanceId)).toEqual(entryOf(newer.state))
    })

    it("never shows one tenant's instance to another", async () => {
      const a = await h.newTenant()
      const b = await h.newTenant()
      const { instanceId } = await h.seedCommitted(b, 1)
      const asA = actorOf(a)
      const attempts = await Promise.all([
        engineExit((e) => e.get({ actor: asA, instanceId })),
        engineExit((e) => e.events({ actor: asA, instanceId })),
        engineExit((e) => e.stateAt({ actor: asA, instanceId, until: { untilSequence: 2 } })),
        engineExit((e) => e.pause({ actor: asA, instanceId, expectedVersion: 3 })),
        engineExit((e) => e.fireDueTimers({ actor: systemActor(a), instanceId }))
      ])
      for (const attempt of attempts) expect(failureTag(attempt)).toBe("NotFound")
      const listed = await engineExit((e) => e.list({ actor: asA, filter: { tenantId: b } }))
      expect(failureTag(listed)).toBe("Forbidden")
      const own = await engine((e) => e.list({ actor: asA, filter: { templateId: h.template.id } }))
      expect(own.items).toEqual([])
    })

    it(`${REPEATS} concurrent repeats of each keyed command: one effect, every caller gets the original result`, async () => {
      const tenantId = await h.newTenant()
      const actor = actorOf(tenantId)
      const reviewer: Actor = { ...actor, userId: `reviewer-${tenantId.slice(0, 8)}`, permissions: ["workflow:review"] }
      const keys = new Map<string, string>()
      const repeat = async (key: string, call: (e: EngineService) => Effect.Effect<CommandResult, EngineError>) => {
        const exits: ReadonlyArray<Exit.Exit<CommandResult, unknown>> = await Promise.all(
          Array.from({ length: REPEATS }, () => engineExit(call))
        )
        expect(exits.map(failureTag)).toEqual(exits.map(() => undefined))
        const values = exits.map((x) => (x._tag === "Success" ? x.value : undefined)) as ReadonlyArray<CommandResult>
        for (const value of values) expect(value).toEqual(values[0])
        const result = values[0] as CommandResult
        keys.set(key, result.state.instanceId)
        const stored = await h.inspect.events(result.state.instanceId)
        expect(stored.filter((e) => e.commandId === key)).toEqual(result.events)
        return result.state
      }
      const next = (state: WorkflowState, key: string) => ({
        actor,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        idempotencyKey: key
      })
      let a = await repeat("create-a", (e) =>
        e.create({ actor, templateId: h.template.id, idempotencyKey: "create-a" })
      )
      a = await repeat("start-a", (e) => e.start(next(a, "start-a")))
      const step = (state: WorkflowState, stepId: string, key: string) =>
        repeat(key, (e) => e.executeStep({ ...next(state, key), stepId, input: { n: 1 } }))
      a = await step(a, "one", "one-a")
      a = await repeat("pause-a", (e) => e.pause({ ...next(a, "pause-a"), reason: "lunch" }))
      a = await repeat("resume-a", (e) => e.resume(next(a, "resume-a")))
      a = await step(a, "two", "two-a")
      a = await repeat("rollback-a", (e) => e.rollback({ ...next(a, "rollback-a"), toStepId: "one" }))
      expect([a.status, a.currentStepId, a.stepStates.two?.status]).toEqual(["IN_PROGRESS", "one", "compensated"])
      a = await step(a, "one", "one-a-again")
      a = await step(a, "two", "two-a-again")
      a = await step(a, "three", "three-a")
      a = await repeat("submit-a", (e) => e.submit(next(a, "submit-a")))
      a = await repeat("reject-a", (e) =>
        e.reject({ ...next(a, "reject-a"), actor: reviewer, reason: "wrong figure", toStepId: "three" })
      )
      a = await step(a, "three", "three-a-again")
      a = await repeat("submit-a-again", (e) => e.submit(next(a, "submit-a-again")))
      a = await repeat("approve-a", (e) => e.approve({ ...next(a, "approve-a"), actor: reviewer }))
      expect(a.status).toBe("COMPLETED")
      let b = await repeat("create-b", (e) =>
        e.create({ actor, templateId: h.template.id, idempotencyKey: "create-b" })
      )
      b = await repeat("start-b", (e) => e.start(next(b, "start-b")))
      b = await repeat("fail-b", (e) => e.fail({ ...next(b, "fail-b"), actor: reviewer, reason: "withdrawn" }))
      expect(b.status).toBe("FAILED")
      for (const id of new Set(keys.values())) {
        const stored = await h.inspect.events(id)
        expect(stored.map((e) => e.sequence)).toEqual(stored.map((_, i) => i + 1))
      }
    })

    it("returns data and metadata with keys a document store refuses ('.', '$', '%', empty, __proto__) as written", async () => {
      // step ids may contain '.' (of '.', '$' and '%', the only one `Identifier` allows); data keys anything
      const awkward = (): JsonObject =>
        JSON.parse(
          '{"a.b":1,"$where":"x","$":{"$":2,"$ref":"r"},"%2E":"%","%24":"$","":{"":null},"__proto__":{"polluted":true},' +
            '"nested":{"a.b":{"$where":[{"__proto__":{"polluted":true},"":"e","%2E.$":3,".":{"..":"$."}}]}}}'
        )
      const template: Template = {
        ...h.template,
        id: `${h.template.id}-keys`,
        steps: [
          { id: "keys.one", type: "echo", config: {} },
          { id: "a.b.c", type: "echo", config: {} }
        ]
      }
      await engine((e) => e.publishTemplate(template))
      const tenantId = await h.newTenant()
      const actor = actorOf(tenantId)
      const created = await engine((e) => e.create({ actor, templateId: template.id, metadata: awkward() }))
      const instanceId = created.state.instanceId
      const written = [...created.events]
      let state = created.state
      for (const command of [
        (e: EngineService) => e.start({ actor, instanceId, expectedVersion: state.version }),
        (e: EngineService) =>
          e.executeStep({ actor, instanceId, expectedVersion: state.version, stepId: "keys.one", input: awkward() })
      ]) {
        const result = await engine(command)
        written.push(...result.events)
        state = result.state
      }
      expect([state.status, state.currentStepId]).toEqual(["IN_PROGRESS", "a.b.c"])
      expect(state.metadata).toEqual(awkward())
      expect(state.stepStates["keys.one"]?.data).toEqual({ step: "keys.one", echo: awkward() })
      const started = written.find((e) => e.type === "STEP_STARTED")
      expect(started?.type === "STEP_STARTED" ? started.data.input : undefined).toEqual(awkward())
      const ownKeys = (value: unknown): void => {
        if (typeof value !== "object" || value === null) return
        if (!Array.isArray(value)) expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
        for (const v of Object.values(value)) ownKeys(v)
      }
      const proto = (value: unknown) => Object.hasOwn(value as object, "__proto__")
      const got = await engine((e) => e.get({ actor, instanceId }))
      expect(got).toEqual(state)
      expect(proto(got.metadata)).toBe(true)
      expect(proto((got.stepStates["keys.one"]?.data as { echo: object } | undefined)?.echo ?? {})).toBe(true)
      ownKeys(got)
      const page = await engine((e) => e.events({ actor, instanceId }))
      expect(page.items).toEqual(written)
      ownKeys(page.items)
      expect(await h.inspect.events(instanceId)).toEqual(written)
      expect(await h.inspect.state(instanceId)).toEqual(state)
      const loaded = await h.run(Effect.flatMap(WorkflowStore, (s) => s.load(tenantAccess(tenantId), instanceId)))
      expect(loaded.state).toEqual(state)
      ownKeys(loaded.state)
      const at = await engine((e) => e.stateAt({ actor, instanceId, until: { untilSequence: state.version } }))
      expect(at).toEqual(state)
      ownKeys(at)
      const listed = await engine((e) => e.list({ actor, filter: { templateId: template.id, currentStepId: "a.b.c" } }))
      expect(listed.items).toEqual([entryOf(state)])
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
    })

    it("of 16 workers firing one due deadline concurrently, one records it", async () => {
      const tenantId = await h.newTenant()
      const actor = actorOf(tenantId)
      const template = dueDeadlineTemplate(`${h.template.id}-deadline`, { kind: "pause" })
      await engine((e) => e.publishTemplate(template))
      const created = await engine((e) => e.create({ actor, templateId: template.id }))
      const started = await engine((e) =>
        e.start({ actor, instanceId: created.state.instanceId, expectedVersion: created.state.version })
      )
      const instanceId = started.state.instanceId
      const dueAt = started.state.timers?.[0]?.dueAt
      expect(dueAt).toBeDefined()
      expect((await h.inspect.indexEntry(instanceId))?.nextDueAt).toBe(dueAt)
      const results = await Promise.all(
        Array.from({ length: 16 }, () => engine((e) => e.fireDueTimers({ actor: systemActor(tenantId), instanceId })))
      )
      expect(results.filter((r) => r.events.length > 0)).toHaveLength(1)
      const stored = await h.inspect.events(instanceId)
      expect(stored.filter((e) => e.type === "TIMER_FIRED")).toHaveLength(1)
      expect(stored.filter((e) => e.type === "WORKFLOW_PAUSED")).toHaveLength(1)
      expect(stored.filter((e) => e.type === "TIMER_FIRED")[0]?.performedBy).toBe("system")
      const entry = await h.inspect.indexEntry(instanceId)
      expect([entry?.status, entry?.nextDueAt]).toEqual(["PAUSED", undefined])
    })
  })
}
