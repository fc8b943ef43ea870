/**
 * The engine-side guard of approval steps: a {@link PolicyService} that refuses `executeStep` on
 * an approval step to anyone who is neither an eligible approver nor the named delegate of the
 * current round — before the handler runs, whatever the UI does.
 *
 * @since 0.1.0
 */
import {
  type Actor,
  defaultPolicy,
  Forbidden,
  forbidden,
  type Operation,
  type PolicyContext,
  type PolicyService
} from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { ApprovalConfig } from "./ApprovalConfig.js"
import { APPROVAL_TYPE } from "./ApprovalHandler.js"
import { isActor, isState } from "./internal/readable.js"
import { currentRound } from "./internal/round.js"
import { settingsOf } from "./internal/settings.js"
import { standingOf } from "./internal/standing.js"

const decodeConfig = Schema.decodeUnknownOption(ApprovalConfig)

/**
 * Wraps a policy (default: core's `defaultPolicy`) so that `executeStep` on a step of type
 * `approval` is allowed only to an eligible approver (an approver role, on the `approvers` list when
 * the step has one) or to the delegate a delegation of the current round names (holding a delegate
 * role). Anyone else — and everyone, when the step's config does not decode — is refused with
 * `Forbidden` (`MissingPermission`). The wrapped policy is asked first, so tenant isolation keeps
 * its own answer; every other operation and step is the wrapped policy's alone.
 *
 * @example
 * ```ts
 * import { createEngine, makeMemoryStorage, makeRegistry } from "@workflow-manager/core"
 * import { approvalHandler, approvalPolicy } from "@workflow-manager/handler-approval"
 *
 * const engine = await createEngine({
 *   stores: makeMemoryStorage().layer,
 *   handlers: makeRegistry([approvalHandler]),
 *   policy: approvalPolicy() // or approvalPolicy(myRbacPolicy)
 * })
 * ```
 *
 * @since 0.1.0
 * @category policy
 */
export const approvalPolicy = (base: PolicyService = defaultPolicy): PolicyService => ({
  authorize: (actor, operation, context) => {
    if (!isActor(actor) || typeof operation !== "string" || typeof context !== "object" || context === null) {
      return Effect.fail(
        new Forbidden({
          operation: typeof operation === "string" ? operation : "(unreadable)",
          userId: isActor(actor) ? actor.userId : "(unreadable)",
          reason: "MissingPermission",
          detail: "the actor, the operation or its target cannot be read"
        })
      )
    }
    return Effect.flatMap(base.authorize(actor, operation, context), () => approverCheck(actor, operation, context))
  }
})

const approverCheck = (actor: Actor, operation: Operation, context: PolicyContext): Effect.Effect<void, Forbidden> => {
  const step: unknown = context.step
  if (operation !== "executeStep" || typeof step !== "object" || step === null) return Effect.void
  const { id, type, config } = step as { readonly id?: unknown; readonly type?: unknown; readonly config?: unknown }
  if (type !== APPROVAL_TYPE) return Effect.void
  const decoded = decodeConfig(config)
  if (typeof id !== "string" || decoded._tag === "None") {
    return Effect.fail(forbidden(actor, operation, "MissingPermission", "the config of this approval step is invalid"))
  }
  if (context.state !== undefined && !isState(context.state)) {
    return Effect.fail(forbidden(actor, operation, "MissingPermission", "the instance state cannot be read"))
  }
  const round = context.state === undefined ? [] : currentRound(context.state, id)
  const standing = standingOf(settingsOf(decoded.value), actor, round)
  return standing._tag === "None"
    ? Effect.fail(forbidden(actor, operation, "MissingPermission", standing.reason))
    : Effect.void
}
