/**
 * The adapter conformance suite. An adapter's test file calls {@link suite} with its layer (all
 * five storage ports) and an {@link Inspect} that reads its storage directly; the suite registers
 * vitest tests that check what reached storage — not only round trips.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Access from "../Access.js"
import { Engine, layer as engineLayer } from "../Engine.js"
import type { WorkflowEvent } from "../Event.js"
import { EventStore } from "../EventStore.js"
import { layerUuid } from "../IdGenerator.js"
import { InstanceStore } from "../InstanceStore.js"
import type { WorkflowState } from "../State.js"
import { defineStepHandler, makeRegistry } from "../StepHandler.js"
import type { StorageError } from "../StorageError.js"
import type { Template } from "../Template.js"
import { TemplateStore } from "../TemplateStore.js"
import { entryOf, type IndexEntry, WorkflowIndex } from "../WorkflowIndex.js"
import { WorkflowStore } from "../WorkflowStore.js"
import { actorOf, conformanceTemplate, history, instant, progress, uuid } from "./fixtures.js"
import type { Inspect } from "./Inspect.js"

/**
 * The ports an adapter under test provides.
 *
 * @since 0.1.0
 * @category conformance
 */
export type AdapterPorts = EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore

/**
 * Options of {@link suite}.
 *
 * @since 0.1.0
 * @category conformance
 */
export interface SuiteOptions {
  /** Per-test timeout in ms (default 30 000; raise it for slow embedded databases). */
  readonly timeout?: number
  /** Concurrent writers in the race tests (default 64). */
  readonly concurrency?: number
}

/** The handler of the conformance template's steps: records its input. */
const recordHandler = defineStepHandler({
  type: "record",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ n: Schema.Number }),
  execute: ({ input, context }) => Effect.succeed({ step: context.stepId, n: input.n })
})

const storageReason = (exit: Exit.Exit<unknown, unknown>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  if (error._tag === "None") return `defect: ${String(Cause.squash(exit.cause))}`
  const value = error.value as StorageError | { readonly _tag: string }
  return value._tag === "StorageError" ? (value as StorageError).reason._tag : value._tag
}

/**
 * Registers the conformance tests for an adapter.
 *
 * @param name - a label (e.g. `"pg-rls on PostgreSQL 15"`)
 * @param layer - the adapter's five ports
 * @param inspect - direct reads of the adapter's storage
 *
 * @since 0.1.0
 * @category conformance
 */
export const suite = <E>(
  name: string,
  layer: Layer.Layer<AdapterPorts, E>,
  inspect: Inspect,
  options: SuiteOptions = {}
): void => {
  const timeout = options.timeout ?? 30_000
  const concurrency = options.concurrency ?? 64

  describe(`storage conformance: ${name}`, { timeout }, () => {
    let runtime: ManagedRuntime.ManagedRuntime<AdapterPorts | Engine, unknown>
    const template = conformanceTemplate(`conformance-${uuid().slice(0, 8)}`)
    const run = <A, X>(effect: Effect.Effect<A, X, AdapterPorts | Engine>) => runtime.runPromise(effect)
    const exit = <A, X>(effect: Effect.Effect<A, X, AdapterPorts | Engine>) => runtime.runPromiseExit(effect)

    /** A fresh tenant known to the backend. */
    const newTenant = async () => {
      const tenantId = uuid()
      await inspect.ensureTenant(tenantId)
      return tenantId
    }

    /** An instance with `steps` completed steps, written through `EventStore.append` only. */
    const seedEvents = async (tenantId: string, steps = 0, at = 0) => {
      const instanceId = uuid()
      const { events, state } = history(template, progress(template, { instanceId, tenantId, steps, at }))
      await run(Effect.flatMap(EventStore, (s) => s.append(Access.tenant(tenantId), events, 0)))
      return { instanceId, events, state }
    }

    /** An instance written through `WorkflowStore.commit` (events, state and index). */
    const seedCommitted = async (tenantId: string, steps = 0, at = 0) => {
      const instanceId = uuid()
      const { events, state } = history(template, progress(template, { instanceId, tenantId, steps, at }))
      await run(
        Effect.flatMap(WorkflowStore, (s) => s.commit(Access.tenant(tenantId), { events, expectedVersion: 0, state }))
      )
      return { instanceId, events, state }
    }

    beforeAll(async () => {
      const ports = Layer.orDie(layer)
      const live = Layer.merge(
        ports,
        engineLayer({ handlers: makeRegistry([recordHandler]) }).pipe(Layer.provide(Layer.merge(ports, layerUuid)))
      )
      runtime = ManagedRuntime.make(live)
      await run(Effect.flatMap(TemplateStore, (s) => s.publish(template)))
    })

    afterAll(async () => {
      await runtime?.dispose()
    })

    describe("EventStore", () => {
      it("stores exactly the appended events, in sequence order", async () => {
        const tenantId = await newTenant()
        const { instanceId, events } = await seedEvents(tenantId, 2)
        expect(await inspect.events(instanceId)).toEqual(events)
        const read = await run(Effect.flatMap(EventStore, (s) => s.read(Access.tenant(tenantId), instanceId)))
        expect(read).toEqual(events)
      })

      it("rejects an append at a stale or future expected version with Conflict and writes nothing", async () => {
        const tenantId = await newTenant()
        const { instanceId, events, state } = await seedEvents(tenantId, 1)
        const next = history(template, [
          ...progress(template, { instanceId, tenantId, steps: 1 }),
          (s) => ({
            _tag: "PauseWorkflow",
            actor: actorOf(tenantId),
            expectedVersion: s?.version ?? 0,
            at: instant(100)
          })
        ]).events.slice(events.length)
        const stale = next.map((e, i) => ({ ...e, sequence: state.version + i })) as ReadonlyArray<WorkflowEvent>
        const staleExit = await exit(
          Effect.flatMap(EventStore, (s) => s.append(Access.tenant(tenantId), stale, state.version - 1))
        )
        expect(storageReason(staleExit)).toBe("Conflict")
        const future = next.map((e, i) => ({ ...e, sequence: state.version + 2 + i })) as ReadonlyArray<WorkflowEvent>
        const futureExit = await exit(
          Effect.flatMap(EventStore, (s) => s.append(Access.tenant(tenantId), future, state.version + 1))
        )
        expect(storageReason(futureExit)).toBe("Conflict")
        expect(await inspect.events(instanceId)).toEqual(events)
      })

      it("rejects a malformed batch (gap in sequences, mixed instances) with InvalidData and writes nothing", async () => {
        const tenantId = await newTenant()
        const { instanceId, events, state } = await seedEvents(tenantId, 1)
        const pause = history(template, [
          ...progress(template, { instanceId, tenantId, steps: 1 }),
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
        const gapExit = await exit(
          Effect.flatMap(EventStore, (s) => s.append(Access.tenant(tenantId), gap, state.version))
        )
        expect(storageReason(gapExit)).toBe("InvalidData")
        const mixed = [pause[0], { ...pause[1], instanceId: uuid() }] as ReadonlyArray<WorkflowEvent>
        const mixedExit = await exit(
          Effect.flatMap(EventStore, (s) => s.append(Access.tenant(tenantId), mixed, state.version))
        )
        expect(storageReason(mixedExit)).toBe("InvalidData")
        expect(await inspect.events(instanceId)).toEqual(events)
      })

      it(`lets exactly one of ${concurrency} concurrent appends at one expected version win`, async () => {
        const tenantId = await newTenant()
        const { instanceId, events, state } = await seedEvents(tenantId, 1)
        const candidates = Array.from({ length: concurrency }, (_, i) =>
          history(template, [
            ...progress(template, { instanceId, tenantId, steps: 1 }),
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
            exit(Effect.flatMap(EventStore, (s) => s.append(Access.tenant(tenantId), batch, state.version)))
          )
        )
        const reasons = exits.map(storageReason)
        expect(reasons.filter((r) => r === undefined)).toHaveLength(1)
        expect(reasons.filter((r) => r === "Conflict")).toHaveLength(concurrency - 1)
        const stored = await inspect.events(instanceId)
        expect(stored.map((e) => e.sequence)).toEqual(Array.from({ length: events.length + 1 }, (_, i) => i + 1))
        const winner = candidates[reasons.indexOf(undefined)]
        expect(stored[stored.length - 1]).toEqual(winner?.[0])
      })

      it("reads by sequence range, up to an instant and by command id", async () => {
        const tenantId = await newTenant()
        const { instanceId, events } = await seedEvents(tenantId, 3, 1000)
        const access = Access.tenant(tenantId)
        const range = await run(Effect.flatMap(EventStore, (s) => s.read(access, instanceId, { from: 2, to: 4 })))
        expect(range).toEqual(events.filter((e) => e.sequence >= 2 && e.sequence <= 4))
        const from = await run(Effect.flatMap(EventStore, (s) => s.read(access, instanceId, { from: 5 })))
        expect(from).toEqual(events.filter((e) => e.sequence >= 5))
        const cut = events[2] as WorkflowEvent
        const until = await run(Effect.flatMap(EventStore, (s) => s.readUntil(access, instanceId, cut.occurredAt)))
        expect(until).toEqual(events.filter((e) => Date.parse(e.occurredAt) <= Date.parse(cut.occurredAt)))
        const keyed = history(template, [
          ...progress(template, { instanceId, tenantId, steps: 3, at: 1000 }),
          (s) => ({
            _tag: "SubmitWorkflow",
            actor: actorOf(tenantId),
            expectedVersion: s?.version ?? 0,
            at: instant(2000),
            idempotencyKey: "submit-once"
          })
        ]).events.slice(events.length)
        await run(Effect.flatMap(EventStore, (s) => s.append(access, keyed, events.length)))
        const byCommand = await run(
          Effect.flatMap(EventStore, (s) => s.readByCommand(access, instanceId, "submit-once"))
        )
        expect(byCommand).toEqual(keyed)
        const none = await run(Effect.flatMap(EventStore, (s) => s.readByCommand(access, instanceId, "never-used")))
        expect(none).toEqual([])
      })

      it("scopes every read and write to the tenant", async () => {
        const a = await newTenant()
        const b = await newTenant()
        const { instanceId, events } = await seedEvents(b, 1)
        const asA = Access.tenant(a)
        const reads = await run(
          Effect.flatMap(EventStore, (s) =>
            Effect.all([
              s.read(asA, instanceId),
              s.readUntil(asA, instanceId, instant(1_000_000)),
              s.readByCommand(asA, instanceId, "x")
            ])
          )
        )
        expect(reads).toEqual([[], [], []])
        const operator = await run(Effect.flatMap(EventStore, (s) => s.read(Access.operator("ops"), instanceId)))
        expect(operator).toEqual(events)
        // Appending B's events (B's tenant id) while scoped to A is a tenant violation.
        const more = history(template, [
          ...progress(template, { instanceId, tenantId: b, steps: 1 }),
          (s) => ({ _tag: "PauseWorkflow", actor: actorOf(b), expectedVersion: s?.version ?? 0, at: instant(300) })
        ]).events.slice(events.length)
        const violation = await exit(Effect.flatMap(EventStore, (s) => s.append(asA, more, events.length)))
        expect(storageReason(violation)).toBe("TenantViolation")
        // Appending to B's instance with events relabelled as A's must not land either.
        const relabelled = more.map((e) => ({ ...e, tenantId: a })) as ReadonlyArray<WorkflowEvent>
        const hijack = await exit(Effect.flatMap(EventStore, (s) => s.append(asA, relabelled, events.length)))
        expect(storageReason(hijack)).toMatch(/TenantViolation|Conflict/)
        expect(await inspect.events(instanceId)).toEqual(events)
      })
    })

    describe("InstanceStore", () => {
      it("stores the snapshot and never moves it backwards", async () => {
        const tenantId = await newTenant()
        const instanceId = uuid()
        const states = history(template, progress(template, { instanceId, tenantId, steps: 3 }))
        const all: Array<WorkflowState> = []
        let s: WorkflowState | undefined
        for (const event of states.events) {
          s = (await import("../Evolve.js")).evolve(s, event)
          all.push(s as WorkflowState)
        }
        const access = Access.tenant(tenantId)
        const shuffled = [...all].sort((x, y) => ((x.version * 7919) % 13) - ((y.version * 7919) % 13))
        await Promise.all(shuffled.map((state) => run(Effect.flatMap(InstanceStore, (st) => st.save(access, state)))))
        const latest = all[all.length - 1] as WorkflowState
        expect(await inspect.state(instanceId)).toEqual(latest)
        const older = await run(Effect.flatMap(InstanceStore, (st) => st.save(access, all[1] as WorkflowState)))
        expect(older).toBe(false)
        const same = await run(Effect.flatMap(InstanceStore, (st) => st.save(access, latest)))
        expect(same).toBe(false)
        expect(await inspect.state(instanceId)).toEqual(latest)
        expect(await run(Effect.flatMap(InstanceStore, (st) => st.get(access, instanceId)))).toEqual(latest)
      })

      it("scopes snapshots to the tenant", async () => {
        const a = await newTenant()
        const b = await newTenant()
        const ofB = await seedCommitted(b, 1)
        const ofA = await seedCommitted(a, 1)
        const asA = Access.tenant(a)
        expect(await run(Effect.flatMap(InstanceStore, (s) => s.get(asA, ofB.instanceId)))).toBeUndefined()
        const many = await run(
          Effect.flatMap(InstanceStore, (s) => s.getMany(asA, [ofA.instanceId, ofB.instanceId, uuid()]))
        )
        expect(many).toEqual([ofA.state])
        const forged = { ...ofB.state, version: ofB.state.version + 10 }
        const violation = await exit(Effect.flatMap(InstanceStore, (s) => s.save(asA, forged)))
        expect(storageReason(violation)).toBe("TenantViolation")
        expect(await inspect.state(ofB.instanceId)).toEqual(ofB.state)
      })
    })

    describe("WorkflowIndex", () => {
      it("upserts version-guarded: racing versions leave the highest", async () => {
        const tenantId = await newTenant()
        const { state } = await seedCommitted(tenantId, 0)
        const access = Access.tenant(tenantId)
        const versions = Array.from({ length: 20 }, (_, i) => ({
          ...entryOf(state),
          version: state.version + i + 1,
          updatedAt: instant(500 + i)
        }))
        const results = await Promise.all(
          [...versions].reverse().map((entry) => run(Effect.flatMap(WorkflowIndex, (s) => s.upsert(access, entry))))
        )
        expect(results[0]).toBe(true)
        expect(await inspect.indexEntry(state.instanceId)).toEqual(versions[19])
        const stale = await run(Effect.flatMap(WorkflowIndex, (s) => s.upsert(access, versions[3] as IndexEntry)))
        expect(stale).toBe(false)
        expect(await inspect.indexEntry(state.instanceId)).toEqual(versions[19])
      })

      it("filters by status, role, current step, template and updated-since, within the tenant", async () => {
        const a = await newTenant()
        const b = await newTenant()
        const seeded = [
          await seedCommitted(a, 0, 10_000),
          await seedCommitted(a, 1, 10_100),
          await seedCommitted(a, 3, 10_200),
          await seedCommitted(b, 1, 10_300)
        ]
        const query = (access: Access.Access, filter: object) =>
          run(
            Effect.flatMap(WorkflowIndex, (s) =>
              s.query(access, { templateId: template.id, ...filter }, { limit: 100 })
            )
          )
        const ids = (page: { readonly items: ReadonlyArray<IndexEntry> }) => page.items.map((e) => e.instanceId)
        const [a0, a1, a3, b1] = seeded.map((s) => s.instanceId) as [string, string, string, string]
        const asA = Access.tenant(a)
        expect(ids(await query(asA, {}))).toEqual([a0, a1, a3])
        expect(ids(await query(asA, { status: ["AWAITING_VALIDATION"] }))).toEqual([a3])
        expect(ids(await query(asA, { status: ["IN_PROGRESS", "DRAFT"] }))).toEqual([a0, a1])
        expect(ids(await query(asA, { currentStepId: "two" }))).toEqual([a1])
        expect(ids(await query(asA, { marketRole: "BRP" }))).toEqual([a0, a1, a3])
        expect(ids(await query(asA, { marketRole: "BSP" }))).toEqual([])
        expect(ids(await query(asA, { updatedSince: seeded[1]?.state.updatedAt }))).toEqual([a1, a3])
        expect((await query(asA, {})).items[0]).toEqual(entryOf(seeded[0]?.state as WorkflowState))
        // Tenant A never sees B, whatever the filter says.
        expect(ids(await query(asA, { tenantId: b }))).toEqual([])
        expect(ids(await query(asA, { currentStepId: "two", status: ["IN_PROGRESS"] }))).toEqual([a1])
        expect(ids(await query(Access.tenant(b), {}))).toEqual([b1])
        expect(await run(Effect.flatMap(WorkflowIndex, (s) => s.get(asA, b1)))).toBeUndefined()
        const ops = Access.operator("ops")
        expect(ids(await query(ops, {})).filter((id) => [a0, a1, a3, b1].includes(id))).toEqual([a0, a1, a3, b1])
        expect(ids(await query(ops, { tenantId: b }))).toEqual([b1])
        const forged = { ...entryOf(seeded[3]?.state as WorkflowState), version: 99 }
        const violation = await exit(Effect.flatMap(WorkflowIndex, (s) => s.upsert(asA, forged)))
        expect(storageReason(violation)).toBe("TenantViolation")
        expect(await inspect.indexEntry(b1)).toEqual(entryOf(seeded[3]?.state as WorkflowState))
      })

      it("paginates without gaps or duplicates while entries are inserted and updated", async () => {
        const tenantId = await newTenant()
        const access = Access.tenant(tenantId)
        const original: Array<string> = []
        for (let i = 0; i < 23; i++) original.push((await seedCommitted(tenantId, i % 3, 20_000 + i)).instanceId)
        const seen: Array<string> = []
        let cursor: string | undefined
        let pages = 0
        do {
          const page = await run(
            Effect.flatMap(WorkflowIndex, (s) =>
              s.query(access, { templateId: template.id }, cursor === undefined ? { limit: 5 } : { limit: 5, cursor })
            )
          )
          seen.push(...page.items.map((e) => e.instanceId))
          cursor = page.nextCursor
          pages++
          // Concurrent writers: new instances (some sorting before the cursor) and updates of seen ones.
          await Promise.all([seedCommitted(tenantId, 0, 19_000 + pages), seedCommitted(tenantId, 1, 30_000 + pages)])
          const first = page.items[0]
          if (first !== undefined) {
            await run(
              Effect.flatMap(WorkflowIndex, (s) =>
                s.upsert(access, { ...first, version: first.version + 100, updatedAt: instant(40_000 + pages) })
              )
            )
          }
        } while (cursor !== undefined && pages < 50)
        expect(new Set(seen).size).toBe(seen.length)
        for (const id of original) expect(seen).toContain(id)
      })

      it("rejects a bad page request with InvalidData", async () => {
        const access = Access.tenant(await newTenant())
        for (const page of [{ limit: 0 }, { limit: 501 }, { limit: 2.5 }, { limit: 10, cursor: "not a cursor" }]) {
          const result = await exit(Effect.flatMap(WorkflowIndex, (s) => s.query(access, {}, page)))
          expect(storageReason(result)).toBe("InvalidData")
        }
      })
    })

    describe("TemplateStore", () => {
      it("publishes once: a repeat is a no-op, another definition under the same version conflicts", async () => {
        const t: Template = conformanceTemplate(`immutable-${uuid().slice(0, 8)}`)
        await run(Effect.flatMap(TemplateStore, (s) => s.publish(t)))
        expect(await inspect.template(t.id, 1)).toEqual(t)
        await run(Effect.flatMap(TemplateStore, (s) => s.publish(t)))
        const changed: Template = { ...t, name: "Changed after publication" }
        const result = await exit(Effect.flatMap(TemplateStore, (s) => s.publish(changed)))
        expect(storageReason(result)).toBe("Conflict")
        expect(await inspect.template(t.id, 1)).toEqual(t)
        const v2: Template = { ...t, version: 2, name: "Second version" }
        await run(Effect.flatMap(TemplateStore, (s) => s.publish(v2)))
        expect(await run(Effect.flatMap(TemplateStore, (s) => s.get(t.id, 1)))).toEqual(t)
        expect(await run(Effect.flatMap(TemplateStore, (s) => s.getLatest(t.id)))).toEqual(v2)
        expect(await run(Effect.flatMap(TemplateStore, (s) => s.get(t.id, 3)))).toBeUndefined()
        const listed = await run(Effect.flatMap(TemplateStore, (s) => s.list({ marketRole: "BRP" })))
        expect(listed.filter((x) => x.id === t.id)).toEqual([
          { id: t.id, version: 1, name: t.name, marketRole: "BRP" },
          { id: t.id, version: 2, name: v2.name, marketRole: "BRP" }
        ])
      })
    })

    describe("WorkflowStore", () => {
      it("commits events, state and index together; a conflicting commit changes none of them", async () => {
        const tenantId = await newTenant()
        const { instanceId, events, state } = await seedCommitted(tenantId, 1)
        expect(await inspect.events(instanceId)).toEqual(events)
        expect(await inspect.state(instanceId)).toEqual(state)
        expect(await inspect.indexEntry(instanceId)).toEqual(entryOf(state))
        const stale = history(template, progress(template, { instanceId, tenantId, steps: 2, at: 50 }))
        const result = await exit(
          Effect.flatMap(WorkflowStore, (s) =>
            s.commit(Access.tenant(tenantId), { events: stale.events.slice(1), expectedVersion: 1, state: stale.state })
          )
        )
        expect(storageReason(result)).toBe("Conflict")
        expect(await inspect.events(instanceId)).toEqual(events)
        expect(await inspect.state(instanceId)).toEqual(state)
        expect(await inspect.indexEntry(instanceId)).toEqual(entryOf(state))
      })
    })

    describe("through the engine", () => {
      it("replays a command repeated with its idempotency key instead of applying it twice", async () => {
        const tenantId = await newTenant()
        const actor = actorOf(tenantId)
        const created = await run(
          Effect.flatMap(Engine, (e) =>
            e.create({ actor, templateId: template.id, instanceId: uuid(), idempotencyKey: "create-1" })
          )
        )
        const instanceId = created.state.instanceId
        const again = await run(
          Effect.flatMap(Engine, (e) =>
            e.create({ actor, templateId: template.id, instanceId, idempotencyKey: "create-1" })
          )
        )
        expect(again).toEqual(created)
        await run(Effect.flatMap(Engine, (e) => e.start({ actor, instanceId, expectedVersion: 1 })))
        const step = () =>
          run(
            Effect.flatMap(Engine, (e) =>
              e.executeStep({
                actor,
                instanceId,
                expectedVersion: 2,
                stepId: "one",
                input: { n: 7 },
                idempotencyKey: "step-1"
              })
            )
          )
        const results = []
        for (let i = 0; i < 10; i++) results.push(await step())
        for (const r of results) expect(r).toEqual(results[0])
        const stored = await inspect.events(instanceId)
        expect(stored.map((e) => e.type)).toEqual([
          "WORKFLOW_CREATED",
          "WORKFLOW_STARTED",
          "STEP_STARTED",
          "STEP_COMPLETED"
        ])
        expect(stored.filter((e) => e.commandId === "step-1")).toHaveLength(2)
        expect(await inspect.state(instanceId)).toEqual(results[0]?.state)
        expect(await inspect.indexEntry(instanceId)).toEqual(entryOf(results[0]?.state as WorkflowState))
      })

      it("detects a snapshot older than the event log on read and rebuilds it", async () => {
        const tenantId = await newTenant()
        const { instanceId, events, state } = await seedCommitted(tenantId, 1)
        const newer = history(template, progress(template, { instanceId, tenantId, steps: 2 }))
        await run(
          Effect.flatMap(EventStore, (s) =>
            s.append(Access.tenant(tenantId), newer.events.slice(events.length), state.version)
          )
        )
        expect((await inspect.state(instanceId))?.version).toBe(state.version)
        const got = await run(Effect.flatMap(Engine, (e) => e.get({ actor: actorOf(tenantId), instanceId })))
        expect(got).toEqual(newer.state)
        expect(await inspect.state(instanceId)).toEqual(newer.state)
        expect(await inspect.indexEntry(instanceId)).toEqual(entryOf(newer.state))
      })

      it("never shows one tenant's instance to another", async () => {
        const a = await newTenant()
        const b = await newTenant()
        const { instanceId } = await seedCommitted(b, 1)
        const asA = actorOf(a)
        const attempts = await Promise.all([
          exit(Effect.flatMap(Engine, (e) => e.get({ actor: asA, instanceId }))),
          exit(Effect.flatMap(Engine, (e) => e.events({ actor: asA, instanceId }))),
          exit(Effect.flatMap(Engine, (e) => e.stateAt({ actor: asA, instanceId, until: { untilSequence: 2 } }))),
          exit(Effect.flatMap(Engine, (e) => e.pause({ actor: asA, instanceId, expectedVersion: 3 })))
        ])
        for (const attempt of attempts) expect(storageReason(attempt)).toBe("NotFound")
        const listed = await exit(Effect.flatMap(Engine, (e) => e.list({ actor: asA, filter: { tenantId: b } })))
        expect(storageReason(listed)).toBe("Forbidden")
        const own = await run(
          Effect.flatMap(Engine, (e) => e.list({ actor: asA, filter: { templateId: template.id } }))
        )
        expect(own.items).toEqual([])
      })
    })
  })
}
