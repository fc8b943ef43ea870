/**
 * Which steps of a template can have completed when a given step runs: those from which some path
 * of the template — routes, `next`, the following step, and deadlines that route — leads to it, the
 * first move of the path being the step's completion. A step on a cycle precedes itself (it may run
 * again); a step reached only after this one, with no way back, never does.
 *
 * (The same rule as handler-approval's `approves`; both would use core's if it exported one.)
 */
import { successors, type Template } from "@workflow-manager/core"

/** Where a step can go: where its completion leads, and where its deadlines route. */
const movesOf = (template: Template, index: number): ReadonlyArray<string> => [
  ...successors(template, index),
  ...(template.steps[index]?.deadlines ?? []).flatMap((d) => (d.escalation.kind === "route" ? [d.escalation.to] : []))
]

/** The ids of the steps whose completion can lead to the step at `target` (itself when it is on a cycle). */
export const stepsBefore = (template: Template, target: number): ReadonlySet<string> => {
  const indexOf = new Map<string, number>()
  template.steps.forEach((step, i) => {
    if (!indexOf.has(step.id)) indexOf.set(step.id, i)
  })
  const from: Array<Array<number>> = template.steps.map(() => [])
  template.steps.forEach((_, i) => {
    for (const id of movesOf(template, i)) {
      const j = indexOf.get(id)
      if (j !== undefined) from[j]?.push(i)
    }
  })
  // every step from which the target can be reached (each visited once)
  const reaching = new Set<number>([target])
  const stack = [target]
  while (stack.length > 0) {
    for (const i of from[stack.pop() as number] ?? []) {
      if (!reaching.has(i)) {
        reaching.add(i)
        stack.push(i)
      }
    }
  }
  const before = new Set<string>()
  template.steps.forEach((step, i) => {
    const leads = successors(template, i).some((id) => reaching.has(indexOf.get(id) ?? -1))
    if (leads) before.add(step.id)
  })
  return before
}
