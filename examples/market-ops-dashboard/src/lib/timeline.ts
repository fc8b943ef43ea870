/**
 * The event history in words: one line per event (what happened, to which step) and the detail a
 * person looks for — a comment, a reason, a decision, what a compensation undid, an error.
 */
import type { WorkflowEvent } from "./types.ts"

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

const names = (value: unknown): string => (Array.isArray(value) ? value.map(String).join(", ") : "")

const DECISIONS: Readonly<Record<string, string>> = {
  approve: "approved",
  reject: "rejected",
  request_changes: "asked for changes",
  delegate: "delegated the decision"
}

/** What happened, in a few words. */
export const titleOf = (event: Pick<WorkflowEvent, "type" | "stepId" | "data">, stepName: (id: string) => string) => {
  const step = event.stepId === null ? "" : `“${stepName(event.stepId)}”`
  const data = record(event.data)
  switch (event.type) {
    case "WORKFLOW_CREATED":
      return "Workflow created"
    case "WORKFLOW_STARTED":
      return `Started at ${step}`
    case "STEP_SCHEDULED":
      return `${step} scheduled`
    case "STEP_STARTED":
      return `${step} started`
    case "STEP_CONTRIBUTED": {
      const decision = text(record(data.contribution).decision)
      return `${step}: ${decision === undefined ? "contribution" : (DECISIONS[decision] ?? decision)}`
    }
    case "STEP_COMPLETED":
      return `${step} completed`
    case "STEP_FAILED":
      return `${step} failed`
    case "STEP_COMPENSATED":
      return data.skipped === true ? `${step} compensation skipped` : `${step} compensated`
    case "WORKFLOW_ROUTED":
      return `Routed to ${step}`
    case "WORKFLOW_PAUSED":
      return "Paused"
    case "WORKFLOW_RESUMED":
      return "Resumed"
    case "WORKFLOW_AWAITING_VALIDATION":
      return "Every step done: waiting to be submitted"
    case "WORKFLOW_SUBMITTED":
      return "Submitted for review"
    case "WORKFLOW_APPROVED":
      return "Approved by the operator"
    case "WORKFLOW_COMPLETED":
      return "Completed"
    case "WORKFLOW_REJECTED":
      return `Sent back to ${step} for changes`
    case "WORKFLOW_ROLLBACK_STARTED":
      return `Rollback to ${step} started`
    case "WORKFLOW_ROLLED_BACK":
      return `Rolled back to ${step}`
    case "WORKFLOW_FAILED":
      return "Failed"
    default:
      return `${event.type.toLowerCase().replaceAll("_", " ")}${step === "" ? "" : ` ${step}`}`
  }
}

/** The detail worth a line under the title, if any. */
export const detailOf = (event: Pick<WorkflowEvent, "type" | "data">): string | undefined => {
  const data = record(event.data)
  switch (event.type) {
    case "STEP_CONTRIBUTED":
      return text(record(data.contribution).comment)
    case "STEP_FAILED":
      return text(record(data.error).message)
    case "STEP_COMPENSATED": {
      const result = record(data.result)
      if (Array.isArray(result.cleared)) return `cleared: ${names(result.cleared) || "nothing"}`
      if (Array.isArray(result.revoked)) return `decisions revoked: ${result.revoked.length}`
      return undefined
    }
    case "WORKFLOW_ROLLBACK_STARTED":
      return `compensating: ${names(data.compensate) || "nothing"}`
    case "WORKFLOW_PAUSED":
    case "WORKFLOW_REJECTED":
    case "WORKFLOW_ROUTED":
      return text(data.reason)
    case "WORKFLOW_SUBMITTED":
    case "WORKFLOW_APPROVED":
      return text(data.comment)
    default:
      return undefined
  }
}

/** Whether the event is a compensation (drawn apart on the timeline). */
export const isCompensation = (type: string): boolean =>
  type === "STEP_COMPENSATED" || type === "WORKFLOW_ROLLBACK_STARTED" || type === "WORKFLOW_ROLLED_BACK"

/** Whether the detail is a person's words (a comment, a reason), shown as a quotation. */
export const isQuotation = (type: string): boolean =>
  [
    "STEP_CONTRIBUTED",
    "WORKFLOW_PAUSED",
    "WORKFLOW_REJECTED",
    "WORKFLOW_ROUTED",
    "WORKFLOW_SUBMITTED",
    "WORKFLOW_APPROVED"
  ].includes(type)
