/**
 * Workflow events: the append-only truth of an instance. Every other shape (the state document, the
 * query index) is a projection of these.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Identifier, Instant, Json, JsonObject } from "./Json.js"

const Sequence = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Attempt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

const envelope = {
  schemaVersion: Schema.Literal(1),
  instanceId: Identifier,
  tenantId: Identifier,
  sequence: Sequence,
  performedBy: Identifier,
  occurredAt: Instant,
  commandId: Schema.optionalKey(Schema.NonEmptyString)
}

const instanceEvent = <const T extends string, const D extends Schema.Struct.Fields>(type: T, data: D) =>
  Schema.Struct({ ...envelope, type: Schema.Literal(type), data: Schema.Struct(data) })

const stepEvent = <const T extends string, const D extends Schema.Struct.Fields>(type: T, data: D) =>
  Schema.Struct({ ...envelope, type: Schema.Literal(type), stepId: Identifier, data: Schema.Struct(data) })

/**
 * A failure reported by a step handler.
 *
 * @since 0.1.0
 * @category events
 */
export const StepError = Schema.Struct({
  message: Schema.String,
  code: Schema.optionalKey(Schema.String),
  retryable: Schema.Boolean
})

/**
 * A step failure.
 *
 * @since 0.1.0
 * @category events
 */
export type StepError = typeof StepError.Type

/** @since 0.1.0 @category events */
export const WorkflowCreated = instanceEvent("WORKFLOW_CREATED", {
  templateId: Identifier,
  templateVersion: Schema.Int,
  marketRole: Schema.NonEmptyString,
  firstStepId: Identifier,
  metadata: JsonObject
})
/** @since 0.1.0 @category events */
export const WorkflowStarted = stepEvent("WORKFLOW_STARTED", {})
/** @since 0.1.0 @category events */
export const StepStarted = stepEvent("STEP_STARTED", { attempt: Attempt, input: Json })
/** @since 0.1.0 @category events */
export const StepCompleted = stepEvent("STEP_COMPLETED", {
  attempt: Attempt,
  output: Json,
  nextStepId: Schema.NullOr(Identifier)
})
/** @since 0.1.0 @category events */
export const StepFailed = stepEvent("STEP_FAILED", { attempt: Attempt, error: StepError })
/** @since 0.1.0 @category events */
export const StepCompensated = stepEvent("STEP_COMPENSATED", {
  rollbackTo: Identifier,
  skipped: Schema.Boolean,
  result: Json
})
/** @since 0.1.0 @category events */
export const WorkflowPaused = instanceEvent("WORKFLOW_PAUSED", { reason: Schema.optionalKey(Schema.String) })
/** @since 0.1.0 @category events */
export const WorkflowResumed = instanceEvent("WORKFLOW_RESUMED", {})
/** @since 0.1.0 @category events */
export const WorkflowAwaitingValidation = instanceEvent("WORKFLOW_AWAITING_VALIDATION", {})
/** @since 0.1.0 @category events */
export const WorkflowSubmitted = instanceEvent("WORKFLOW_SUBMITTED", { comment: Schema.optionalKey(Schema.String) })
/** @since 0.1.0 @category events */
export const WorkflowApproved = instanceEvent("WORKFLOW_APPROVED", { comment: Schema.optionalKey(Schema.String) })
/** @since 0.1.0 @category events */
export const WorkflowCompleted = instanceEvent("WORKFLOW_COMPLETED", {})
/** @since 0.1.0 @category events */
export const WorkflowRejected = stepEvent("WORKFLOW_REJECTED", { reason: Schema.String })
/** @since 0.1.0 @category events */
export const WorkflowRollbackStarted = stepEvent("WORKFLOW_ROLLBACK_STARTED", {
  compensate: Schema.Array(Identifier),
  reset: Schema.Array(Identifier)
})
/** @since 0.1.0 @category events */
export const WorkflowRolledBack = stepEvent("WORKFLOW_ROLLED_BACK", {
  compensated: Schema.Array(Identifier),
  reset: Schema.Array(Identifier),
  status: Schema.Literals(["IN_PROGRESS", "ROLLED_BACK"])
})
/** @since 0.1.0 @category events */
export const WorkflowFailed = instanceEvent("WORKFLOW_FAILED", {
  reason: Schema.String,
  stepId: Schema.optionalKey(Identifier)
})

/**
 * Any workflow event (stored shape, `schemaVersion` 1). The `type` field discriminates:
 *
 * - `WORKFLOW_CREATED` — instance created in `DRAFT` from a template version.
 * - `WORKFLOW_STARTED` — `DRAFT` → `IN_PROGRESS`; `stepId` is the first step.
 * - `STEP_STARTED` — an attempt of the current step began, with its input.
 * - `STEP_COMPLETED` — the step produced its output; `nextStepId` is where the instance goes (`null`: end).
 * - `STEP_FAILED` — the attempt failed; `error.retryable` says whether another attempt may succeed.
 * - `STEP_COMPENSATED` — rollback compensated a completed step.
 * - `WORKFLOW_PAUSED` / `WORKFLOW_RESUMED` — operator pause and resume.
 * - `WORKFLOW_AWAITING_VALIDATION` — the last step completed.
 * - `WORKFLOW_SUBMITTED` — validated and submitted for review.
 * - `WORKFLOW_APPROVED` then `WORKFLOW_COMPLETED` — approval ends the instance.
 * - `WORKFLOW_REJECTED` — the reviewer sent it back to `stepId` for changes.
 * - `WORKFLOW_ROLLBACK_STARTED` — a rollback to `stepId` claimed the instance; compensations follow.
 * - `WORKFLOW_ROLLED_BACK` — all compensations recorded; the instance is back at `stepId`.
 * - `WORKFLOW_FAILED` — the instance failed; terminal.
 *
 * @since 0.1.0
 * @category events
 */
export const WorkflowEvent = Schema.Union([
  WorkflowCreated,
  WorkflowStarted,
  StepStarted,
  StepCompleted,
  StepFailed,
  StepCompensated,
  WorkflowPaused,
  WorkflowResumed,
  WorkflowAwaitingValidation,
  WorkflowSubmitted,
  WorkflowApproved,
  WorkflowCompleted,
  WorkflowRejected,
  WorkflowRollbackStarted,
  WorkflowRolledBack,
  WorkflowFailed
])

/**
 * A workflow event.
 *
 * @since 0.1.0
 * @category events
 */
export type WorkflowEvent = typeof WorkflowEvent.Type

/**
 * The `type` of a workflow event.
 *
 * @since 0.1.0
 * @category events
 */
export type EventType = WorkflowEvent["type"]

/**
 * An event as decided, before the store stamps nothing more on it (it is already complete:
 * sequence, time and actor come from the command).
 *
 * @since 0.1.0
 * @category events
 */
export type EventOf<T extends EventType> = Extract<WorkflowEvent, { readonly type: T }>

/**
 * All event types.
 *
 * @since 0.1.0
 * @category events
 */
export const eventTypes: ReadonlyArray<EventType> = WorkflowEvent.members.map((m) => m.fields.type.literal)

/**
 * Decodes an unknown value (e.g. a parsed database row) into an event, throwing a schema error
 * that names the bad path.
 *
 * @since 0.1.0
 * @category events
 */
export const decodeEvent: (u: unknown) => WorkflowEvent = Schema.decodeUnknownSync(WorkflowEvent)
