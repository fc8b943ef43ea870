/**
 * A custom authorisation policy (docs/embedding.md, "Authorisation").
 */
// #region policy
import { defaultPolicy, Forbidden, MARKET_OPS, Policy, type PolicyService } from "@workflow-manager/core"
import { Effect } from "effect"

/** The default rules, plus: only market operations may roll a workflow back. */
export const onboardingPolicy: PolicyService = {
  authorize: (actor, operation, tenantId) =>
    operation === "rollback" && actor.role !== MARKET_OPS
      ? Effect.fail(
          new Forbidden({ command: operation, userId: actor.userId, reason: "only market operations roll back" })
        )
      : defaultPolicy.authorize(actor, operation, tenantId)
}

// Effect: the engine reads the Policy when an operation runs, so provide it to the program
// (or to the runtime that runs it) — not to the engine layer.
export const withOnboardingPolicy = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(Effect.provideService(Policy, onboardingPolicy))

// Promise: createEngine({ handlers, templates, policy: onboardingPolicy })
// #endregion policy
