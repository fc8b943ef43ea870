/**
 * Domain errors: what a caller did that the workflow model does not allow. They are never
 * retryable as such — the caller must change the command. Infrastructure failures (conflicts,
 * unavailable storage) are {@link StorageError}s instead.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { WorkflowState } from "./State.js"

/**
 * A path-qualified problem, e.g. `{ path: "steps[3].config.fields.vat.pattern", message: "..." }`.
 *
 * @since 0.1.0
 * @category errors
 */
export const Issue = Schema.Struct({
  path: Schema.String,
  message: Schema.String
})

/**
 * A path-qualified problem.
 *
 * @since 0.1.0
 * @category errors
 */
export type Issue = typeof Issue.Type

/**
 * `IllegalTransition` — the command is not allowed from the instance's status (the status
 * machine has no such edge). `status` is `NONE` for a command on an instance that does not exist yet.
 *
 * @since 0.1.0
 * @category errors
 */
export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  status: Schema.String,
  command: Schema.String,
  instanceId: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    return `${this.command} is not allowed when the workflow is ${this.status}`
  }
}

/**
 * `InvalidCommand` — the transition exists but a precondition does not hold (e.g. executing a
 * step that is not the current one, rolling back to a step that never completed, a command while a
 * rollback is still in progress).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCommand extends Schema.TaggedError<InvalidCommand>()("InvalidCommand", {
  command: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.command}: ${this.reason}`
  }
}

/**
 * `ValidationFailed` — step input or step data does not satisfy its handler (at execution or at
 * submission). Each issue names the step and the path.
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `validation failed: ${this.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`
  }
}

/**
 * `TemplateInvalid` — a template (or the result of composing one) breaks a rule: duplicate or
 * unknown step ids, unreachable steps, dead ends, unknown handler types, invalid handler config.
 *
 * @since 0.1.0
 * @category errors
 */
export class TemplateInvalid extends Schema.TaggedError<TemplateInvalid>()("TemplateInvalid", {
  templateId: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `template ${this.templateId} is invalid: ${this.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`
  }
}

/**
 * Why the policy (or a handler) refused an actor:
 *
 * - `OtherTenant` — the target belongs to another tenant (a server answers NOT_FOUND, as if it did
 *   not exist);
 * - `MissingPermission` — the actor lacks the role or permission the operation needs;
 * - `NotPermitted` — a rule on the target refuses this actor (e.g. four-eyes: approving one's own
 *   submission).
 *
 * @since 0.1.0
 * @category errors
 */
export const ForbiddenReason = Schema.Literals(["OtherTenant", "MissingPermission", "NotPermitted"])

/**
 * A reason for `Forbidden`.
 *
 * @since 0.1.0
 * @category errors
 */
export type ForbiddenReason = typeof ForbiddenReason.Type

/**
 * `Forbidden` — the authorisation policy (or a step handler) refused the actor this operation on
 * this target; `reason` says why, `detail` explains it.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  operation: Schema.String,
  userId: Schema.String,
  reason: ForbiddenReason,
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.userId} may not ${this.operation}: ${this.detail}`
  }
}

/**
 * `StepFailed` — a step handler reported a failure and a `STEP_FAILED` event was recorded: the
 * instance is now at `version` (send it as the next `expectedVersion`) and `state` is its state.
 * `retryable` says whether executing the step again may succeed.
 *
 * @since 0.1.0
 * @category errors
 */
export class StepFailed extends Schema.TaggedError<StepFailed>()("StepFailed", {
  stepId: Schema.String,
  attempt: Schema.Int,
  reason: Schema.String,
  retryable: Schema.Boolean,
  code: Schema.optionalKey(Schema.String),
  version: Schema.Int,
  state: WorkflowState
}) {
  override get message(): string {
    return `step ${this.stepId} failed (attempt ${this.attempt}): ${this.reason}`
  }
}

/**
 * `InvalidInput` — the arguments of an operation are malformed (a version that is not an integer,
 * an id that is not an identifier, a value that is not JSON, too large or too deeply nested...).
 * Nothing was read or written; each issue names the field.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  operation: Schema.String,
  issues: Schema.Array(Issue)
}) {
  override get message(): string {
    return `${this.operation}: invalid input: ${this.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`
  }
}

/**
 * `IdempotencyKeyReused` — the idempotency key was already used on this instance for another
 * operation, other arguments or another actor. Nothing was done; use a new key.
 *
 * @since 0.1.0
 * @category errors
 */
export class IdempotencyKeyReused extends Schema.TaggedError<IdempotencyKeyReused>()("IdempotencyKeyReused", {
  operation: Schema.String,
  instanceId: Schema.String,
  idempotencyKey: Schema.String
}) {
  override get message(): string {
    return `idempotency key ${this.idempotencyKey} was used on ${this.instanceId} for another command than this ${this.operation}`
  }
}

/**
 * `CompensationFailed` — a compensation failed during rollback. The compensations before it are
 * recorded; the rollback stays pending and the same rollback command can be retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class CompensationFailed extends Schema.TaggedError<CompensationFailed>()("CompensationFailed", {
  stepId: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `compensation of step ${this.stepId} failed: ${this.reason}; retry the rollback`
  }
}

/**
 * `UnknownHandler` — no step handler is registered for a step's `type`.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownHandler extends Schema.TaggedError<UnknownHandler>()("UnknownHandler", {
  type: Schema.String
}) {
  override get message(): string {
    return `no step handler is registered for type "${this.type}"`
  }
}

/**
 * Every domain error.
 *
 * @since 0.1.0
 * @category errors
 */
export type DomainError =
  | IllegalTransition
  | InvalidCommand
  | ValidationFailed
  | TemplateInvalid
  | Forbidden
  | StepFailed
  | CompensationFailed
  | UnknownHandler
  | InvalidInput
  | IdempotencyKeyReused
