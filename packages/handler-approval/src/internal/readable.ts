/**
 * Guards for the handler's and the policy's arguments. The engine only ever passes a decoded config
 * and input and a well-formed context, but the handler and the policy are public values that anyone
 * can call: what they cannot read is refused with a typed error, never a `TypeError`.
 */
import { Actor, type StepContext, StepRefused, WorkflowState } from "@workflow-manager/core"
import { Effect, Schema } from "effect"
import { ApprovalConfig } from "../ApprovalConfig.js"
import { ApprovalInput } from "../ApprovalInput.js"

export const isConfig = Schema.is(ApprovalConfig)
export const isInput = Schema.is(Schema.toType(ApprovalInput))
export const isActor = Schema.is(Actor)
export const isState = Schema.is(WorkflowState)

const isContext = (context: unknown): context is StepContext => {
  if (typeof context !== "object" || context === null) return false
  const c = context as { readonly [key: string]: unknown }
  return typeof c.stepId === "string" && typeof c.at === "string" && isActor(c.actor) && isState(c.state)
}

/** Runs `f` when config, input and context are what the engine gives a handler; else `StepRefused` (`invalid`). */
export const whenReadable = <A, E>(
  args: { readonly config: unknown; readonly input?: unknown; readonly context: unknown },
  f: () => Effect.Effect<A, E>,
  options: { readonly input: boolean } = { input: true }
): Effect.Effect<A, E | StepRefused> =>
  isConfig(args.config) && (!options.input || isInput(args.input)) && isContext(args.context)
    ? Effect.suspend(f)
    : Effect.fail(
        new StepRefused({
          reason: "invalid",
          message: "the approval handler was called with a config, input or context the engine would not give it"
        })
      )
