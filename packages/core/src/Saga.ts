/**
 * Saga planning: which completed steps a rollback must compensate, in which order, and the state
 * it leads to — as data. The engine executes the plan (`Engine.rollback`).
 *
 * The order comes from the event log (the truth), not from the state: the steps whose latest
 * completion came after the target step's latest completion, and that no later event compensated,
 * in reverse completion order. Planning again after a failed compensation yields exactly the
 * compensations still pending, so a retried rollback resumes where it stopped.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import { isAllowed } from "./Decide.js"
import { IllegalTransition, InvalidCommand } from "./DomainError.js"
import type { WorkflowEvent } from "./Event.js"
import type { Json } from "./Json.js"
import type { WorkflowState } from "./State.js"

/**
 * One compensation to run: the step, and the input and output it completed with.
 *
 * @since 0.1.0
 * @category saga
 */
export interface PlannedCompensation {
  readonly stepId: string
  readonly input: Json | undefined
  readonly output: Json | undefined
}

/**
 * A rollback plan.
 *
 * @since 0.1.0
 * @category saga
 */
export interface RollbackPlan {
  /** The step the instance goes back to (its data is kept; it becomes the current step). */
  readonly toStepId: string
  /** Compensations in execution order (reverse completion order). */
  readonly compensations: ReadonlyArray<PlannedCompensation>
  /** Steps with a started or failed attempt and no effective completion; their state is dropped. */
  readonly reset: ReadonlyArray<string>
  /** Whether a rollback to the same step is already in progress (the plan resumes it). */
  readonly resuming: boolean
  /**
   * The state after the rollback completes, except `version`, `updatedAt`, `entered` and the
   * compensated steps' `compensatedAt` (the sequences and instants of the events to come, which are
   * not known when planning), and the target step's deadlines (scheduled when it becomes current).
   */
  readonly target: WorkflowState
}

/**
 * Plans a rollback of `state` to `toStepId`, from its event log.
 *
 * @since 0.1.0
 * @category saga
 */
export const planRollback = (
  state: WorkflowState,
  events: ReadonlyArray<WorkflowEvent>,
  toStepId: string
): Result.Result<RollbackPlan, IllegalTransition | InvalidCommand> => {
  const pending = state.rollback
  if (pending !== undefined && pending.toStepId !== toStepId) {
    return Result.fail(
      new InvalidCommand({
        command: "BeginRollback",
        reason: `a rollback to ${pending.toStepId} is in progress; finish it before rolling back to ${toStepId}`
      })
    )
  }
  // A new rollback needs BeginRollback; resuming one needs CompensateStep (a workflow that failed
  // during its rollback cannot resume it).
  const next = pending === undefined ? "BeginRollback" : "CompensateStep"
  if (!isAllowed(state.status, next)) {
    return Result.fail(new IllegalTransition({ status: state.status, command: next, instanceId: state.instanceId }))
  }
  // Effective completions in completion order; a later completion of the same step moves it last.
  const completed: Array<string> = []
  for (const event of events) {
    if (event.type === "STEP_COMPLETED" || event.type === "STEP_COMPENSATED") {
      const at = completed.indexOf(event.stepId)
      if (at >= 0) completed.splice(at, 1)
      if (event.type === "STEP_COMPLETED") completed.push(event.stepId)
    }
  }
  const index = completed.indexOf(toStepId)
  if (pending === undefined && (index < 0 || state.stepStates[toStepId]?.status !== "completed")) {
    return Result.fail(
      new InvalidCommand({
        command: "BeginRollback",
        reason: `step ${toStepId} has not been completed, so there is nothing to roll back to`
      })
    )
  }
  const after = pending !== undefined ? [...pending.pending] : completed.slice(index + 1).reverse()
  // Steps with an attempt but no effective completion are reset; a step whose re-attempt failed
  // after an earlier completion is compensated instead when it completed after the target (its
  // earlier output had effects), and kept as it is when it completed before (its output still
  // stands: resetting it would leave a completion in the log that no state holds, which a later
  // rollback would then try to compensate).
  const reset =
    pending !== undefined
      ? pending.reset
      : Object.entries(state.stepStates)
          .filter(
            ([id, s]) => (s.status === "running" || s.status === "failed") && id !== toStepId && !completed.includes(id)
          )
          .map(([id]) => id)
  const compensations = after.map((stepId) => ({
    stepId,
    input: state.stepStates[stepId]?.input,
    output: state.stepStates[stepId]?.data
  }))
  const stepStates = { ...state.stepStates }
  for (const { stepId } of compensations) {
    const {
      data: _,
      contributions: __,
      lease: ___,
      ...rest
    } = stepStates[stepId] ?? { status: "compensated" as const, attempts: 0 }
    stepStates[stepId] = { ...rest, status: "compensated" }
  }
  for (const id of reset) delete stepStates[id]
  const { rollback: _, entered: __, timers: ___, runAt: ____, ...rest } = state
  const target: WorkflowState = {
    ...rest,
    status: state.status === "PAUSED" ? "ROLLED_BACK" : "IN_PROGRESS",
    currentStepId: toStepId,
    stepStates
  }
  return Result.succeed({ toStepId, compensations, reset, resuming: pending !== undefined, target })
}
