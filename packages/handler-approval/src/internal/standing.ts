/**
 * Who may decide on an approval step, shared by the handler and the policy: an eligible approver
 * (an approver role, and on the `approvers` list when there is one), or the delegate a delegation
 * of the current round names (holding a delegate role). And the four-eyes rule: not the instance's
 * creator or submitter, not an author of the approved data.
 */
import type { Actor, WorkflowState } from "@workflow-manager/core"
import type { DecisionRecord } from "../ApprovalRecord.js"
import type { Settings } from "./settings.js"

/** How an actor stands on the step: may decide (for themselves or for a delegator), or not and why. */
export type Standing =
  | { readonly _tag: "Approver" }
  | { readonly _tag: "Delegate"; readonly onBehalfOf: string }
  | { readonly _tag: "None"; readonly reason: string }

const isEligible = (settings: Settings, actor: Actor): boolean =>
  settings.approverRoles.includes(actor.role) &&
  (settings.approvers === undefined || settings.approvers.includes(actor.userId))

/** The actor's standing given the round's decisions. A named delegate acts as the delegate. */
export const standingOf = (settings: Settings, actor: Actor, round: ReadonlyArray<DecisionRecord>): Standing => {
  const delegation = settings.delegation.allowed
    ? round.find((d) => d.decision === "delegate" && d.to === actor.userId)
    : undefined
  if (delegation !== undefined) {
    return settings.delegation.roles.includes(actor.role)
      ? { _tag: "Delegate", onBehalfOf: delegation.by }
      : {
          _tag: "None",
          reason: `${actor.userId} was delegated the decision of ${delegation.by} but does not hold a delegate role (${settings.delegation.roles.join(", ")})`
        }
  }
  if (isEligible(settings, actor)) return { _tag: "Approver" }
  return {
    _tag: "None",
    reason:
      settings.approvers !== undefined && settings.approverRoles.includes(actor.role)
        ? `${actor.userId} is not one of the approvers of this step`
        : `only ${settings.approverRoles.join(", ")} may decide on this step (${actor.userId} is ${actor.role})`
  }
}

/** The steps whose data the step approves: the configured ones, or every other step holding data. */
export const approvedSteps = (settings: Settings, state: WorkflowState, stepId: string): ReadonlyArray<string> =>
  settings.approves?.filter((id) => id !== stepId) ??
  Object.keys(state.stepStates).filter((id) => id !== stepId && state.stepStates[id]?.data !== undefined)

/** Why four-eyes refuses `userId` as a decider, or `undefined`. */
export const fourEyesProblem = (
  state: WorkflowState,
  approves: ReadonlyArray<string>,
  userId: string
): string | undefined => {
  if (state.submittedBy === userId) return `${userId} submitted this workflow`
  if (state.createdBy === userId) return `${userId} created this workflow`
  for (const id of approves) {
    const step = state.stepStates[id]
    if (step === undefined) continue
    if (step.completedBy === userId) return `${userId} completed step ${id}, whose data is approved here`
    if (step.contributions?.some((c) => c.by === userId) === true) {
      return `${userId} contributed to step ${id}, whose data is approved here`
    }
  }
  return undefined
}
