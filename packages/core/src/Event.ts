/**
 * Workflow events: the append-only truth of an instance. Every other shape (the state document, the
 * query index) is a projection of these.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Identifier, Instant, Json, JsonObject } from "./Json.js"
import { Escalation } from "./Template.js"

const Sequence = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Attempt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

const envelope = {
  schemaVersion: Schema.Literal(1),
  instanceId: Identifier,
  tenantId: Identifier,
  sequence: Sequence,
  performedBy: Identifier,
  occurredAt: Instant,
  /** The idempotency key of the command that recorded the event. */
  commandId: Schema.optionalKey(Schema.NonEmptyString),
  /** SHA-256 of the keyed command's operation, instance, actor and arguments (see the engine's replay). */
  fingerprint: Schema.optionalKey(Schema.NonEmptyString)
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

/**
 * A claim on a deferred attempt: who runs it, and until when nobody else may.
 *
 * @since 0.1.0
 * @category events
 */
export const Lease = Schema.Struct({ owner: Identifier, until: Instant })

/**
 * A lease.
 *
 * @since 0.1.0
 * @category events
 */
export type Lease = typeof Lease.Type

/**
 * A deadline scheduled when its step became current.
 *
 * @since 0.1.0
 * @category events
 */
export const ScheduledTimer = Schema.Struct({ id: Identifier, dueAt: Instant, escalation: Escalation })

/**
 * A scheduled timer.
 *
 * @since 0.1.0
 * @category events
 */
export type ScheduledTimer = typeof ScheduledTimer.Type

const WorkflowCreatedEvent = instanceEvent("WORKFLOW_CREATED", {
  templateId: Identifier,
  templateVersion: Schema.Int,
  marketRole: Schema.NonEmptyString,
  firstStepId: Identifier,
  metadata: JsonObject
})
const WorkflowStartedEvent = stepEvent("WORKFLOW_STARTED", {})
const StepScheduledEvent = stepEvent("STEP_SCHEDULED", {
  timers: Schema.Array(ScheduledTimer),
  skipped: Schema.Array(Schema.Struct({ id: Identifier, reason: Schema.String })),
  runAt: Schema.optionalKey(Instant)
})
const StepStartedEvent = stepEvent("STEP_STARTED", {
  attempt: Attempt,
  input: Json,
  lease: Schema.optionalKey(Lease)
})
const StepContributedEvent = stepEvent("STEP_CONTRIBUTED", { attempt: Attempt, contribution: Json })
const StepCompletedEvent = stepEvent("STEP_COMPLETED", {
  attempt: Attempt,
  output: Json,
  nextStepId: Schema.NullOr(Identifier)
})
const StepFailedEvent = stepEvent("STEP_FAILED", {
  attempt: Attempt,
  error: StepError,
  retryAt: Schema.optionalKey(Instant)
})
const StepCompensatedEvent = stepEvent("STEP_COMPENSATED", {
  rollbackTo: Identifier,
  skipped: Schema.Boolean,
  result: Json
})
const TimerFiredEvent = stepEvent("TIMER_FIRED", { timerId: Identifier, dueAt: Instant, escalation: Escalation })
const WorkflowRoutedEvent = stepEvent("WORKFLOW_ROUTED", { from: Identifier, reason: Schema.String })
const WorkflowPausedEvent = instanceEvent("WORKFLOW_PAUSED", { reason: Schema.optionalKey(Schema.String) })
const WorkflowResumedEvent = instanceEvent("WORKFLOW_RESUMED", {})
const WorkflowAwaitingValidationEvent = instanceEvent("WORKFLOW_AWAITING_VALIDATION", {})
const WorkflowSubmittedEvent = instanceEvent("WORKFLOW_SUBMITTED", { comment: Schema.optionalKey(Schema.String) })
const WorkflowApprovedEvent = instanceEvent("WORKFLOW_APPROVED", { comment: Schema.optionalKey(Schema.String) })
const WorkflowCompletedEvent = instanceEvent("WORKFLOW_COMPLETED", {})
const WorkflowRejectedEvent = stepEvent("WORKFLOW_REJECTED", { reason: Schema.String })
const WorkflowRollbackStartedEvent = stepEvent("WORKFLOW_ROLLBACK_STARTED", {
  compensate: Schema.Array(Identifier),
  reset: Schema.Array(Identifier)
})
const WorkflowRolledBackEvent = stepEvent("WORKFLOW_ROLLED_BACK", {
  compensated: Schema.Array(Identifier),
  reset: Schema.Array(Identifier),
  status: Schema.Literals(["IN_PROGRESS", "ROLLED_BACK"])
})
const WorkflowFailedEvent = instanceEvent("WORKFLOW_FAILED", {
  reason: Schema.String,
  stepId: Schema.optionalKey(Identifier)
})

/**
 * Any workflow event (stored shape, `schemaVersion` 1). The `type` field discriminates:
 *
 * - `WORKFLOW_CREATED` — instance created in `DRAFT` from a template version.
 * - `WORKFLOW_STARTED` — `DRAFT` → `IN_PROGRESS`; `stepId` is the first step, now current.
 * - `STEP_SCHEDULED` — the step that just became current has deadlines (`timers`, with their due
 *   times; `skipped` ones whose anchor date is missing) and/or runs by itself at `runAt`.
 * - `STEP_STARTED` — an attempt of the current step began, with its input; a deferred attempt
 *   carries the `lease` of the worker that claimed it (a re-claim after the lease expired repeats
 *   the attempt number).
 * - `STEP_CONTRIBUTED` — the attempt added a contribution (e.g. one approval of a quorum); the step
 *   stays current.
 * - `STEP_COMPLETED` — the step produced its output; `nextStepId` is where the instance goes (`null`: end).
 * - `STEP_FAILED` — the attempt failed; `error.retryable` says whether another attempt may succeed,
 *   `retryAt` when the engine runs it again (automatic and deferred steps).
 * - `STEP_COMPENSATED` — rollback compensated a completed step.
 * - `TIMER_FIRED` — a deadline of the current step passed; its escalation follows.
 * - `WORKFLOW_ROUTED` — an escalation made `stepId` the current step.
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
  WorkflowCreatedEvent,
  WorkflowStartedEvent,
  StepScheduledEvent,
  StepStartedEvent,
  StepContributedEvent,
  StepCompletedEvent,
  StepFailedEvent,
  StepCompensatedEvent,
  TimerFiredEvent,
  WorkflowRoutedEvent,
  WorkflowPausedEvent,
  WorkflowResumedEvent,
  WorkflowAwaitingValidationEvent,
  WorkflowSubmittedEvent,
  WorkflowApprovedEvent,
  WorkflowCompletedEvent,
  WorkflowRejectedEvent,
  WorkflowRollbackStartedEvent,
  WorkflowRolledBackEvent,
  WorkflowFailedEvent
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
 * The event of one `type`.
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
