/**
 * The reducer: a pure, total fold of events into state, and time travel over it.
 *
 * `evolve` never throws and never looks at a clock: every fact it records (times, actors, ids)
 * comes from the event. An event that does not apply to the state (which the decider never
 * produces) still only bumps the version, so a fold is always defined.
 *
 * @since 0.1.0
 */
import type { WorkflowEvent } from "./Event.js"
import type { StepState, WorkflowState } from "./State.js"

const step = (state: WorkflowState, stepId: string): StepState =>
  state.stepStates[stepId] ?? { status: "running", attempts: 0 }

const withStep = (state: WorkflowState, stepId: string, next: StepState): WorkflowState["stepStates"] => ({
  ...state.stepStates,
  [stepId]: next
})

const without = (list: ReadonlyArray<string>, id: string): ReadonlyArray<string> => list.filter((x) => x !== id)

/** The state without the current step's schedule (its timers and `runAt`). */
const unscheduled = (state: WorkflowState): WorkflowState => {
  if (state.timers === undefined && state.runAt === undefined) return state
  const { timers: _, runAt: __, ...rest } = state
  return rest
}

/**
 * The step states with `stepId` ready for a new round: a step that becomes current again (routed
 * back, a request for changes, a rollback) keeps its last data for display, but counts its attempts
 * from 1 again and starts with no contributions, lease or error — they belonged to the earlier round.
 */
const freshRound = (stepStates: WorkflowState["stepStates"], stepId: string): WorkflowState["stepStates"] => {
  const previous = stepStates[stepId]
  if (previous === undefined) return stepStates
  const { contributions: _, lease: __, error: ___, failedAt: ____, ...kept } = previous
  return { ...stepStates, [stepId]: { ...kept, attempts: 0 } }
}

/** The state with `stepId` made current by `event`. */
const enter = (state: WorkflowState, stepId: string, event: WorkflowEvent): WorkflowState => ({
  ...unscheduled(state),
  stepStates: freshRound(state.stepStates, stepId),
  currentStepId: stepId,
  entered: { sequence: event.sequence, at: event.occurredAt }
})

/** The state with `runAt` set, or removed when `runAt` is undefined. */
const runAt = (state: WorkflowState, at: string | undefined): WorkflowState => {
  if (at !== undefined) return { ...state, runAt: at }
  if (state.runAt === undefined) return state
  const { runAt: _, ...rest } = state
  return rest
}

/**
 * Folds one event into the state. `undefined` is the state before `WORKFLOW_CREATED`.
 *
 * @since 0.1.0
 * @category reducer
 */
export const evolve = (state: WorkflowState | undefined, event: WorkflowEvent): WorkflowState | undefined => {
  if (event.type === "WORKFLOW_CREATED") {
    return {
      schemaVersion: 1,
      instanceId: event.instanceId,
      tenantId: event.tenantId,
      templateId: event.data.templateId,
      templateVersion: event.data.templateVersion,
      marketRole: event.data.marketRole,
      status: "DRAFT",
      currentStepId: null,
      stepStates: {},
      metadata: event.data.metadata,
      version: event.sequence,
      createdAt: event.occurredAt,
      createdBy: event.performedBy,
      updatedAt: event.occurredAt
    }
  }
  if (state === undefined) return undefined
  const base: WorkflowState = { ...state, version: event.sequence, updatedAt: event.occurredAt }
  switch (event.type) {
    case "WORKFLOW_STARTED":
      return { ...enter(base, event.stepId, event), status: "IN_PROGRESS" }
    case "STEP_SCHEDULED": {
      const { timers: _, ...rest } = base
      const scheduled = event.data.timers.length === 0 ? rest : { ...rest, timers: event.data.timers }
      return runAt(scheduled, event.data.runAt)
    }
    case "STEP_STARTED": {
      const { error: _, lease: __, ...previous } = step(state, event.stepId)
      const lease = event.data.lease
      const stepStates = withStep(state, event.stepId, {
        ...previous,
        status: "running",
        attempts: event.data.attempt,
        input: event.data.input,
        startedAt: event.occurredAt,
        ...(lease === undefined ? {} : { lease })
      })
      // a deferred attempt is due again when its lease ends (a queued one carries an ended lease);
      // an attempt run at once has no lease and is followed by its outcome in the same commit
      return lease === undefined ? { ...base, stepStates } : { ...base, stepStates, runAt: lease.until }
    }
    case "STEP_CONTRIBUTED": {
      const { lease: _, ...previous } = step(state, event.stepId)
      return runAt(
        {
          ...base,
          stepStates: withStep(state, event.stepId, {
            ...previous,
            status: "collecting",
            attempts: event.data.attempt,
            contributions: [
              ...(previous.contributions ?? []),
              {
                attempt: event.data.attempt,
                by: event.performedBy,
                at: event.occurredAt,
                contribution: event.data.contribution
              }
            ]
          })
        },
        undefined
      )
    }
    case "STEP_COMPLETED": {
      const { error: _, failedAt: __, compensatedAt: ___, lease: ____, ...previous } = step(state, event.stepId)
      const stepStates = withStep(state, event.stepId, {
        ...previous,
        status: "completed",
        attempts: event.data.attempt,
        data: event.data.output,
        completedAt: event.occurredAt,
        completedBy: event.performedBy
      })
      const next = event.data.nextStepId
      return next === null ? { ...unscheduled(base), stepStates } : enter({ ...base, stepStates }, next, event)
    }
    case "STEP_FAILED": {
      const { lease: _, ...previous } = step(state, event.stepId)
      return runAt(
        {
          ...base,
          stepStates: withStep(state, event.stepId, {
            ...previous,
            status: "failed",
            attempts: event.data.attempt,
            error: event.data.error,
            failedAt: event.occurredAt
          })
        },
        event.data.retryAt
      )
    }
    case "STEP_COMPENSATED": {
      const { data: _, contributions: __, lease: ___, ...previous } = step(state, event.stepId)
      const rollback = state.rollback
      return {
        ...base,
        stepStates: withStep(state, event.stepId, {
          ...previous,
          status: "compensated",
          compensatedAt: event.occurredAt
        }),
        ...(rollback && {
          rollback: {
            ...rollback,
            pending: without(rollback.pending, event.stepId),
            compensated: [...rollback.compensated, event.stepId]
          }
        })
      }
    }
    case "TIMER_FIRED": {
      const timers = (state.timers ?? []).filter((t) => t.id !== event.data.timerId)
      const { timers: _, ...rest } = base
      return timers.length === 0 ? rest : { ...rest, timers }
    }
    case "WORKFLOW_ROUTED":
      return enter(base, event.stepId, event)
    case "WORKFLOW_PAUSED":
      return { ...base, status: "PAUSED" }
    case "WORKFLOW_RESUMED":
      return { ...base, status: "IN_PROGRESS" }
    case "WORKFLOW_AWAITING_VALIDATION":
      return { ...unscheduled(base), status: "AWAITING_VALIDATION" }
    case "WORKFLOW_SUBMITTED":
      return { ...base, status: "SUBMITTED", submittedBy: event.performedBy, submittedAt: event.occurredAt }
    case "WORKFLOW_APPROVED":
      return base
    case "WORKFLOW_COMPLETED": {
      const { entered: _, ...rest } = unscheduled(base)
      return { ...rest, status: "COMPLETED", currentStepId: null }
    }
    case "WORKFLOW_REJECTED":
      return { ...enter(base, event.stepId, event), status: "IN_PROGRESS" }
    case "WORKFLOW_ROLLBACK_STARTED":
      return {
        ...unscheduled(base),
        rollback: {
          toStepId: event.stepId,
          pending: event.data.compensate,
          compensated: [],
          reset: event.data.reset,
          sequence: event.sequence
        }
      }
    case "WORKFLOW_ROLLED_BACK": {
      const stepStates = { ...state.stepStates }
      for (const id of event.data.reset) delete stepStates[id]
      const { rollback: _, ...rest } = base
      return { ...enter(rest, event.stepId, event), status: event.data.status, stepStates }
    }
    case "WORKFLOW_FAILED":
      return {
        ...unscheduled(base),
        status: "FAILED",
        failure:
          event.data.stepId === undefined
            ? { reason: event.data.reason }
            : { reason: event.data.reason, stepId: event.data.stepId }
      }
  }
}

/**
 * Folds a list of events, in order, from `initial` (nothing by default).
 *
 * @since 0.1.0
 * @category reducer
 */
export const fold = (
  events: Iterable<WorkflowEvent>,
  initial: WorkflowState | undefined = undefined
): WorkflowState | undefined => {
  let state = initial
  for (const event of events) state = evolve(state, event)
  return state
}

/**
 * Where to stop a rebuild: at an event sequence (inclusive) or at an instant (events that occurred
 * at or before it).
 *
 * @since 0.1.0
 * @category reducer
 */
export type Until = { readonly untilSequence: number } | { readonly untilTime: string | Date }

/**
 * Rebuilds the state from events, optionally only up to a sequence or an instant (time travel).
 * Events must be in sequence order, as every event store returns them.
 *
 * @since 0.1.0
 * @category reducer
 */
export const rebuildState = (events: Iterable<WorkflowEvent>, until?: Until): WorkflowState | undefined => {
  if (until === undefined) return fold(events)
  let state: WorkflowState | undefined
  if ("untilSequence" in until) {
    for (const event of events) {
      if (event.sequence > until.untilSequence) break
      state = evolve(state, event)
    }
    return state
  }
  const limit = typeof until.untilTime === "string" ? Date.parse(until.untilTime) : until.untilTime.getTime()
  // An instant that is not one (NaN) selects no event rather than all of them.
  if (Number.isNaN(limit)) return undefined
  for (const event of events) {
    if (Date.parse(event.occurredAt) > limit) break
    state = evolve(state, event)
  }
  return state
}
