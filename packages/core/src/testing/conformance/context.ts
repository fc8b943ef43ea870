/**
 * What every part of the conformance suites shares: a runtime over the adapter (and an engine on
 * it), fresh tenants, instances written through the ports, and how to name an exit's failure.
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime, Schema } from "effect"
import { type Access, operatorAccess, tenantAccess } from "../../Access.js"
import type { DueWork } from "../../DueWork.js"
import { type Engine, engineLayer } from "../../Engine.js"
import { EventStore } from "../../EventStore.js"
import { uuidIdsLayer } from "../../IdGenerator.js"
import type { InstanceStore } from "../../InstanceStore.js"
import { JsonObject } from "../../Json.js"
import type { Outbox } from "../../Outbox.js"
import type { WorkflowState } from "../../State.js"
import { completeStep, defineStepHandler, makeRegistry, StepHandlerError } from "../../StepHandler.js"
import type { StorageError } from "../../StorageError.js"
import type { Template } from "../../Template.js"
import { TemplateStore } from "../../TemplateStore.js"
import type { WorkflowIndex } from "../../WorkflowIndex.js"
import { WorkflowStore } from "../../WorkflowStore.js"
import { conformanceTemplate, history, progress, uuid } from "../fixtures.js"
import type { Inspect } from "../Inspect.js"

/**
 * The ports an adapter under test provides.
 *
 * @since 0.1.0
 * @category conformance
 */
export type AdapterPorts = EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore

/**
 * Options of the suites.
 *
 * @since 0.1.0
 * @category conformance
 */
export interface SuiteOptions {
  /** Per-test and per-hook timeout in ms (default 30 000; raise it for slow embedded databases). */
  readonly timeout?: number
  /** Concurrent writers in the race tests (default 64). */
  readonly concurrency?: number
}

/** The handler of the conformance templates' steps: records its input; `{ fail: true }` fails retryably. */
export const recordHandler = defineStepHandler({
  type: "record",
  configSchema: Schema.Struct({}),
  inputSchema: Schema.Struct({ n: Schema.Number, fail: Schema.optionalKey(Schema.Boolean) }),
  execute: ({ input, context }) =>
    input.fail === true
      ? Effect.fail(new StepHandlerError({ message: "asked to fail", retryable: true }))
      : Effect.succeed(completeStep({ step: context.stepId, n: input.n })),
  compensate: ({ context }) => Effect.succeed({ undone: context.stepId })
})

/** The handler of the awkward-keys case: outputs its input (any JSON object) as given, with its step id. */
export const echoHandler = defineStepHandler({
  type: "echo",
  configSchema: Schema.Struct({}),
  inputSchema: JsonObject,
  execute: ({ input, context }) => Effect.succeed(completeStep({ step: context.stepId, echo: input }))
})

/** The name of an exit's failure: `undefined` on success, the storage reason or the error's tag. */
export const failureTag = (exit: Exit.Exit<unknown, unknown>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  if (error._tag === "None") return `defect: ${String(Cause.squash(exit.cause))}`
  const value = error.value as StorageError | { readonly _tag: string }
  return value._tag === "StorageError" ? (value as StorageError).reason._tag : value._tag
}

/** What the suites' effects may require: the ports, the outbox (outbox suite only) and the engine. */
export type SuiteServices = AdapterPorts | Outbox | DueWork | Engine

export interface Harness {
  readonly inspect: Inspect
  readonly concurrency: number
  readonly template: Template
  readonly run: <A, X>(effect: Effect.Effect<A, X, SuiteServices>) => Promise<A>
  readonly exit: <A, X>(effect: Effect.Effect<A, X, SuiteServices>) => Promise<Exit.Exit<A, X>>
  /** A fresh tenant known to the backend. */
  readonly newTenant: () => Promise<string>
  /** The operator scope (of an operator organisation the backend knows). */
  readonly operator: () => Promise<Access>
  /** An instance with `steps` completed steps, written through `EventStore.append` only. */
  readonly seedEvents: (
    tenantId: string,
    steps?: number,
    at?: number
  ) => Promise<{ instanceId: string; events: ReturnType<typeof history>["events"]; state: WorkflowState }>
  /** An instance written through `WorkflowStore.commit` (events, state and index). */
  readonly seedCommitted: (
    tenantId: string,
    steps?: number,
    at?: number
  ) => Promise<{ instanceId: string; events: ReturnType<typeof history>["events"]; state: WorkflowState }>
  readonly publish: (template: Template) => Promise<void>
}

/** Builds the harness of a suite; `setup` and `teardown` go in `beforeAll` / `afterAll`. */
export const harness = <E>(
  layer: Layer.Layer<AdapterPorts, E> | Layer.Layer<AdapterPorts | Outbox, E> | Layer.Layer<AdapterPorts | DueWork, E>,
  inspect: Inspect,
  options: SuiteOptions,
  name: string
) => {
  // the outbox suite's layer provides `Outbox` too; the main suite's tests never ask for it
  let runtime: ManagedRuntime.ManagedRuntime<SuiteServices, unknown> | undefined
  const template = conformanceTemplate(`${name}-${uuid().slice(0, 8)}`)
  const live = () => {
    if (runtime === undefined) throw new Error("the conformance suite's runtime is not ready")
    return runtime
  }
  const h: Harness = {
    inspect,
    concurrency: options.concurrency ?? 64,
    template,
    run: (effect) => live().runPromise(effect),
    exit: <A, X>(effect: Effect.Effect<A, X, SuiteServices>) =>
      live().runPromiseExit(effect) as Promise<Exit.Exit<A, X>>,
    newTenant: async () => {
      const tenantId = uuid()
      await inspect.ensureTenant(tenantId)
      return tenantId
    },
    operator: () => inspect.ensureOperator?.() ?? Promise.resolve(operatorAccess("ops", uuid())),
    seedEvents: async (tenantId, steps = 0, at = 0) => {
      const instanceId = uuid()
      const { events, state } = history(template, progress(template, { instanceId, tenantId, steps, at }))
      await h.run(Effect.flatMap(EventStore, (s) => s.append(tenantAccess(tenantId), events, 0)))
      return { instanceId, events, state }
    },
    seedCommitted: async (tenantId, steps = 0, at = 0) => {
      const instanceId = uuid()
      const { events, state } = history(template, progress(template, { instanceId, tenantId, steps, at }))
      await h.run(
        Effect.flatMap(WorkflowStore, (s) =>
          s.commit(tenantAccess(tenantId), { events, expectedVersion: 0, state, messages: [] })
        )
      )
      return { instanceId, events, state }
    },
    publish: (t) => h.run(Effect.flatMap(TemplateStore, (s) => s.publish(t)))
  }
  const setup = async () => {
    const ports = Layer.orDie(layer as Layer.Layer<AdapterPorts | Outbox | DueWork, E>)
    const engine = Layer.orDie(engineLayer({ handlers: makeRegistry([recordHandler, echoHandler]) })).pipe(
      Layer.provide(Layer.merge(ports, uuidIdsLayer))
    )
    runtime = ManagedRuntime.make(Layer.merge(ports, engine))
    await h.publish(template)
  }
  const teardown = async () => {
    await runtime?.dispose()
  }
  return { h, setup, teardown }
}
