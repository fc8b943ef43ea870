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
import type { Command, CommandOf, CommandTag } from "./Command.js"
import { IllegalTransition, type InvalidCommand } from "./DomainError.js"
import type { WorkflowEvent } from "./Event.js"
import { type Draft, invalid, stamp } from "./internal/decider/draft.js"
import { schedule } from "./internal/decider/schedule.js"
import { claimStep, executeStep, fireDueTimers, recordOutcome } from "./internal/decider/steps.js"
import type { WorkflowState } from "./State.js"
import type { WorkflowStatus } from "./Status.js"
import { firstStepId, type Step, type Template } from "./Template.js"

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

const allowed = new Map<string, Set<CommandTag>>()
for (const t of transitions) {
  const commands = allowed.get(t.from) ?? new Set<CommandTag>()
  commands.add(t.command)
  allowed.set(t.from, commands)
}

/**
 * Whether the status machine has an edge for `command` from `status`.
 *
 * @since 0.1.0
 * @category status machine
 */
export const isAllowed = (status: WorkflowStatus | NoInstance, command: CommandTag): boolean =>
  allowed.get(status)?.has(command) === true

const rollbackCommands: ReadonlySet<CommandTag> = new Set([
  "BeginRollback",
  "CompensateStep",
  "CompleteRollback",
  "FailWorkflow"
])

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
