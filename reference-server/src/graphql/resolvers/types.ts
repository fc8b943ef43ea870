/**
 * The resolvers of the object types: a workflow's tenant, template, current step, state and
 * events (tenants, templates and states through the request's DataLoaders), and the shapes of
 * states, steps and templates.
 *
 * @since 0.1.0
 */
import type { StepState, Template, WorkflowState } from "@workflow-manager/core"
import { actorOf } from "../context.ts"
import { templateKey } from "../loaders.ts"
import { attempt, type Resolver, type WorkflowNode } from "./shared.ts"
import { templateViewResolvers } from "./templateViews.ts"

const stateOf = async (node: WorkflowNode, context: Parameters<Resolver>[2]): Promise<WorkflowState> => {
  if (node.state !== undefined) return node.state
  const loaded = await attempt(context, { entity: "workflow", id: node.id }, () => context.loaders.states.load(node.id))
  if (loaded !== undefined) return loaded
  return attempt(context, { entity: "workflow", id: node.id }, () =>
    context.deps.engine.get({ actor: actorOf(context), instanceId: node.id })
  )
}

const templateOf = (node: WorkflowNode, context: Parameters<Resolver>[2]): Promise<Template | undefined> =>
  attempt(context, undefined, () => context.loaders.templates.load(templateKey(node.templateId, node.templateVersion)))

const tenantOf = (tenantId: string, context: Parameters<Resolver>[2]) =>
  attempt(context, undefined, () => context.loaders.tenants.load(tenantId)).then((t) => t ?? null)

const workflow: Record<string, Resolver<WorkflowNode, never>> = {
  tenant: (node, _args, context) => tenantOf(node.tenantId, context),
  template: (node, _args, context) => templateOf(node, context).then((t) => t ?? null),
  currentStep: async (node, _args, context) => {
    if (node.currentStepId === null) return null
    const template = await templateOf(node, context)
    return template?.steps.find((step) => step.id === node.currentStepId) ?? null
  },
  state: (node, _args, context) => stateOf(node, context),
  events: ((node: WorkflowNode, args: { from?: number | null; first?: number | null }, context) =>
    attempt(context, { entity: "workflow", id: node.id }, async () => {
      const page = await context.deps.engine.events({
        actor: actorOf(context),
        instanceId: node.id,
        ...(args.from === undefined || args.from === null ? {} : { from: args.from }),
        ...(args.first === undefined || args.first === null ? {} : { limit: args.first })
      })
      return page.items
    })) as Resolver<WorkflowNode, never>
}

const workflowState: Record<string, Resolver<WorkflowState, never>> = {
  steps: (state) =>
    Object.entries(state.stepStates).map(([stepId, step]: [string, StepState]) => ({
      stepId,
      ...step,
      error: step.error ?? null
    })),
  document: (state) => state
}

const template: Record<string, Resolver<Template, never>> = {
  definition: (t) => t,
  ...templateViewResolvers.Template
}

const me: Record<string, Resolver<{ tenantId: string }, never>> = {
  tenant: (actor, _args, context) => tenantOf(actor.tenantId, context)
}

/**
 * The resolvers of the object types, by type name.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const typeResolvers: Record<string, Record<string, Resolver<never, never>>> = {
  Workflow: workflow,
  WorkflowState: workflowState,
  Template: template,
  TemplateStep: templateViewResolvers.TemplateStep,
  Me: me
} as Record<string, Record<string, Resolver<never, never>>>
