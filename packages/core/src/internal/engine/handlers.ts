/**
 * Running a step handler the way the engine does: find it and decode the step's config; decode
 * the caller's input and encode it back (what is recorded is what was validated, extra keys
 * dropped); let `checkInput` refuse it before anything is recorded; run `execute` under the step's
 * timeout and turn what it returns — output, contribution, messages, a failure, a refusal or a
 * defect — into the decider's outcome. Nothing here writes.
 */
import { Cause, Effect, Result, Schema } from "effect"
import type { Actor } from "../../Actor.js"
import type { StepOutcome } from "../../Command.js"
import {
  type Forbidden,
  InvalidCommand,
  type Issue,
  TemplateInvalid,
  UnknownHandler,
  ValidationFailed
} from "../../DomainError.js"
import type { Json } from "../../Json.js"
import { forbidden } from "../../Policy.js"
import type { WorkflowState } from "../../State.js"
import {
  type AnyStepHandler,
  type HandlerRegistry,
  isAutomatic,
  isStepResult,
  NewMessage,
  type StepContext,
  StepHandlerError
} from "../../StepHandler.js"
import { findStep, type Step, type Template } from "../../Template.js"
import { checkJsonValue } from "../guard.js"
import { decodeWithIssues } from "../issues.js"
import { stepContext } from "../stepContext.js"
import { type EngineContext, handlerOf } from "./context.js"

/** A step of a template with its handler and decoded config. */
export interface ResolvedStep<R> {
  readonly step: Step
  readonly handler: AnyStepHandler<R>
  readonly config: unknown
}

/**
 * Decoded configs by step: a published template's steps are immutable objects kept by the
 * engine's template cache, so each step's config is decoded once per handler, not on every command.
 */
const resolved = new WeakMap<Step, ResolvedStep<unknown>>()

export const resolveStep = <R>(ctx: EngineContext<R>, template: Template, stepId: string, command: string) =>
  Effect.suspend((): Effect.Effect<ResolvedStep<R>, InvalidCommand | UnknownHandler | TemplateInvalid> => {
    const step = findStep(template, stepId)
    if (step === undefined) {
      return Effect.fail(
        new InvalidCommand({ command, reason: `step ${stepId} is not in template ${template.id}@${template.version}` })
      )
    }
    const handler = handlerOf(ctx, step.type)
    if (handler === undefined) return Effect.fail(new UnknownHandler({ type: step.type }))
    const known = resolved.get(step)
    if (known !== undefined && known.handler === handler) return Effect.succeed(known as ResolvedStep<R>)
    const config = decodeWithIssues(handler.configSchema, step.config, `steps.${step.id}.config`, { closed: true })
    if (Result.isFailure(config))
      return Effect.fail(new TemplateInvalid({ templateId: template.id, issues: config.failure }))
    const resolution: ResolvedStep<R> = { step, handler, config: config.success }
    resolved.set(step, resolution)
    return Effect.succeed(resolution)
  })

/**
 * The decider's "is this step automatic?" for a registry: a handler's `automatic` function sees the
 * step's decoded config (decoded once per step object; a config that does not decode is not
 * automatic — running the step reports the problem).
 */
export const automaticSteps = <R>(registry: HandlerRegistry<R>): ((step: Step) => boolean) => {
  const known = new WeakMap<Step, boolean>()
  return (step) => {
    const handler = registry.get(step.type)
    if (handler === undefined || handler.automatic === undefined || typeof handler.automatic === "boolean") {
      return handler?.automatic === true
    }
    let automatic = known.get(step)
    if (automatic === undefined) {
      const config = decodeWithIssues(handler.configSchema, step.config, "config", { closed: true })
      automatic = Result.isSuccess(config) && isAutomatic(handler, config.success)
      known.set(step, automatic)
    }
    return automatic
  }
}

const encoders = new WeakMap<object, (value: unknown) => Result.Result<unknown, Schema.SchemaError>>()

/**
 * Decodes the input with the handler's `inputSchema` and encodes the decoded value back to the
 * JSON that is recorded; `ValidationFailed` with the step-qualified paths when it does not decode.
 */
export const decodeStepInput = <R>(ctx: EngineContext<R>, resolved: ResolvedStep<R>, input: unknown) =>
  Effect.suspend(() => {
    const { step, handler } = resolved
    const decoded = decodeWithIssues(handler.inputSchema, input, "input")
    if (Result.isFailure(decoded)) {
      return Effect.fail(
        new ValidationFailed({
          issues: decoded.failure.map((i) => ({ path: `${step.id}.${i.path}`, message: i.message }))
        })
      )
    }
    let encode = encoders.get(handler.inputSchema)
    if (encode === undefined) {
      encode = Schema.encodeUnknownResult(handler.inputSchema as unknown as Schema.Codec<unknown, unknown>)
      encoders.set(handler.inputSchema, encode)
    }
    const encoded = encode(decoded.success)
    const problem = Result.isSuccess(encoded)
      ? checkJsonValue(encoded.success, ctx.limits, `${step.id}.input`)
      : undefined
    if (Result.isFailure(encoded) || problem !== undefined) {
      return Effect.fail(
        new ValidationFailed({
          issues: [
            problem ?? {
              path: `${step.id}.input`,
              message: `the ${step.type} handler's inputSchema does not encode the decoded input back to JSON`
            }
          ]
        })
      )
    }
    return Effect.succeed({ decoded: decoded.success as unknown, recorded: encoded.success as Json })
  })

/** Runs `checkInput`; its issues fail with `ValidationFailed` (nothing is recorded). */
export const checkStepInput = <R>(
  ctx: EngineContext<R>,
  resolved: ResolvedStep<R>,
  input: unknown,
  context: StepContext
): Effect.Effect<void, ValidationFailed> => {
  const { handler, step, config } = resolved
  if (handler.checkInput === undefined) return Effect.void
  return handler.checkInput({ config, input, context }).pipe(
    Effect.provideContext(ctx.services),
    Effect.catchCause((cause) =>
      Cause.hasInterruptsOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.succeed([
            { path: "", message: `the ${step.type} handler failed checking the input: ${failureMessage(cause)}` }
          ])
    ),
    Effect.flatMap((issues) =>
      issues.length === 0
        ? Effect.void
        : Effect.fail(
            new ValidationFailed({
              issues: issues.map((i) => ({ path: i.path ? `${step.id}.${i.path}` : step.id, message: i.message }))
            })
          )
    )
  )
}

/** An attempt's outcome for the decider, and the messages it queues. */
export interface HandlerRun {
  readonly outcome: StepOutcome
  readonly messages: ReadonlyArray<NewMessage>
}

const failedRun = (message: string, code: string, retryable: boolean): HandlerRun => ({
  outcome: { _tag: "Failed", error: { message, code, retryable } },
  messages: []
})

export const failureMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

const isNewMessage = Schema.is(NewMessage)

/** Turns what `execute` returned into an outcome, refusing output that is not JSON within the limits. */
const toRun = <R>(ctx: EngineContext<R>, step: Step, value: unknown): HandlerRun => {
  const invalid = (issue: Issue) =>
    failedRun(`the handler returned ${issue.path}: ${issue.message}`, "INVALID_OUTPUT", false)
  if (!isStepResult(value)) {
    const problem = checkJsonValue(value, ctx.limits, "output")
    return problem === undefined
      ? { outcome: { _tag: "Completed", output: value as Json }, messages: [] }
      : invalid(problem)
  }
  for (const [name, part] of [
    ["output", value.output],
    ["contribution", value.contribution]
  ] as const) {
    const problem = part === undefined ? undefined : checkJsonValue(part, ctx.limits, name)
    if (problem !== undefined) return invalid(problem)
  }
  const messages = Array.isArray(value.messages) ? value.messages : []
  for (const [i, message] of messages.entries()) {
    const problem = checkJsonValue(message, ctx.limits, `messages[${i}]`)
    if (problem !== undefined) return invalid(problem)
    if (!isNewMessage(message))
      return invalid({ path: `messages[${i}]`, message: "is not a message (key, kind, payload)" })
  }
  if (value.output !== undefined) {
    return {
      outcome:
        value.contribution === undefined
          ? { _tag: "Completed", output: value.output }
          : { _tag: "Completed", output: value.output, contribution: value.contribution },
      messages
    }
  }
  if (value.contribution !== undefined)
    return { outcome: { _tag: "Contributed", contribution: value.contribution }, messages }
  return invalid({ path: `steps.${step.id}`, message: "a step result with neither output nor contribution" })
}

/**
 * Runs `execute` under the step's timeout. A `StepHandlerError`, a timeout or a defect is a failed
 * attempt (recorded); a `StepRefused` fails the command (nothing recorded): `forbidden` as
 * `Forbidden`, `invalid` as `ValidationFailed`.
 */
export const execute = <R>(
  ctx: EngineContext<R>,
  resolved: ResolvedStep<R>,
  input: unknown,
  context: StepContext,
  operation: string,
  actor: Actor
): Effect.Effect<HandlerRun, Forbidden | ValidationFailed> => {
  const { step, handler, config } = resolved
  const run = handler.execute({ config, input, context }).pipe(Effect.provideContext(ctx.services))
  const timed =
    step.timeoutMs === undefined
      ? run
      : run.pipe(
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
  return timed.pipe(
    Effect.map((value) => toRun(ctx, step, value)),
    Effect.catchCause((cause): Effect.Effect<HandlerRun, Forbidden | ValidationFailed> => {
      if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const found = Cause.findErrorOption(cause)
      if (found._tag === "None")
        return Effect.succeed(failedRun(`handler defect: ${failureMessage(cause)}`, "DEFECT", false))
      const error = found.value
      if (error._tag === "StepRefused") {
        return error.reason === "forbidden"
          ? Effect.fail(forbidden(actor, operation, "NotPermitted", error.message))
          : Effect.fail(
              new ValidationFailed({
                issues: (error.issues ?? [{ path: "", message: error.message }]).map((i) => ({
                  path: i.path ? `${step.id}.${i.path}` : step.id,
                  message: i.message
                }))
              })
            )
      }
      return Effect.succeed({
        outcome: {
          _tag: "Failed",
          error: {
            message: String(error.message),
            retryable: error.retryable === true,
            ...(error.code === undefined ? {} : { code: String(error.code) })
          }
        },
        messages: []
      })
    })
  )
}

/** Runs every completed step's `validate` (at submission); the issues, each qualified by its step. */
export const validateSteps = <R>(
  ctx: EngineContext<R>,
  state: WorkflowState,
  template: Template,
  actor: Actor,
  at: string
) =>
  Effect.gen(function* () {
    const issues: Array<Issue> = []
    for (const step of template.steps) {
      const stepState = state.stepStates[step.id]
      if (stepState?.status !== "completed") continue
      const { handler, config } = yield* resolveStep(ctx, template, step.id, "validate")
      if (handler.validate === undefined) continue
      const found = yield* handler
        .validate({
          config,
          input: stepState.input,
          output: stepState.data,
          context: stepContext(state, actor, step.id, stepState.attempts, at)
        })
        .pipe(
          Effect.provideContext(ctx.services),
          Effect.catchCause((cause) =>
            Cause.hasInterruptsOnly(cause)
              ? Effect.failCause(cause as Cause.Cause<never>)
              : Effect.succeed([
                  { path: "", message: `the ${step.type} handler failed validating: ${failureMessage(cause)}` }
                ])
          )
        )
      for (const issue of found) {
        issues.push({ path: issue.path ? `${step.id}.${issue.path}` : step.id, message: issue.message })
      }
    }
    return issues
  })
