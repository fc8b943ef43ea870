/**
 * The decisions of the current round. Core keeps a step's contributions when the step is entered
 * again (after a request for changes, a workflow-level rejection, a deadline's route): only a
 * compensation clears them. Each decision records the sequence of the event that made the step
 * current (`entry`), so the round is the contributions whose `entry` is the step's current entry.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { Schema } from "effect"
import { ApprovalContribution, type DecisionRecord } from "../ApprovalRecord.js"

const isContribution = Schema.is(ApprovalContribution)

/** The sequence of the event that made the current step current (0 before any). */
export const entryOf = (state: WorkflowState): number => state.entered?.sequence ?? 0

/** The decisions recorded for `stepId` since it last became current, oldest first. */
export const currentRound = (state: WorkflowState, stepId: string): ReadonlyArray<DecisionRecord> => {
  const entry = entryOf(state)
  const round: Array<DecisionRecord> = []
  for (const recorded of state.stepStates[stepId]?.contributions ?? []) {
    const c = recorded.contribution
    if (!isContribution(c) || c.entry !== entry) continue
    round.push({
      by: recorded.by,
      at: recorded.at,
      decision: c.decision,
      ...(c.comment === undefined ? {} : { comment: c.comment }),
      ...(c.to === undefined ? {} : { to: c.to }),
      ...(c.onBehalfOf === undefined ? {} : { onBehalfOf: c.onBehalfOf })
    })
  }
  return round
}
