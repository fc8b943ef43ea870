/**
 * The engine: the operations API over the pure model and the storage ports.
 *
 * Every command loads the instance (rebuilding a stale snapshot from the events), asks the
 * {@link Policy}, checks the caller's expected version, runs the step handler where there is one,
 * lets the pure decider produce the events and commits them with their projections through the
 * {@link WorkflowStore}. A command with an idempotency key that was already applied returns the
 * original result — from the events it recorded — instead of applying twice.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import { Cause, Clock, Context, Effect, Layer, Result } from "effect"
import * as Access from "./Access.js"
import type { Actor } from "./Actor.js"
import type { Command } from "./Command.js"
import { decide } from "./Decide.js"
import {
  CompensationFailed,
  type DomainError,
  InvalidCommand,
  type Issue,
  StepFailed,
  TemplateInvalid,
  UnknownHandler,
  ValidationFailed
} from "./DomainError.js"
import type { WorkflowEvent } from "./Event.js"
import { EventStore, type SequenceRange } from "./EventStore.js"
import { fold, rebuildState, type Until } from "./Evolve.js"
import { IdGenerator } from "./IdGenerator.js"
import { InstanceStore } from "./InstanceStore.js"
import { decodeWithIssues } from "./internal/issues.js"
import { stepContext } from "./internal/stepContext.js"
import type { Json, JsonObject } from "./Json.js"
import { type Operation, Policy } from "./Policy.js"
import { planRollback } from "./Saga.js"
import type { WorkflowState } from "./State.js"
import { type AnyStepHandler, type HandlerRegistry, StepHandlerError } from "./StepHandler.js"
import { Conflict, NotFound, type StorageError, storageError } from "./StorageError.js"
import { findStep, type Template } from "./Template.js"
import { TemplateStore } from "./TemplateStore.js"
import { validateTemplate } from "./Validation.js"
import {
  entryOf,
  type IndexEntry,
  type IndexFilter,
  type Page,
  type PageRequest,
  WorkflowIndex
} from "./WorkflowIndex.js"
import { WorkflowStore } from "./WorkflowStore.js"

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
 * The fields every command on an existing instance carries.
 *
 * @since 0.1.0
 * @category engine
 */
export interface InstanceCommand {
  readonly actor: Actor
  readonly instanceId: string
  /** The instance version the caller last saw; a different current version is a `Conflict`. */
  readonly expectedVersion: number
  /** Makes the command safe to repeat: a repeat returns the original result. */
  readonly idempotencyKey?: string
}

/**
 * Input of `create`.
 *
 * @since 0.1.0
 * @category engine
 */
export interface CreateInput {
  readonly actor: Actor
  readonly templateId: string
  /** Defaults to the latest published version. */
  readonly templateVersion?: number
  /** Defaults to the actor's tenant (`market_ops` creates for another tenant by naming it). */
  readonly tenantId?: string
  /** Defaults to the template's market role. */
  readonly marketRole?: string
  readonly metadata?: JsonObject
  /** Defaults to an id from the {@link IdGenerator}. */
  readonly instanceId?: string
  readonly idempotencyKey?: string
}

/**
 * A query on one instance.
 *
 * @since 0.1.0
 * @category engine
 */
export interface InstanceQuery {
  readonly actor: Actor
  readonly instanceId: string
}

/**
 * The engine's operations.
 *
 * @since 0.1.0
 * @category engine
 */
export interface EngineService {
  /** Validates a template against the registered handlers and publishes it. */
  readonly publishTemplate: (template: unknown) => Effect.Effect<Template, TemplateInvalid | StorageError>
  readonly create: (input: CreateInput) => Effect.Effect<CommandResult, EngineError>
  readonly start: (input: InstanceCommand) => Effect.Effect<CommandResult, EngineError>
  /** Runs the current step's handler with `input` and records the outcome. */
  readonly executeStep: (
    input: InstanceCommand & { readonly stepId: string; readonly input: unknown }
  ) => Effect.Effect<CommandResult, EngineError>
  readonly pause: (input: InstanceCommand & { readonly reason?: string }) => Effect.Effect<CommandResult, EngineError>
  readonly resume: (input: InstanceCommand) => Effect.Effect<CommandResult, EngineError>
  /** Runs every completed step's `validate`; returns the issues (empty when valid). Records nothing. */
  readonly validate: (input: InstanceQuery) => Effect.Effect<ReadonlyArray<Issue>, EngineError>
  /** Validates, then submits; `ValidationFailed` (nothing recorded) when any issue is found. */
  readonly submit: (input: InstanceCommand & { readonly comment?: string }) => Effect.Effect<CommandResult, EngineError>
  readonly approve: (
    input: InstanceCommand & { readonly comment?: string }
  ) => Effect.Effect<CommandResult, EngineError>
  readonly reject: (
    input: InstanceCommand & { readonly reason: string; readonly toStepId?: string }
  ) => Effect.Effect<CommandResult, EngineError>
  /**
   * Rolls back to a completed step: compensates the steps completed after it in reverse order,
   * recording each, then `WORKFLOW_ROLLED_BACK`. A failing compensation fails with
   * `CompensationFailed` and leaves the rollback pending; repeating the same rollback resumes it.
   */
  readonly rollback: (
    input: InstanceCommand & { readonly toStepId: string }
  ) => Effect.Effect<CommandResult, EngineError>
  readonly fail: (input: InstanceCommand & { readonly reason: string }) => Effect.Effect<CommandResult, EngineError>
  readonly get: (input: InstanceQuery) => Effect.Effect<WorkflowState, EngineError>
  readonly list: (input: {
    readonly actor: Actor
    readonly filter?: IndexFilter
    readonly page?: PageRequest
  }) => Effect.Effect<Page<IndexEntry>, EngineError>
  readonly events: (
    input: InstanceQuery & { readonly range?: SequenceRange }
  ) => Effect.Effect<ReadonlyArray<WorkflowEvent>, EngineError>
  /** The state as of a sequence or an instant (time travel). */
  readonly stateAt: (input: InstanceQuery & { readonly until: Until }) => Effect.Effect<WorkflowState, EngineError>
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
export type EngineRequirements =
  | EventStore
  | InstanceStore
  | WorkflowIndex
  | TemplateStore
  | WorkflowStore
  | IdGenerator

/**
 * Engine options.
 *
 * @since 0.1.0
 * @category engine
 */
export interface EngineOptions<R> {
  readonly handlers: HandlerRegistry<R>
}

const notFound = (operation: string, instanceId: string) =>
  storageError(
    operation,
    new NotFound({ message: `workflow ${instanceId} not found`, entity: "workflow", id: instanceId })
  )

const conflict = (operation: string, expectedVersion: number, actualVersion: number) =>
  storageError(
    operation,
    new Conflict({
      message: `expected version ${expectedVersion} but the workflow is at version ${actualVersion}`,
      expectedVersion,
      actualVersion
    })
  )

const isConflict = (error: EngineError): boolean => error._tag === "StorageError" && error.reason._tag === "Conflict"

/**
 * The instance id of a create command carrying an idempotency key but no instance id: a UUID
 * (version 8, name-based) of SHA-256(tenant, key), so that repeating the command finds the instance.
 *
 * @since 0.1.0
 * @category engine
 */
export const keyedInstanceId = (tenantId: string, idempotencyKey: string): string => {
  const h = createHash("sha256").update(`${tenantId}\u0000${idempotencyKey}`).digest("hex")
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const nowIso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

const failureMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

/**
 * Builds the engine from the storage ports and a handler registry. The handlers' services (`R`)
 * become requirements of the returned effect's operations' environment.
 *
 * @since 0.1.0
 * @category engine
 */
export const make = <R>(options: EngineOptions<R>): Effect.Effect<EngineService, never, EngineRequirements | R> =>
  Effect.gen(function* () {
    const eventStore = yield* EventStore
    const instances = yield* InstanceStore
    const index = yield* WorkflowIndex
    const templates = yield* TemplateStore
    const store = yield* WorkflowStore
    const ids = yield* IdGenerator
    const services = yield* Effect.context<R>()
    const registry = options.handlers
    const templateCache = new Map<string, Template>()

    const authorize = (actor: Actor, operation: Operation, tenantId: string) =>
      Effect.gen(function* () {
        const policy = yield* Policy
        return yield* policy.authorize(actor, operation, tenantId)
      })

    const loadTemplate = (id: string, version: number | undefined, operation: string) =>
      Effect.gen(function* () {
        const key = `${id}@${version ?? "latest"}`
        const cached = version === undefined ? undefined : templateCache.get(key)
        if (cached) return cached
        const template = version === undefined ? yield* templates.getLatest(id) : yield* templates.get(id, version)
        if (template === undefined) {
          return yield* storageError(
            operation,
            new NotFound({ message: `template ${key} is not published`, entity: "template", id: key })
          )
        }
        templateCache.set(`${template.id}@${template.version}`, template)
        return template
      })

    /** The current state: the snapshot, caught up with any newer events (and repaired). */
    const load = (access: Access.Access, instanceId: string, operation: string) =>
      Effect.gen(function* () {
        const snapshot = yield* instances.get(access, instanceId)
        const newer = yield* eventStore.read(access, instanceId, { from: (snapshot?.version ?? 0) + 1 })
        if (newer.length === 0) {
          if (snapshot === undefined) return yield* notFound(operation, instanceId)
          return snapshot
        }
        const state = fold(newer, snapshot)
        if (state === undefined) return yield* notFound(operation, instanceId)
        yield* Effect.all([instances.save(access, state), index.upsert(access, entryOf(state))], {
          discard: true
        }).pipe(Effect.catch((error) => Effect.logWarning("read-repair of a stale projection failed", error)))
        return state
      })

    /** The original result of an already applied command, or `undefined`. */
    const replay = (
      access: Access.Access,
      instanceId: string,
      key: string | undefined,
      complete = (_: ReadonlyArray<WorkflowEvent>) => true
    ) =>
      Effect.gen(function* () {
        if (key === undefined) return undefined
        const prior = yield* eventStore.readByCommand(access, instanceId, key)
        if (prior.length === 0 || !complete(prior)) return undefined
        const last = prior[prior.length - 1] as WorkflowEvent
        const history = yield* eventStore.read(access, instanceId, { to: last.sequence })
        const state = rebuildState(history) as WorkflowState
        return { state, events: prior } satisfies CommandResult
      })

    /** A keyed command that lost a race to its own earlier run returns that run's result. */
    const replayOnConflict =
      (access: Access.Access, instanceId: string, key: string | undefined) =>
      <E>(self: Effect.Effect<CommandResult, E>): Effect.Effect<CommandResult, E | StorageError> =>
        key === undefined
          ? self
          : Effect.catch(self, (error: E) =>
              isConflict(error as EngineError)
                ? Effect.flatMap(replay(access, instanceId, key), (prior) =>
                    prior ? Effect.succeed(prior) : Effect.fail(error)
                  )
                : Effect.fail(error)
            )

    const commitDecision = (
      access: Access.Access,
      operation: string,
      state: WorkflowState | undefined,
      command: Command,
      template: Template
    ) =>
      Effect.gen(function* () {
        const decided = decide(state, command, template)
        if (Result.isFailure(decided)) return yield* decided.failure
        const events = decided.success
        const next = fold(events, state) as WorkflowState
        yield* store
          .commit(access, { events, expectedVersion: state?.version ?? 0, state: next })
          .pipe(
            Effect.mapError((error) => (error.operation === operation ? error : storageError(operation, error.reason)))
          )
        return { state: next, events } satisfies CommandResult
      })

    /**
     * The common shape of a command on an existing instance. `build` turns the loaded state into
     * the decider command (running the handler where there is one).
     */
    const run = <E>(
      operation: Operation,
      input: InstanceCommand,
      build: (state: WorkflowState, template: Template, at: string) => Effect.Effect<Command, E>
    ): Effect.Effect<CommandResult, EngineError | E> =>
      Effect.gen(function* () {
        const access = Access.ofActor(input.actor)
        const prior = yield* replay(access, input.instanceId, input.idempotencyKey)
        if (prior) return prior
        const state = yield* load(access, input.instanceId, operation)
        yield* authorize(input.actor, operation, state.tenantId)
        if (state.version !== input.expectedVersion)
          return yield* conflict(operation, input.expectedVersion, state.version)
        const template = yield* loadTemplate(state.templateId, state.templateVersion, operation)
        const at = yield* nowIso
        const command = yield* build(state, template, at)
        return yield* commitDecision(access, operation, state, command, template)
      }).pipe(replayOnConflict(Access.ofActor(input.actor), input.instanceId, input.idempotencyKey))

    const envelope = (input: InstanceCommand, at: string) => ({
      actor: input.actor,
      expectedVersion: input.expectedVersion,
      at,
      ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey })
    })

    const handlerFor = (template: Template, stepId: string, command: string) =>
      Effect.gen(function* () {
        const step = findStep(template, stepId)
        if (step === undefined) {
          return yield* new InvalidCommand({
            command,
            reason: `step ${stepId} is not in template ${template.id}@${template.version}`
          })
        }
        const handler = registry.get(step.type) as AnyStepHandler<R> | undefined
        if (handler === undefined) return yield* new UnknownHandler({ type: step.type })
        const config = decodeWithIssues(handler.configSchema, step.config, `steps.${step.id}.config`)
        if (Result.isFailure(config)) {
          return yield* new TemplateInvalid({ templateId: template.id, issues: config.failure })
        }
        return { step, handler, config: config.success as unknown }
      })

    const validateState = (state: WorkflowState, template: Template, actor: Actor, at: string) =>
      Effect.gen(function* () {
        const issues: Array<Issue> = []
        for (const step of template.steps) {
          const stepState = state.stepStates[step.id]
          if (stepState?.status !== "completed") continue
          const { handler, config } = yield* handlerFor(template, step.id, "validate")
          if (handler.validate === undefined) continue
          const found = yield* handler
            .validate({
              config,
              input: stepState.input,
              output: stepState.data,
              context: stepContext(state, actor, step.id, stepState.attempts, at)
            })
            .pipe(Effect.provideContext(services))
          for (const issue of found)
            issues.push({ path: issue.path ? `${step.id}.${issue.path}` : step.id, message: issue.message })
        }
        return issues
      })

    const engine: EngineService = {
      publishTemplate: (input) =>
        Effect.gen(function* () {
          const validated = validateTemplate(input, registry)
          if (Result.isFailure(validated)) return yield* validated.failure
          yield* templates.publish(validated.success)
          return validated.success
        }),

      create: (input) =>
        Effect.gen(function* () {
          const tenantId = input.tenantId ?? input.actor.tenantId
          const access = Access.ofActor(input.actor)
          // A keyed create without an instance id gets an id derived from (tenant, key), so a repeat finds it.
          const derivedId =
            input.instanceId ??
            (input.idempotencyKey === undefined ? undefined : keyedInstanceId(tenantId, input.idempotencyKey))
          if (derivedId !== undefined) {
            const prior = yield* replay(access, derivedId, input.idempotencyKey)
            if (prior) return prior
          }
          yield* authorize(input.actor, "create", tenantId)
          const template = yield* loadTemplate(input.templateId, input.templateVersion, "create")
          const instanceId = derivedId ?? (yield* ids.next)
          const at = yield* nowIso
          const marketRole = input.marketRole ?? template.marketRole
          if (marketRole === undefined) {
            return yield* new InvalidCommand({
              command: "CreateWorkflow",
              reason: `template ${template.id} has no market role; pass one`
            })
          }
          return yield* commitDecision(
            access,
            "create",
            undefined,
            {
              _tag: "CreateWorkflow",
              actor: input.actor,
              expectedVersion: 0,
              at,
              ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
              instanceId,
              tenantId,
              templateId: template.id,
              templateVersion: template.version,
              marketRole,
              ...(input.metadata === undefined ? {} : { metadata: input.metadata })
            },
            template
          ).pipe(replayOnConflict(access, instanceId, input.idempotencyKey))
        }),

      start: (input) =>
        run("start", input, (_, __, at) => Effect.succeed({ _tag: "StartWorkflow", ...envelope(input, at) })),

      executeStep: (input) =>
        run("executeStep", input, (state, template, at) =>
          Effect.gen(function* () {
            const base = {
              _tag: "ExecuteStep" as const,
              ...envelope(input, at),
              stepId: input.stepId,
              input: null as Json
            }
            // Refuse an illegal command before any handler (and its side effects) runs.
            const precheck = decide(state, { ...base, outcome: { _tag: "Completed", output: null } }, template)
            if (Result.isFailure(precheck)) return yield* precheck.failure
            const { step, handler, config } = yield* handlerFor(template, input.stepId, "ExecuteStep")
            const decoded = decodeWithIssues(handler.inputSchema, input.input, `input`)
            if (Result.isFailure(decoded)) {
              return yield* new ValidationFailed({
                issues: decoded.failure.map((i) => ({ path: `${step.id}.${i.path}`, message: i.message }))
              })
            }
            const attempt = (state.stepStates[step.id]?.attempts ?? 0) + 1
            const execution = handler
              .execute({
                config,
                input: decoded.success,
                context: stepContext(state, input.actor, step.id, attempt, at)
              })
              .pipe(Effect.provideContext(services))
            const timed =
              step.timeoutMs === undefined
                ? execution
                : execution.pipe(
                    Effect.timeoutOrElse({
                      duration: step.timeoutMs,
                      orElse: () =>
                        Effect.fail(
                          new StepHandlerError({
                            message: `timed out after ${step.timeoutMs} ms`,
                            code: "TIMEOUT",
                            retryable: true
                          })
                        )
                    })
                  )
            const outcome = yield* timed.pipe(
              Effect.map((output) => ({ _tag: "Completed" as const, output })),
              Effect.catchCause((cause) => {
                if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
                const error = Cause.findErrorOption(cause)
                const failure =
                  error._tag === "Some"
                    ? {
                        message: error.value.message,
                        retryable: error.value.retryable,
                        ...(error.value.code === undefined ? {} : { code: error.value.code })
                      }
                    : { message: `handler defect: ${failureMessage(cause)}`, code: "DEFECT", retryable: false }
                return Effect.succeed({ _tag: "Failed" as const, error: failure })
              })
            )
            return { ...base, input: input.input as Json, outcome } satisfies Command
          })
        ).pipe(
          Effect.flatMap((result) => {
            const failed = result.events.find((e) => e.type === "STEP_FAILED")
            return failed?.type === "STEP_FAILED"
              ? Effect.fail(
                  new StepFailed({
                    stepId: failed.stepId,
                    attempt: failed.data.attempt,
                    reason: failed.data.error.message,
                    retryable: failed.data.error.retryable
                  })
                )
              : Effect.succeed(result)
          })
        ),

      pause: (input) =>
        run("pause", input, (_, __, at) =>
          Effect.succeed({
            _tag: "PauseWorkflow",
            ...envelope(input, at),
            ...(input.reason === undefined ? {} : { reason: input.reason })
          })
        ),

      resume: (input) =>
        run("resume", input, (_, __, at) => Effect.succeed({ _tag: "ResumeWorkflow", ...envelope(input, at) })),

      validate: (input) =>
        Effect.gen(function* () {
          const state = yield* load(Access.ofActor(input.actor), input.instanceId, "validate")
          yield* authorize(input.actor, "validate", state.tenantId)
          const template = yield* loadTemplate(state.templateId, state.templateVersion, "validate")
          return yield* validateState(state, template, input.actor, yield* nowIso)
        }),

      submit: (input) =>
        run("submit", input, (state, template, at) =>
          Effect.gen(function* () {
            const command: Command = {
              _tag: "SubmitWorkflow",
              ...envelope(input, at),
              ...(input.comment === undefined ? {} : { comment: input.comment })
            }
            const precheck = decide(state, command, template)
            if (Result.isFailure(precheck)) return yield* precheck.failure
            const issues = yield* validateState(state, template, input.actor, at)
            if (issues.length > 0) return yield* new ValidationFailed({ issues })
            return command
          })
        ),

      approve: (input) =>
        run("approve", input, (_, __, at) =>
          Effect.succeed({
            _tag: "ApproveWorkflow",
            ...envelope(input, at),
            ...(input.comment === undefined ? {} : { comment: input.comment })
          })
        ),

      reject: (input) =>
        run("reject", input, (_, __, at) =>
          Effect.succeed({
            _tag: "RejectWorkflow",
            ...envelope(input, at),
            reason: input.reason,
            ...(input.toStepId === undefined ? {} : { toStepId: input.toStepId })
          })
        ),

      rollback: (input) =>
        Effect.gen(function* () {
          const access = Access.ofActor(input.actor)
          const done = (events: ReadonlyArray<WorkflowEvent>) => events.some((e) => e.type === "WORKFLOW_ROLLED_BACK")
          const prior = yield* replay(access, input.instanceId, input.idempotencyKey, done)
          if (prior) return prior
          let state = yield* load(access, input.instanceId, "rollback")
          yield* authorize(input.actor, "rollback", state.tenantId)
          const resuming = state.rollback !== undefined && state.rollback.toStepId === input.toStepId
          if (!resuming && state.version !== input.expectedVersion) {
            return yield* conflict("rollback", input.expectedVersion, state.version)
          }
          const template = yield* loadTemplate(state.templateId, state.templateVersion, "rollback")
          const history = yield* eventStore.read(access, input.instanceId)
          const planned = planRollback(state, history, input.toStepId)
          if (Result.isFailure(planned)) return yield* planned.failure
          const plan = planned.success
          const recorded: Array<WorkflowEvent> = []
          const step = (command: (at: string, expectedVersion: number) => Command) =>
            Effect.gen(function* () {
              const at = yield* nowIso
              const result = yield* commitDecision(access, "rollback", state, command(at, state.version), template)
              state = result.state
              recorded.push(...result.events)
            })
          const env = (at: string, expectedVersion: number) => ({
            actor: input.actor,
            expectedVersion,
            at,
            ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey })
          })
          if (!plan.resuming) {
            yield* step((at, v) => ({
              _tag: "BeginRollback",
              ...env(at, v),
              toStepId: plan.toStepId,
              compensate: plan.compensations.map((c) => c.stepId),
              reset: plan.reset
            }))
          }
          for (const compensation of plan.compensations) {
            const {
              handler,
              config,
              step: definition
            } = yield* handlerFor(template, compensation.stepId, "CompensateStep")
            const strategy = definition.compensation?.strategy ?? (handler.compensate ? "handler" : "none")
            let result: Json = null
            if (strategy === "handler" && handler.compensate !== undefined) {
              const at = yield* nowIso
              const attempts = state.stepStates[compensation.stepId]?.attempts ?? 1
              result = yield* (handler.compensate as NonNullable<AnyStepHandler<R>["compensate"]>)({
                config,
                input: compensation.input,
                output: compensation.output,
                context: stepContext(state, input.actor, compensation.stepId, attempts, at, ":compensate")
              }).pipe(
                Effect.provideContext(services),
                Effect.catchCause((cause) =>
                  Cause.hasInterruptsOnly(cause)
                    ? Effect.failCause(cause as Cause.Cause<never>)
                    : Effect.fail(
                        new CompensationFailed({ stepId: compensation.stepId, reason: failureMessage(cause) })
                      )
                )
              )
            }
            yield* step((at, v) => ({
              _tag: "CompensateStep",
              ...env(at, v),
              stepId: compensation.stepId,
              skipped: strategy !== "handler" || handler.compensate === undefined,
              result
            }))
          }
          yield* step((at, v) => ({ _tag: "CompleteRollback", ...env(at, v) }))
          return { state, events: recorded } satisfies CommandResult
        }),

      fail: (input) =>
        run("fail", input, (_, __, at) =>
          Effect.succeed({ _tag: "FailWorkflow", ...envelope(input, at), reason: input.reason })
        ),

      get: (input) =>
        Effect.gen(function* () {
          const state = yield* load(Access.ofActor(input.actor), input.instanceId, "get")
          yield* authorize(input.actor, "get", state.tenantId)
          return state
        }),

      list: (input) =>
        Effect.gen(function* () {
          const access = Access.ofActor(input.actor)
          const tenantId = input.filter?.tenantId ?? input.actor.tenantId
          yield* authorize(input.actor, "list", tenantId)
          return yield* index.query(access, input.filter ?? {}, input.page ?? { limit: 50 })
        }),

      events: (input) =>
        Effect.gen(function* () {
          const access = Access.ofActor(input.actor)
          const events = yield* eventStore.read(access, input.instanceId, input.range)
          const first = events[0]
          if (first === undefined) {
            // Tell "no such instance" apart from "empty range" without leaking other tenants.
            yield* load(access, input.instanceId, "events").pipe(
              Effect.flatMap((state) => authorize(input.actor, "events", state.tenantId))
            )
            return events
          }
          yield* authorize(input.actor, "events", first.tenantId)
          return events
        }),

      stateAt: (input) =>
        Effect.gen(function* () {
          const access = Access.ofActor(input.actor)
          if (
            "untilTime" in input.until &&
            Number.isNaN(
              typeof input.until.untilTime === "string"
                ? Date.parse(input.until.untilTime)
                : input.until.untilTime.getTime()
            )
          ) {
            return yield* new InvalidCommand({
              command: "stateAt",
              reason: `untilTime ${String(input.until.untilTime)} is not an instant`
            })
          }
          const events =
            "untilTime" in input.until
              ? yield* eventStore.readUntil(
                  access,
                  input.instanceId,
                  typeof input.until.untilTime === "string"
                    ? input.until.untilTime
                    : input.until.untilTime.toISOString()
                )
              : yield* eventStore.read(access, input.instanceId, { to: input.until.untilSequence })
          const state = rebuildState(events)
          if (state === undefined) return yield* notFound("stateAt", input.instanceId)
          yield* authorize(input.actor, "stateAt", state.tenantId)
          return state
        })
    }
    return engine
  })

/**
 * The engine as a layer.
 *
 * @since 0.1.0
 * @category engine
 */
export const layer = <R>(options: EngineOptions<R>): Layer.Layer<Engine, never, EngineRequirements | R> =>
  Layer.effect(Engine)(make(options))
