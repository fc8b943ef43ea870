/**
 * The system's operations, for work no person does — what a worker calls for an instance the index
 * lists as due:
 *
 * - `fireDueTimers` records the current step's deadlines that are due by the engine's clock, with
 *   their escalations (and queues the notifications), at the expected version: of two workers
 *   racing on one timer, one records it and the other finds nothing due.
 * - `runAutomaticStep` runs the current step when it is due to run by itself: an automatic step
 *   that became current, a queued or abandoned (lease ended) deferred attempt, a retry whose backoff
 *   has passed. A deferred attempt is claimed first (a commit with a lease), run, and its outcome
 *   recorded at the version of the claim — a worker whose claim was taken over gets a `Conflict`,
 *   the event log's fencing. A failed attempt is a result here, not an error; a retryable one is
 *   scheduled again after the step's backoff.
 *
 * Both return `{ state, events: [] }` when nothing is due.
 */
import { Effect, Random } from "effect"
import { type Access, accessOf } from "../../Access.js"
import type { Actor } from "../../Actor.js"
import type { StepOutcome } from "../../Command.js"
import { dueTimers } from "../../Deadlines.js"
import { SystemCommand } from "../../Inputs.js"
import type { Json } from "../../Json.js"
import { retryDelay } from "../../Retry.js"
import type { WorkflowState } from "../../State.js"
import { isAutomatic, isDeferred, type StepContext } from "../../StepHandler.js"
import { stepContext } from "../stepContext.js"
import { commitDecision } from "./commit.js"
import { authorize, conflict, type EngineContext, isConflict, nowIso, policyContext } from "./context.js"
import { decodeStepInput, execute, type ResolvedStep, resolveStep } from "./handlers.js"
import { decodeInput } from "./input.js"
import { type CommandResult, loadInstance, loadTemplate } from "./load.js"
import { deadlineMessages, handlerMessages } from "./messages.js"

const DEFAULT_LEASE_MS = 60_000

const systemEnvelope = (actor: Actor, expectedVersion: number, at: string) => ({ actor, expectedVersion, at })

const loadFor = <R>(ctx: EngineContext<R>, operation: "fireDueTimers" | "runAutomaticStep", input: SystemCommand) =>
  Effect.gen(function* () {
    const access = accessOf(input.actor)
    const { state } = yield* loadInstance(ctx, access, input.instanceId, operation)
    const template = yield* loadTemplate(ctx, state.templateId, state.templateVersion, operation)
    const step = state.currentStepId === null ? undefined : template.steps.find((s) => s.id === state.currentStepId)
    yield* authorize(
      input.actor,
      operation,
      policyContext(state, step && { id: step.id, type: step.type, config: step.config })
    )
    if (input.expectedVersion !== undefined && input.expectedVersion !== state.version) {
      return yield* conflict(operation, input.expectedVersion, state.version)
    }
    return { access, state, template }
  })

export const fireDueTimers = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("fireDueTimers", SystemCommand, raw, ctx.limits)
    const once = Effect.gen(function* () {
      const { access, state, template } = yield* loadFor(ctx, "fireDueTimers", input)
      const at = yield* nowIso
      if (dueTimers(state, at).length === 0) return { state, events: [] } satisfies CommandResult
      return yield* commitDecision(
        ctx,
        access,
        "fireDueTimers",
        state,
        {
          command: { _tag: "FireDueTimers", ...systemEnvelope(input.actor, state.version, at) },
          messages: deadlineMessages(state, at)
        },
        template
      )
    })
    // Lost the race to another worker: look again (what it fired is no longer due).
    return yield* once.pipe(
      Effect.catch((error) => (isConflict(error) && input.expectedVersion === undefined ? once : Effect.fail(error)))
    )
  })

/** The outcome, with the retry time of a retryable failure when the step's policy allows another attempt. */
const withRetry = (resolved: ResolvedStep<unknown>, attempt: number, at: string, outcome: StepOutcome) =>
  Effect.gen(function* () {
    const policy = resolved.step.retry
    if (
      outcome._tag !== "Failed" ||
      !outcome.error.retryable ||
      policy === undefined ||
      attempt >= policy.maxAttempts
    ) {
      return outcome
    }
    const delay = retryDelay(policy, attempt, yield* Random.next)
    return { ...outcome, retryAt: new Date(Date.parse(at) + delay).toISOString() } satisfies StepOutcome
  })

const nothing = (state: WorkflowState): CommandResult => ({ state, events: [] })

export const runAutomaticStep = <R>(ctx: EngineContext<R>, raw: unknown) =>
  Effect.gen(function* () {
    const input = yield* decodeInput("runAutomaticStep", SystemCommand, raw, ctx.limits)
    const { access, state, template } = yield* loadFor(ctx, "runAutomaticStep", input)
    const at = yield* nowIso
    const stepId = state.currentStepId
    if (
      state.status !== "IN_PROGRESS" ||
      stepId === null ||
      state.runAt === undefined ||
      Date.parse(state.runAt) > Date.parse(at)
    ) {
      return nothing(state)
    }
    const resolved = yield* resolveStep(ctx, template, stepId, "runAutomaticStep")
    const current = state.stepStates[stepId]
    const queued = current?.status === "running"
    if (!isDeferred(resolved.handler, resolved.config) && !queued) {
      if (!isAutomatic(resolved.handler, resolved.config)) return nothing(state)
      return yield* runAtOnce(ctx, access, input.actor, state, template, resolved, at)
    }
    return yield* runDeferred(ctx, access, input, state, template, resolved, at)
  })

const automaticInput = <R>(ctx: EngineContext<R>, resolved: ResolvedStep<R>, stored: Json | undefined) =>
  decodeStepInput(ctx, resolved, stored ?? null)

/**
 * Runs the handler as the system: the outcome (with its retry time), the messages to queue, and
 * the instant they are recorded at (`finishedAt`, read once the handler returned).
 */
const runHandler = <R>(
  ctx: EngineContext<R>,
  resolved: ResolvedStep<R>,
  decoded: unknown,
  context: StepContext,
  finishedAt: Effect.Effect<string>
) =>
  Effect.gen(function* () {
    const run = yield* execute(ctx, resolved, decoded, context, "runAutomaticStep", context.actor)
    const at = yield* finishedAt
    const outcome = yield* withRetry(resolved as ResolvedStep<unknown>, context.attempt, at, run.outcome)
    return { outcome, at, messages: handlerMessages(context.state, context.idempotencyKey, at, run.messages) }
  })

/** An automatic step run and recorded in one commit. */
const runAtOnce = <R>(
  ctx: EngineContext<R>,
  access: Access,
  actor: Actor,
  state: WorkflowState,
  template: Parameters<typeof commitDecision>[5],
  resolved: ResolvedStep<R>,
  at: string
) =>
  Effect.gen(function* () {
    const stepId = resolved.step.id
    const attempt = (state.stepStates[stepId]?.attempts ?? 0) + 1
    const context = stepContext(state, actor, stepId, attempt, at)
    const { decoded, recorded } = yield* automaticInput(ctx, resolved, undefined)
    const { outcome, messages } = yield* runHandler(ctx, resolved, decoded, context, Effect.succeed(at))
    return yield* commitDecision(
      ctx,
      access,
      "runAutomaticStep",
      state,
      {
        command: { _tag: "ExecuteStep", ...systemEnvelope(actor, state.version, at), stepId, input: recorded, outcome },
        messages
      },
      template
    )
  })

/** A deferred attempt: claim under a lease, run, record the outcome at the claim's version. */
const runDeferred = <R>(
  ctx: EngineContext<R>,
  access: Access,
  input: SystemCommand,
  state: WorkflowState,
  template: Parameters<typeof commitDecision>[5],
  resolved: ResolvedStep<R>,
  at: string
) =>
  Effect.gen(function* () {
    const { actor } = input
    const stepId = resolved.step.id
    const current = state.stepStates[stepId]
    const { decoded, recorded } = yield* automaticInput(
      ctx,
      resolved,
      // a queued or claimed attempt, or a retry after a failed one of this round, runs on the recorded input
      current !== undefined && (current.status === "running" || (current.status === "failed" && current.attempts > 0))
        ? current.input
        : undefined
    )
    const lease = {
      owner: actor.userId,
      until: new Date(Date.parse(at) + (input.leaseMs ?? DEFAULT_LEASE_MS)).toISOString()
    }
    const claimed = yield* commitDecision(
      ctx,
      access,
      "runAutomaticStep",
      state,
      { command: { _tag: "ClaimStep", ...systemEnvelope(actor, state.version, at), stepId, input: recorded, lease } },
      template
    )
    const attempt = claimed.state.stepStates[stepId]?.attempts ?? 1
    const context = stepContext(claimed.state, actor, stepId, attempt, at)
    const { outcome, messages, at: finished } = yield* runHandler(ctx, resolved, decoded, context, nowIso)
    const recordedOutcome = yield* commitDecision(
      ctx,
      access,
      "runAutomaticStep",
      claimed.state,
      {
        command: {
          _tag: "RecordOutcome",
          ...systemEnvelope(actor, claimed.state.version, finished),
          stepId,
          attempt,
          owner: actor.userId,
          outcome
        },
        messages
      },
      template
    )
    return {
      state: recordedOutcome.state,
      events: [...claimed.events, ...recordedOutcome.events]
    } satisfies CommandResult
  })
