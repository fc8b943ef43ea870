/**
 * Commands: what a caller asks of an instance. Each carries the actor, the version the caller
 * last saw (`expectedVersion`), the instant it happens (`at`, supplied by the engine's clock — core
 * reads no clock) and optionally an idempotency key.
 *
 * These are the decider's commands. The engine's operations (`executeStep`, `rollback`, ...) build
 * them: for instance it runs the step handler and passes the outcome in `ExecuteStep.outcome`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Actor } from "./Actor.js"
import { Lease, StepError } from "./Event.js"
import { Identifier, Instant, Json, JsonObject } from "./Json.js"

const envelope = {
  actor: Actor,
  expectedVersion: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  at: Instant,
  idempotencyKey: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))),
  /** Recorded with the idempotency key on every event (see the engine's replay). */
  fingerprint: Schema.optionalKey(Schema.NonEmptyString)
}

const command = <const T extends string, const F extends Schema.Struct.Fields>(tag: T, fields: F) =>
  Schema.TaggedStruct(tag, { ...envelope, ...fields })

/**
 * The outcome of running a step's handler:
 *
 * - `Completed` — the step is done with `output` (and, for a step that collects contributions, the
 *   decisive `contribution` is recorded first);
 * - `Contributed` — a contribution is recorded; the step stays current;
 * - `Failed` — the attempt failed; `retryAt` is when the engine runs it again by itself.
 *
 * @since 0.1.0
 * @category commands
 */
export const StepOutcome = Schema.Union([
  Schema.TaggedStruct("Completed", { output: Json, contribution: Schema.optionalKey(Json) }),
  Schema.TaggedStruct("Contributed", { contribution: Json }),
  Schema.TaggedStruct("Failed", { error: StepError, retryAt: Schema.optionalKey(Instant) })
])

/**
 * A step outcome.
 *
 * @since 0.1.0
 * @category commands
 */
export type StepOutcome = typeof StepOutcome.Type

/** Create an instance in `DRAFT` from a template version. @since 0.1.0 @category commands */
export const CreateWorkflow = command("CreateWorkflow", {
  instanceId: Identifier,
  tenantId: Identifier,
  templateId: Identifier,
  templateVersion: Schema.Int,
  marketRole: Schema.NonEmptyString,
  metadata: Schema.optionalKey(JsonObject)
})
/** `DRAFT` → `IN_PROGRESS`. @since 0.1.0 @category commands */
export const StartWorkflow = command("StartWorkflow", {})
/** Record an attempt of the current step and its outcome. @since 0.1.0 @category commands */
export const ExecuteStep = command("ExecuteStep", { stepId: Identifier, input: Json, outcome: StepOutcome })
/**
 * Start a deferred attempt of the current step, claimed by `lease.owner` until `lease.until` (a
 * lease that has already ended queues the attempt for any worker). Claiming a running attempt whose
 * lease has ended repeats its attempt number.
 * @since 0.1.0 @category commands
 */
export const ClaimStep = command("ClaimStep", { stepId: Identifier, input: Json, lease: Lease })
/** Record the outcome of the running (deferred) attempt `attempt`. @since 0.1.0 @category commands */
export const RecordOutcome = command("RecordOutcome", {
  stepId: Identifier,
  /** The worker that claimed the attempt: refused when another worker holds the claim now. */
  owner: Schema.optionalKey(Identifier),
  attempt: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  outcome: StepOutcome
})
/** Fire the current step's deadlines that are due at `at`, with their escalations. @since 0.1.0 @category commands */
export const FireDueTimers = command("FireDueTimers", {})
/** `IN_PROGRESS` → `PAUSED`. @since 0.1.0 @category commands */
export const PauseWorkflow = command("PauseWorkflow", { reason: Schema.optionalKey(Schema.String) })
/** `PAUSED` or `ROLLED_BACK` → `IN_PROGRESS`. @since 0.1.0 @category commands */
export const ResumeWorkflow = command("ResumeWorkflow", {})
/** `AWAITING_VALIDATION` → `SUBMITTED` (the engine validates first). @since 0.1.0 @category commands */
export const SubmitWorkflow = command("SubmitWorkflow", { comment: Schema.optionalKey(Schema.String) })
/** `SUBMITTED` → `COMPLETED`. @since 0.1.0 @category commands */
export const ApproveWorkflow = command("ApproveWorkflow", { comment: Schema.optionalKey(Schema.String) })
/** `SUBMITTED` → `IN_PROGRESS` at `toStepId` (default: the last step) for changes. @since 0.1.0 @category commands */
export const RejectWorkflow = command("RejectWorkflow", {
  reason: Schema.String,
  toStepId: Schema.optionalKey(Identifier)
})
/** Claim the instance for a rollback planned by `planRollback`. @since 0.1.0 @category commands */
export const BeginRollback = command("BeginRollback", {
  toStepId: Identifier,
  compensate: Schema.Array(Identifier),
  reset: Schema.Array(Identifier)
})
/** Record the compensation of the next pending step of a rollback. @since 0.1.0 @category commands */
export const CompensateStep = command("CompensateStep", { stepId: Identifier, skipped: Schema.Boolean, result: Json })
/** Finish a rollback whose compensations are all recorded. @since 0.1.0 @category commands */
export const CompleteRollback = command("CompleteRollback", {})
/** `IN_PROGRESS` or `PAUSED` → `FAILED`. @since 0.1.0 @category commands */
export const FailWorkflow = command("FailWorkflow", {
  reason: Schema.String,
  stepId: Schema.optionalKey(Identifier)
})

/**
 * Any decider command.
 *
 * @since 0.1.0
 * @category commands
 */
export const Command = Schema.Union([
  CreateWorkflow,
  StartWorkflow,
  ExecuteStep,
  ClaimStep,
  RecordOutcome,
  FireDueTimers,
  PauseWorkflow,
  ResumeWorkflow,
  SubmitWorkflow,
  ApproveWorkflow,
  RejectWorkflow,
  BeginRollback,
  CompensateStep,
  CompleteRollback,
  FailWorkflow
])

/**
 * A decider command.
 *
 * @since 0.1.0
 * @category commands
 */
export type Command = typeof Command.Type

/**
 * The `_tag` of a command.
 *
 * @since 0.1.0
 * @category commands
 */
export type CommandTag = Command["_tag"]

/**
 * The command with a given tag.
 *
 * @since 0.1.0
 * @category commands
 */
export type CommandOf<T extends CommandTag> = Extract<Command, { readonly _tag: T }>
