/**
 * The Promise facade, for integration teams that do not use Effect. It holds no logic: each method
 * runs the same Effect as the {@link Engine} and rejects with the same tagged error values
 * (`err._tag === "IllegalTransition"`, `err._tag === "StorageError" && err.reason._tag === "Conflict"`, ...).
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { Engine, type EngineService, layer as engineLayer } from "./Engine.js"
import type { EventStore } from "./EventStore.js"
import { type IdGenerator, layerUuid } from "./IdGenerator.js"
import type { InstanceStore } from "./InstanceStore.js"
import { make as makeMemory } from "./Memory.js"
import { Policy, type PolicyService } from "./Policy.js"
import { type AnyStepHandler, type HandlerRegistry, makeRegistry } from "./StepHandler.js"
import type { TemplateStore } from "./TemplateStore.js"
import type { WorkflowIndex } from "./WorkflowIndex.js"
import type { WorkflowStore } from "./WorkflowStore.js"

/**
 * The five storage ports an engine runs on.
 *
 * @since 0.1.0
 * @category promise
 */
export type Stores = EventStore | InstanceStore | WorkflowIndex | TemplateStore | WorkflowStore

/**
 * Options of {@link createEngine}.
 *
 * @since 0.1.0
 * @category promise
 */
export interface CreateEngineOptions<R = never> {
  /** The storage ports (all five); defaults to a fresh in-memory storage. */
  readonly stores?: Layer.Layer<Stores, unknown>
  /** The step handlers (or a registry of them). */
  readonly handlers: ReadonlyArray<AnyStepHandler<R>> | HandlerRegistry<R>
  /** The services the handlers declare (HTTP client, notifier, ...). */
  readonly services?: Layer.Layer<R, unknown>
  /** Templates to validate and publish at start-up (a repeated publish of the same version is a no-op). */
  readonly templates?: ReadonlyArray<unknown>
  /** The authorisation policy (default: {@link defaultPolicy}). */
  readonly policy?: PolicyService
  /** Where instance ids come from (default: UUID v4). */
  readonly ids?: Layer.Layer<IdGenerator>
}

type Promised<S> = {
  readonly [K in keyof S]: S[K] extends (input: infer I) => Effect.Effect<infer A, infer _E, infer _R>
    ? (input: I) => Promise<A>
    : never
}

/**
 * The engine's operations as Promises, plus `dispose` (releases the storage layer's resources).
 *
 * @since 0.1.0
 * @category promise
 */
export interface PromiseEngine extends Promised<EngineService> {
  readonly dispose: () => Promise<void>
}

const run = async <A, E>(
  runtime: ManagedRuntime.ManagedRuntime<Engine, unknown>,
  effect: Effect.Effect<A, E, Engine>
): Promise<A> => {
  const exit = await runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const error = Cause.findErrorOption(exit.cause)
  throw error._tag === "Some" ? error.value : Cause.squash(exit.cause)
}

/**
 * Creates an engine with a Promise API. Publishes `templates` before resolving, so an invalid
 * template rejects here with `TemplateInvalid`.
 *
 * @example
 * ```ts
 * const engine = await createEngine({ handlers: [formHandler], templates: [onboarding] })
 * const { state } = await engine.create({ actor, templateId: "brp-onboarding" })
 * ```
 *
 * @since 0.1.0
 * @category promise
 */
export const createEngine = async <R = never>(options: CreateEngineOptions<R>): Promise<PromiseEngine> => {
  const handlers = Array.isArray(options.handlers)
    ? makeRegistry(options.handlers as ReadonlyArray<AnyStepHandler<R>>)
    : (options.handlers as HandlerRegistry<R>)
  const dependencies = Layer.mergeAll(
    options.stores ?? makeMemory().layer,
    options.ids ?? layerUuid,
    (options.services ?? Layer.empty) as Layer.Layer<R, unknown>
  )
  const live = engineLayer({ handlers }).pipe(Layer.provide(dependencies)) as Layer.Layer<Engine, unknown>
  const policy = options.policy ?? Policy.defaultValue()
  const runtime = ManagedRuntime.make(live)
  const call =
    <K extends keyof EngineService>(key: K) =>
    (input: Parameters<EngineService[K]>[0]) =>
      run(
        runtime,
        Effect.gen(function* () {
          const engine = yield* Engine
          return yield* (engine[key] as (i: typeof input) => Effect.Effect<unknown, unknown>)(input)
        }).pipe(Effect.provideService(Policy, policy))
      )
  const engine = {
    publishTemplate: call("publishTemplate"),
    create: call("create"),
    start: call("start"),
    executeStep: call("executeStep"),
    pause: call("pause"),
    resume: call("resume"),
    validate: call("validate"),
    submit: call("submit"),
    approve: call("approve"),
    reject: call("reject"),
    rollback: call("rollback"),
    fail: call("fail"),
    get: call("get"),
    list: call("list"),
    events: call("events"),
    stateAt: call("stateAt"),
    dispose: () => runtime.dispose()
  } as PromiseEngine
  try {
    for (const template of options.templates ?? []) await engine.publishTemplate(template)
  } catch (error) {
    await runtime.dispose()
    throw error
  }
  return engine
}
