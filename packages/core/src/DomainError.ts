/**
 * Domain errors: what a caller did that the workflow model does not allow. They are never
 * retryable as such — the caller must change the command. Infrastructure failures (conflicts,
 * unavailable storage) are {@link StorageError}s instead.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

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
 * `Forbidden` — the authorisation policy refused the actor this command on this instance.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  command: Schema.String,
  userId: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.userId} may not ${this.command}: ${this.reason}`
  }
}

/**
 * `StepFailed` — a step handler reported a failure; a `STEP_FAILED` event was recorded.
 * `retryable` says whether executing the step again may succeed.
 *
 * @since 0.1.0
 * @category errors
 */
export class StepFailed extends Schema.TaggedError<StepFailed>()("StepFailed", {
  stepId: Schema.String,
  attempt: Schema.Int,
  reason: Schema.String,
  retryable: Schema.Boolean
}) {
  override get message(): string {
    return `step ${this.stepId} failed (attempt ${this.attempt}): ${this.reason}`
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
