/**
 * The service's authorisation policy (docs/embedding.md, "Actors and authorisation"): the default
 * rules plus two of the onboarding's own, written against what the engine says about the target.
 */
// #region policy
import { defaultPolicy, forbidden, Policy, type PolicyService } from "@workflow-manager/core"
import { Effect } from "effect"

/** The default rules, plus four eyes on approval and a rule for the portfolio step. */
export const onboardingPolicy: PolicyService = {
  authorize: (actor, operation, context) =>
    Effect.gen(function* () {
      // Own tenant only (market_ops: every tenant); approve, reject and fail need workflow:review.
      yield* defaultPolicy.authorize(actor, operation, context)
      // Four eyes: whoever submitted the workflow does not approve it, whatever their permissions.
      if (operation === "approve" && context.state?.submittedBy === actor.userId) {
        return yield* forbidden(actor, operation, "NotPermitted", "the submitter of a workflow may not approve it")
      }
      // The portfolio commits access points to the BRP's perimeter: only its administrators fill it in.
      if (operation === "executeStep" && context.step?.type === "portfolio" && actor.role !== "brp_admin") {
        return yield* forbidden(actor, operation, "MissingPermission", "the portfolio is for BRP administrators")
      }
    })
}

// Effect: the engine reads the Policy when an operation runs, so provide it to the program
// (or to the runtime that runs it) — not to the engine layer.
export const withOnboardingPolicy = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(Effect.provideService(Policy, onboardingPolicy))

// Promise: createEngine({ handlers, templates, policy: onboardingPolicy }) — as src/engine.ts does.
// #endregion policy
