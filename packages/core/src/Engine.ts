/**
 * The engine: the operations API over the pure model and the storage ports.
 *
 * Every operation first decodes its whole input ({@link InvalidInput} names each bad field). A
 * command then loads the instance with one store call (its state, and what its idempotency key
 * already recorded), asks the {@link Policy}, returns the original result of a keyed repeat (or
 * `IdempotencyKeyReused` when the key was used for another command), checks the expected version,
 * runs the step handler where there is one, lets the pure decider produce the events and commits
 * them — with their projections and outbox messages — with a second store call.
 *
 * Where each operation lives: `internal/engine/lifecycle.ts` (create, start, pause, resume,
 * submit, approve, reject, fail, validate), `executeStep.ts`, `rollback.ts`, `system.ts`
 * (fireDueTimers, runAutomaticStep), `queries.ts` (get, list, events, stateAt); what they share:
 * `commit.ts` (the command shape and keyed replay), `load.ts`, `handlers.ts`, `input.ts`.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Result } from "effect"
import { type DomainError, InvalidInput, type Issue, type TemplateInvalid } from "./DomainError.js"
import type { WorkflowEvent } from "./Event.js"
import { EventStore } from "./EventStore.js"
import { IdGenerator } from "./IdGenerator.js"
import type {
  CommentInput,
  CreateInput,
  EventsInput,
  ExecuteStepInput,
  FailInput,
  InstanceCommand,
  InstanceQuery,
  ListInput,
  PauseInput,
  RejectInput,
  RollbackInput,
  StateAtInput,
  SystemCommand
} from "./Inputs.js"
import type { EngineContext } from "./internal/engine/context.js"
import { executeStep } from "./internal/engine/executeStep.js"
import { automaticSteps } from "./internal/engine/handlers.js"
import {
  approve,
  checkKeySecret,
  create,
  fail,
  keyedInstanceId as keyedId,
  pause,
  reject,
  resume,
  start,
  submit,
  validate
} from "./internal/engine/lifecycle.js"
import { type EventPage, events, get, list, stateAt } from "./internal/engine/queries.js"
import { rollback } from "./internal/engine/rollback.js"
import { fireDueTimers, runAutomaticStep } from "./internal/engine/system.js"
import { type PublishPackInput, publishPack, publishTemplate } from "./internal/engine/templates.js"
import { checkLimits, type Limits } from "./Limits.js"
import type { WorkflowState } from "./State.js"
import type { HandlerRegistry } from "./StepHandler.js"
import type { StorageError } from "./StorageError.js"
import type { Template } from "./Template.js"
import { TemplateStore } from "./TemplateStore.js"
import type { IndexEntry, Page } from "./WorkflowIndex.js"
import { WorkflowIndex } from "./WorkflowIndex.js"
import { WorkflowStore } from "./WorkflowStore.js"

export type { EventPage, PublishPackInput }

/**
 * Every error an engine operation can fail with.
 *
 * @since 0.1.0
 * @category engine
 */
export type EngineError = DomainError | StorageError

/**
 * What a command returns: the state after it and the events it recorded.
 *
 * @since 0.1.0
 * @category engine
 */
export interface CommandResult {
  readonly state: WorkflowState
  readonly events: ReadonlyArray<WorkflowEvent>
}

/**
 * The engine's operations. Each takes one input object (see `Inputs`); malformed input fails with
 * `InvalidInput` before anything is read or written.
 *
 * @since 0.1.0
 * @category engine
 */
export interface EngineService {
  /** Validates a template against the registered handlers and the limits, and publishes it. */
  readonly publishTemplate: (template: unknown) => Effect.Effect<Template, TemplateInvalid | StorageError>
  /**
   * Publishes a template pack with a configuration: each template whose definition differs from
   * its latest published version is published as the next version; the others are left as they
   * are. Returns the pack's templates as published.
   */
  readonly publishPack: <Config>(
    input: PublishPackInput<Config>
  ) => Effect.Effect<ReadonlyArray<Template>, TemplateInvalid | InvalidInput | StorageError>
  readonly create: (input: CreateInput) => Effect.Effect<CommandResult, EngineError>
  readonly start: (input: InstanceCommand) => Effect.Effect<CommandResult, EngineError>
  /**
   * Runs the current step's handler with `input` and records the attempt. A recorded failure
   * fails with `StepFailed`, which carries the new version and state; a deferred handler's attempt
   * is queued for a worker (`runAutomaticStep`).
   */
  readonly executeStep: (input: ExecuteStepInput) => Effect.Effect<CommandResult, EngineError>
  readonly pause: (input: PauseInput) => Effect.Effect<CommandResult, EngineError>
  readonly resume: (input: InstanceCommand) => Effect.Effect<CommandResult, EngineError>
  /** Runs every completed step's `validate`; returns the issues (empty when valid). Records nothing. */
  readonly validate: (input: InstanceQuery) => Effect.Effect<ReadonlyArray<Issue>, EngineError>
  /** Validates, then submits; `ValidationFailed` (nothing recorded) when any issue is found. */
  readonly submit: (input: CommentInput) => Effect.Effect<CommandResult, EngineError>
  readonly approve: (input: CommentInput) => Effect.Effect<CommandResult, EngineError>
  readonly reject: (input: RejectInput) => Effect.Effect<CommandResult, EngineError>
  /**
   * Rolls back to a completed step: compensates the steps completed after it in reverse order,
   * recording each, then `WORKFLOW_ROLLED_BACK`. A failing compensation fails with
   * `CompensationFailed` and leaves the rollback pending; repeating the same rollback resumes it.
   * Concurrent repeats of one keyed rollback join it and all return its result.
   */
  readonly rollback: (input: RollbackInput) => Effect.Effect<CommandResult, EngineError>
  readonly fail: (input: FailInput) => Effect.Effect<CommandResult, EngineError>
  /** Records the current step's due deadlines and their escalations (the system's operation). */
  readonly fireDueTimers: (input: SystemCommand) => Effect.Effect<CommandResult, EngineError>
  /**
   * Runs the current step when it is due to run by itself (automatic step, deferred attempt,
   * retry after backoff); a failed attempt is part of the result (the system's operation).
   */
  readonly runAutomaticStep: (input: SystemCommand) => Effect.Effect<CommandResult, EngineError>
  readonly get: (input: InstanceQuery) => Effect.Effect<WorkflowState, EngineError>
  readonly list: (input: ListInput) => Effect.Effect<Page<IndexEntry>, EngineError>
  /** One page of the instance's events, in sequence order. */
  readonly events: (input: EventsInput) => Effect.Effect<EventPage, EngineError>
  /** The state as of a sequence or an instant (time travel). */
  readonly stateAt: (input: StateAtInput) => Effect.Effect<WorkflowState, EngineError>
}

/**
 * The engine service.
 *
 * @since 0.1.0
 * @category engine
 */
export class Engine extends Context.Service<Engine, EngineService>()("@workflow-manager/core/Engine") {}

/**
 * What the engine needs from its environment (besides the services its handlers declare).
 *
 * @since 0.1.0
 * @category engine
 */
export type EngineRequirements = EventStore | WorkflowIndex | TemplateStore | WorkflowStore | IdGenerator

/**
 * Engine options.
 *
 * @since 0.1.0
 * @category engine
 */
export interface EngineOptions<R> {
  readonly handlers: HandlerRegistry<R>
  /** Size and depth limits (defaults: `defaultLimits`). */
  readonly limits?: Partial<Limits>
  /**
   * Skip checking the storage when the engine is built (it is checked by default); a misconfigured
   * storage then shows up as the error of the first operation that uses it.
   */
  readonly lazy?: boolean
  /**
   * The secret keyed instance ids are derived with (at least 16 characters; keep it stable across
   * restarts and instances of the service, like a session secret). Without it a keyed id is a plain
   * hash of (tenant, key) that anyone knowing both can compute and occupy first; the engine then
   * still gives the owner a clean result by moving to the next derived id, but set it in production.
   */
  readonly keySecret?: string
}

/**
 * The instance id of a create command carrying an idempotency key but no instance id: a UUID
 * (version 8, name-based) of HMAC-SHA-256(secret; tenant, key, attempt) — or SHA-256 without a
 * secret — so that repeating the command finds the instance. `attempt` (0 to 3) numbers the
 * fallbacks the engine uses when an id is held by another instance.
 *
 * @example
 * ```ts
 * import { keyedInstanceId } from "@workflow-manager/core"
 *
 * const id = keyedInstanceId("3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90", "signup-42", { secret: process.env.WM_KEY_SECRET })
 * ```
 *
 * @since 0.1.0
 * @category engine
 */
export const keyedInstanceId: (
  tenantId: string,
  idempotencyKey: string,
  options?: { readonly secret?: string | undefined; readonly attempt?: number }
) => string = keyedId

/**
 * Builds the engine from the storage ports and a handler registry, checking the storage first
 * (unless `lazy`). The handlers' services (`R`) become requirements of the returned effect.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Engine, makeEngine, makeRegistry, memoryLayer, uuidIdsLayer } from "@workflow-manager/core"
 *
 * const engine = makeEngine({ handlers: makeRegistry([]) }).pipe(
 *   Effect.provide(Layer.merge(memoryLayer(), uuidIdsLayer))
 * )
 * ```
 *
 * @since 0.1.0
 * @category engine
 */
export const makeEngine = <R>(
  options: EngineOptions<R>
): Effect.Effect<EngineService, StorageError | InvalidInput, EngineRequirements | R> =>
  Effect.gen(function* () {
    const limits = checkLimits(options.limits)
    if (Result.isFailure(limits)) return yield* new InvalidInput({ operation: "makeEngine", issues: limits.failure })
    const secretIssue = checkKeySecret(options.keySecret)
    if (secretIssue !== undefined) return yield* new InvalidInput({ operation: "makeEngine", issues: [secretIssue] })
    const store = yield* WorkflowStore
    if (options.lazy !== true) yield* store.check
    const registry = options.handlers
    const ctx: EngineContext<R> = {
      store,
      events: yield* EventStore,
      index: yield* WorkflowIndex,
      templates: yield* TemplateStore,
      ids: yield* IdGenerator,
      registry,
      services: yield* Effect.context<R>(),
      limits: limits.success,
      ...(options.keySecret === undefined ? {} : { keySecret: options.keySecret }),
      templateCache: new Map(),
      decideOptions: { automatic: automaticSteps(registry) }
    }
    return {
      publishTemplate: (template) => publishTemplate(ctx, template),
      publishPack: (input) => publishPack(ctx, input),
      create: (input) => create(ctx, input),
      start: (input) => start(ctx, input),
      executeStep: (input) => executeStep(ctx, input),
      pause: (input) => pause(ctx, input),
      resume: (input) => resume(ctx, input),
      validate: (input) => validate(ctx, input),
      submit: (input) => submit(ctx, input),
      approve: (input) => approve(ctx, input),
      reject: (input) => reject(ctx, input),
      rollback: (input) => rollback(ctx, input),
      fail: (input) => fail(ctx, input),
      fireDueTimers: (input) => fireDueTimers(ctx, input),
      runAutomaticStep: (input) => runAutomaticStep(ctx, input),
      get: (input) => get(ctx, input),
      list: (input) => list(ctx, input),
      events: (input) => events(ctx, input),
      stateAt: (input) => stateAt(ctx, input)
    } satisfies EngineService
  })

/**
 * The engine as a layer.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { engineLayer, makeRegistry, memoryLayer, sequentialIdsLayer } from "@workflow-manager/core"
 *
 * const live = engineLayer({ handlers: makeRegistry([]) }).pipe(
 *   Layer.provide(Layer.merge(memoryLayer(), sequentialIdsLayer("wf")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category engine
 */
export const engineLayer = <R>(
  options: EngineOptions<R>
): Layer.Layer<Engine, StorageError | InvalidInput, EngineRequirements | R> => Layer.effect(Engine)(makeEngine(options))
