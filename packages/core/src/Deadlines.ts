/**
 * Deadlines, purely: the due times of a step's deadlines when it becomes current, and which of
 * the current step's timers are due at an instant. The decider schedules and fires them; the
 * engine only supplies the clock.
 *
 * @since 0.1.0
 */
import { readPath } from "./Condition.js"
import { addDuration } from "./Duration.js"
import type { ScheduledTimer } from "./Event.js"
import type { Json } from "./Json.js"
import type { WorkflowState } from "./State.js"
import type { Step } from "./Template.js"

/**
 * The schedule of a step that just became current: its timers with due times, the deadlines
 * whose anchor date is missing, and when the engine should run it by itself.
 *
 * @since 0.1.0
 * @category deadlines
 */
export interface StepSchedule {
  readonly timers: ReadonlyArray<ScheduledTimer>
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly reason: string }>
  readonly runAt: string | undefined
}

const asDate = (value: Json | undefined): number | undefined => {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}($|T)/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

/**
 * Schedules `step`, which became current at `enteredAt` in `state` (the state after the event
 * that made it current): each deadline's due time from its anchor, and `runAt` (= `enteredAt`)
 * when the step is automatic.
 *
 * @since 0.1.0
 * @category deadlines
 */
export const scheduleStep = (step: Step, state: WorkflowState, enteredAt: string, automatic: boolean): StepSchedule => {
  const timers: Array<ScheduledTimer> = []
  const skipped: Array<{ id: string; reason: string }> = []
  for (const deadline of step.deadlines ?? []) {
    const from = deadline.from ?? "entered"
    let anchor: number | undefined
    let where: string
    if (from === "entered") {
      anchor = Date.parse(enteredAt)
      where = "the step's entry"
    } else if ("step" in from) {
      anchor = asDate(readPath(state.stepStates[from.step]?.data, from.path))
      where = `steps.${from.step}.${from.path}`
    } else {
      anchor = asDate(readPath(state.metadata, from.metadata))
      where = `metadata.${from.metadata}`
    }
    const dueAt = anchor === undefined ? undefined : addDuration(anchor, deadline.offset)
    if (dueAt === undefined) {
      skipped.push({ id: deadline.id, reason: `no date at ${where}` })
    } else {
      timers.push({ id: deadline.id, dueAt, escalation: deadline.escalation })
    }
  }
  return { timers, skipped, runAt: automatic ? enteredAt : undefined }
}

/**
 * The current step's timers that are due at `at` (due time at or before it), earliest first.
 *
 * @since 0.1.0
 * @category deadlines
 */
export const dueTimers = (state: WorkflowState, at: string | number): ReadonlyArray<ScheduledTimer> => {
  if (state.status !== "IN_PROGRESS" && state.status !== "PAUSED") return []
  const now = typeof at === "number" ? at : Date.parse(at)
  return (state.timers ?? [])
    .filter((t) => Date.parse(t.dueAt) <= now)
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
