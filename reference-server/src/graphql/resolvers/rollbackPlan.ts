/**
 * `rollbackPlan`: what a rollback to a step would do — core's `planRollback` over the workflow's
 * state and event log, recording nothing — so that a client shows the compensations before a
 * person confirms. Each compensation names its step and strategy (`handler` when the step's
 * handler undoes it, `none` when it is only recorded), the way the engine decides it.
 *
 * @since 0.1.0
 */
import {
  Identifier,
  InvalidInput,
  type PromiseEngine,
  planRollback,
  type Step,
  type Template,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { Result, Schema } from "effect"
import { serverHandlers } from "../../engine.ts"
import { actorOf } from "../context.ts"
import { templateKey } from "../loaders.ts"
import { attempt, type Resolver } from "./shared.ts"

/** Only to know which handlers can compensate: no request is ever sent through it. */
const handlers = serverHandlers({ apiCallAllow: [], env: {} })

/**
 * What a rollback over a completed step does: the step's own setting, else `handler` when its
 * handler has a `compensate`, else `none` (core's rule).
 *
 * @since 0.1.0
 * @category resolvers
 */
export const compensationOf = (step: Pick<Step, "type" | "compensation">): "handler" | "none" =>
  step.compensation?.strategy ?? (handlers.get(step.type)?.compensate === undefined ? "none" : "handler")

/** Every event of a workflow, a page of 1,000 at a time. */
const allEvents = async (engine: PromiseEngine, input: { actor: never; instanceId: string }) => {
  const events: Array<WorkflowEvent> = []
  let from: number | undefined = 1
  while (from !== undefined) {
    const page = await engine.events({ ...input, from, limit: 1000 })
    events.push(...page.items)
    from = page.nextFrom
  }
  return events
}

const isIdentifier = Schema.is(Identifier)

const rollbackPlan: Resolver<unknown, { id: string; toStepId: string }> = (_source, args, context) => {
  const actor = actorOf(context)
  return attempt(context, { entity: "workflow", id: args.id }, async () => {
    // refused as `rollbackWorkflow` refuses it, before anything is read (and never echoed back)
    if (!isIdentifier(args.toStepId)) {
      throw new InvalidInput({
        operation: "rollbackPlan",
        issues: [
          {
            path: "toStepId",
            message:
              "Expected an identifier (1-200 characters: letters, digits, '.', '_', ':' or '-', not starting with a symbol)"
          }
        ]
      })
    }
    const engine = context.deps.engine
    const state: WorkflowState = await engine.get({ actor, instanceId: args.id })
    const events = await allEvents(engine, { actor: actor as never, instanceId: args.id })
    const plan = Result.getOrThrow(planRollback(state, events, args.toStepId))
    const template: Template | undefined = await context.loaders.templates.load(
      templateKey(state.templateId, state.templateVersion)
    )
    const stepOf = (stepId: string) => template?.steps.find((step) => step.id === stepId)
    return {
      toStepId: plan.toStepId,
      compensations: plan.compensations.map((planned) => {
        const step = stepOf(planned.stepId)
        return {
          stepId: planned.stepId,
          step: step ?? null,
          strategy: step === undefined ? "none" : compensationOf(step),
          data: planned.output ?? null
        }
      }),
      reset: plan.reset,
      status: plan.target.status,
      resuming: plan.resuming
    }
  })
}

/**
 * The `rollbackPlan` query.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const rollbackPlanResolvers = { rollbackPlan }
