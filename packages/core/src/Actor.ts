/**
 * Who runs a command: a user of a tenant with a role and permissions.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Identifier } from "./Json.js"

/**
 * The role that sees and acts on every tenant (the operator's market operations team).
 *
 * @since 0.1.0
 * @category actors
 */
export const MARKET_OPS = "market_ops"

/**
 * The actor carried by every command.
 *
 * @since 0.1.0
 * @category actors
 */
export const Actor = Schema.Struct({
  userId: Identifier,
  tenantId: Identifier,
  role: Schema.NonEmptyString,
  permissions: Schema.Array(Schema.String)
})

/**
 * An actor: user id, tenant id, role and permissions.
 *
 * @since 0.1.0
 * @category actors
 */
export type Actor = typeof Actor.Type
