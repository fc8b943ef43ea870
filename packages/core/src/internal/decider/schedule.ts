/**
 * Scheduling: when the decided events make a step current that has deadlines or runs by itself,
 * a `STEP_SCHEDULED` event follows with the due times.
 */
import type { Command } from "../../Command.js"
import { scheduleStep } from "../../Deadlines.js"
import type { WorkflowEvent } from "../../Event.js"
import { fold } from "../../Evolve.js"
import type { WorkflowState } from "../../State.js"
import { findStep, type Step, type Template } from "../../Template.js"
import { stamp } from "./draft.js"

/** The step an event makes current, if it makes one current. */
const enteredBy = (event: WorkflowEvent): string | undefined => {
  switch (event.type) {
    case "WORKFLOW_STARTED":
    case "WORKFLOW_REJECTED":
    case "WORKFLOW_ROLLED_BACK":
    case "WORKFLOW_ROUTED":
      return event.stepId
    case "STEP_COMPLETED":
      return event.data.nextStepId ?? undefined
    default:
      return undefined
  }
}

/** Appends `STEP_SCHEDULED` when the events make a step current that has deadlines or runs by itself. */
export const schedule = (
  state: WorkflowState,
  events: ReadonlyArray<WorkflowEvent>,
  command: Command,
  template: Template,
  options: { readonly automatic?: (step: Step) => boolean }
): ReadonlyArray<WorkflowEvent> => {
  let entry: WorkflowEvent | undefined
  let stepId: string | undefined
  for (const event of events) {
    const entered = enteredBy(event)
    if (entered !== undefined) {
      entry = event
      stepId = entered
    }
  }
  if (entry === undefined || stepId === undefined) return events
  const step = findStep(template, stepId)
  const automatic = step !== undefined && options.automatic?.(step) === true
  if (step === undefined || ((step.deadlines?.length ?? 0) === 0 && !automatic)) return events
  const after = fold(events, state) as WorkflowState
  if (after.currentStepId !== stepId) return events
  const planned = scheduleStep(step, after, entry.occurredAt, automatic)
  const last = events[events.length - 1] as WorkflowEvent
  const [scheduled] = stamp(state.instanceId, state.tenantId, last.sequence, command, [
    {
      type: "STEP_SCHEDULED",
      stepId,
      data:
        planned.runAt === undefined
          ? { timers: planned.timers, skipped: planned.skipped }
          : { timers: planned.timers, skipped: planned.skipped, runAt: planned.runAt }
    }
  ])
  return [...events, scheduled as WorkflowEvent]
}
