/**
 * The step-handler plugin contract. A handler is the code behind a step `type` (form, approval,
 * api-call, notification, ...). It is a plain object made by {@link defineStepHandler}:
 *
 * - `configSchema` validates the step's `config` in the template (at template validation time), and
 *   `checkStep` (optional) checks the step against the rest of the template;
 * - `inputSchema` decodes what the caller submits when executing the step; the engine records the
 *   decoded value encoded back (extra keys dropped), never the raw input;
 * - `checkInput` (optional) checks the input against the config before anything is recorded: its
 *   issues fail the command with `ValidationFailed` and burn no attempt;
 * - `execute` turns config + input into the step's output (JSON) — or a {@link StepResult} made by
 *   {@link completeStep} / {@link contributeStep} (outbox messages, contributions to a step that
 *   collects several) — or fails with a {@link StepHandlerError} (recorded as `STEP_FAILED`) or a
 *   {@link StepRefused} (nothing recorded);
 * - `validate` (optional) re-checks a completed step's data at submission;
 * - `compensate` (optional) undoes a completed step during rollback.
 *
 * A handler may be `automatic` (the engine runs it as the system actor when its step becomes
 * current, e.g. a notification) and/or `deferred` (each attempt is claimed under a lease and its
 * outcome recorded later, e.g. a slow API call run by the worker).
 *
 * The decoded config is decoded once per published step and shared by every run: treat it as
 * read-only.
 *
 * Handlers are pure functions of their arguments plus the services they declare in their Effect
 * requirements (`R`) — an HTTP client, a notifier, a clock — which the engine provides. External
 * effects must be idempotent under `context.idempotencyKey`: it is the same for every run of one
 * attempt (a retry after a crash, a deferred attempt claimed again) and never the same for two
 * attempts, even after a rollback re-enters the step.
 *
 * @since 0.1.0
 */
import { type Effect, Schema } from "effect"
import type { Actor } from "./Actor.js"
import { Issue } from "./DomainError.js"
import { Identifier, Instant, Json } from "./Json.js"
import type { WorkflowState } from "./State.js"
import type { Step, Template } from "./Template.js"

/**
 * The failure a handler reports. `retryable: true` means another attempt may succeed (a timeout,
 * a 503); `false` means the input or the outside world must change first.
 *
 * @since 0.1.0
 * @category handlers
 */
export class StepHandlerError extends Schema.TaggedError<StepHandlerError>()("StepHandlerError", {
  message: Schema.String,
  code: Schema.optionalKey(Schema.String),
  retryable: Schema.Boolean
}) {}

/**
 * A handler's refusal to act at all — nothing is recorded and no attempt is used. `forbidden`
 * (e.g. an approver approving their own submission) fails the command with `Forbidden`;
 * `invalid` (e.g. a second decision by the same approver) with `ValidationFailed` and the `issues`.
 *
 * @since 0.1.0
 * @category handlers
 */
export class StepRefused extends Schema.TaggedError<StepRefused>()("StepRefused", {
  reason: Schema.Literals(["forbidden", "invalid"]),
  message: Schema.String,
  issues: Schema.optionalKey(Schema.Array(Issue))
}) {}

/**
 * A message a handler asks the engine to queue in the outbox, in the same commit as the step's
 * events. Its id is `${context.idempotencyKey}:${key}`, so a retried run of the same attempt
 * queues it once.
 *
 * @since 0.1.0
 * @category handlers
 */
export const NewMessage = Schema.Struct({
  key: Identifier,
  kind: Identifier,
  payload: Json,
  availableAt: Schema.optionalKey(Instant)
})

/**
 * A new outbox message.
 *
 * @since 0.1.0
 * @category handlers
 */
export type NewMessage = typeof NewMessage.Type

/**
 * The brand of a {@link StepResult}.
 *
 * @since 0.1.0
 * @category handlers
 */
export const StepResultTypeId: unique symbol = Symbol.for("@workflow-manager/core/StepResult")

/**
 * What `execute` may return instead of plain JSON: the output (the step completes), or only a
 * contribution (the step stays current and collects more), and messages for the outbox.
 *
 * @since 0.1.0
 * @category handlers
 */
export interface StepResult {
  readonly [StepResultTypeId]: true
  /** The step's output; present when the step completes. */
  readonly output?: Json
  /** A contribution recorded before completing (or instead of it). */
  readonly contribution?: Json
  readonly messages: ReadonlyArray<NewMessage>
}

/**
 * Completes the step with `output`, recording a decisive `contribution` first when given, and
 * queueing `messages`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { completeStep } from "@workflow-manager/core"
 *
 * const result = Effect.succeed(
 *   completeStep({ sent: true }, { messages: [{ key: "welcome", kind: "email", payload: { to: "ops@example.com" } }] })
 * )
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export const completeStep = (
  output: Json,
  options: { readonly contribution?: Json; readonly messages?: ReadonlyArray<NewMessage> } = {}
): StepResult => ({
  [StepResultTypeId]: true,
  output,
  ...(options.contribution === undefined ? {} : { contribution: options.contribution }),
  messages: options.messages ?? []
})

/**
 * Records a contribution (one approval of a quorum, ...) without completing the step.
 *
 * @example
 * ```ts
 * import { contributeStep } from "@workflow-manager/core"
 *
 * const first = contributeStep({ decision: "approve", by: "mo-alice" })
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export const contributeStep = (
  contribution: Json,
  options: { readonly messages?: ReadonlyArray<NewMessage> } = {}
): StepResult => ({ [StepResultTypeId]: true, contribution, messages: options.messages ?? [] })

/**
 * Whether a value returned by `execute` is a {@link StepResult} (and not plain JSON output).
 *
 * @since 0.1.0
 * @category handlers
 */
export const isStepResult = (value: unknown): value is StepResult =>
  typeof value === "object" && value !== null && StepResultTypeId in value

/**
 * What a handler knows about the step it runs.
 *
 * @since 0.1.0
 * @category handlers
 */
export interface StepContext {
  readonly instanceId: string
  readonly tenantId: string
  readonly stepId: string
  /** 1 for the first attempt of this step since it became current, 2 for the next, ... */
  readonly attempt: number
  /**
   * `${instanceId}:${stepId}:${entry}`, where `entry` is the sequence of the event that made the
   * step current: stable while the step stays current, new each time it becomes current again.
   */
  readonly stepKey: string
  /**
   * The key of this attempt, `${stepKey}:${attempt}` (for a compensation
   * `${instanceId}:${stepId}:compensate:${rollback}`, `rollback` being the sequence of the
   * rollback's start): the same for every run of one attempt, never the same for two attempts.
   */
  readonly idempotencyKey: string
  readonly actor: Actor
  /** The instance state before this step runs (read-only). */
  readonly state: WorkflowState
  /** The instant of the command (from the engine's clock). */
  readonly at: string
}

/**
 * A step handler.
 *
 * @typeParam Type - the step `type` it serves
 * @typeParam Config - decoded step config
 * @typeParam Input - decoded step input
 * @typeParam R - services `execute`, `validate` and `compensate` need
 *
 * @since 0.1.0
 * @category handlers
 */
export interface StepHandler<Type extends string = string, Config = unknown, Input = unknown, R = never> {
  readonly type: Type
  readonly description?: string
  /**
   * Run by the engine as the system actor when its step becomes current (input `null`). A function
   * lets the step's (decoded) config decide, so one handler serves both kinds of step.
   */
  readonly automatic?: boolean | ((config: Config) => boolean)
  /**
   * Each attempt is claimed under a lease and its outcome recorded later (by a worker). A function
   * lets the step's (decoded) config decide — e.g. an API call the template runs inline or deferred.
   */
  readonly deferred?: boolean | ((config: Config) => boolean)
  readonly configSchema: Schema.Decoder<Config>
  /**
   * Checks a step against the whole template when the template is validated (published, composed),
   * after its config decoded: what the config alone cannot tell — an approval step with no route for
   * a rejection, a message naming a step the template does not have. Pure and synchronous. Issue
   * paths are relative to the step (`config.approves[1]`, `routes`) and reported under
   * `steps[i].`; a check that throws is reported as an issue of the step.
   */
  readonly checkStep?: (args: {
    readonly config: Config
    readonly step: Step
    /** The step's position in `template.steps`. */
    readonly index: number
    readonly template: Template
  }) => ReadonlyArray<Issue>
  readonly inputSchema: Schema.Decoder<Input>
  readonly checkInput?: (args: {
    readonly config: Config
    readonly input: Input
    readonly context: StepContext
  }) => Effect.Effect<ReadonlyArray<Issue>, never, R>
  readonly execute: (args: {
    readonly config: Config
    readonly input: Input
    readonly context: StepContext
  }) => Effect.Effect<Json | StepResult, StepHandlerError | StepRefused, R>
  readonly validate?: (args: {
    readonly config: Config
    readonly input: Json | undefined
    readonly output: Json | undefined
    readonly context: StepContext
  }) => Effect.Effect<ReadonlyArray<Issue>, never, R>
  readonly compensate?: (args: {
    readonly config: Config
    readonly input: Json | undefined
    readonly output: Json | undefined
    readonly context: StepContext
  }) => Effect.Effect<Json, StepHandlerError, R>
}

/**
 * Any step handler (config and input erased), as stored in a registry.
 *
 * @since 0.1.0
 * @category handlers
 */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds handlers of every config and input type
export type AnyStepHandler<R = any> = StepHandler<string, any, any, R>

/**
 * The services a handler (or a list of handlers) requires.
 *
 * @since 0.1.0
 * @category handlers
 */
export type HandlerServices<H> = H extends StepHandler<string, infer _C, infer _I, infer R> ? R : never

/**
 * Defines a step handler, inferring its types from its schemas.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { defineStepHandler } from "@workflow-manager/core"
 *
 * export const formHandler = defineStepHandler({
 *   type: "form",
 *   configSchema: Schema.Struct({ fields: Schema.Record(Schema.String, Schema.Struct({ required: Schema.Boolean })) }),
 *   inputSchema: Schema.Record(Schema.String, Schema.String),
 *   execute: ({ input }) => Effect.succeed(input)
 * })
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export const defineStepHandler = <const Type extends string, Config, Input, R = never>(
  handler: StepHandler<Type, Config, Input, R>
): StepHandler<Type, Config, Input, R> => handler

/**
 * Whether a handler runs a step with this (decoded) config by itself when the step becomes current.
 *
 * @since 0.1.0
 * @category handlers
 */
export const isAutomatic = <C>(handler: StepHandler<string, C, unknown, unknown>, config: C): boolean =>
  typeof handler.automatic === "function" ? handler.automatic(config) === true : handler.automatic === true

/**
 * Whether a handler defers the attempts of a step with this (decoded) config to a worker.
 *
 * @since 0.1.0
 * @category handlers
 */
export const isDeferred = <C>(handler: StepHandler<string, C, unknown, unknown>, config: C): boolean =>
  typeof handler.deferred === "function" ? handler.deferred(config) === true : handler.deferred === true

/**
 * Handlers by type.
 *
 * @since 0.1.0
 * @category handlers
 */
export interface HandlerRegistry<R = never> {
  readonly get: (type: string) => AnyStepHandler<R> | undefined
  readonly types: ReadonlyArray<string>
}

/**
 * Builds a registry; throws on two handlers with the same type (a programming error).
 *
 * @since 0.1.0
 * @category handlers
 */
export const makeRegistry = <const H extends ReadonlyArray<AnyStepHandler>>(
  handlers: H
): HandlerRegistry<HandlerServices<H[number]>> => {
  const byType = new Map<string, AnyStepHandler>()
  for (const handler of handlers) {
    if (byType.has(handler.type)) throw new Error(`two step handlers are registered for type "${handler.type}"`)
    byType.set(handler.type, handler)
  }
  return { get: (type) => byType.get(type), types: [...byType.keys()] }
}
