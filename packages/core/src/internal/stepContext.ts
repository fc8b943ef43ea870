import type { Actor } from "../Actor.js"
import type { WorkflowState } from "../State.js"
import type { StepContext } from "../StepHandler.js"

/**
 * The context a handler runs with. The idempotency key is derived from (instance, step, attempt) —
 * `:compensate` appended for compensations — so a retried attempt reuses it and a new attempt does not.
 */
export const stepContext = (
  state: WorkflowState,
  actor: Actor,
  stepId: string,
  attempt: number,
  at: string,
  suffix = ""
): StepContext => ({
  instanceId: state.instanceId,
  tenantId: state.tenantId,
  stepId,
  attempt,
  idempotencyKey: `${state.instanceId}:${stepId}:${attempt}${suffix}`,
  actor,
  state,
  at
})
