/**
 * Whether an approval step's routes send every decision with a given outcome somewhere — and not on
 * to the step's `next` as if approved. A route counts when its condition holds for **every** output
 * with that outcome: conditions are judged in three values, a comparison of the step's own
 * `outcome` being known, any other (another field of the output, another step's data) unknown. An
 * earlier route that may or may not hold only changes where the decision goes, never whether it goes.
 */
import { type Condition, evaluateCondition, type Step } from "@workflow-manager/core"
import type { ApprovalOutcome } from "../ApprovalRecord.js"

/** `true`, `false`, or `undefined` when it depends on what a check cannot know. */
type Verdict = boolean | undefined

const judge = (condition: Condition, stepId: string, outcome: ApprovalOutcome): Verdict => {
  if ("all" in condition) {
    let verdict: Verdict = true
    for (const c of condition.all) {
      const v = judge(c, stepId, outcome)
      if (v === false) return false
      if (v === undefined) verdict = undefined
    }
    return verdict
  }
  if ("any" in condition) {
    let verdict: Verdict = false
    for (const c of condition.any) {
      const v = judge(c, stepId, outcome)
      if (v === true) return true
      if (v === undefined) verdict = undefined
    }
    return verdict
  }
  if ("not" in condition) {
    const v = judge(condition.not, stepId, outcome)
    return v === undefined ? undefined : !v
  }
  const own = condition.step === undefined || condition.step === stepId
  if (!own || condition.field.split(".")[0] !== "outcome") return undefined
  return evaluateCondition(condition, () => ({ outcome }))
}

/** Whether one of the step's routes takes every decision with `outcome`. */
export const routesOutcome = (step: Step, outcome: ApprovalOutcome): boolean =>
  (step.routes ?? []).some((route) => judge(route.when, step.id, outcome) === true)
