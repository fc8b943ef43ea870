/**
 * `rollback`: the saga. Plans from the event log which completed steps to compensate (reverse
 * completion order), records `WORKFLOW_ROLLBACK_STARTED`, runs each step's compensation and records
 * it, then `WORKFLOW_ROLLED_BACK` — one commit each, so a failed compensation leaves the rollback
 * pending and the same rollback resumes it.
 *
 * A keyed rollback is idempotent under concurrency: a repeat that arrives while the original is
 * still running joins it (it resumes the pending rollback; each compensation's idempotency key names
 * the rollback, so a compensation run twice is deduplicated by its target), and a repeat that loses
 * a commit race reloads and carries on. Every caller returns the same result: the state after the
 * rollback and every event the key recorded.
 */
import { Cause, Effect, Result } from "effect"
import { accessOf } from "../../Access.js"
import type { Command } from "../../Command.js"
import { CompensationFailed } from "../../DomainError.js"
import type { WorkflowEvent } from "../../Event.js"
import { RollbackInput } from "../../Inputs.js"
import type { Json } from "../../Json.js"
import { planRollback } from "../../Saga.js"
import type { WorkflowState } from "../../State.js"
import { compensationContext } from "../stepContext.js"
import { commitDecision, envelope } from "./commit.js"
import { authorize, conflict, type EngineContext, isConflict, nowIso, policyContext } from "./context.js"
import { failureMessage, resolveStep } from "./handlers.js"
import { decodeInput, fingerprint as fingerprintOf } from "./input.js"
import { type CommandResult, loadInstance, loadTemplate, replayResult, sameCommand } from "./load.js"

/** Rounds a keyed rollback retries after losing a commit race (each round some runner progresses). */
const MAX_ROUNDS = 100

const RETRY = Symbol("retry")

export const rollback = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("rollback", RollbackInput, raw, ctx.limits)
    const access = accessOf(input.actor)
    const key = input.idempotencyKey
    const fingerprint =
      key === undefined
        ? undefined
        : fingerprintOf("rollback", input.instanceId, input.actor, { toStepId: input.toStepId })

    const once = Effect.gen(function* () {
      const { state: loaded, prior } = yield* loadInstance(ctx, access, input.instanceId, "rollback", key)
      const template = yield* loadTemplate(ctx, loaded.templateId, loaded.templateVersion, "rollback")
      yield* authorize(input.actor, "rollback", policyContext(loaded))
      if (key !== undefined && prior.length > 0) {
        yield* sameCommand(prior, fingerprint, "rollback", input.instanceId, key)
        if (prior.some((e) => e.type === "WORKFLOW_ROLLED_BACK")) return yield* replayResult(ctx, access, loaded, prior)
      }
      const resuming = loaded.rollback !== undefined && loaded.rollback.toStepId === input.toStepId
      if (!resuming && loaded.version !== input.expectedVersion) {
        return yield* conflict("rollback", input.expectedVersion, loaded.version)
      }
      const history = yield* ctx.events.read(access, input.instanceId)
      const planned = planRollback(loaded, history, input.toStepId)
      if (Result.isFailure(planned)) return yield* planned.failure
      const plan = planned.success
      let state: WorkflowState = loaded
      const recorded: Array<WorkflowEvent> = []
      const record = (command: (at: string, expectedVersion: number) => Command) =>
        Effect.gen(function* () {
          const at = yield* nowIso
          const result = yield* commitDecision(
            ctx,
            access,
            "rollback",
            state,
            { command: command(at, state.version) },
            template
          )
          state = result.state
          recorded.push(...result.events)
        })
      const env = (at: string, expectedVersion: number) =>
        envelope(
          { actor: input.actor, expectedVersion, ...(key === undefined ? {} : { idempotencyKey: key }) },
          at,
          fingerprint
        )
      if (!plan.resuming) {
        yield* record((at, v) => ({
          _tag: "BeginRollback",
          ...env(at, v),
          toStepId: plan.toStepId,
          compensate: plan.compensations.map((c) => c.stepId),
          reset: plan.reset
        }))
      }
      for (const compensation of plan.compensations) {
        const { handler, config, step } = yield* resolveStep(ctx, template, compensation.stepId, "CompensateStep")
        const runs = (step.compensation?.strategy ?? (handler.compensate ? "handler" : "none")) === "handler"
        let result: Json = null
        if (runs && handler.compensate !== undefined) {
          const at = yield* nowIso
          result = yield* handler
            .compensate({
              config,
              input: compensation.input,
              output: compensation.output,
              context: compensationContext(state, input.actor, compensation.stepId, at)
            })
            .pipe(
              Effect.provideContext(ctx.services),
              Effect.catchCause((cause) =>
                Cause.hasInterruptsOnly(cause)
                  ? Effect.failCause(cause as Cause.Cause<never>)
                  : Effect.fail(new CompensationFailed({ stepId: compensation.stepId, reason: failureMessage(cause) }))
              )
            )
        }
        yield* record((at, v) => ({
          _tag: "CompensateStep",
          ...env(at, v),
          stepId: compensation.stepId,
          skipped: !runs || handler.compensate === undefined,
          result
        }))
      }
      yield* record((at, v) => ({ _tag: "CompleteRollback", ...env(at, v) }))
      return { state, events: key === undefined ? recorded : [...prior, ...recorded] } satisfies CommandResult
    })

    for (let round = 1; ; round++) {
      const outcome = yield* once.pipe(
        Effect.catch((error) =>
          key !== undefined && round < MAX_ROUNDS && isConflict(error) ? Effect.succeed(RETRY) : Effect.fail(error)
        )
      )
      if (outcome !== RETRY) return outcome as CommandResult
    }
  })
