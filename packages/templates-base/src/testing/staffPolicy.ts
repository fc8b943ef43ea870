/**
 * The policy the pack harness runs with: the operator's staff roles act on every tenant (as a
 * server's RBAC would let them), everything else is core's default policy, and approval steps are
 * guarded by `approvalPolicy`.
 *
 * @since 0.1.0
 */
import { type Actor, defaultPolicy, MARKET_OPS, type PolicyService } from "@workflow-manager/core"
import { approvalPolicy } from "@workflow-manager/handler-approval"

/**
 * The roles of the operator's staff the packs name by default.
 *
 * @since 0.1.0
 * @category testing
 */
export const defaultStaffRoles: ReadonlyArray<string> = ["market_ops", "customer_support"]

/**
 * A policy in which holders of `staffRoles` are treated as `market_ops` (every tenant, review
 * rights), wrapped in `approvalPolicy` so approval steps admit only their eligible approvers.
 *
 * @example
 * ```ts
 * import { staffPolicy } from "@workflow-manager/templates-base/testing"
 *
 * const policy = staffPolicy(["market_ops", "customer_support"])
 * ```
 *
 * @since 0.1.0
 * @category testing
 */
export const staffPolicy = (staffRoles: ReadonlyArray<string> = defaultStaffRoles): PolicyService => {
  const staff = new Set(Array.isArray(staffRoles) ? staffRoles.filter((r) => typeof r === "string") : [])
  return approvalPolicy({
    authorize: (actor: Actor, operation, context) =>
      defaultPolicy.authorize(staff.has(actor.role) ? { ...actor, role: MARKET_OPS } : actor, operation, context)
  })
}
