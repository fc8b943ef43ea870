/**
 * The authorisation policy hook: decides whether an actor may run an operation on a target. The
 * engine asks it before every command and query — before it replays a stored result — with what
 * it knows of the target: tenant, instance, market role, template, the step for step operations
 * and the state. The reference server plugs its RBAC in by providing another {@link Policy}.
 *
 * @since 0.1.0
 */
import { Context, Effect } from "effect"
import { type Actor, MARKET_OPS, SYSTEM_ROLE } from "./Actor.js"
import { Forbidden, type ForbiddenReason } from "./DomainError.js"
import type { JsonObject } from "./Json.js"
import type { WorkflowState } from "./State.js"

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
  | "fireDueTimers"
  | "runAutomaticStep"
  | "get"
  | "list"
  | "events"
  | "stateAt"

/**
 * The step an operation acts on, as the policy sees it.
 *
 * @since 0.1.0
 * @category policy
 */
export interface PolicyStep {
  /** The step's id in the template. */
  readonly id: string
  /** The step's handler type (`form`, `approval`, ...). */
  readonly type: string
  /** The step's `config` as the template has it (not decoded): a policy may read e.g. approver roles. */
  readonly config: JsonObject
}

/**
 * What the policy knows of the target of an operation. `tenantId` is always there; the rest when
 * the operation addresses an instance (and, for `executeStep` and `runAutomaticStep`, a step).
 *
 * @since 0.1.0
 * @category policy
 */
export interface PolicyContext {
  readonly tenantId: string
  readonly instanceId?: string
  readonly marketRole?: string
  readonly templateId?: string
  readonly templateVersion?: number
  /** The step the operation acts on, with its handler type and its config in the template. */
  readonly step?: PolicyStep
  /** The instance's current state (who submitted it, who completed each step, ...). */
  readonly state?: WorkflowState
}

/**
 * An authorisation policy.
 *
 * @since 0.1.0
 * @category policy
 */
export interface PolicyService {
  /** Succeeds when `actor` may run `operation` on the target described by `context`; fails with `Forbidden`. */
  readonly authorize: (actor: Actor, operation: Operation, context: PolicyContext) => Effect.Effect<void, Forbidden>
}

/**
 * Operations reserved to reviewers: `market_ops`, or actors holding the `workflow:review` permission.
 *
 * @since 0.1.0
 * @category policy
 */
export const reviewerOperations: ReadonlySet<Operation> = new Set(["approve", "reject", "fail"])

/**
 * Operations of the system (deadlines, automatic and deferred steps): the system actor of the
 * instance's tenant, or `market_ops`.
 *
 * @since 0.1.0
 * @category policy
 */
export const systemOperations: ReadonlySet<Operation> = new Set(["fireDueTimers", "runAutomaticStep"])

/**
 * A `Forbidden` error for an actor and operation.
 *
 * @since 0.1.0
 * @category policy
 */
export const forbidden = (actor: Actor, operation: string, reason: ForbiddenReason, detail: string): Forbidden =>
  new Forbidden({ operation, userId: actor.userId, reason, detail })

/**
 * The default policy: `market_ops` may do everything on every tenant; any other actor acts only
 * on its own tenant (`OtherTenant`), approves, rejects or fails only with the `workflow:review`
 * permission, and only the system actor runs the system's operations (`MissingPermission`).
 *
 * @since 0.1.0
 * @category policy
 */
export const defaultPolicy: PolicyService = {
  authorize: (actor, operation, context) => {
    if (actor.role === MARKET_OPS) return Effect.void
    if (actor.tenantId !== context.tenantId) {
      return Effect.fail(forbidden(actor, operation, "OtherTenant", "the target belongs to another tenant"))
    }
    if (systemOperations.has(operation) && actor.role !== SYSTEM_ROLE) {
      return Effect.fail(forbidden(actor, operation, "MissingPermission", "requires the system actor or market_ops"))
    }
    if (reviewerOperations.has(operation) && !actor.permissions.includes("workflow:review")) {
      return Effect.fail(
        forbidden(actor, operation, "MissingPermission", "requires market_ops or the workflow:review permission")
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
