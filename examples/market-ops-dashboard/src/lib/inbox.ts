/**
 * The task inbox: which workflows wait for the signed-in user's role, and for what. The rules follow
 * the permission matrix (docs/reference-server-auth.md): the participant fills in, starts and
 * submits its workflows; an approval step waits for the roles its config names (`approverRoles`);
 * a submitted workflow waits for the operator's review; a paused one for whoever may resume it.
 */
import type { WorkflowRow } from "./types.ts"

const FILLERS = new Set(["tenant_user", "tenant_admin"])
const RESUMERS = new Set(["tenant_admin", "market_ops"])

const approverRolesOf = (config: Record<string, unknown> | undefined): ReadonlyArray<string> =>
  Array.isArray(config?.approverRoles) ? config.approverRoles.map(String) : []

/** What the workflow waits for from a user of `role`, or `undefined` when it waits for someone else. */
export const waitsFor = (role: string, workflow: Pick<WorkflowRow, "status" | "currentStep">): string | undefined => {
  const step = workflow.currentStep
  const stepName = step?.name ?? step?.id ?? "the next step"
  switch (workflow.status) {
    case "DRAFT":
      return FILLERS.has(role) ? "start it" : undefined
    case "IN_PROGRESS":
      if (step?.type === "approval") {
        return approverRolesOf(step.config).includes(role) ? `decide “${stepName}”` : undefined
      }
      return FILLERS.has(role) ? `fill in “${stepName}”` : undefined
    case "AWAITING_VALIDATION":
      return FILLERS.has(role) ? "submit it" : undefined
    case "SUBMITTED":
      return role === "market_ops" ? "review it: approve or send back" : undefined
    case "PAUSED":
      return RESUMERS.has(role) ? "resume it" : undefined
    default:
      return undefined
  }
}

/** The workflows waiting for `role`, oldest first (the API's order is kept), each with its task. */
export const inboxOf = (
  role: string,
  workflows: ReadonlyArray<WorkflowRow>
): ReadonlyArray<{ readonly workflow: WorkflowRow; readonly task: string }> =>
  workflows.flatMap((workflow) => {
    const task = waitsFor(role, workflow)
    return task === undefined ? [] : [{ workflow, task }]
  })
