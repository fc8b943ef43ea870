/**
 * The engine-side guard of approval steps: a {@link PolicyService} that refuses `executeStep` on
 * an approval step to anyone who is neither an eligible approver nor the named delegate of the
 * current round — before the handler runs, whatever the UI does.
 *
 * @since 0.1.0
 */
import { defaultPolicy, forbidden, type PolicyService } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { ApprovalConfig } from "./ApprovalConfig.js"
import { APPROVAL_TYPE } from "./ApprovalHandler.js"
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
  authorize: (actor, operation, context) =>
    Effect.flatMap(base.authorize(actor, operation, context), () => {
      const step = context.step
      if (operation !== "executeStep" || step === undefined || step.type !== APPROVAL_TYPE) return Effect.void
      const config = decodeConfig(step.config)
      if (config._tag === "None") {
        return Effect.fail(
          forbidden(actor, operation, "MissingPermission", `the config of approval step ${step.id} is invalid`)
        )
      }
      const round = context.state === undefined ? [] : currentRound(context.state, step.id)
      const standing = standingOf(settingsOf(config.value), actor, round)
      return standing._tag === "None"
        ? Effect.fail(forbidden(actor, operation, "MissingPermission", standing.reason))
        : Effect.void
    })
})
