/**
 * The permission matrix enforced through core's policy hook, and the rule for giving a role.
 *
 * The policy reads the actor's role, never the permissions it carries: the matrix in
 * `permissions.ts` is the only source of what a role may do. A tenant's actor acts in its own
 * tenant only (`OtherTenant`, which the server answers as NOT_FOUND); `market_ops` acts on every
 * tenant, but only as a user of the operator organisation when the policy knows it; the system
 * actor (the worker) runs the system's operations and reads, in the instance's tenant.
 *
 * @since 0.1.0
 */
import {
  type Actor,
  type Forbidden,
  forbidden,
  MARKET_OPS,
  type Operation,
  type PolicyContext,
  type PolicyService,
  SYSTEM_ROLE
} from "@workflow-manager/core"
import { Effect } from "effect"
import { AuthError } from "./AuthError.ts"
import { grants, isRole, type Permission, permissionFor } from "./permissions.ts"

const SYSTEM_PERMISSIONS: ReadonlySet<Permission> = new Set(["workflow:system", "workflow:read"])

const readable = (actor: unknown): actor is Actor =>
  typeof actor === "object" &&
  actor !== null &&
  typeof (actor as Actor).userId === "string" &&
  typeof (actor as Actor).tenantId === "string" &&
  typeof (actor as Actor).role === "string"

const refuse = (actor: Actor, operation: string, reason: Forbidden["reason"], detail: string) =>
  Effect.fail(forbidden(actor, operation, reason, detail))

/**
 * The RBAC policy: give it to the engine (`policy` option), wrapped by the approval plugin's
 * `approvalPolicy` so that approval steps also admit only their eligible approvers. With
 * `operatorId`, a `market_ops` actor of any other organisation is refused.
 *
 * @example
 * ```ts
 * import { approvalPolicy } from "@workflow-manager/handler-approval"
 * import { makeRbacPolicy } from "./rbacPolicy.ts"
 *
 * const policy = approvalPolicy(makeRbacPolicy({ operatorId: storage.operatorId }))
 * ```
 *
 * @since 0.1.0
 * @category policy
 */
export const makeRbacPolicy = (options: { readonly operatorId?: string | undefined } = {}): PolicyService => ({
  authorize: (actor: Actor, operation: Operation, context: PolicyContext) => {
    const unreadable = { userId: "(unreadable)", tenantId: "(unreadable)", role: "(unreadable)", permissions: [] }
    if (!readable(actor)) return refuse(unreadable, String(operation), "MissingPermission", "the actor cannot be read")
    if (typeof context !== "object" || context === null || typeof context.tenantId !== "string") {
      return refuse(actor, String(operation), "MissingPermission", "the target cannot be read")
    }
    const step: unknown = context.step
    const stepType =
      typeof step === "object" && step !== null && typeof (step as { type?: unknown }).type === "string"
        ? (step as { type: string }).type
        : undefined
    const needed = permissionFor(operation, stepType)
    if (needed === undefined) return refuse(actor, String(operation), "MissingPermission", "unknown operation")
    if (actor.role === MARKET_OPS) {
      return options.operatorId === undefined || actor.tenantId === options.operatorId
        ? Effect.void
        : refuse(actor, operation, "MissingPermission", "market_ops is only for users of the operator organisation")
    }
    if (actor.tenantId !== context.tenantId) {
      return refuse(actor, operation, "OtherTenant", "the target belongs to another tenant")
    }
    if (actor.role === SYSTEM_ROLE) {
      return SYSTEM_PERMISSIONS.has(needed)
        ? Effect.void
        : refuse(actor, operation, "MissingPermission", `the system actor may not ${operation}`)
    }
    if (!isRole(actor.role)) return refuse(actor, operation, "MissingPermission", `unknown role ${actor.role}`)
    return grants(actor.role, needed)
      ? Effect.void
      : refuse(actor, operation, "MissingPermission", `the role ${actor.role} lacks ${needed}`)
  }
})

/**
 * Throws `FORBIDDEN` unless `actor` holds `permission` on `tenantId` (its own tenant, or any for
 * `market_ops`): for the server's own operations (tenants, users, templates).
 *
 * @example
 * ```ts
 * import { requirePermission } from "./rbacPolicy.ts"
 *
 * requirePermission(actor, "tenant:read") // before listing every tenant
 * ```
 *
 * @since 0.1.0
 * @category policy
 */
export const requirePermission = (actor: Actor, permission: Permission, tenantId?: string): void => {
  if (!readable(actor) || !grants(actor.role, permission)) {
    throw new AuthError("FORBIDDEN", `this operation requires the permission ${permission}`)
  }
  if (tenantId !== undefined && actor.role !== MARKET_OPS && actor.tenantId !== tenantId) {
    throw new AuthError("FORBIDDEN", `this operation requires the permission ${permission}`)
  }
}

/**
 * Throws `FORBIDDEN` unless `actor` may give `role` to a user of `tenantId` (creating the user or
 * changing its role): `user:manage` on that tenant, a known role, and `market_ops` only by
 * `market_ops`, only to a user of the operator organisation (the database refuses it elsewhere too).
 *
 * @example
 * ```ts
 * import { authorizeRoleChange } from "./rbacPolicy.ts"
 *
 * authorizeRoleChange(actor, { tenantId, role: "approver" })
 * ```
 *
 * @since 0.1.0
 * @category policy
 */
export const authorizeRoleChange = (
  actor: Actor,
  change: { readonly tenantId: string; readonly role: string },
  options: { readonly operatorId?: string | undefined } = {}
): void => {
  requirePermission(actor, "user:manage", change.tenantId)
  if (!isRole(change.role))
    throw new AuthError("BAD_USER_INPUT", `unknown role; one of market_ops, tenant_admin, tenant_user, approver`)
  if (change.role === MARKET_OPS) {
    if (actor.role !== MARKET_OPS) throw new AuthError("FORBIDDEN", "only market_ops may give the role market_ops")
    const operator = options.operatorId ?? actor.tenantId
    if (change.tenantId !== operator) {
      throw new AuthError("FORBIDDEN", "market_ops is only for users of the operator organisation")
    }
  }
}
