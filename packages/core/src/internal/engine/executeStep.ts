/**
 * `executeStep`: a person runs the current step with an input. The input is decoded (and what is
 * recorded is the decoded value), checked by the handler's `checkInput`, then the handler runs and
 * its outcome is recorded with the attempt; a deferred handler's attempt is queued for a worker
 * instead. A recorded failure fails the operation with `StepFailed`, which carries the new version.
 */
import { Effect, Result } from "effect"
import type { Command } from "../../Command.js"
import { decide } from "../../Decide.js"
import { StepFailed } from "../../DomainError.js"
import { ExecuteStepInput } from "../../Inputs.js"
import type { Json } from "../../Json.js"
import type { WorkflowState } from "../../State.js"
import { isDeferred } from "../../StepHandler.js"
import type { Template } from "../../Template.js"
import { findStep } from "../../Template.js"
import { stepContext } from "../stepContext.js"
import { type Built, envelope, runCommand } from "./commit.js"
import type { EngineContext } from "./context.js"
import { checkStepInput, decodeStepInput, execute, resolveStep } from "./handlers.js"
import { decodeInput } from "./input.js"
import type { CommandResult } from "./load.js"
import { handlerMessages } from "./messages.js"

/** Fails with `StepFailed` when the result recorded a failed attempt (also for a replayed result). */
export const failOnStepFailure = (result: CommandResult): Effect.Effect<CommandResult, StepFailed> => {
  const failed = result.events.find((e) => e.type === "STEP_FAILED")
  return failed?.type === "STEP_FAILED"
    ? Effect.fail(
        new StepFailed({
          stepId: failed.stepId,
          attempt: failed.data.attempt,
          reason: failed.data.error.message,
          retryable: failed.data.error.retryable,
          ...(failed.data.error.code === undefined ? {} : { code: failed.data.error.code }),
          version: result.state.version,
          state: result.state
        })
      )
    : Effect.succeed(result)
}

/** The decider command of a person's run of the current step (runs the handler). */
const build = Effect.fnUntraced(function* <R>(
  ctx: EngineContext<R>,
  input: ExecuteStepInput,
  state: WorkflowState,
  template: Template,
  at: string,
  fp: string | undefined
) {
  const base = { ...envelope(input, at, fp), stepId: input.stepId }
  // Refuse an illegal command before the handler (and its side effects) runs.
  const precheck = decide(
    state,
    { _tag: "ExecuteStep", ...base, input: null, outcome: { _tag: "Completed", output: null } },
    template,
    ctx.decideOptions
  )
  if (Result.isFailure(precheck)) return yield* precheck.failure
  const resolved = yield* resolveStep(ctx, template, input.stepId, "ExecuteStep")
  const { decoded, recorded } = yield* decodeStepInput(ctx, resolved, input.input)
  const attempt = (state.stepStates[input.stepId]?.attempts ?? 0) + 1
  const context = stepContext(state, input.actor, input.stepId, attempt, at)
  yield* checkStepInput(ctx, resolved, decoded, context)
  if (isDeferred(resolved.handler, resolved.config)) {
    // queued for a worker: a claim by the caller that has already ended, so any worker may take it
    const command: Command = {
      _tag: "ClaimStep",
      ...base,
      input: recorded,
      lease: { owner: input.actor.userId, until: at }
    }
    return { command } as Built
  }
  const run = yield* execute(ctx, resolved, decoded, context, "executeStep", input.actor)
  const command: Command = { _tag: "ExecuteStep", ...base, input: recorded as Json, outcome: run.outcome }
  return { command, messages: handlerMessages(state, context.idempotencyKey, at, run.messages) } as Built
})

export const executeStep = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.flatMap(decodeInput("executeStep", ExecuteStepInput, raw, ctx.limits), (input) =>
    runCommand(ctx, {
      operation: "executeStep",
      input,
      args: { stepId: input.stepId, input: input.input ?? null },
      step: (_, template) => {
        const step = findStep(template, input.stepId)
        return step === undefined ? undefined : { id: step.id, type: step.type, config: step.config }
      },
      build: (state, template, at, fp) => build(ctx, input, state, template, at, fp)
    }).pipe(Effect.flatMap(failOnStepFailure))
  )
