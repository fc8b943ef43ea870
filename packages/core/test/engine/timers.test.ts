/**
 * Deadlines through the engine: due times from the step's entry or from a date in the data, each
 * timer fired exactly once and never early whatever the clock does (property), and the four
 * escalations.
 */

import { describe, expect, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import {
  Engine,
  type Escalation,
  engineLayer,
  makeMemoryStorage,
  sequentialIdsLayer,
  systemActor,
  type Template,
  type WorkflowEvent
} from "../../src/index.js"
import { brpUser, companyInfoConfig, memoryEngine, registry, tenantId } from "../fixtures/index.js"

const system = systemActor(tenantId)
const companyInfo = { companyName: "Engie Belgium", vat: "BE0403170701" }

const withDeadlines = (id: string, deadlines: NonNullable<Template["steps"][number]["deadlines"]>): Template => ({
  schemaVersion: 1,
  id,
  version: 1,
  name: "Deadlines",
  marketRole: "BRP",
  steps: [
    { id: "invite", type: "form", config: companyInfoConfig, deadlines },
    { id: "portfolio", type: "form", config: { fields: {} } },
    { id: "review", type: "form", config: { fields: {} } }
  ]
})

const started = (engine: Engine["Service"], templateId: string, metadata = {}) =>
  Effect.gen(function* () {
    const created = yield* engine.create({ actor: brpUser, templateId, metadata })
    return (yield* engine.start({ actor: brpUser, instanceId: created.state.instanceId, expectedVersion: 1 })).state
  })

describe("deadlines", () => {
  test.prop(
    [
      fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 12 })
    ],
    { numRuns: 60 }
  )("each due timer fires exactly once, never early, at the first look after it is due", async (offsets, moves) => {
    const template = withDeadlines(
      "timed",
      offsets.map((seconds, i) => ({
        id: `d${i}`,
        offset: `PT${seconds}S`,
        escalation: { kind: "notify", topic: `t${i}` }
      }))
    )
    const storage = makeMemoryStorage()
    const live = engineLayer({ handlers: registry }).pipe(
      Layer.provide(Layer.merge(storage.layer, sequentialIdsLayer("wf"))),
      Layer.provideMerge(TestClock.layer())
    )
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const engine = yield* Engine
        yield* engine.publishTemplate(template)
        const state = yield* started(engine, template.id)
        const fired: Array<WorkflowEvent> = []
        for (const move of [...moves, 2000]) {
          yield* TestClock.adjust(`${move} seconds`)
          const before = yield* engine.get({ actor: brpUser, instanceId: state.instanceId })
          const { events } = yield* engine.fireDueTimers({ actor: system, instanceId: state.instanceId })
          fired.push(...events.filter((e) => e.type === "TIMER_FIRED"))
          if (events.length > 0) expect(events[0]?.sequence).toBe(before.version + 1)
        }
        return { state, fired }
      }).pipe(Effect.provide(live))
    )
    const entered = Date.parse(result.state.entered?.at as string)
    const lookTimes: Array<number> = []
    for (const m of [...moves, 2000]) lookTimes.push((lookTimes.at(-1) ?? entered) + m * 1000)
    const byId = new Map(result.fired.map((e) => [e.type === "TIMER_FIRED" ? e.data.timerId : "", e]))
    expect(result.fired).toHaveLength(offsets.length)
    expect(byId.size).toBe(offsets.length)
    offsets.forEach((seconds, i) => {
      const due = entered + seconds * 1000
      const event = byId.get(`d${i}`)
      expect(event?.type === "TIMER_FIRED" && event.data.dueAt).toBe(new Date(due).toISOString())
      const at = Date.parse(event?.occurredAt as string)
      expect(at).toBeGreaterThanOrEqual(due)
      expect(at).toBe(lookTimes.find((t) => t >= due))
    })
    const messages = await storage.inspect.outbox(result.state.instanceId)
    expect(messages.map((m) => m.message.kind).sort()).toEqual(offsets.map((_, i) => `t${i}`).sort())
  })

  it.effect("counts from a date in the metadata or in a step's data: 90 days before the guarantee expires", () => {
    const template: Template = {
      schemaVersion: 1,
      id: "renewal",
      version: 1,
      name: "Guarantee renewal",
      marketRole: "BRP",
      steps: [
        { id: "guarantee", type: "form", config: { fields: { expiresOn: { required: true } } } },
        {
          id: "renew",
          type: "form",
          config: { fields: {} },
          deadlines: [
            {
              id: "remind",
              from: { step: "guarantee", path: "expiresOn" },
              offset: "-P90D",
              escalation: { kind: "notify", topic: "guarantee-renewal" }
            },
            { id: "contract", from: { metadata: "contract.endsOn" }, offset: "P0D", escalation: { kind: "fail" } },
            { id: "missing", from: { metadata: "nowhere" }, offset: "P1D", escalation: { kind: "pause" } }
          ]
        }
      ]
    }
    const { live, publish } = memoryEngine([template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const state = yield* started(engine, template.id, { contract: { endsOn: "2028-01-01" } })
      const next = yield* engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "guarantee",
        input: { expiresOn: "2027-03-31" }
      })
      const scheduled = next.events.find((e) => e.type === "STEP_SCHEDULED")
      expect(scheduled?.type === "STEP_SCHEDULED" && scheduled.data).toEqual({
        timers: [
          {
            id: "remind",
            dueAt: "2026-12-31T00:00:00.000Z",
            escalation: { kind: "notify", topic: "guarantee-renewal" }
          },
          { id: "contract", dueAt: "2028-01-01T00:00:00.000Z", escalation: { kind: "fail" } }
        ],
        skipped: [{ id: "missing", reason: "no date at metadata.nowhere" }]
      })
      expect(next.state.timers?.map((t) => t.id)).toEqual(["remind", "contract"])
    }).pipe(Effect.provide(live))
  })

  const escalate = (escalation: Escalation) => {
    const template = withDeadlines(`escalate-${escalation.kind}`, [
      { id: "late", offset: "PT1H", escalation },
      { id: "later", offset: "PT2H", escalation: { kind: "notify" } }
    ])
    const { live, publish, storage } = memoryEngine([template])
    return {
      storage,
      run: Effect.gen(function* () {
        const engine = yield* publish
        const state = yield* started(engine, template.id)
        const early = yield* engine.fireDueTimers({ actor: system, instanceId: state.instanceId })
        expect(early.events).toEqual([])
        yield* TestClock.adjust("1 hour")
        const fired = yield* engine.fireDueTimers({ actor: system, instanceId: state.instanceId })
        return { state, fired, engine }
      }).pipe(Effect.provide(live))
    }
  }

  it.effect("pause: the workflow pauses and the later deadline still fires while paused", () =>
    Effect.gen(function* () {
      const { run } = escalate({ kind: "pause", reason: "no answer" })
      const { fired } = yield* run
      expect(fired.events.map((e) => e.type)).toEqual(["TIMER_FIRED", "WORKFLOW_PAUSED"])
      expect(fired.state.status).toBe("PAUSED")
      expect(fired.events.every((e) => e.performedBy === "system")).toBe(true)
    })
  )

  it.effect("fail: the workflow fails, naming the step", () =>
    Effect.gen(function* () {
      const { fired } = yield* escalate({ kind: "fail" }).run
      expect(fired.events.map((e) => e.type)).toEqual(["TIMER_FIRED", "WORKFLOW_FAILED"])
      expect(fired.state.failure).toEqual({ reason: "deadline late of step invite passed", stepId: "invite" })
      expect(fired.state.timers).toBeUndefined()
    })
  )

  it.effect("route: another step becomes current and the old step's other deadlines are dropped", () =>
    Effect.gen(function* () {
      const { fired } = yield* escalate({ kind: "route", to: "review" }).run
      expect(fired.events.map((e) => e.type)).toEqual(["TIMER_FIRED", "WORKFLOW_ROUTED"])
      expect([fired.state.status, fired.state.currentStepId, fired.state.timers]).toEqual([
        "IN_PROGRESS",
        "review",
        undefined
      ])
      expect(fired.state.entered?.sequence).toBe(fired.events[1]?.sequence)
    })
  )

  it.effect("notify: a message in the outbox, with the event, and nothing else changes", () =>
    Effect.gen(function* () {
      const { run, storage } = escalate({ kind: "notify", topic: "invitation-overdue", payload: { to: "market-ops" } })
      const { fired, state } = yield* run
      expect(fired.events.map((e) => e.type)).toEqual(["TIMER_FIRED"])
      expect(fired.state.status).toBe("IN_PROGRESS")
      const queued = yield* Effect.promise(() => storage.inspect.outbox(state.instanceId))
      expect(queued.map((m) => [m.message.kind, m.message.payload])).toEqual([
        [
          "invitation-overdue",
          {
            to: "market-ops",
            instanceId: state.instanceId,
            templateId: "escalate-notify",
            stepId: "invite",
            deadline: "late",
            dueAt: "1970-01-01T01:00:00.000Z"
          }
        ]
      ])
    })
  )

  it.effect("a step left before its deadline never fires it; only the system or market ops fire deadlines", () => {
    const template = withDeadlines("left", [{ id: "late", offset: "PT1H", escalation: { kind: "fail" } }])
    const { live, publish } = memoryEngine([template])
    return Effect.gen(function* () {
      const engine = yield* publish
      const state = yield* started(engine, template.id)
      const refused = yield* Effect.flip(engine.fireDueTimers({ actor: brpUser, instanceId: state.instanceId }))
      expect(refused).toMatchObject({ _tag: "Forbidden", reason: "MissingPermission" })
      const done = yield* engine.executeStep({
        actor: brpUser,
        instanceId: state.instanceId,
        expectedVersion: state.version,
        stepId: "invite",
        input: companyInfo
      })
      expect(done.state.timers).toBeUndefined()
      yield* TestClock.adjust("2 hours")
      const nothing = yield* engine.fireDueTimers({ actor: system, instanceId: state.instanceId })
      expect(nothing.events).toEqual([])
      expect(nothing.state.status).toBe("IN_PROGRESS")
    }).pipe(Effect.provide(live))
  })
})
