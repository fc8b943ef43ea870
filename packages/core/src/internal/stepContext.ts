import type { Actor } from "../Actor.js"
import type { WorkflowState } from "../State.js"
import type { StepContext } from "../StepHandler.js"

/**
 * The context a handler runs with. The step key is derived from the sequence of the event that
 * made the step current (`state.entered`), which never repeats: a step entered again after a
 * rollback or a request for changes gets new keys. The attempt key adds the attempt number, so it
 * is the same for every run of one attempt and differs between attempts.
 */
export const stepContext = (
  state: WorkflowState,
  actor: Actor,
  stepId: string,
  attempt: number,
  at: string
): StepContext => {
  const stepKey = `${state.instanceId}:${stepId}:${state.entered?.sequence ?? 0}`
  return {
    instanceId: state.instanceId,
    tenantId: state.tenantId,
    stepId,
    attempt,
    stepKey,
    idempotencyKey: `${stepKey}:${attempt}`,
    actor,
    state,
    at
  }
}

/**
 * The context of a compensation during a rollback: its key names the rollback (the sequence of
 * its `WORKFLOW_ROLLBACK_STARTED`), so a retried rollback reuses it and a later rollback does not.
 */
export const compensationContext = (state: WorkflowState, actor: Actor, stepId: string, at: string): StepContext => {
  const stepKey = `${state.instanceId}:${stepId}:compensate`
  return {
    instanceId: state.instanceId,
    tenantId: state.tenantId,
    stepId,
    attempt: state.stepStates[stepId]?.attempts ?? 1,
    stepKey,
    idempotencyKey: `${stepKey}:${state.rollback?.sequence ?? state.version}`,
    actor,
    state,
    at
  }
}
