/**
 * Case (c) of the core benchmark: the engine's commands end to end, through the Effect API, on the
 * in-memory adapter — against XState v5 used the way a stateless server would use it.
 *
 * Subject: one workflow instance per iteration on a 2-step template, 4 commands — `create`,
 * `start`, `executeStep`, `executeStep` — each run on its own with `runtime.runSync` on a
 * `ManagedRuntime` built once (engine layer + memory storage + sequential ids). Each command loads
 * the snapshot and the newer events, asks the policy, checks the expected version, decodes the
 * step input with the handler's schema, runs the handler (an `echo` whose `execute` returns its
 * input), decides, folds and commits events + state + index entry (the memory adapter keeps
 * everything as JSON text).
 *
 * The memory adapter keeps every instance in the benchmark's own heap (≈ 4 KB each, ≈ 14k new ones
 * a second), so over a full run the heap grows to gigabytes and major GCs make the subject — and
 * the baseline slices that pay for them — drift and swing. So the runtime's storage layer forwards
 * to a memory storage that is replaced by a fresh one (template republished) every
 * BENCH_ENGINE_RETAIN instances (default 2000; the swap runs inside the measured loop). 0 keeps
 * one storage for the whole run.
 *
 * Baseline: XState 5, the same workflow as a machine (statuses as states, current step, per-step
 * input/data/timestamps and version in context). Every command is a request to a stateless server:
 * `JSON.parse` the stored snapshot → `createActor(machine, { snapshot })` → `start` → check the
 * expected version and `can(event)` → `send` → `getPersistedSnapshot` → `JSON.stringify` → `stop`.
 * `create` is `createActor(machine, { input })` + `start` + persist + stringify. 4 commands per
 * iteration as well.
 */
import {
  defineStepHandler,
  Engine,
  EventStore,
  engineLayer,
  InstanceStore,
  makeMemoryStorage,
  makeRegistry,
  sequentialIdsLayer,
  TemplateStore,
  WorkflowIndex,
  WorkflowStore
} from "@workflow-manager/core"
import { Context, Effect, Layer, ManagedRuntime, Schema } from "effect"
import { createActor } from "xstate"
import { workflowMachine } from "./fixtures.mjs"

export const COMMANDS_PER_RUN = 4

const tenantId = "engie-be"
/** A tenant user (not market_ops), so the policy takes its tenant path. */
const actor = { userId: "u-engie-bob", tenantId, role: "brp_admin", permissions: ["workflow:execute"] }

/** The input submitted to each step (and, through `echo`, its output). */
const inputOf = (stepId) => ({ field: stepId, value: `${stepId}-value`, n: 42 })

/** A trivial handler: decodes its input with a small struct schema and returns it. */
export const echoHandler = defineStepHandler({
  type: "echo",
  description: "Returns its input",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ field: Schema.String, value: Schema.String, n: Schema.Number }),
  execute: ({ input }) => Effect.succeed(input)
})

/** Two steps, default path. */
export const template = {
  schemaVersion: 1,
  id: "bench-two-step",
  version: 1,
  name: "Benchmark two-step",
  marketRole: "BRP",
  steps: [
    { id: "collect", type: "echo", config: {} },
    { id: "confirm", type: "echo", config: {} }
  ]
}
const stepIds = template.steps.map((s) => s.id)

// ---------------------------------------------------------------------------------------------
// Subject: the engine (Effect API, ManagedRuntime built once, memory adapter).

const storageTags = [EventStore, InstanceStore, WorkflowIndex, TemplateStore, WorkflowStore]

/** The five port implementations of a memory storage (its layer has no resources to release). */
const servicesOf = (storage) => {
  const context = Effect.runSync(Effect.scoped(Layer.build(storage.layer)))
  return storageTags.map((tag) => Context.get(context, tag))
}

/**
 * A storage layer whose five ports forward every call to `current()`'s services (same methods,
 * same values), so the storage behind a runtime built once can be replaced.
 */
const forwardingStorage = (current) =>
  Layer.mergeAll(
    ...storageTags.map((tag, i) => {
      const shape = current()[i]
      const service = {}
      for (const key of Object.keys(shape)) {
        service[key] = typeof shape[key] === "function" ? (...args) => current()[i][key](...args) : shape[key]
      }
      return Layer.succeed(tag)(service)
    })
  )

/**
 * Builds the runtime (once), publishes the template and returns the iteration function.
 * `retain`: instances per memory storage before it is replaced (0: never). `dispose` releases the
 * runtime.
 */
export const makeEngineSubject = async ({ retain = Number(process.env.BENCH_ENGINE_RETAIN ?? 2000) } = {}) => {
  let storage = makeMemoryStorage()
  let services = servicesOf(storage)
  const live = engineLayer({ handlers: makeRegistry([echoHandler]) }).pipe(
    Layer.provide(
      Layer.merge(
        forwardingStorage(() => services),
        sequentialIdsLayer("wf")
      )
    )
  )
  const runtime = ManagedRuntime.make(live)
  const engine = await runtime.runPromise(
    Effect.gen(function* () {
      const engine = yield* Engine
      yield* engine.publishTemplate(template)
      return engine
    })
  )

  let instances = 0
  /** A fresh, empty storage with the template published (the engine keeps its template cache). */
  const rotate = () => {
    storage = makeMemoryStorage()
    services = servicesOf(storage)
    runtime.runSync(engine.publishTemplate(template))
  }

  /** One instance: create, start, executeStep × 2 — four separate runs, like four requests. */
  const run = () => {
    if (retain > 0 && ++instances % retain === 0) rotate()
    const created = runtime.runSync(engine.create({ actor, templateId: template.id }))
    const instanceId = created.state.instanceId
    const started = runtime.runSync(engine.start({ actor, instanceId, expectedVersion: created.state.version }))
    const first = runtime.runSync(
      engine.executeStep({
        actor,
        instanceId,
        expectedVersion: started.state.version,
        stepId: stepIds[0],
        input: inputOf(stepIds[0])
      })
    )
    const second = runtime.runSync(
      engine.executeStep({
        actor,
        instanceId,
        expectedVersion: first.state.version,
        stepId: stepIds[1],
        input: inputOf(stepIds[1])
      })
    )
    return second.state
  }

  return { run, storage: () => storage, dispose: () => runtime.dispose() }
}

// ---------------------------------------------------------------------------------------------
// Baseline: XState v5 as a stateless server would use it (restore → send → persist per command).

const machine = workflowMachine(({ input }) => ({
  instanceId: input.instanceId,
  tenantId: input.tenantId,
  templateId: template.id,
  templateVersion: template.version,
  marketRole: template.marketRole,
  stepIds,
  currentStepId: null,
  stepStates: {},
  metadata: {},
  version: 1,
  createdAt: input.at,
  createdBy: input.userId,
  updatedAt: input.at
}))

/** `create`: a new actor from input, started, persisted as JSON text. */
const xCreate = (instanceId) => {
  const a = createActor(machine, {
    input: { instanceId, tenantId, userId: actor.userId, at: new Date().toISOString() }
  })
  a.start()
  const json = JSON.stringify(a.getPersistedSnapshot())
  a.stop()
  return json
}

/** Any other command: restore from JSON text, check, send, persist back to JSON text. */
const xSend = (json, expectedVersion, event) => {
  const a = createActor(machine, { snapshot: JSON.parse(json) })
  a.start()
  const before = a.getSnapshot()
  if (before.context.version !== expectedVersion) throw new Error(`conflict: at version ${before.context.version}`)
  if (!before.can(event)) throw new Error(`illegal ${event.type} in ${String(before.value)}`)
  a.send(event)
  const snapshot = a.getPersistedSnapshot()
  const out = JSON.stringify(snapshot)
  a.stop()
  return { json: out, version: snapshot.context.version, snapshot }
}

export const makeXStateBaseline = () => {
  let n = 0
  /** One instance: create, START, EXECUTE × 2 — four restore/send/persist round trips. */
  const run = () => {
    const instanceId = `x-${++n}`
    const created = xCreate(instanceId)
    const started = xSend(created, 1, { type: "START", at: new Date().toISOString() })
    const first = xSend(started.json, started.version, {
      type: "EXECUTE",
      stepId: stepIds[0],
      input: inputOf(stepIds[0]),
      output: inputOf(stepIds[0]),
      at: new Date().toISOString()
    })
    const second = xSend(first.json, first.version, {
      type: "EXECUTE",
      stepId: stepIds[1],
      input: inputOf(stepIds[1]),
      output: inputOf(stepIds[1]),
      at: new Date().toISOString()
    })
    return second.snapshot
  }
  return { run }
}

// ---------------------------------------------------------------------------------------------

/**
 * Both sides, checked once (same end state) before anything is measured.
 * Returns `{ subject, baseline, dispose }` in the shape `compareWithControl` takes.
 */
export const makeEngineCase = async () => {
  const ours = await makeEngineSubject()
  const theirs = makeXStateBaseline()
  const state = ours.run()
  const snapshot = theirs.run()
  if (state.status !== "AWAITING_VALIDATION" || snapshot.value !== "AWAITING_VALIDATION") {
    throw new Error(`the workloads do not end awaiting validation (${state.status}, ${snapshot.value})`)
  }
  for (const id of stepIds) {
    if (state.stepStates[id]?.status !== "completed" || snapshot.context.stepStates[id]?.status !== "completed") {
      throw new Error(`step ${id} is not completed on both sides`)
    }
    if (JSON.stringify(state.stepStates[id].data) !== JSON.stringify(snapshot.context.stepStates[id].data)) {
      throw new Error(`step ${id} has different data on the two sides`)
    }
  }
  const events = await ours.storage().inspect.events(state.instanceId)
  if (events.length !== 7 || state.version !== 7) throw new Error(`expected 7 events, got ${events.length}`)
  return {
    subject: { fn: ours.run, ops: COMMANDS_PER_RUN },
    baseline: { fn: theirs.run, ops: COMMANDS_PER_RUN },
    dispose: ours.dispose
  }
}
