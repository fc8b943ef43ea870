/**
 * The state of a workflow instance: a projection of its events, carrying the `version` (the
 * sequence of the last event folded in).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { StepError } from "./Event.js"
import { Identifier, Instant, Json, JsonObject } from "./Json.js"
import { WorkflowStatus } from "./Status.js"

/**
 * The status of one step of an instance.
 *
 * @since 0.1.0
 * @category state
 */
export const StepStatus = Schema.Literals(["running", "completed", "failed", "compensated"])

/**
 * A step status.
 *
 * @since 0.1.0
 * @category state
 */
export type StepStatus = typeof StepStatus.Type

/**
 * The state of one step of an instance.
 *
 * @since 0.1.0
 * @category state
 */
export const StepState = Schema.Struct({
  status: StepStatus,
  attempts: Schema.Int,
  input: Schema.optionalKey(Json),
  data: Schema.optionalKey(Json),
  startedAt: Schema.optionalKey(Instant),
  completedAt: Schema.optionalKey(Instant),
  failedAt: Schema.optionalKey(Instant),
  compensatedAt: Schema.optionalKey(Instant),
  error: Schema.optionalKey(StepError)
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
  reset: Schema.Array(Identifier)
})

/**
 * A pending rollback.
 *
 * @since 0.1.0
 * @category state
 */
export type PendingRollback = typeof PendingRollback.Type

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
  stepStates: Schema.Record(Schema.String, StepState),
  metadata: JsonObject,
  version: Schema.Int,
  createdAt: Instant,
  createdBy: Identifier,
  updatedAt: Instant,
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
