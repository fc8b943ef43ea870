/**
 * The lifecycle statuses of a workflow instance — exactly the seed's state machine.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * Every status a workflow instance can be in.
 *
 * - `DRAFT` — created, not started.
 * - `IN_PROGRESS` — steps are being executed.
 * - `PAUSED` — halted by an operator; resumable.
 * - `AWAITING_VALIDATION` — the last step completed; waiting for validation and submission.
 * - `SUBMITTED` — waiting for a reviewer to approve or reject.
 * - `COMPLETED` — approved; terminal.
 * - `ROLLED_BACK` — rolled back while paused; resumable.
 * - `FAILED` — stopped by an error or a timeout; terminal.
 *
 * @since 0.1.0
 * @category statuses
 */
export const WorkflowStatus = Schema.Literals([
  "DRAFT",
  "IN_PROGRESS",
  "PAUSED",
  "AWAITING_VALIDATION",
  "SUBMITTED",
  "COMPLETED",
  "ROLLED_BACK",
  "FAILED"
])

/**
 * A workflow status.
 *
 * @since 0.1.0
 * @category statuses
 */
export type WorkflowStatus = typeof WorkflowStatus.Type

/**
 * All statuses, in lifecycle order.
 *
 * @since 0.1.0
 * @category statuses
 */
export const allStatuses: ReadonlyArray<WorkflowStatus> = WorkflowStatus.literals

/**
 * Statuses from which no command leads anywhere.
 *
 * @since 0.1.0
 * @category statuses
 */
export const isTerminal = (status: WorkflowStatus): boolean => status === "COMPLETED" || status === "FAILED"
