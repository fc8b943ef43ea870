/**
 * Access scopes: every storage call says whose data it may touch. A tenant scope sees and writes
 * only that tenant's rows; the operator scope (`market_ops`) reads every tenant through an explicit
 * policy — not a bypass — and writes what that policy allows.
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
 * @since 0.1.0
 * @category access
 */
export const tenant = (tenantId: string): Access => ({ _tag: "Tenant", tenantId })

/**
 * Scope of the operator (every tenant).
 *
 * @since 0.1.0
 * @category access
 */
export const operator = (userId: string): Access => ({ _tag: "Operator", userId })

/**
 * The scope an actor's role grants.
 *
 * @since 0.1.0
 * @category access
 */
export const ofActor = (actor: Actor): Access =>
  actor.role === MARKET_OPS ? operator(actor.userId) : tenant(actor.tenantId)

/**
 * Whether a scope may touch a tenant's data.
 *
 * @since 0.1.0
 * @category access
 */
export const covers = (access: Access, tenantId: string): boolean =>
  access._tag === "Operator" || access.tenantId === tenantId
