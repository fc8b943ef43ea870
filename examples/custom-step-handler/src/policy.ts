/**
 * The policy half of the bank-guarantee step: who may lodge a guarantee is the step's `lodgedBy`
 * config, enforced by the engine's policy hook before the handler runs — never only by a UI.
 *
 * @since 0.1.0
 */
import { defaultPolicy, forbidden, type PolicyService } from "@workflow-manager/core"
import { Effect } from "effect"
import { bankGuaranteeHandler } from "./bankGuaranteeHandler.js"

/**
 * Wraps a policy (default: core's `defaultPolicy`): on `executeStep` of a `bank-guarantee` step whose
 * config lists `lodgedBy` roles, an actor with another role is `Forbidden` (`MissingPermission`).
 *
 * @example
 * ```ts
 * import { createEngine } from "@workflow-manager/core"
 * import { bankGuaranteeHandler, bankGuaranteePolicy } from "@acme/handler-bank-guarantee"
 *
 * const engine = await createEngine({ handlers: [bankGuaranteeHandler], policy: bankGuaranteePolicy() })
 * ```
 *
 * @since 0.1.0
 * @category policy
 */
// #region policy
export const bankGuaranteePolicy = (base: PolicyService = defaultPolicy): PolicyService => ({
  authorize: (actor, operation, context) =>
    Effect.flatMap(base.authorize(actor, operation, context), () => {
      const step = context.step
      if (operation !== "executeStep" || step?.type !== bankGuaranteeHandler.type) return Effect.void
      // The template's config as published: validated at publish, but not decoded here — fail closed.
      const roles = step.config.lodgedBy
      if (roles === undefined || (Array.isArray(roles) && roles.includes(actor.role))) return Effect.void
      return Effect.fail(forbidden(actor, operation, "MissingPermission", "this role may not lodge a bank guarantee"))
    })
})
// #endregion policy
