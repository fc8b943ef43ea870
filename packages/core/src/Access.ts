/**
 * Access scopes: every storage call says whose data it may touch. A tenant scope sees and writes
 * only that tenant's rows; the operator scope (`market_ops`, and the system's cross-tenant work
 * such as listing due instances) reads every tenant through an explicit policy — not a bypass — and
 * writes what that policy allows.
 *
 * @since 0.1.0
 */
import { type Actor, MARKET_OPS } from "./Actor.js"

/**
 * A storage access scope.
 *
 * @since 0.1.0
 * @category access
 */
export type Access =
  | { readonly _tag: "Tenant"; readonly tenantId: string }
  | { readonly _tag: "Operator"; readonly userId: string }

/**
 * Scope of one tenant.
 *
 * @example
 * ```ts
 * import { tenantAccess } from "@workflow-manager/core"
 *
 * const access = tenantAccess("3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90")
 * ```
 *
 * @since 0.1.0
 * @category access
 */
export const tenantAccess = (tenantId: string): Access => ({ _tag: "Tenant", tenantId })

/**
 * Scope of the operator (every tenant).
 *
 * @example
 * ```ts
 * import { operatorAccess } from "@workflow-manager/core"
 *
 * const access = operatorAccess("mo-alice")
 * ```
 *
 * @since 0.1.0
 * @category access
 */
export const operatorAccess = (userId: string): Access => ({ _tag: "Operator", userId })

/**
 * The scope an actor's role grants: the operator scope for `market_ops`, its tenant's otherwise
 * (the system actor too: it acts on one instance at a time, within the instance's tenant).
 *
 * @since 0.1.0
 * @category access
 */
export const accessOf = (actor: Actor): Access =>
  actor.role === MARKET_OPS ? operatorAccess(actor.userId) : tenantAccess(actor.tenantId)

/**
 * Whether a scope may touch a tenant's data.
 *
 * @since 0.1.0
 * @category access
 */
export const covers = (access: Access, tenantId: string): boolean =>
  access._tag === "Operator" || access.tenantId === tenantId
