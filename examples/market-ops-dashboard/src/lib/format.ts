/** Dates and statuses for display. */
import type { WorkflowStatus } from "./types.ts"

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" })

/** `1 Dec 2026, 10:00:00` in the browser's time zone. */
export const formatDateTime = (iso: string): string => {
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? iso : dateTime.format(at)
}

const LABELS: Readonly<Record<WorkflowStatus, string>> = {
  DRAFT: "Draft",
  IN_PROGRESS: "In progress",
  PAUSED: "Paused",
  AWAITING_VALIDATION: "Awaiting submission",
  SUBMITTED: "Submitted",
  COMPLETED: "Completed",
  ROLLED_BACK: "Rolled back",
  FAILED: "Failed"
}

export const statusLabel = (status: WorkflowStatus): string => LABELS[status] ?? status

/** The value of a `datetime-local` input for an instant (local time, to the second). */
export const toLocalInput = (iso: string): string => {
  const at = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
}

/** The instant of a `datetime-local` value (read in local time). */
export const fromLocalInput = (value: string): string | undefined => {
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString()
}
