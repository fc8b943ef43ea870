/**
 * The decider: a pure function from (state, command, template) to the events the command
 * produces, or a typed domain error. Nothing is read from a clock or generated at random: the
 * command brings its time, actor and ids.
 *
 * The status machine is exactly the seed's diagram plus the reviewer's reject path; it is exported
 * as data ({@link transitions}) so that docs, diagrams and tests read the same table the decider
 * enforces.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import type { Command, CommandOf, CommandTag, StepOutcome } from "./Command.js"
import { dueTimers, scheduleStep } from "./Deadlines.js"
import { IllegalTransition, InvalidCommand } from "./DomainError.js"
import type { WorkflowEvent } from "./Event.js"
import { fold } from "./Evolve.js"
import type { Json } from "./Json.js"
import type { WorkflowState } from "./State.js"
import type { WorkflowStatus } from "./Status.js"
import { findStep, firstStepId, nextStepId, type Step, type Template } from "./Template.js"

/**
 * The pseudo-status of an instance that does not exist yet.
 *
 * @since 0.1.0
 * @category status machine
 */
export type NoInstance = "NONE"

/**
 * One edge of the status machine: `command` from `from` leads to one of `to`.
 *
 * @since 0.1.0
 * @category status machine
 */
export interface Transition {
  readonly from: WorkflowStatus | NoInstance
  readonly command: CommandTag
  readonly to: ReadonlyArray<WorkflowStatus>
  readonly label: string
}

/**
 * The status machine as data. A command may have several edges from one status, one per outcome:
 * `ExecuteStep` stays `IN_PROGRESS`, leads to `AWAITING_VALIDATION` on the last step, or to `FAILED`
 * when a failed attempt exhausts the step's retry policy (a deferred attempt — `ClaimStep` then
 * `RecordOutcome` — has the same edges); a rollback (`BeginRollback`, `CompensateStep`,
 * `CompleteRollback`) keeps `IN_PROGRESS` or, from `PAUSED`, ends in `ROLLED_BACK`; a deadline
 * (`FireDueTimers`) notifies, pauses, fails or routes. Intermediate edges carry the label of the
 * operation they belong to, so the diagram draws each operation once.
 *
 * @since 0.1.0
 * @category status machine
 */
export const transitions: ReadonlyArray<Transition> = [
  { from: "NONE", command: "CreateWorkflow", to: ["DRAFT"], label: "createWorkflow()" },
  { from: "DRAFT", command: "StartWorkflow", to: ["IN_PROGRESS"], label: "startWorkflow()" },
  { from: "IN_PROGRESS", command: "PauseWorkflow", to: ["PAUSED"], label: "pause()" },
  { from: "PAUSED", command: "ResumeWorkflow", to: ["IN_PROGRESS"], label: "resume()" },
  { from: "IN_PROGRESS", command: "ExecuteStep", to: ["IN_PROGRESS"], label: "executeStep()" },
  { from: "IN_PROGRESS", command: "ExecuteStep", to: ["AWAITING_VALIDATION"], label: "executeLastStep()" },
  { from: "IN_PROGRESS", command: "ExecuteStep", to: ["FAILED"], label: "error" },
  { from: "AWAITING_VALIDATION", command: "SubmitWorkflow", to: ["SUBMITTED"], label: "validate() + submit()" },
  { from: "SUBMITTED", command: "ApproveWorkflow", to: ["COMPLETED"], label: "approve()" },
  { from: "SUBMITTED", command: "RejectWorkflow", to: ["IN_PROGRESS"], label: "reject()" },
  { from: "IN_PROGRESS", command: "BeginRollback", to: ["IN_PROGRESS"], label: "rollback(toStepId)" },
  { from: "IN_PROGRESS", command: "CompensateStep", to: ["IN_PROGRESS"], label: "rollback(toStepId)" },
  { from: "IN_PROGRESS", command: "CompleteRollback", to: ["IN_PROGRESS"], label: "rollback(toStepId)" },
  { from: "PAUSED", command: "BeginRollback", to: ["PAUSED"], label: "rollback(toStepId)" },
  { from: "PAUSED", command: "CompensateStep", to: ["PAUSED"], label: "rollback(toStepId)" },
  { from: "PAUSED", command: "CompleteRollback", to: ["ROLLED_BACK"], label: "rollback(toStepId)" },
  { from: "ROLLED_BACK", command: "ResumeWorkflow", to: ["IN_PROGRESS"], label: "resume()" },
  { from: "IN_PROGRESS", command: "FailWorkflow", to: ["FAILED"], label: "error" },
  { from: "PAUSED", command: "FailWorkflow", to: ["FAILED"], label: "timeout/error" },
  { from: "IN_PROGRESS", command: "ClaimStep", to: ["IN_PROGRESS"], label: "executeStep()" },
  { from: "IN_PROGRESS", command: "RecordOutcome", to: ["IN_PROGRESS"], label: "executeStep()" },
  { from: "IN_PROGRESS", command: "RecordOutcome", to: ["AWAITING_VALIDATION"], label: "executeLastStep()" },
  { from: "IN_PROGRESS", command: "RecordOutcome", to: ["FAILED"], label: "error" },
  { from: "IN_PROGRESS", command: "FireDueTimers", to: ["IN_PROGRESS"], label: "executeStep()" },
  { from: "IN_PROGRESS", command: "FireDueTimers", to: ["PAUSED"], label: "deadline" },
  { from: "IN_PROGRESS", command: "FireDueTimers", to: ["FAILED"], label: "error" },
  { from: "PAUSED", command: "FireDueTimers", to: ["PAUSED"], label: "timeout/error" },
  { from: "PAUSED", command: "FireDueTimers", to: ["FAILED"], label: "timeout/error" }
]

const allowed = new Set(transitions.map((t) => `${t.from}:${t.command}`))

/**
 * Whether the status machine has an edge for `command` from `status`.
 *
 * @since 0.1.0
 * @category status machine
 */
export const isAllowed = (status: WorkflowStatus | NoInstance, command: CommandTag): boolean =>
  allowed.has(`${status}:${command}`)

const rollbackCommands: ReadonlySet<CommandTag> = new Set([
  "BeginRollback",
  "CompensateStep",
  "CompleteRollback",
  "FailWorkflow"
])

type Draft = {
  readonly [K in WorkflowEvent["type"]]: Omit<
    Extract<WorkflowEvent, { readonly type: K }>,
    | "schemaVersion"
    | "instanceId"
    | "tenantId"
    | "sequence"
    | "performedBy"
    | "occurredAt"
    | "commandId"
    | "fingerprint"
  >
}[WorkflowEvent["type"]]

const stamp = (
  instanceId: string,
  tenantId: string,
  version: number,
  command: Command,
  drafts: ReadonlyArray<Draft>
): ReadonlyArray<WorkflowEvent> =>
  drafts.map(
    (draft, i) =>
      ({
        schemaVersion: 1,
        instanceId,
        tenantId,
        sequence: version + i + 1,
        performedBy: command.actor.userId,
        occurredAt: command.at,
        ...(command.idempotencyKey === undefined ? {} : { commandId: command.idempotencyKey }),
        ...(command.fingerprint === undefined ? {} : { fingerprint: command.fingerprint }),
        ...draft
      }) as WorkflowEvent
  )

const invalid = (command: Command, reason: string) => Result.fail(new InvalidCommand({ command: command._tag, reason }))

/**
 * What the decider returns: the events, or why the command cannot run.
 *
 * @since 0.1.0
 * @category decider
 */
export type Decision = Result.Result<ReadonlyArray<WorkflowEvent>, IllegalTransition | InvalidCommand>

/**
 * What the decider needs to know beyond the template: which steps run by themselves when they
 * become current (their handler is automatic). By default none does.
 *
 * @since 0.1.0
 * @category decider
 */
export interface DecideOptions {
  readonly automatic?: (step: Step) => boolean
}

/**
 * Decides the events a command produces on an instance, or why it cannot run. When the events
 * make a step current that has deadlines or runs by itself, a `STEP_SCHEDULED` event follows with
 * the due times.
 *
 * @param state - the instance's current state (`undefined` before creation)
 * @param command - the command, with actor, expected version and time
 * @param template - the template version the instance runs
 * @param options - which steps are automatic
 *
 * @since 0.1.0
 * @category decider
 */
export const decide = (
  state: WorkflowState | undefined,
  command: Command,
  template: Template,
  options: DecideOptions = {}
): Decision => {
  if (state === undefined) {
    if (command._tag !== "CreateWorkflow")
      return Result.fail(new IllegalTransition({ status: "NONE", command: command._tag }))
    return create(command, template)
  }
  if (!isAllowed(state.status, command._tag)) {
    return Result.fail(
      new IllegalTransition({ status: state.status, command: command._tag, instanceId: state.instanceId })
    )
  }
  if (template.id !== state.templateId || template.version !== state.templateVersion) {
    return invalid(
      command,
      `template ${template.id}@${template.version} was given for an instance of ${state.templateId}@${state.templateVersion}`
    )
  }
  if (state.rollback !== undefined && !rollbackCommands.has(command._tag)) {
    return invalid(command, `a rollback to ${state.rollback.toStepId} is in progress; retry the rollback first`)
  }
  const emit = (...drafts: ReadonlyArray<Draft>): Decision =>
    Result.succeed(
      schedule(
        state,
        stamp(state.instanceId, state.tenantId, state.version, command, drafts),
        command,
        template,
        options
      )
    )
  switch (command._tag) {
    case "CreateWorkflow":
      return Result.fail(
        new IllegalTransition({ status: state.status, command: command._tag, instanceId: state.instanceId })
      )
    case "StartWorkflow":
      return emit({ type: "WORKFLOW_STARTED", stepId: firstStepId(template), data: {} })
    case "ExecuteStep":
      return executeStep(state, command, template, emit)
    case "ClaimStep":
      return claimStep(state, command, template, emit)
    case "RecordOutcome":
      return recordOutcome(state, command, template, emit)
    case "FireDueTimers":
      return fireDueTimers(state, command, emit)
    case "PauseWorkflow":
      return emit({ type: "WORKFLOW_PAUSED", data: command.reason === undefined ? {} : { reason: command.reason } })
    case "ResumeWorkflow":
      return emit({ type: "WORKFLOW_RESUMED", data: {} })
    case "SubmitWorkflow":
      return emit({
        type: "WORKFLOW_SUBMITTED",
        data: command.comment === undefined ? {} : { comment: command.comment }
      })
    case "ApproveWorkflow":
      return emit(
        { type: "WORKFLOW_APPROVED", data: command.comment === undefined ? {} : { comment: command.comment } },
        { type: "WORKFLOW_COMPLETED", data: {} }
      )
    case "RejectWorkflow": {
      const to = command.toStepId ?? state.currentStepId
      if (to === null || state.stepStates[to]?.status !== "completed") {
        return invalid(command, `step ${to} has not been completed, so changes cannot be requested on it`)
      }
      return emit({ type: "WORKFLOW_REJECTED", stepId: to, data: { reason: command.reason } })
    }
    case "BeginRollback": {
      if (state.rollback !== undefined) {
        return invalid(command, `a rollback to ${state.rollback.toStepId} is already in progress`)
      }
      if (state.stepStates[command.toStepId]?.status !== "completed") {
        return invalid(command, `step ${command.toStepId} has not been completed, so there is nothing to roll back to`)
      }
      // A step can be compensated while it holds the output of a completion that no compensation
      // undid — also when a later attempt (after a request for changes) failed or is running.
      const notCompleted = command.compensate.find((id) => state.stepStates[id]?.data === undefined)
      if (notCompleted !== undefined)
        return invalid(command, `step ${notCompleted} is not completed and cannot be compensated`)
      return emit({
        type: "WORKFLOW_ROLLBACK_STARTED",
        stepId: command.toStepId,
        data: { compensate: command.compensate, reset: command.reset }
      })
    }
    case "CompensateStep": {
      const next = state.rollback?.pending[0]
      if (next !== command.stepId) {
        return invalid(command, next === undefined ? "no compensation is pending" : `the next compensation is ${next}`)
      }
      return emit({
        type: "STEP_COMPENSATED",
        stepId: command.stepId,
        data: {
          rollbackTo: (state.rollback as NonNullable<WorkflowState["rollback"]>).toStepId,
          skipped: command.skipped,
          result: command.result
        }
      })
    }
    case "CompleteRollback": {
      const rollback = state.rollback
      if (rollback === undefined) return invalid(command, "no rollback is in progress")
      if (rollback.pending.length > 0)
        return invalid(command, `compensations still pending: ${rollback.pending.join(", ")}`)
      return emit({
        type: "WORKFLOW_ROLLED_BACK",
        stepId: rollback.toStepId,
        data: {
          compensated: rollback.compensated,
          reset: rollback.reset,
          status: state.status === "PAUSED" ? "ROLLED_BACK" : "IN_PROGRESS"
        }
      })
    }
    case "FailWorkflow":
      return emit({
        type: "WORKFLOW_FAILED",
        data:
          command.stepId === undefined ? { reason: command.reason } : { reason: command.reason, stepId: command.stepId }
      })
  }
}

const create = (command: CommandOf<"CreateWorkflow">, template: Template): Decision => {
  if (template.id !== command.templateId || template.version !== command.templateVersion) {
    return invalid(
      command,
      `template ${template.id}@${template.version} was given for ${command.templateId}@${command.templateVersion}`
    )
  }
  return Result.succeed(
    stamp(command.instanceId, command.tenantId, 0, command, [
      {
        type: "WORKFLOW_CREATED",
        data: {
          templateId: command.templateId,
          templateVersion: command.templateVersion,
          marketRole: command.marketRole,
          firstStepId: firstStepId(template),
          metadata: command.metadata ?? {}
        }
      }
    ])
  )
}

type Emit = (...drafts: ReadonlyArray<Draft>) => Decision

/** The current step's definition, or why the command cannot address `stepId`. */
const currentStep = (
  state: WorkflowState,
  command: Command,
  stepId: string,
  template: Template
): Result.Result<Step, InvalidCommand> => {
  if (state.currentStepId !== stepId) {
    return invalid(command, `step ${stepId} is not the current step (${state.currentStepId ?? "none"})`)
  }
  const step = findStep(template, stepId)
  return step === undefined
    ? invalid(command, `step ${stepId} is not in template ${template.id}@${template.version}`)
    : Result.succeed(step)
}

const running = (state: WorkflowState, stepId: string, at: string): string | undefined => {
  const s = state.stepStates[stepId]
  if (s?.status !== "running") return undefined
  return s.lease !== undefined && Date.parse(s.lease.until) > Date.parse(at)
    ? `attempt ${s.attempts} of step ${stepId} is claimed by ${s.lease.owner} until ${s.lease.until}`
    : `attempt ${s.attempts} of step ${stepId} is queued for a worker`
}

/** The events of an attempt's outcome (after its `STEP_STARTED`). */
const outcomeDrafts = (
  state: WorkflowState,
  step: Step,
  attempt: number,
  outcome: StepOutcome,
  template: Template
): ReadonlyArray<Draft> => {
  const stepId = step.id
  switch (outcome._tag) {
    case "Failed": {
      const exhausted = step.retry !== undefined && attempt >= step.retry.maxAttempts
      const failed: Draft = {
        type: "STEP_FAILED",
        stepId,
        data:
          outcome.retryAt === undefined || exhausted || !outcome.error.retryable
            ? { attempt, error: outcome.error }
            : { attempt, error: outcome.error, retryAt: outcome.retryAt }
      }
      return exhausted
        ? [
            failed,
            {
              type: "WORKFLOW_FAILED",
              data: { reason: `step ${stepId} failed ${attempt} times: ${outcome.error.message}`, stepId }
            }
          ]
        : [failed]
    }
    case "Contributed":
      return [{ type: "STEP_CONTRIBUTED", stepId, data: { attempt, contribution: outcome.contribution } }]
    case "Completed": {
      const dataOf = (id: string): Json | undefined => state.stepStates[id]?.data
      const next = nextStepId(template, stepId, outcome.output, dataOf)
      const drafts: Array<Draft> = []
      if (outcome.contribution !== undefined) {
        drafts.push({ type: "STEP_CONTRIBUTED", stepId, data: { attempt, contribution: outcome.contribution } })
      }
      drafts.push({ type: "STEP_COMPLETED", stepId, data: { attempt, output: outcome.output, nextStepId: next } })
      if (next === null) drafts.push({ type: "WORKFLOW_AWAITING_VALIDATION", data: {} })
      return drafts
    }
  }
}

const executeStep = (state: WorkflowState, command: CommandOf<"ExecuteStep">, template: Template, emit: Emit) => {
  const step = currentStep(state, command, command.stepId, template)
  if (Result.isFailure(step)) return Result.fail(step.failure)
  const busy = running(state, command.stepId, command.at)
  if (busy !== undefined) return invalid(command, busy)
  const attempt = (state.stepStates[command.stepId]?.attempts ?? 0) + 1
  return emit(
    { type: "STEP_STARTED", stepId: command.stepId, data: { attempt, input: command.input } },
    ...outcomeDrafts(state, step.success, attempt, command.outcome, template)
  )
}

const claimStep = (state: WorkflowState, command: CommandOf<"ClaimStep">, template: Template, emit: Emit) => {
  const step = currentStep(state, command, command.stepId, template)
  if (Result.isFailure(step)) return Result.fail(step.failure)
  const current = state.stepStates[command.stepId]
  const lease = current?.lease
  if (current?.status === "running" && lease !== undefined && Date.parse(lease.until) > Date.parse(command.at)) {
    return invalid(
      command,
      `attempt ${current.attempts} of step ${command.stepId} is claimed by ${lease.owner} until ${lease.until}`
    )
  }
  // a running attempt (queued, or claimed by a worker whose lease ended) is claimed again as the same attempt
  const again = current?.status === "running"
  const attempt = again ? current.attempts : (current?.attempts ?? 0) + 1
  const input = again ? (current.input ?? command.input) : command.input
  return emit({
    type: "STEP_STARTED",
    stepId: command.stepId,
    data: command.lease === undefined ? { attempt, input } : { attempt, input, lease: command.lease }
  })
}

const recordOutcome = (state: WorkflowState, command: CommandOf<"RecordOutcome">, template: Template, emit: Emit) => {
  const step = currentStep(state, command, command.stepId, template)
  if (Result.isFailure(step)) return Result.fail(step.failure)
  const current = state.stepStates[command.stepId]
  if (current?.status !== "running" || current.attempts !== command.attempt) {
    return invalid(command, `attempt ${command.attempt} of step ${command.stepId} is not running`)
  }
  if (command.owner !== undefined && current.lease !== undefined && current.lease.owner !== command.owner) {
    return invalid(command, `attempt ${command.attempt} of step ${command.stepId} is claimed by ${current.lease.owner}`)
  }
  return emit(...outcomeDrafts(state, step.success, command.attempt, command.outcome, template))
}

const fireDueTimers = (state: WorkflowState, command: CommandOf<"FireDueTimers">, emit: Emit) => {
  const due = dueTimers(state, command.at)
  const stepId = state.currentStepId
  if (due.length === 0 || stepId === null) return invalid(command, "no deadline is due")
  const drafts: Array<Draft> = []
  let status = state.status
  for (const timer of due) {
    drafts.push({
      type: "TIMER_FIRED",
      stepId,
      data: { timerId: timer.id, dueAt: timer.dueAt, escalation: timer.escalation }
    })
    const escalation = timer.escalation
    const reason = (given: string | undefined) => given ?? `deadline ${timer.id} of step ${stepId} passed`
    if (escalation.kind === "pause") {
      if (status === "IN_PROGRESS") {
        drafts.push({ type: "WORKFLOW_PAUSED", data: { reason: reason(escalation.reason) } })
        status = "PAUSED"
      }
    } else if (escalation.kind === "fail") {
      drafts.push({ type: "WORKFLOW_FAILED", data: { reason: reason(escalation.reason), stepId } })
      break
    } else if (escalation.kind === "route") {
      drafts.push({
        type: "WORKFLOW_ROUTED",
        stepId: escalation.to,
        data: { from: stepId, reason: reason(escalation.reason) }
      })
      break
    }
  }
  return emit(...drafts)
}

/** The step an event makes current, if it makes one current. */
const enteredBy = (event: WorkflowEvent): string | undefined => {
  switch (event.type) {
    case "WORKFLOW_STARTED":
    case "WORKFLOW_REJECTED":
    case "WORKFLOW_ROLLED_BACK":
    case "WORKFLOW_ROUTED":
      return event.stepId
    case "STEP_COMPLETED":
      return event.data.nextStepId ?? undefined
    default:
      return undefined
  }
}

/** Appends `STEP_SCHEDULED` when the events make a step current that has deadlines or runs by itself. */
const schedule = (
  state: WorkflowState,
  events: ReadonlyArray<WorkflowEvent>,
  command: Command,
  template: Template,
  options: DecideOptions
): ReadonlyArray<WorkflowEvent> => {
  let entry: WorkflowEvent | undefined
  let stepId: string | undefined
  for (const event of events) {
    const entered = enteredBy(event)
    if (entered !== undefined) {
      entry = event
      stepId = entered
    }
  }
  if (entry === undefined || stepId === undefined) return events
  const step = findStep(template, stepId)
  const automatic = step !== undefined && options.automatic?.(step) === true
  if (step === undefined || ((step.deadlines?.length ?? 0) === 0 && !automatic)) return events
  const after = fold(events, state) as WorkflowState
  if (after.currentStepId !== stepId) return events
  const planned = scheduleStep(step, after, entry.occurredAt, automatic)
  const last = events[events.length - 1] as WorkflowEvent
  const [scheduled] = stamp(state.instanceId, state.tenantId, last.sequence, command, [
    {
      type: "STEP_SCHEDULED",
      stepId,
      data:
        planned.runAt === undefined
          ? { timers: planned.timers, skipped: planned.skipped }
          : { timers: planned.timers, skipped: planned.skipped, runAt: planned.runAt }
    }
  ])
  return [...events, scheduled as WorkflowEvent]
}
