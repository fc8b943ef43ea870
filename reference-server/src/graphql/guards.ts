/**
 * The checks of the operations the engine does not own (tenants and users), with the auth
 * module's permission matrix; the engine's own operations are checked by its policy (the same
 * matrix, composed with the approval plugin's approver check). Row-level security holds
 * underneath either way.
 *
 * @since 0.1.0
 */
import { type Actor, MARKET_OPS } from "@workflow-manager/core"
import { notFound } from "./errors.ts"

export { authorizeRoleChange, requirePermission } from "../auth/index.ts"

/**
 * Whether the actor is the operator (`market_ops`, of the operator organisation — the database
 * refuses the operator scope to anyone else).
 *
 * @since 0.1.0
 * @category guards
 */
export const isOperator = (actor: Actor): boolean => actor.role === MARKET_OPS

/**
 * The tenant an actor acts on: the one named, for the operator; otherwise the actor's own, and a
 * different tenant named answers as a tenant that does not exist.
 *
 * @since 0.1.0
 * @category guards
 */
export const targetTenant = (actor: Actor, named: string | undefined): string => {
  if (named === undefined || named === actor.tenantId) return actor.tenantId
  if (isOperator(actor)) return named
  throw notFound({ entity: "tenant", id: named })
}
