/**
 * The step-handler plugin contract. A handler is the code behind a step `type` (form, approval,
 * api-call, notification, ...). It is a plain object made by {@link defineStepHandler}:
 *
 * - `configSchema` validates the step's `config` in the template (at template validation time);
 * - `inputSchema` validates what the caller submits when executing the step;
 * - `execute` turns config + input into the step's output (JSON), or fails with a
 *   {@link StepHandlerError};
 * - `validate` (optional) re-checks a completed step's data at submission;
 * - `compensate` (optional) undoes a completed step during rollback.
 *
 * Handlers are pure functions of their arguments plus the services they declare in their Effect
 * requirements (`R`) — an HTTP client, a notifier, a clock — which the engine provides. External
 * effects must be idempotent under `context.idempotencyKey`, derived from (instance, step, attempt):
 * the engine may run an attempt more than once, never acknowledge it twice.
 *
 * @since 0.1.0
 */
import { type Effect, Schema } from "effect"
import type { Actor } from "./Actor.js"
import type { Issue } from "./DomainError.js"
import type { Json } from "./Json.js"
import type { WorkflowState } from "./State.js"

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
 * What a handler knows about the step it runs.
 *
 * @since 0.1.0
 * @category handlers
 */
export interface StepContext {
  readonly instanceId: string
  readonly tenantId: string
  readonly stepId: string
  /** 1 for the first attempt of this step, 2 for the next, ... */
  readonly attempt: number
  /** `${instanceId}:${stepId}:${attempt}` (`:compensate` appended for compensations). */
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
  readonly configSchema: Schema.Decoder<Config>
  readonly inputSchema: Schema.Decoder<Input>
  readonly execute: (args: {
    readonly config: Config
    readonly input: Input
    readonly context: StepContext
  }) => Effect.Effect<Json, StepHandlerError, R>
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
