/**
 * The authorisation policy hook: decides whether an actor may run an operation on an instance.
 * The engine asks it before every command and query; the reference server plugs its RBAC in by
 * providing another {@link Policy}.
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"
import { type Actor, MARKET_OPS } from "./Actor.js"
import { Forbidden } from "./DomainError.js"

/**
 * The engine's operations.
 *
 * @since 0.1.0
 * @category policy
 */
export type Operation =
  | "create"
  | "start"
  | "executeStep"
  | "pause"
  | "resume"
  | "validate"
  | "submit"
  | "approve"
  | "reject"
  | "rollback"
  | "fail"
  | "get"
  | "list"
  | "events"
  | "stateAt"

/**
 * An authorisation policy.
 *
 * @since 0.1.0
 * @category policy
 */
export interface PolicyService {
  /** Succeeds when `actor` may run `operation` on an instance of `tenantId`; fails with `Forbidden`. */
  readonly authorize: (actor: Actor, operation: Operation, tenantId: string) => Effect.Effect<void, Forbidden>
}

/**
 * Operations reserved to reviewers: `market_ops`, or actors holding the `workflow:review` permission.
 *
 * @since 0.1.0
 * @category policy
 */
export const reviewerOperations: ReadonlySet<Operation> = new Set(["approve", "reject", "fail"])

/**
 * The default policy: `market_ops` may do everything on every tenant; any other actor acts only
 * on its own tenant, and approves, rejects or fails only with the `workflow:review` permission.
 *
 * @since 0.1.0
 * @category policy
 */
export const defaultPolicy: PolicyService = {
  authorize: (actor, operation, tenantId) => {
    if (actor.role === MARKET_OPS) return Effect.void
    if (actor.tenantId !== tenantId) {
      return Effect.fail(
        new Forbidden({ command: operation, userId: actor.userId, reason: "the instance belongs to another tenant" })
      )
    }
    if (reviewerOperations.has(operation) && !actor.permissions.includes("workflow:review")) {
      return Effect.fail(
        new Forbidden({
          command: operation,
          userId: actor.userId,
          reason: "requires market_ops or the workflow:review permission"
        })
      )
    }
    return Effect.void
  }
}

/**
 * The policy the engine consults ({@link defaultPolicy} unless provided).
 *
 * @since 0.1.0
 * @category policy
 */
export const Policy = Context.Reference<PolicyService>("@workflow-manager/core/Policy", {
  defaultValue: () => defaultPolicy
})
