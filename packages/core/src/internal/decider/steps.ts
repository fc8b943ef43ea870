/**
 * The decider's step commands: an attempt run at once (`ExecuteStep`), a deferred attempt claimed
 * (`ClaimStep`) and its outcome recorded (`RecordOutcome`), and due deadlines fired (`FireDueTimers`).
 */
import { Result } from "effect"
import type { Command, CommandOf, StepOutcome } from "../../Command.js"
import { dueTimers } from "../../Deadlines.js"
import type { InvalidCommand } from "../../DomainError.js"
import type { Json } from "../../Json.js"
import type { WorkflowState } from "../../State.js"
import { findStep, nextStepId, type Step, type Template } from "../../Template.js"
import { type Draft, type Emit, invalid } from "./draft.js"

/** The current step's definition, or why the command cannot address `stepId`. */
const currentStep = (
  state: WorkflowState,
  command: Command,
  stepId: string,
  template: Template
): Result.Result<Step, InvalidCommand> => {
  if (state.currentStepId !== stepId) {
    return invalid(command, `step ${stepId} is not the current step (${state.currentStepId ?? "none"})`)
  }
  const step = findStep(template, stepId)
  return step === undefined
    ? invalid(command, `step ${stepId} is not in template ${template.id}@${template.version}`)
    : Result.succeed(step)
}

const running = (state: WorkflowState, stepId: string, at: string): string | undefined => {
  const s = state.stepStates[stepId]
  if (s?.status !== "running") return undefined
  return s.lease !== undefined && Date.parse(s.lease.until) > Date.parse(at)
    ? `attempt ${s.attempts} of step ${stepId} is claimed by ${s.lease.owner} until ${s.lease.until}`
    : `attempt ${s.attempts} of step ${stepId} is queued for a worker`
}

/** The events of an attempt's outcome (after its `STEP_STARTED`). */
const outcomeDrafts = (
  state: WorkflowState,
  step: Step,
  attempt: number,
  outcome: StepOutcome,
  template: Template
): ReadonlyArray<Draft> => {
  const stepId = step.id
  switch (outcome._tag) {
    case "Failed": {
      const exhausted = step.retry !== undefined && attempt >= step.retry.maxAttempts
      const failed: Draft = {
        type: "STEP_FAILED",
        stepId,
        data:
          outcome.retryAt === undefined || exhausted || !outcome.error.retryable
            ? { attempt, error: outcome.error }
            : { attempt, error: outcome.error, retryAt: outcome.retryAt }
      }
      return exhausted
        ? [
            failed,
            {
              type: "WORKFLOW_FAILED",
              data: { reason: `step ${stepId} failed ${attempt} times: ${outcome.error.message}`, stepId }
            }
          ]
        : [failed]
    }
    case "Contributed":
      return [{ type: "STEP_CONTRIBUTED", stepId, data: { attempt, contribution: outcome.contribution } }]
    case "Completed": {
      const dataOf = (id: string): Json | undefined => state.stepStates[id]?.data
      const next = nextStepId(template, stepId, outcome.output, dataOf)
      const drafts: Array<Draft> = []
      if (outcome.contribution !== undefined) {
        drafts.push({ type: "STEP_CONTRIBUTED", stepId, data: { attempt, contribution: outcome.contribution } })
      }
      drafts.push({ type: "STEP_COMPLETED", stepId, data: { attempt, output: outcome.output, nextStepId: next } })
      if (next === null) drafts.push({ type: "WORKFLOW_AWAITING_VALIDATION", data: {} })
      return drafts
    }
  }
}

export const executeStep = (
  state: WorkflowState,
  command: CommandOf<"ExecuteStep">,
  template: Template,
  emit: Emit
) => {
  const step = currentStep(state, command, command.stepId, template)
  if (Result.isFailure(step)) return Result.fail(step.failure)
  const busy = running(state, command.stepId, command.at)
  if (busy !== undefined) return invalid(command, busy)
  const attempt = (state.stepStates[command.stepId]?.attempts ?? 0) + 1
  return emit(
    { type: "STEP_STARTED", stepId: command.stepId, data: { attempt, input: command.input } },
    ...outcomeDrafts(state, step.success, attempt, command.outcome, template)
  )
}

export const claimStep = (state: WorkflowState, command: CommandOf<"ClaimStep">, template: Template, emit: Emit) => {
  const step = currentStep(state, command, command.stepId, template)
  if (Result.isFailure(step)) return Result.fail(step.failure)
  const current = state.stepStates[command.stepId]
  const lease = current?.lease
  if (current?.status === "running" && lease !== undefined && Date.parse(lease.until) > Date.parse(command.at)) {
    return invalid(
      command,
      `attempt ${current.attempts} of step ${command.stepId} is claimed by ${lease.owner} until ${lease.until}`
    )
  }
  // a running attempt (queued, or claimed by a worker whose lease ended) is claimed again as the same attempt
  const again = current?.status === "running"
  const attempt = again ? current.attempts : (current?.attempts ?? 0) + 1
  const input = again ? (current.input ?? command.input) : command.input
  return emit({
    type: "STEP_STARTED",
    stepId: command.stepId,
    data: { attempt, input, lease: command.lease }
  })
}

export const recordOutcome = (
  state: WorkflowState,
  command: CommandOf<"RecordOutcome">,
  template: Template,
  emit: Emit
) => {
  const step = currentStep(state, command, command.stepId, template)
  if (Result.isFailure(step)) return Result.fail(step.failure)
  const current = state.stepStates[command.stepId]
  if (current?.status !== "running" || current.attempts !== command.attempt) {
    return invalid(command, `attempt ${command.attempt} of step ${command.stepId} is not running`)
  }
  if (command.owner !== undefined && current.lease !== undefined && current.lease.owner !== command.owner) {
    return invalid(command, `attempt ${command.attempt} of step ${command.stepId} is claimed by ${current.lease.owner}`)
  }
  return emit(...outcomeDrafts(state, step.success, command.attempt, command.outcome, template))
}

export const fireDueTimers = (state: WorkflowState, command: CommandOf<"FireDueTimers">, emit: Emit) => {
  const due = dueTimers(state, command.at)
  const stepId = state.currentStepId
  if (due.length === 0 || stepId === null) return invalid(command, "no deadline is due")
  const drafts: Array<Draft> = []
  let status = state.status
  for (const timer of due) {
    drafts.push({
      type: "TIMER_FIRED",
      stepId,
      data: { timerId: timer.id, dueAt: timer.dueAt, escalation: timer.escalation }
    })
    const escalation = timer.escalation
    const reason = (given: string | undefined) => given ?? `deadline ${timer.id} of step ${stepId} passed`
    if (escalation.kind === "pause") {
      if (status === "IN_PROGRESS") {
        drafts.push({ type: "WORKFLOW_PAUSED", data: { reason: reason(escalation.reason) } })
        status = "PAUSED"
      }
    } else if (escalation.kind === "fail") {
      drafts.push({ type: "WORKFLOW_FAILED", data: { reason: reason(escalation.reason), stepId } })
      break
    } else if (escalation.kind === "route") {
      drafts.push({
        type: "WORKFLOW_ROUTED",
        stepId: escalation.to,
        data: { from: stepId, reason: reason(escalation.reason) }
      })
      break
    }
  }
  return emit(...drafts)
}
