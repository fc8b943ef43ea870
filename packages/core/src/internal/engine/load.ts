/**
 * Loading: the instance (one store call, with what its idempotency key already recorded), its
 * template (cached: published versions never change), and the original result of a command that
 * already ran under a key — returned only after the policy allowed the caller, and only when the
 * key was used for the same command (its fingerprint), otherwise `IdempotencyKeyReused`.
 */
import { Effect } from "effect"
import type { Access } from "../../Access.js"
import { IdempotencyKeyReused } from "../../DomainError.js"
import type { WorkflowEvent } from "../../Event.js"
import { rebuildState } from "../../Evolve.js"
import type { WorkflowState } from "../../State.js"
import { NotFound, storageError } from "../../StorageError.js"
import type { Template } from "../../Template.js"
import { type EngineContext, notFound } from "./context.js"

/** What a command returns: the state after it and the events it recorded. */
export interface CommandResult {
  readonly state: WorkflowState
  readonly events: ReadonlyArray<WorkflowEvent>
}

/** The instance's current state and the events `key` recorded; `NotFound` when it does not exist. */
export const loadInstance = <R>(
  ctx: EngineContext<R>,
  access: Access,
  instanceId: string,
  operation: string,
  key?: string
) =>
  Effect.flatMap(ctx.store.load(access, instanceId, key), (loaded) =>
    loaded.state === undefined
      ? Effect.fail(notFound(operation, instanceId))
      : Effect.succeed({ state: loaded.state, prior: loaded.prior })
  )

/** A published template version (the latest when `version` is undefined). */
export const loadTemplate = <R>(ctx: EngineContext<R>, id: string, version: number | undefined, operation: string) =>
  Effect.suspend(() => {
    const cached = version === undefined ? undefined : ctx.templateCache.get(`${id}@${version}`)
    if (cached !== undefined) return Effect.succeed(cached)
    return Effect.flatMap(
      version === undefined ? ctx.templates.getLatest(id) : ctx.templates.get(id, version),
      (template): Effect.Effect<Template, ReturnType<typeof storageError>> => {
        const key = `${id}@${version ?? "latest"}`
        if (template === undefined) {
          return Effect.fail(
            storageError(
              operation,
              new NotFound({ message: `template ${key} is not published`, entity: "template", id: key })
            )
          )
        }
        ctx.templateCache.set(`${template.id}@${template.version}`, template)
        return Effect.succeed(template)
      }
    )
  })

/** Fails with `IdempotencyKeyReused` when the key recorded another command than this one. */
export const sameCommand = (
  prior: ReadonlyArray<WorkflowEvent>,
  fingerprint: string | undefined,
  operation: string,
  instanceId: string,
  key: string
): Effect.Effect<void, IdempotencyKeyReused> =>
  prior.every((e) => e.fingerprint === fingerprint)
    ? Effect.void
    : Effect.fail(new IdempotencyKeyReused({ operation, instanceId, idempotencyKey: key }))

/**
 * The original result of a command from the events its key recorded: the state as of its last
 * event (the current state when nothing came after it, else rebuilt from the log) and the events.
 */
export const replayResult = <R>(
  ctx: EngineContext<R>,
  access: Access,
  current: WorkflowState,
  prior: ReadonlyArray<WorkflowEvent>
): Effect.Effect<CommandResult, ReturnType<typeof storageError>> => {
  const last = prior[prior.length - 1] as WorkflowEvent
  if (last.sequence === current.version) return Effect.succeed({ state: current, events: prior })
  return Effect.map(ctx.events.read(access, current.instanceId, { to: last.sequence }), (history) => ({
    state: rebuildState(history) as WorkflowState,
    events: prior
  }))
}
