/**
 * The routes an approval step needs in a template, built from the step ids they lead to.
 *
 * @since 0.1.0
 */
import type { Route } from "@workflow-manager/core"
import type { ApprovalOutcome } from "./ApprovalRecord.js"

const on = (outcome: ApprovalOutcome, to: string): Route => ({
  when: { op: "eq", field: "outcome", value: outcome },
  to
})

/**
 * The `routes` of an approval step: `changes_requested` back to the step to correct, `rejected` to
 * a closing step (or `"$end"`). `approved` follows the step's `next` (or the next step in the list).
 * An approval step needs both: one whose routes do not take every rejection and every request for
 * changes is refused when the template is published (the handler's `checkStep`). It never throws: a
 * target that is not a step id is refused when the template is published too.
 *
 * @example
 * ```ts
 * import { approvalRoutes } from "@workflow-manager/handler-approval"
 *
 * const step = {
 *   id: "approval",
 *   type: "approval",
 *   config: { approverRoles: ["market_ops"], quorum: 2 },
 *   routes: approvalRoutes({ changesRequested: "portfolio", rejected: "closing" }),
 *   next: "activation"
 * }
 * ```
 *
 * @since 0.1.0
 * @category templates
 */
export const approvalRoutes = (targets: {
  readonly changesRequested: string
  readonly rejected: string
}): ReadonlyArray<Route> => {
  // never throws: what is not a step id here is refused with the template (TemplateInvalid)
  const given = (typeof targets === "object" && targets !== null ? targets : {}) as Partial<typeof targets>
  return [on("changes_requested", given.changesRequested as string), on("rejected", given.rejected as string)]
}
