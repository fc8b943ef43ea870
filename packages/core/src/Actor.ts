/**
 * Who runs a command: a user of a tenant with a role and permissions — or the system, for work
 * no person does (deadlines, automatic steps, the outbox), named `system` in the events it records.
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
 * The role of the system actor.
 *
 * @since 0.1.0
 * @category actors
 */
export const SYSTEM_ROLE = "system"

const Text = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))

/**
 * The actor carried by every command.
 *
 * @since 0.1.0
 * @category actors
 */
export const Actor = Schema.Struct({
  userId: Identifier,
  tenantId: Identifier,
  role: Text,
  permissions: Schema.Array(Text).check(Schema.isMaxLength(200))
})

/**
 * An actor: user id, tenant id, role and permissions.
 *
 * @since 0.1.0
 * @category actors
 */
export type Actor = typeof Actor.Type

/**
 * The system actor acting within a tenant (on one of its instances): user id `system` (or
 * `system:<name>`, e.g. a worker's name), role {@link SYSTEM_ROLE}.
 *
 * @example
 * ```ts
 * import { systemActor } from "@workflow-manager/core"
 *
 * const actor = systemActor("3f0c1e52-7a4e-4c55-9d3b-2f7d8a1b6c90", "worker-1")
 * // { userId: "system:worker-1", role: "system", ... }
 * ```
 *
 * @since 0.1.0
 * @category actors
 */
export const systemActor = (tenantId: string, name?: string): Actor => ({
  userId: name === undefined ? "system" : `system:${name}`,
  tenantId,
  role: SYSTEM_ROLE,
  permissions: []
})
