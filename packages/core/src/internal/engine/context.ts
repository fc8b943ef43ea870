/**
 * What every part of the engine works with: the ports, the handlers and their services, the
 * limits, and the small helpers every operation shares (clock, errors, policy).
 */
import { Clock, type Context, Effect } from "effect"
import type { Actor } from "../../Actor.js"
import type { DecideOptions } from "../../Decide.js"
import type { EventStoreService } from "../../EventStore.js"
import type { IdGeneratorService } from "../../IdGenerator.js"
import type { Limits } from "../../Limits.js"
import { type Operation, Policy, type PolicyContext, type PolicyStep } from "../../Policy.js"
import type { WorkflowState } from "../../State.js"
import type { AnyStepHandler, HandlerRegistry } from "../../StepHandler.js"
import { Conflict, NotFound, storageError } from "../../StorageError.js"
import type { Template } from "../../Template.js"
import type { TemplateStoreService } from "../../TemplateStore.js"
import type { WorkflowIndexService } from "../../WorkflowIndex.js"
import type { WorkflowStoreService } from "../../WorkflowStore.js"

export interface EngineContext<R> {
  readonly store: WorkflowStoreService
  readonly events: EventStoreService
  readonly index: WorkflowIndexService
  readonly templates: TemplateStoreService
  readonly ids: IdGeneratorService
  readonly registry: HandlerRegistry<R>
  readonly services: Context.Context<R>
  readonly limits: Limits
  /** The secret keyed instance ids are derived with (see `EngineOptions.keySecret`). */
  readonly keySecret?: string
  /** Published template versions are immutable, so a cache never goes stale. */
  readonly templateCache: Map<string, Template>
  readonly decideOptions: DecideOptions
}

/** The handler of a step type, with the services type of the engine. */
export const handlerOf = <R>(ctx: EngineContext<R>, type: string): AnyStepHandler<R> | undefined =>
  ctx.registry.get(type) as AnyStepHandler<R> | undefined

/** The current instant as an ISO-8601 string, from Effect's clock. */
export const nowIso: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

export const notFound = (operation: string, instanceId: string) =>
  storageError(
    operation,
    new NotFound({ message: `workflow ${instanceId} not found`, entity: "workflow", id: instanceId })
  )

export const conflict = (operation: string, expectedVersion: number, actualVersion: number) =>
  storageError(
    operation,
    new Conflict({
      message: `expected version ${expectedVersion} but the workflow is at version ${actualVersion}`,
      expectedVersion,
      actualVersion
    })
  )

export const isConflict = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  (error as { _tag?: unknown })._tag === "StorageError" &&
  (error as { reason: { _tag: string } }).reason._tag === "Conflict"

/** Asks the policy. */
export const authorize = Effect.fnUntraced(function* (actor: Actor, operation: Operation, context: PolicyContext) {
  const policy = yield* Policy
  return yield* policy.authorize(actor, operation, context)
})

/** What the policy is told about an instance (and a step of it). */
export const policyContext = (state: WorkflowState, step?: PolicyStep): PolicyContext => ({
  tenantId: state.tenantId,
  instanceId: state.instanceId,
  marketRole: state.marketRole,
  templateId: state.templateId,
  templateVersion: state.templateVersion,
  ...(step === undefined ? {} : { step }),
  state
})

/** Every operation of the engine service, in the order the API presents them (facades build from it). */
export const engineOperations = [
  "publishTemplate",
  "publishPack",
  "create",
  "start",
  "executeStep",
  "pause",
  "resume",
  "validate",
  "submit",
  "approve",
  "reject",
  "rollback",
  "fail",
  "fireDueTimers",
  "runAutomaticStep",
  "get",
  "list",
  "events",
  "stateAt"
] as const
