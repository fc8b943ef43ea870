/**
 * The state of a workflow instance: a projection of its events, carrying the `version` (the
 * sequence of the last event folded in).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Lease, ScheduledTimer, StepError } from "./Event.js"
import { Identifier, Instant, Json, JsonObject } from "./Json.js"
import { WorkflowStatus } from "./Status.js"

/**
 * The status of one step of an instance: `running` (an attempt is in flight — a deferred one
 * claimed or queued), `collecting` (contributions recorded, the step's rule not yet met),
 * `completed`, `failed` or `compensated`.
 *
 * @since 0.1.0
 * @category state
 */
export const StepStatus = Schema.Literals(["running", "collecting", "completed", "failed", "compensated"])

/**
 * A step status.
 *
 * @since 0.1.0
 * @category state
 */
export type StepStatus = typeof StepStatus.Type

/**
 * One contribution to a step that collects several (e.g. an approval of a quorum).
 *
 * @since 0.1.0
 * @category state
 */
export const Contribution = Schema.Struct({
  attempt: Schema.Int,
  by: Identifier,
  at: Instant,
  contribution: Json
})

/**
 * A contribution.
 *
 * @since 0.1.0
 * @category state
 */
export type Contribution = typeof Contribution.Type

/**
 * The state of one step of an instance.
 *
 * @since 0.1.0
 * @category state
 */
export const StepState = Schema.Struct({
  status: StepStatus,
  /**
   * Attempts since the step last became current (each execution, each contribution and each
   * deferred attempt counts one); a step entered again starts from 0, so a retry policy's
   * `maxAttempts` and four-eyes rounds apply per round.
   */
  attempts: Schema.Int,
  input: Schema.optionalKey(Json),
  data: Schema.optionalKey(Json),
  startedAt: Schema.optionalKey(Instant),
  completedAt: Schema.optionalKey(Instant),
  /** Who recorded the completion (four-eyes checks read it). */
  completedBy: Schema.optionalKey(Identifier),
  failedAt: Schema.optionalKey(Instant),
  compensatedAt: Schema.optionalKey(Instant),
  error: Schema.optionalKey(StepError),
  /** The claim on the running deferred attempt. */
  lease: Schema.optionalKey(Lease),
  contributions: Schema.optionalKey(Schema.Array(Contribution))
})

/**
 * A step's state.
 *
 * @since 0.1.0
 * @category state
 */
export type StepState = typeof StepState.Type

/**
 * A rollback that has started and not yet finished: the compensations still to record, in order.
 *
 * @since 0.1.0
 * @category state
 */
export const PendingRollback = Schema.Struct({
  toStepId: Identifier,
  pending: Schema.Array(Identifier),
  compensated: Schema.Array(Identifier),
  reset: Schema.Array(Identifier),
  /** The sequence of its `WORKFLOW_ROLLBACK_STARTED` event (compensations' idempotency keys use it). */
  sequence: Schema.Int
})

/**
 * A pending rollback.
 *
 * @since 0.1.0
 * @category state
 */
export type PendingRollback = typeof PendingRollback.Type

/**
 * When and by which event the current step became current. The sequence never repeats, so the
 * step's idempotency keys are derived from it: a step entered again (after a rollback or a request
 * for changes) gets new keys.
 *
 * @since 0.1.0
 * @category state
 */
export const StepEntry = Schema.Struct({ sequence: Schema.Int, at: Instant })

/**
 * A step entry.
 *
 * @since 0.1.0
 * @category state
 */
export type StepEntry = typeof StepEntry.Type

/**
 * The state of a workflow instance (stored shape, `schemaVersion` 1).
 *
 * @since 0.1.0
 * @category state
 */
export const WorkflowState = Schema.Struct({
  schemaVersion: Schema.Literal(1),
  instanceId: Identifier,
  tenantId: Identifier,
  templateId: Identifier,
  templateVersion: Schema.Int,
  marketRole: Schema.NonEmptyString,
  status: WorkflowStatus,
  currentStepId: Schema.NullOr(Identifier),
  /** When the current step became current (absent before the start). */
  entered: Schema.optionalKey(StepEntry),
  stepStates: Schema.Record(Schema.String, StepState),
  metadata: JsonObject,
  version: Schema.Int,
  createdAt: Instant,
  createdBy: Identifier,
  updatedAt: Instant,
  /** The pending deadlines of the current step. */
  timers: Schema.optionalKey(Schema.Array(ScheduledTimer)),
  /**
   * When the engine should run the current step by itself: an automatic step that became current,
   * a queued or claimed deferred attempt (its lease's end), a retry after backoff.
   */
  runAt: Schema.optionalKey(Instant),
  submittedBy: Schema.optionalKey(Identifier),
  submittedAt: Schema.optionalKey(Instant),
  rollback: Schema.optionalKey(PendingRollback),
  failure: Schema.optionalKey(Schema.Struct({ reason: Schema.String, stepId: Schema.optionalKey(Identifier) }))
})

/**
 * A workflow instance's state.
 *
 * @since 0.1.0
 * @category state
 */
export type WorkflowState = typeof WorkflowState.Type

/**
 * When something of the instance is next due — a deadline of the current step (while it is
 * `IN_PROGRESS` or `PAUSED`) or the engine's own run of the step (`runAt`, while `IN_PROGRESS`) —
 * or `undefined` when nothing is.
 *
 * @since 0.1.0
 * @category state
 */
export const nextDueAt = (state: WorkflowState): string | undefined => {
  if (state.status !== "IN_PROGRESS" && state.status !== "PAUSED") return undefined
  let next = state.status === "IN_PROGRESS" ? state.runAt : undefined
  let nextMs = next === undefined ? Number.POSITIVE_INFINITY : Date.parse(next)
  for (const timer of state.timers ?? []) {
    const ms = Date.parse(timer.dueAt)
    if (ms < nextMs) {
      next = timer.dueAt
      nextMs = ms
    }
  }
  return next
}
