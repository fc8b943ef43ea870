/**
 * The `Query` root: `me`, tenants, templates, the workflow list (cursor pagination over the
 * index), one workflow, time travel and validation.
 *
 * @since 0.1.0
 */
import { accessOf, encodeCursor, runPromise, type Template, type WorkflowStatus } from "@workflow-manager/core"
import { actorOf } from "../context.ts"
import { apiError, notFound } from "../errors.ts"
import { isOperator, requirePermission, targetTenant } from "../guards.ts"
import { templateKey } from "../loaders.ts"
import { rollbackPlanResolvers } from "./rollbackPlan.ts"
import { attempt, nodeOfEntry, nodeOfState, present, type Resolver } from "./shared.ts"

interface WorkflowFilter {
  readonly tenantId?: string | null
  readonly status?: ReadonlyArray<WorkflowStatus> | null
  readonly marketRole?: string | null
  readonly currentStepId?: string | null
  readonly templateId?: string | null
  readonly updatedSince?: string | null
}

const emptyConnection = { edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null } }

/**
 * Checks a page size against the configured limit (`BAD_USER_INPUT` otherwise).
 *
 * @since 0.1.0
 * @category resolvers
 */
export const pageSize = (first: unknown, max: number): number => {
  if (typeof first !== "number" || !Number.isInteger(first) || first < 1 || first > max) {
    throw apiError("BAD_USER_INPUT", `first must be an integer from 1 to ${max}`, { limit: "pageSize" })
  }
  return first
}

const workflows: Resolver<unknown, { filter?: WorkflowFilter | null; first: number; after?: string | null }> = (
  _source,
  args,
  context
) => {
  const actor = actorOf(context)
  const limit = pageSize(args.first, context.deps.limits.pageSize)
  const filter = present({ ...(args.filter ?? {}) })
  // another tenant's id answers as a tenant without workflows, for anyone but the operator
  if (filter.tenantId !== undefined && filter.tenantId !== actor.tenantId && !isOperator(actor)) {
    return emptyConnection
  }
  return attempt(context, undefined, async () => {
    const page = await context.deps.engine.list({
      actor,
      filter,
      page: { limit, ...(args.after === undefined || args.after === null ? {} : { cursor: args.after }) }
    })
    const edges = page.items.map((entry) => ({
      cursor: encodeCursor({ createdAt: entry.createdAt, instanceId: entry.instanceId }),
      node: nodeOfEntry(entry)
    }))
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: page.nextCursor !== undefined,
        endCursor: page.nextCursor ?? edges.at(-1)?.cursor ?? null
      }
    }
  })
}

const workflow: Resolver<unknown, { id: string }> = (_source, args, context) => {
  const actor = actorOf(context)
  return attempt(context, { entity: "workflow", id: args.id }, async () => {
    const state = await context.deps.engine.get({ actor, instanceId: args.id })
    context.loaders.states.prime(state.instanceId, state)
    return nodeOfState(state)
  })
}

const workflowStateAt: Resolver<unknown, { id: string; at?: string | null; sequence?: number | null }> = (
  _source,
  args,
  context
) => {
  const actor = actorOf(context)
  const hasAt = args.at !== undefined && args.at !== null
  const hasSequence = args.sequence !== undefined && args.sequence !== null
  if (hasAt === hasSequence) throw apiError("BAD_USER_INPUT", "give exactly one of at and sequence")
  return attempt(context, { entity: "workflow", id: args.id }, () =>
    context.deps.engine.stateAt({
      actor,
      instanceId: args.id,
      until: hasAt ? { untilTime: args.at as string } : { untilSequence: args.sequence as number }
    })
  )
}

const validateWorkflow: Resolver<unknown, { id: string }> = (_source, args, context) => {
  const actor = actorOf(context)
  return attempt(context, { entity: "workflow", id: args.id }, async () => {
    const issues = await context.deps.engine.validate({ actor, instanceId: args.id })
    return { valid: issues.length === 0, issues }
  })
}

const tenants: Resolver = (_source, _args, context) => {
  const actor = actorOf(context)
  return attempt(context, undefined, async () => {
    requirePermission(actor, "tenant:read")
    const all = await runPromise(context.deps.storage.services.tenants.list(accessOf(actor)))
    for (const tenant of all) context.loaders.tenants.prime(tenant.id, tenant)
    return all
  })
}

const tenant: Resolver<unknown, { id: string }> = async (_source, args, context) => {
  actorOf(context)
  const found = await attempt(context, { entity: "tenant", id: args.id }, () => context.loaders.tenants.load(args.id))
  if (found === undefined) throw notFound({ entity: "tenant", id: args.id })
  return found
}

const templates: Resolver<unknown, { marketRole?: string | null }> = (_source, args, context) => {
  const actor = actorOf(context)
  return attempt(context, undefined, async () => {
    requirePermission(actor, "template:read")
    const summaries = await runPromise(
      context.deps.storage.services.templateStore.list(
        args.marketRole === undefined || args.marketRole === null ? {} : { marketRole: args.marketRole }
      )
    )
    const loaded = await context.loaders.templates.loadMany(summaries.map((s) => templateKey(s.id, s.version)))
    return loaded.filter((t): t is Template => t !== undefined && !(t instanceof Error))
  })
}

const template: Resolver<unknown, { id: string; version?: number | null }> = async (_source, args, context) => {
  const actor = actorOf(context)
  const found = await attempt(context, { entity: "template", id: args.id }, () => {
    requirePermission(actor, "template:read")
    return context.loaders.templates.load(templateKey(args.id, args.version))
  })
  if (found === undefined) throw notFound({ entity: "template", id: args.id })
  return found
}

const me: Resolver = (_source, _args, context) => actorOf(context)

const users: Resolver<unknown, { tenantId?: string | null }> = (_source, args, context) => {
  const actor = actorOf(context)
  const tenantId = targetTenant(actor, args.tenantId ?? undefined)
  return attempt(context, { entity: "tenant", id: tenantId }, () => {
    requirePermission(actor, "user:read", tenantId)
    return runPromise(context.deps.storage.services.users.list(accessOf(actor), { tenantId }))
  })
}

/**
 * The resolvers of `Query`.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const queryResolvers: Record<string, Resolver<unknown, never>> = {
  me,
  tenants,
  tenant,
  templates,
  template,
  workflows,
  workflow,
  workflowStateAt,
  validateWorkflow,
  users,
  ...rollbackPlanResolvers
} as Record<string, Resolver<unknown, never>>
