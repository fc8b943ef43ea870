/**
 * The plugin authors' harness: run one handler the way the engine runs it (config and input
 * decoded by the handler's own schemas, `checkInput`, a real step context), or a whole template
 * end to end through a real engine on the memory adapter with a test clock.
 *
 * @since 0.1.0
 */
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { type Actor, systemActor } from "../Actor.js"
import { type Issue, TemplateInvalid, ValidationFailed } from "../DomainError.js"
import { Engine, type EngineError, engineLayer } from "../Engine.js"
import type { WorkflowEvent } from "../Event.js"
import { sequentialIdsLayer } from "../IdGenerator.js"
import { decodeWithIssues } from "../internal/issues.js"
import { compensationContext, stepContext } from "../internal/stepContext.js"
import type { Json } from "../Json.js"
import { type MemoryStorage, makeMemoryStorage } from "../Memory.js"
import type { WorkflowState } from "../State.js"
import {
  type AnyStepHandler,
  makeRegistry,
  type StepContext,
  type StepHandler,
  type StepHandlerError,
  type StepRefused,
  type StepResult
} from "../StepHandler.js"

/**
 * The actor the harness uses unless told otherwise (a tenant administrator with review rights).
 *
 * @since 0.1.0
 * @category harness
 */
export const testActor: Actor = {
  userId: "test-user",
  tenantId: "test-tenant",
  role: "tenant_admin",
  permissions: ["workflow:review"]
}

/**
 * One handler run.
 *
 * @since 0.1.0
 * @category harness
 */
export interface StepRun {
  /** The step's `config` as it would appear in a template (decoded by the handler's `configSchema`). */
  readonly config: unknown
  /** The input (decoded by the handler's `inputSchema`). */
  readonly input: unknown
  readonly stepId?: string
  readonly attempt?: number
  readonly actor?: Actor
  readonly at?: string
  /** The instance state the handler sees (default: an empty instance with the step current). */
  readonly state?: WorkflowState
}

const emptyState = (actor: Actor, at: string, stepId: string): WorkflowState => ({
  schemaVersion: 1,
  instanceId: "test-instance",
  tenantId: actor.tenantId,
  templateId: "test-template",
  templateVersion: 1,
  marketRole: "BRP",
  status: "IN_PROGRESS",
  currentStepId: stepId,
  entered: { sequence: 2, at },
  stepStates: {},
  metadata: {},
  version: 2,
  createdAt: at,
  createdBy: actor.userId,
  updatedAt: at
})

const decodeOrFail = <A>(
  schema: Parameters<typeof decodeWithIssues>[0],
  value: unknown,
  path: string,
  options: { readonly closed?: boolean } = {}
) => {
  const decoded = decodeWithIssues(schema, value, path, options)
  return Result.isFailure(decoded) ? Effect.fail(decoded.failure) : Effect.succeed(decoded.success as A)
}

const contextOf = (run: StepRun): StepContext => {
  const actor = run.actor ?? testActor
  const at = run.at ?? "2026-01-01T00:00:00.000Z"
  const stepId = run.stepId ?? "step"
  return stepContext(run.state ?? emptyState(actor, at, stepId), actor, stepId, run.attempt ?? 1, at)
}

const configOf = <C>(handler: { readonly configSchema: Parameters<typeof decodeWithIssues>[0] }, config: unknown) =>
  decodeOrFail<C>(handler.configSchema, config, "config", { closed: true }).pipe(
    Effect.mapError((issues: ReadonlyArray<Issue>) => new TemplateInvalid({ templateId: "(harness)", issues }))
  )

/**
 * Runs a handler's `execute` as the engine would: decodes config (failing with `TemplateInvalid`)
 * and input (failing with `ValidationFailed`), runs `checkInput` (its issues fail with
 * `ValidationFailed`), then executes with a step context. Returns what `execute` returned — JSON
 * output or a `StepResult`.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { defineStepHandler } from "@workflow-manager/core"
 * import { runStep } from "@workflow-manager/core/testing"
 *
 * const echo = defineStepHandler({
 *   type: "echo",
 *   configSchema: Schema.Struct({}),
 *   inputSchema: Schema.Struct({ text: Schema.String }),
 *   execute: ({ input }) => Effect.succeed(input)
 * })
 * const output = await Effect.runPromise(runStep(echo, { config: {}, input: { text: "hi" } }))
 * ```
 *
 * @since 0.1.0
 * @category harness
 */
export const runStep = <T extends string, C, I, R>(
  handler: StepHandler<T, C, I, R>,
  run: StepRun
): Effect.Effect<Json | StepResult, StepHandlerError | StepRefused | ValidationFailed | TemplateInvalid, R> =>
  Effect.gen(function* () {
    const config = yield* configOf<C>(handler, run.config)
    const input = yield* decodeOrFail<I>(handler.inputSchema, run.input, "input").pipe(
      Effect.mapError((issues: ReadonlyArray<Issue>) => new ValidationFailed({ issues }))
    )
    const context = contextOf(run)
    if (handler.checkInput !== undefined) {
      const issues = yield* handler.checkInput({ config, input, context })
      if (issues.length > 0) return yield* new ValidationFailed({ issues })
    }
    return yield* handler.execute({ config, input, context })
  })

/**
 * Runs a handler's `checkInput` on an input (no issues when it has none).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { checkStepInput } from "@workflow-manager/core/testing"
 *
 * // const issues = await Effect.runPromise(checkStepInput(formHandler, { config, input: { vat: "x" } }))
 * ```
 *
 * @since 0.1.0
 * @category harness
 */
export const checkStepInput = <T extends string, C, I, R>(
  handler: StepHandler<T, C, I, R>,
  run: StepRun
): Effect.Effect<ReadonlyArray<Issue>, ValidationFailed | TemplateInvalid, R> =>
  Effect.gen(function* () {
    const config = yield* configOf<C>(handler, run.config)
    const input = yield* decodeOrFail<I>(handler.inputSchema, run.input, "input").pipe(
      Effect.mapError((issues: ReadonlyArray<Issue>) => new ValidationFailed({ issues }))
    )
    if (handler.checkInput === undefined) return []
    return yield* handler.checkInput({ config, input, context: contextOf(run) })
  })

/**
 * Runs a handler's `validate` on a completed step's input and output (no issues when it has none).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { validateStep } from "@workflow-manager/core/testing"
 *
 * // const issues = await Effect.runPromise(validateStep(formHandler, { config, input, output }))
 * ```
 *
 * @since 0.1.0
 * @category harness
 */
export const validateStep = <T extends string, C, I, R>(
  handler: StepHandler<T, C, I, R>,
  run: StepRun & { readonly output: Json }
): Effect.Effect<ReadonlyArray<Issue>, TemplateInvalid, R> =>
  Effect.gen(function* () {
    const config = yield* configOf<C>(handler, run.config)
    if (handler.validate === undefined) return []
    return yield* handler.validate({ config, input: run.input as Json, output: run.output, context: contextOf(run) })
  })

/**
 * Runs a handler's `compensate` on a completed step's input and output (`null` when it has none).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { compensateStep } from "@workflow-manager/core/testing"
 *
 * // const result = await Effect.runPromise(compensateStep(approvalHandler, { config, input, output }))
 * ```
 *
 * @since 0.1.0
 * @category harness
 */
export const compensateStep = <T extends string, C, I, R>(
  handler: StepHandler<T, C, I, R>,
  run: StepRun & { readonly output: Json }
): Effect.Effect<Json, StepHandlerError | TemplateInvalid, R> =>
  Effect.gen(function* () {
    const config = yield* configOf<C>(handler, run.config)
    if (handler.compensate === undefined) return null
    const actor = run.actor ?? testActor
    const at = run.at ?? "2026-01-01T00:00:00.000Z"
    const stepId = run.stepId ?? "step"
    return yield* handler.compensate({
      config,
      input: run.input as Json,
      output: run.output,
      context: compensationContext(run.state ?? emptyState(actor, at, stepId), actor, stepId, at)
    })
  })

/**
 * A whole-template run: the template, its handlers, the steps to execute in order, and whether to
 * submit and approve at the end. Automatic steps run by themselves (as the system actor) when they
 * become current.
 *
 * @since 0.1.0
 * @category harness
 */
export interface TemplateRun<R> {
  readonly template: unknown
  readonly handlers: ReadonlyArray<AnyStepHandler<R>>
  readonly steps: ReadonlyArray<{ readonly stepId: string; readonly input: unknown; readonly actor?: Actor }>
  readonly actor?: Actor
  readonly submit?: boolean
  readonly approve?: boolean
  /** Test-clock milliseconds between two commands (default 60 000). */
  readonly interval?: number
}

/**
 * What a template run leaves: the final state, every event, and the memory storage to inspect
 * (its outbox too).
 *
 * @since 0.1.0
 * @category harness
 */
export interface TemplateRunResult {
  readonly state: WorkflowState
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly storage: MemoryStorage
}

/**
 * Runs a template end to end through a real engine on a fresh memory storage, with a test clock
 * advancing `interval` between commands: publish (validating against the handlers), create, start,
 * each step (running automatic steps as they become current), then optionally submit and approve.
 * Fails with the first engine error.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { runTemplate } from "@workflow-manager/core/testing"
 *
 * // const { state, events } = await Effect.runPromise(
 * //   runTemplate({ template, handlers: [formHandler], steps: [{ stepId: "company", input }], submit: true })
 * // )
 * ```
 *
 * @since 0.1.0
 * @category harness
 */
export const runTemplate = <R>(run: TemplateRun<R>): Effect.Effect<TemplateRunResult, EngineError, R> => {
  const storage = makeMemoryStorage()
  const actor = run.actor ?? testActor
  const interval = run.interval ?? 60_000
  const program = Effect.gen(function* () {
    const engine = yield* Engine
    const template = yield* engine.publishTemplate(run.template)
    const tick = TestClock.adjust(interval)
    const automatic = (state: WorkflowState) =>
      Effect.gen(function* () {
        let current = state
        // bounded: a template has at most as many automatic steps in a row as it has steps
        for (let i = 0; i <= template.steps.length && current.runAt !== undefined; i++) {
          const { state: next, events } = yield* engine.runAutomaticStep({
            actor: systemActor(current.tenantId),
            instanceId: current.instanceId
          })
          current = next
          if (events.length === 0) break
        }
        return current
      })
    let { state } = yield* engine.create({ actor, templateId: template.id, templateVersion: template.version })
    yield* tick
    state = yield* automatic(
      (yield* engine.start({ actor, instanceId: state.instanceId, expectedVersion: state.version })).state
    )
    for (const step of run.steps) {
      yield* tick
      state = yield* automatic(
        (yield* engine.executeStep({
          actor: step.actor ?? actor,
          instanceId: state.instanceId,
          expectedVersion: state.version,
          stepId: step.stepId,
          input: step.input
        })).state
      )
    }
    if (run.submit === true || run.approve === true) {
      yield* tick
      state = (yield* engine.submit({ actor, instanceId: state.instanceId, expectedVersion: state.version })).state
    }
    if (run.approve === true) {
      yield* tick
      state = (yield* engine.approve({ actor, instanceId: state.instanceId, expectedVersion: state.version })).state
    }
    const events: Array<WorkflowEvent> = []
    for (let from: number | undefined = 1; from !== undefined; ) {
      const page: { readonly items: ReadonlyArray<WorkflowEvent>; readonly nextFrom: number | undefined } =
        yield* engine.events({ actor, instanceId: state.instanceId, from })
      events.push(...page.items)
      from = page.nextFrom
    }
    return { state, events, storage } satisfies TemplateRunResult
  })
  const live = engineLayer({ handlers: makeRegistry(run.handlers) }).pipe(
    Layer.provide(Layer.mergeAll(storage.layer, sequentialIdsLayer("test-instance"))),
    Layer.provideMerge(TestClock.layer())
  )
  return program.pipe(Effect.provide(live)) as Effect.Effect<TemplateRunResult, EngineError, R>
}
