/**
 * What an approval step records: each decision (a contribution, one `STEP_CONTRIBUTED` event), the
 * step's output when it is decided, and what a compensation revoked. All are JSON, so they travel
 * in events and in the state unchanged.
 *
 * @since 0.1.0
 */
import { Identifier, Instant } from "@workflow-manager/core"
import { Schema } from "effect"
import { Decision, MAX_COMMENT_LENGTH } from "./ApprovalInput.js"

const Comment = Schema.String.check(Schema.isMaxLength(MAX_COMMENT_LENGTH))

/**
 * One decision as recorded in the step's contributions. `entry` is the sequence of the event that
 * made the step current (`state.entered.sequence`): a step entered again (after a request for
 * changes, a workflow-level rejection or a rollback) starts a new round, and only the decisions of
 * the current round count. `onBehalfOf` is the delegator when a delegate decided.
 *
 * @since 0.1.0
 * @category records
 */
export const ApprovalContribution = Schema.Struct({
  decision: Decision,
  entry: Schema.Int,
  comment: Schema.optionalKey(Comment),
  to: Schema.optionalKey(Identifier),
  onBehalfOf: Schema.optionalKey(Identifier)
})

/**
 * A recorded decision.
 *
 * @since 0.1.0
 * @category records
 */
export type ApprovalContribution = typeof ApprovalContribution.Type

/**
 * A decision of the round, with who made it and when.
 *
 * @since 0.1.0
 * @category records
 */
export const DecisionRecord = Schema.Struct({
  by: Identifier,
  at: Instant,
  decision: Decision,
  comment: Schema.optionalKey(Comment),
  to: Schema.optionalKey(Identifier),
  onBehalfOf: Schema.optionalKey(Identifier)
})

/**
 * A decision of the round.
 *
 * @since 0.1.0
 * @category records
 */
export type DecisionRecord = typeof DecisionRecord.Type

/**
 * How an approval step was decided.
 *
 * @since 0.1.0
 * @category records
 */
export const ApprovalOutcome = Schema.Literals(["approved", "rejected", "changes_requested"])

/**
 * An outcome.
 *
 * @since 0.1.0
 * @category records
 */
export type ApprovalOutcome = typeof ApprovalOutcome.Type

/**
 * The output of a decided approval step (its `data`): the `outcome` (route on it), who decided it
 * (`decidedBy`: the approvers for `approved`, the one who rejected or requested changes otherwise),
 * every decision of the round with its comment, the steps whose data was approved, and the round
 * (`entry`).
 *
 * @since 0.1.0
 * @category records
 */
export const ApprovalOutput = Schema.Struct({
  outcome: ApprovalOutcome,
  decidedBy: Schema.Array(Identifier),
  decisions: Schema.Array(DecisionRecord),
  approves: Schema.Array(Identifier),
  entry: Schema.Int
})

/**
 * An approval step's output.
 *
 * @since 0.1.0
 * @category records
 */
export type ApprovalOutput = typeof ApprovalOutput.Type

/**
 * What `compensate` returns (recorded in `STEP_COMPENSATED`): the decisions it revoked — who, when,
 * what — the outcome they had led to, and who revoked them when.
 *
 * @since 0.1.0
 * @category records
 */
export const ApprovalRevocation = Schema.Struct({
  revoked: Schema.Array(DecisionRecord),
  outcome: Schema.NullOr(ApprovalOutcome),
  revokedAt: Instant,
  revokedBy: Identifier
})

/**
 * A revocation.
 *
 * @since 0.1.0
 * @category records
 */
export type ApprovalRevocation = typeof ApprovalRevocation.Type
