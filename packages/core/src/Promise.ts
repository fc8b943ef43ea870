/**
 * The Promise facade, for integration teams that do not use Effect. It holds no logic: each method
 * runs the same Effect as the {@link Engine} and rejects with the same tagged error values
 * (`err._tag === "IllegalTransition"`, `err._tag === "StorageError" && err.reason._tag === "Conflict"`, ...).
 * {@link runPromise} and {@link promisify} are the helpers behind it, for other packages' facades.
 *
 * @since 0.1.0
 */
import { Cause, Effect, Exit, Layer, ManagedRuntime, Result } from "effect"
import { InvalidInput } from "./DomainError.js"
import { Engine, type EngineService, engineLayer, type PublishPackInput } from "./Engine.js"
import type { EventStore } from "./EventStore.js"
import { type IdGenerator, uuidIdsLayer } from "./IdGenerator.js"
import type { InstanceStore } from "./InstanceStore.js"
import { engineOperations } from "./internal/engine/context.js"
import { checkKeySecret } from "./internal/engine/lifecycle.js"
import { checkLimits, type Limits } from "./Limits.js"
import { makeMemoryStorage } from "./Memory.js"
import { Policy, type PolicyService } from "./Policy.js"
import { type AnyStepHandler, type HandlerRegistry, makeRegistry } from "./StepHandler.js"
import { storageError, Unavailable } from "./StorageError.js"
import type { Template } from "./Template.js"
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
 * The failure of an exit as the value a Promise rejects with: the typed error when there is one,
 * else the defect (or an interruption error).
 *
 * @since 0.1.0
 * @category promise
 */
export const failureOf = (cause: Cause.Cause<unknown>): unknown => {
  const error = Cause.findErrorOption(cause)
  return error._tag === "Some" ? error.value : Cause.squash(cause)
}

/**
 * Runs an effect as a Promise that rejects with the effect's typed error itself (not a wrapper),
 * so callers test `err._tag`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { runPromise } from "@workflow-manager/core"
 *
 * const value = await runPromise(Effect.succeed(42))
 * ```
 *
 * @since 0.1.0
 * @category promise
 */
export const runPromise = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  throw failureOf(exit.cause)
}

/**
 * A service whose Effect-returning methods return Promises instead (rejecting with the same errors).
 *
 * @since 0.1.0
 * @category promise
 */
export type Promisified<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer A) => Effect.Effect<infer R, infer _E, never>
    ? (...args: A) => Promise<R>
    : S[K] extends Effect.Effect<infer R, infer _E, never>
      ? () => Promise<R>
      : S[K]
}

/**
 * The Promise form of a service: each method returning an Effect returns a Promise that rejects
 * with the same typed error ({@link runPromise}); an Effect-valued member becomes a function;
 * other members and methods are left as they are.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { promisify } from "@workflow-manager/core"
 *
 * const counter = promisify({ next: (n: number) => Effect.succeed(n + 1) })
 * await counter.next(1) // 2
 * ```
 *
 * @since 0.1.0
 * @category promise
 */
export const promisify = <S extends object>(service: S): Promisified<S> =>
  Object.fromEntries(
    Object.entries(service).map(([key, value]) => [
      key,
      typeof value === "function"
        ? (...args: Array<unknown>) => {
            const result: unknown = (value as (...a: Array<unknown>) => unknown)(...args)
            return Effect.isEffect(result) ? runPromise(result as Effect.Effect<unknown, unknown>) : result
          }
        : Effect.isEffect(value)
          ? () => runPromise(value as Effect.Effect<unknown, unknown>)
          : value
    ])
  ) as Promisified<S>

/**
 * Options of {@link createEngine}.
 *
 * @since 0.1.0
 * @category promise
 */
export interface CreateEngineOptions<R = never> {
  /** The storage ports (all five; the `Outbox` port too, where the backend has one); defaults to a fresh in-memory storage. */
  readonly stores?: Layer.Layer<Stores, unknown>
  /** The step handlers (or a registry of them). */
  readonly handlers: ReadonlyArray<AnyStepHandler<R>> | HandlerRegistry<R>
  /** The services the handlers declare (HTTP client, notifier, ...). */
  readonly services?: Layer.Layer<R, unknown>
  /** Templates to validate and publish at start-up (a repeated publish of the same version is a no-op). */
  readonly templates?: ReadonlyArray<unknown>
  /** The authorisation policy (default: `defaultPolicy`). */
  readonly policy?: PolicyService
  /** Where instance ids come from (default: UUID v4). */
  readonly ids?: Layer.Layer<IdGenerator>
  /** Size and depth limits (default: `defaultLimits`). */
  readonly limits?: Partial<Limits>
  /**
   * Do not open the storage now, and skip its check: the first operation opens it, and a
   * misconfigured storage shows up as that operation's error (default `false`).
   */
  readonly lazy?: boolean
  /** The secret keyed instance ids are derived with (see `EngineOptions.keySecret`). */
  readonly keySecret?: string
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
export interface PromiseEngine extends Omit<Promised<EngineService>, "publishPack"> {
  readonly publishPack: <Config>(input: PublishPackInput<Config>) => Promise<ReadonlyArray<Template>>
  readonly dispose: () => Promise<void>
}

/**
 * Creates an engine with a Promise API. Opens the storage and checks it (a wrong URL, an
 * unmigrated database or a missing driver rejects here, with a `StorageError` saying what is
 * wrong; `lazy: true` skips this), then publishes `templates`, so an invalid template rejects here
 * with `TemplateInvalid`. Invalid `limits` reject with `InvalidInput`.
 *
 * @example
 * ```ts
 * import { createEngine } from "@workflow-manager/core"
 *
 * const engine = await createEngine({ handlers: [] })
 * await engine.dispose()
 * ```
 *
 * @since 0.1.0
 * @category promise
 */
export const createEngine = async <R = never>(options: CreateEngineOptions<R>): Promise<PromiseEngine> => {
  const limits = checkLimits(options.limits)
  if (Result.isFailure(limits)) throw new InvalidInput({ operation: "createEngine", issues: limits.failure })
  const secretIssue = checkKeySecret(options.keySecret)
  if (secretIssue !== undefined) throw new InvalidInput({ operation: "createEngine", issues: [secretIssue] })
  const handlers = Array.isArray(options.handlers)
    ? makeRegistry(options.handlers as ReadonlyArray<AnyStepHandler<R>>)
    : (options.handlers as HandlerRegistry<R>)
  const dependencies = Layer.mergeAll(
    options.stores ?? makeMemoryStorage().layer,
    options.ids ?? uuidIdsLayer,
    (options.services ?? Layer.empty) as Layer.Layer<R, unknown>
  )
  const live = engineLayer({
    handlers,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.lazy === undefined ? {} : { lazy: options.lazy }),
    ...(options.keySecret === undefined ? {} : { keySecret: options.keySecret })
  }).pipe(Layer.provide(dependencies)) as Layer.Layer<Engine, unknown>
  const policy = options.policy ?? Policy.defaultValue()
  const runtime = ManagedRuntime.make(live)
  const run = async <A>(effect: Effect.Effect<A, unknown, Engine>): Promise<A> => {
    const exit = await runtime.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw failureOf(exit.cause)
  }
  const call =
    <K extends keyof EngineService>(key: K) =>
    (input: unknown) =>
      run(
        Effect.gen(function* () {
          const engine = yield* Engine
          return yield* (engine[key] as (i: unknown) => Effect.Effect<unknown, unknown>)(input)
        }).pipe(Effect.provideService(Policy, policy))
      )
  const engine = {
    ...Object.fromEntries(engineOperations.map((key) => [key, call(key)])),
    dispose: () => runtime.dispose()
  } as unknown as PromiseEngine
  try {
    if (options.lazy !== true) {
      const opened = await runtime.runPromiseExit(Effect.void)
      if (Exit.isFailure(opened)) {
        const failure = failureOf(opened.cause)
        const found = Cause.findErrorOption(opened.cause)
        throw found._tag === "Some"
          ? failure
          : storageError(
              "createEngine",
              new Unavailable({
                message: `could not open the storage: ${failure instanceof Error ? failure.message : String(failure)}`,
                cause: failure
              })
            )
      }
    }
    for (const template of options.templates ?? []) await engine.publishTemplate(template)
  } catch (error) {
    await runtime.dispose()
    throw error
  }
  return engine
}
