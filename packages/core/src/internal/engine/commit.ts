/**
 * Deciding and committing, and the common shape of a command on an existing instance: decode,
 * load (one store call), authorise, replay a keyed repeat, check the expected version, build the
 * decider command (running a handler where there is one), decide, commit (the second store call).
 * A keyed command that loses the race against its own repeat returns the winner's result.
 */
import { Effect, Result } from "effect"
import { type Access, accessOf } from "../../Access.js"
import type { Actor } from "../../Actor.js"
import type { Command } from "../../Command.js"
import { decide } from "../../Decide.js"
import type { Forbidden, IdempotencyKeyReused, IllegalTransition, InvalidCommand } from "../../DomainError.js"
import type { WorkflowEvent } from "../../Event.js"
import { fold } from "../../Evolve.js"
import type { OutboxMessage } from "../../Outbox.js"
import type { Operation, PolicyStep } from "../../Policy.js"
import type { WorkflowState } from "../../State.js"
import { type StorageError, storageError } from "../../StorageError.js"
import type { Template } from "../../Template.js"
import { authorize, conflict, type EngineContext, isConflict, nowIso, policyContext } from "./context.js"
import { fingerprint as fingerprintOf } from "./input.js"
import { type CommandResult, loadInstance, loadTemplate, replayResult, sameCommand } from "./load.js"

/** A decider command and the messages it queues, from the events decided. */
export interface Built {
  readonly command: Command
  readonly messages?: (events: ReadonlyArray<WorkflowEvent>) => ReadonlyArray<OutboxMessage>
}

/** Decides `command` on `state` and commits the events, the state they lead to and the messages. */
export const commitDecision = <R>(
  ctx: EngineContext<R>,
  access: Access,
  operation: string,
  state: WorkflowState | undefined,
  built: Built,
  template: Template
): Effect.Effect<CommandResult, IllegalTransition | InvalidCommand | StorageError> =>
  Effect.suspend((): Effect.Effect<CommandResult, IllegalTransition | InvalidCommand | StorageError> => {
    const decided = decide(state, built.command, template, ctx.decideOptions)
    if (Result.isFailure(decided)) return Effect.fail(decided.failure)
    const events = decided.success
    const next = fold(events, state) as WorkflowState
    const messages = built.messages?.(events) ?? []
    return ctx.store.commit(access, { events, expectedVersion: state?.version ?? 0, state: next, messages }).pipe(
      Effect.mapError((error) => (error.operation === operation ? error : storageError(operation, error.reason))),
      Effect.as({ state: next, events } satisfies CommandResult)
    )
  })

/** The envelope of a decider command built from an operation's input. */
export const envelope = (
  input: { readonly actor: Actor; readonly expectedVersion: number; readonly idempotencyKey?: string | undefined },
  at: string,
  fingerprint: string | undefined
) => ({
  actor: input.actor,
  expectedVersion: input.expectedVersion,
  at,
  ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
  ...(fingerprint === undefined ? {} : { fingerprint })
})

/** What {@link runCommand} needs to know about an operation. */
export interface CommandSpec<E, R2> {
  readonly operation: Operation
  readonly input: {
    readonly actor: Actor
    readonly instanceId: string
    readonly expectedVersion: number
    readonly idempotencyKey?: string | undefined
  }
  /** The arguments that make two commands under one key the same command. */
  readonly args: unknown
  /** The step the command acts on (for the policy), from the state and template. */
  readonly step?: (state: WorkflowState, template: Template) => PolicyStep | undefined
  /** The decider command, built on the loaded state (may run a handler). */
  readonly build: (
    state: WorkflowState,
    template: Template,
    at: string,
    fingerprint: string | undefined
  ) => Effect.Effect<Built, E, R2>
}

/** Replays the original result of a keyed repeat that lost a commit race, or fails with the conflict. */
export const replayOnConflict =
  <R>(
    ctx: EngineContext<R>,
    access: Access,
    operation: Operation,
    instanceId: string,
    key: string | undefined,
    fingerprint: string | undefined
  ) =>
  <A extends CommandResult, E, R2>(
    self: Effect.Effect<A, E, R2>
  ): Effect.Effect<A | CommandResult, E | IdempotencyKeyReused | StorageError, R2> =>
    key === undefined
      ? self
      : Effect.catch(
          self,
          (error: E): Effect.Effect<CommandResult, E | IdempotencyKeyReused | StorageError> =>
            isConflict(error)
              ? Effect.flatMap(
                  ctx.store.load(access, instanceId, key),
                  ({ state, prior }): Effect.Effect<CommandResult, E | IdempotencyKeyReused | StorageError> =>
                    // nothing visible (another tenant holds the id) or nothing of this key: the conflict stands
                    state === undefined || prior.length === 0
                      ? Effect.fail(error)
                      : Effect.andThen(
                          sameCommand(prior, fingerprint, operation, instanceId, key),
                          replayResult(ctx, access, state, prior)
                        )
                )
              : Effect.fail(error)
        )

/** Runs a command on an existing instance (see the module doc). Combinators, not a generator: it is the hot path. */
export const runCommand = <R, E, R2>(
  ctx: EngineContext<R>,
  spec: CommandSpec<E, R2>
): Effect.Effect<CommandResult, E | EngineFailure, R2> => {
  const { input, operation } = spec
  const access = accessOf(input.actor)
  const key = input.idempotencyKey
  const fingerprint = key === undefined ? undefined : fingerprintOf(operation, input.instanceId, input.actor, spec.args)
  type Out = Effect.Effect<CommandResult, E | EngineFailure, R2>
  const body = Effect.flatMap(
    loadInstance(ctx, access, input.instanceId, operation, key),
    ({ state, prior }): Out =>
      Effect.flatMap(
        loadTemplate(ctx, state.templateId, state.templateVersion, operation),
        (template): Out =>
          Effect.flatMap(
            authorize(input.actor, operation, policyContext(state, spec.step?.(state, template))),
            (): Out => {
              if (key !== undefined && prior.length > 0) {
                return Effect.andThen(
                  sameCommand(prior, fingerprint, operation, input.instanceId, key),
                  replayResult(ctx, access, state, prior)
                )
              }
              if (state.version !== input.expectedVersion) {
                return Effect.fail(conflict(operation, input.expectedVersion, state.version))
              }
              return Effect.flatMap(nowIso, (at) =>
                Effect.flatMap(spec.build(state, template, at, fingerprint), (built) =>
                  commitDecision(ctx, access, operation, state, built, template)
                )
              )
            }
          )
      )
  )
  return body.pipe(replayOnConflict(ctx, access, operation, input.instanceId, key, fingerprint))
}

/** What the shared steps of a command can fail with. */
type EngineFailure = IllegalTransition | InvalidCommand | IdempotencyKeyReused | Forbidden | StorageError

export type { StorageError }
