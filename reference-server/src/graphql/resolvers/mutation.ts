/**
 * The `Mutation` root: sign-in, the workflow commands (each with `expectedVersion` and an optional
 * idempotency key, each answering the new version), and tenant and user administration.
 *
 * @since 0.1.0
 */
import {
  type Actor,
  accessOf,
  type CommandResult,
  type JsonObject,
  type PromiseEngine,
  runPromise
} from "@workflow-manager/core"
import type { TenantStatus, UserStatus } from "@workflow-manager/pg-rls"
import { MAX_PASSWORD_LENGTH } from "../../auth/index.ts"
import { actorOf } from "../context.ts"
import { apiError, notFound } from "../errors.ts"
import { authorizeRoleChange, requirePermission, targetTenant } from "../guards.ts"
import { attempt, commandResult, present, type Resolver } from "./shared.ts"

interface Envelope {
  readonly workflowId: string
  readonly expectedVersion: number
  readonly idempotencyKey?: string | null
}

type Input<A> = { readonly input: A }

/** The engine's command envelope of an API input (absent arguments left out). */
const envelopeOf = (actor: Actor, input: Envelope & Record<string, unknown>) => {
  const { workflowId, ...rest } = input
  return { actor, instanceId: workflowId, ...present(rest) }
}

/** A mutation running one engine command on an existing workflow. */
const command =
  <A extends Envelope & Record<string, unknown>>(
    run: (engine: PromiseEngine, input: never) => Promise<CommandResult>
  ): Resolver<unknown, Input<A>> =>
  (_source, args, context) => {
    const actor = actorOf(context)
    return attempt(context, { entity: "workflow", id: String(args.input.workflowId) }, async () =>
      commandResult(await run(context.deps.engine, envelopeOf(actor, args.input) as never))
    )
  }

/** An omitted step input is `{}` (a form without required fields); an explicit `null` is kept, for steps that take none (a notice). */
const executeStep: Resolver<unknown, Input<Envelope & Record<string, unknown>>> = (source, args, context, info) =>
  command((engine, input: Record<string, unknown>) =>
    engine.executeStep({ ...input, input: args.input.input === undefined ? {} : args.input.input } as never)
  )(source, args, context, info)

interface CreateWorkflow {
  readonly templateId: string
  readonly templateVersion?: number | null
  readonly tenantId?: string | null
  readonly marketRole?: string | null
  readonly metadata?: unknown
  readonly idempotencyKey?: string | null
}

const createWorkflow: Resolver<unknown, Input<CreateWorkflow>> = async (_source, args, context) => {
  const actor = actorOf(context)
  const input = present({ ...args.input })
  const tenantId = targetTenant(actor, input.tenantId)
  if (input.metadata !== undefined && (typeof input.metadata !== "object" || Array.isArray(input.metadata))) {
    throw apiError("BAD_USER_INPUT", "metadata must be a JSON object")
  }
  if (tenantId !== actor.tenantId) {
    const tenant = await attempt(context, { entity: "tenant", id: tenantId }, () =>
      context.loaders.tenants.load(tenantId)
    )
    if (tenant === undefined) throw notFound({ entity: "tenant", id: tenantId })
  }
  return attempt(context, { entity: "template", id: input.templateId ?? "" }, async () =>
    commandResult(
      await context.deps.engine.create({
        actor,
        templateId: args.input.templateId,
        ...(input.templateVersion === undefined ? {} : { templateVersion: input.templateVersion }),
        ...(tenantId === actor.tenantId ? {} : { tenantId }),
        ...(input.marketRole === undefined ? {} : { marketRole: input.marketRole }),
        ...(input.metadata === undefined ? {} : { metadata: input.metadata as JsonObject }),
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey })
      })
    )
  )
}

const login: Resolver<unknown, { email: string; password: string; organisation?: string | null }> = (
  _source,
  args,
  context
) =>
  attempt(context, undefined, async () => {
    const session = await context.deps.auth.login(
      {
        email: args.email,
        password: args.password,
        ...(args.organisation === undefined || args.organisation === null ? {} : { organisation: args.organisation })
      },
      { address: context.address }
    )
    return { token: session.token, expiresAt: session.expiresAt, me: session.actor }
  })

interface CreateTenant {
  readonly companyName: string
  readonly vatNumber: string
  readonly eic?: string | null
  readonly status?: string | null
}

const createTenant: Resolver<unknown, Input<CreateTenant>> = (_source, args, context) => {
  const actor = actorOf(context)
  const input = present({ ...args.input })
  return attempt(context, undefined, () => {
    requirePermission(actor, "tenant:manage")
    return runPromise(
      context.deps.storage.services.tenants.create(accessOf(actor), {
        companyName: args.input.companyName,
        vatNumber: args.input.vatNumber,
        ...(input.eic === undefined ? {} : { eic: input.eic }),
        ...(input.status === undefined ? {} : { status: input.status as TenantStatus })
      })
    )
  })
}

interface CreateUser {
  readonly tenantId?: string | null
  readonly email: string
  readonly role: string
  readonly password?: string | null
  readonly displayName?: string | null
}

const createUser: Resolver<unknown, Input<CreateUser>> = async (_source, args, context) => {
  const actor = actorOf(context)
  const input = present({ ...args.input })
  const tenantId = targetTenant(actor, input.tenantId)
  await attempt(context, undefined, async () =>
    authorizeRoleChange(actor, { tenantId, role: args.input.role }, { operatorId: context.deps.storage.operatorId })
  )
  if (input.password !== undefined && (input.password.length < 12 || input.password.length > MAX_PASSWORD_LENGTH)) {
    throw apiError("BAD_USER_INPUT", `password must be 12 to ${MAX_PASSWORD_LENGTH} characters`)
  }
  const passwordHash = input.password === undefined ? undefined : await context.deps.hashPassword(input.password)
  return attempt(context, { entity: "tenant", id: tenantId }, () =>
    runPromise(
      context.deps.storage.services.users.create(accessOf(actor), {
        tenantId,
        email: args.input.email,
        role: args.input.role,
        ...(passwordHash === undefined ? {} : { passwordHash }),
        ...(input.displayName === undefined ? {} : { displayName: input.displayName })
      })
    )
  )
}

interface UpdateUser {
  readonly id: string
  readonly role?: string | null
  readonly status?: string | null
  readonly displayName?: string | null
}

const updateUser: Resolver<unknown, Input<UpdateUser>> = (_source, args, context) => {
  const actor = actorOf(context)
  const input = present({ ...args.input })
  return attempt(context, { entity: "user", id: args.input.id }, async () => {
    const users = context.deps.storage.services.users
    const access = accessOf(actor)
    const existing = await runPromise(users.get(access, args.input.id)).catch(() => undefined)
    if (existing === undefined) throw notFound({ entity: "user", id: args.input.id })
    const operatorId = context.deps.storage.operatorId
    // the operator's users are managed by the operator only
    if (existing.role === "market_ops")
      authorizeRoleChange(actor, { tenantId: existing.tenantId, role: existing.role }, { operatorId })
    if (input.role === undefined) requirePermission(actor, "user:manage", existing.tenantId)
    else authorizeRoleChange(actor, { tenantId: existing.tenantId, role: input.role }, { operatorId })
    return runPromise(
      users.update(access, args.input.id, {
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(input.status === undefined ? {} : { status: input.status as UserStatus }),
        ...(input.displayName === undefined ? {} : { displayName: input.displayName })
      })
    )
  })
}

/**
 * The resolvers of `Mutation`.
 *
 * @since 0.1.0
 * @category resolvers
 */
export const mutationResolvers: Record<string, Resolver<unknown, never>> = {
  login,
  createWorkflow,
  startWorkflow: command((engine, input) => engine.start(input)),
  executeStep,
  pauseWorkflow: command((engine, input) => engine.pause(input)),
  resumeWorkflow: command((engine, input) => engine.resume(input)),
  submitWorkflow: command((engine, input) => engine.submit(input)),
  approveWorkflow: command((engine, input) => engine.approve(input)),
  rejectWorkflow: command((engine, input) => engine.reject(input)),
  rollbackWorkflow: command((engine, input) => engine.rollback(input)),
  createTenant,
  createUser,
  updateUser
} as Record<string, Resolver<unknown, never>>
