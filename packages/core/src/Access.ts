/**
 * Access scopes: every storage call says whose data it may touch. A tenant scope sees and writes
 * only that tenant's rows; the operator scope (`market_ops`) reads every tenant through an explicit
 * policy — not a bypass — and writes what that policy allows; the system scope (a worker's
 * cross-tenant work: listing due instances, claiming outbox messages) reads every tenant and writes
 * only delivery progress.
 *
 * The operator scope names the operator's own organisation (`tenantId`): operator status comes from
 * the organisation a user belongs to, which no tenant can write, never from a role string alone. A
 * storage adapter that knows the organisations (pg-rls) refuses an operator scope whose
 * organisation is not registered as the operator, so a `market_ops` user minted inside a
 * participant's tenant reads nothing more than that tenant could.
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
  | { readonly _tag: "Operator"; readonly userId: string; readonly tenantId: string }
  | { readonly _tag: "System"; readonly name: string }

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
 * Scope of the operator (every tenant): `userId`, a user of the operator organisation `tenantId`.
 *
 * @example
 * ```ts
 * import { operatorAccess } from "@workflow-manager/core"
 *
 * const access = operatorAccess("mo-alice", "00000000-0000-4000-8000-00000000000f")
 * ```
 *
 * @since 0.1.0
 * @category access
 */
export const operatorAccess = (userId: string, tenantId: string): Access => ({ _tag: "Operator", userId, tenantId })

/**
 * Scope of a system process (a worker): reads every tenant's instances and outbox, writes only
 * delivery progress (claims, completions). The engine's own commands never use it: a system actor
 * acts within one instance's tenant.
 *
 * @example
 * ```ts
 * import { systemAccess } from "@workflow-manager/core"
 *
 * const access = systemAccess("worker-1")
 * ```
 *
 * @since 0.1.0
 * @category access
 */
export const systemAccess = (name: string): Access => ({ _tag: "System", name })

/**
 * The scope an actor's role grants: the operator scope for `market_ops`, its tenant's otherwise
 * (the system actor too: it acts on one instance at a time, within the instance's tenant).
 *
 * @since 0.1.0
 * @category access
 */
export const accessOf = (actor: Actor): Access =>
  actor.role === MARKET_OPS ? operatorAccess(actor.userId, actor.tenantId) : tenantAccess(actor.tenantId)

/**
 * Whether a scope may touch a tenant's data.
 *
 * @since 0.1.0
 * @category access
 */
export const covers = (access: Access, tenantId: string): boolean =>
  access._tag !== "Tenant" || access.tenantId === tenantId
