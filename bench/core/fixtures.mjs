/**
 * The workloads of the core benchmark: a 6-step onboarding template, the commands of one full run
 * (create, start, 6 steps, submit, approve), an XState v5 machine that models the same workflow
 * (same statuses, current step, per-step data and timestamps, version), and an event log
 * serialized as JSON rows.
 */
import { decide, evolve } from "@workflow-manager/core"
import { assign, setup } from "xstate"

const form = (id, fields) => ({ id, type: "form", config: { fields } })

/** Six steps, default path. */
export const template = {
  schemaVersion: 1,
  id: "bench-onboarding",
  version: 1,
  name: "Benchmark onboarding",
  marketRole: "BRP",
  steps: [
    form("company-info", { companyName: { required: true }, vat: { pattern: "^BE\\d{10}$" } }),
    form("contacts", { email: { required: true } }),
    form("portfolio", { accessPoints: { required: true } }),
    form("metering", { meterId: { required: true } }),
    { id: "approval", type: "approval", config: { approverRole: "market_ops" } },
    { id: "activation", type: "activation", config: { system: "settlement" } }
  ]
}

const actor = { userId: "u-1", tenantId: "engie-be", role: "brp_admin", permissions: [] }
const T0 = Date.parse("2026-11-26T09:00:00.000Z")
const at = (i) => new Date(T0 + i * 1000).toISOString()
const stepIds = template.steps.map((s) => s.id)
const inputOf = (id) => ({ field: id, value: `${id}-value`, n: 42 })

/** The 10 commands of a full run (expectedVersion is checked by the engine, not by decide). */
export const commands = [
  {
    _tag: "CreateWorkflow",
    actor,
    expectedVersion: 0,
    at: at(0),
    instanceId: "wf-1",
    tenantId: "engie-be",
    templateId: template.id,
    templateVersion: 1,
    marketRole: "BRP",
    metadata: {}
  },
  { _tag: "StartWorkflow", actor, expectedVersion: 1, at: at(1) },
  ...stepIds.map((stepId, i) => ({
    _tag: "ExecuteStep",
    actor,
    expectedVersion: 2 + 2 * i,
    at: at(2 + i),
    stepId,
    input: inputOf(stepId),
    outcome: { _tag: "Completed", output: inputOf(stepId) }
  })),
  { _tag: "SubmitWorkflow", actor, expectedVersion: 15, at: at(8) },
  { _tag: "ApproveWorkflow", actor, expectedVersion: 16, at: at(9) }
]

/** One full run with our decider and reducer; returns the final state. */
export const runOurs = () => {
  let state
  for (const command of commands) {
    const decision = decide(state, command, template)
    if (decision._tag !== "Success") throw new Error(`rejected: ${decision.failure.message}`)
    for (const event of decision.success) state = evolve(state, event)
  }
  return state
}

// ---------------------------------------------------------------------------------------------
// XState v5: the same workflow as a machine (statuses as states, steps in context).

const stepState = (context, event) => ({
  ...context.stepStates,
  [event.stepId]: {
    status: "completed",
    attempts: (context.stepStates[event.stepId]?.attempts ?? 0) + 1,
    input: event.input,
    data: event.output,
    startedAt: event.at,
    completedAt: event.at
  }
})
const stamp = (context, event, extra) => ({ version: context.version + extra, updatedAt: event.at })

/** The workflow machine with a given initial context (its `context` option). */
export const workflowMachine = (context) =>
  setup({
    guards: {
      isCurrent: ({ context, event }) => event.stepId === context.currentStepId,
      isLast: ({ context, event }) =>
        event.stepId === context.currentStepId && context.stepIds.indexOf(event.stepId) === context.stepIds.length - 1
    },
    actions: {
      start: assign(({ context, event }) => ({ currentStepId: context.stepIds[0], ...stamp(context, event, 1) })),
      complete: assign(({ context, event }) => {
        const index = context.stepIds.indexOf(event.stepId)
        return {
          stepStates: stepState(context, event),
          currentStepId: context.stepIds[index + 1] ?? event.stepId,
          ...stamp(context, event, 2)
        }
      }),
      completeLast: assign(({ context, event }) => ({
        stepStates: stepState(context, event),
        ...stamp(context, event, 3)
      })),
      bump: assign(({ context, event }) => stamp(context, event, 1)),
      approve: assign(({ context, event }) => ({ currentStepId: null, ...stamp(context, event, 2) }))
    }
  }).createMachine({
    id: "workflow",
    initial: "DRAFT",
    context,
    states: {
      DRAFT: { on: { START: { target: "IN_PROGRESS", actions: "start" } } },
      IN_PROGRESS: {
        on: {
          EXECUTE: [
            { guard: "isLast", target: "AWAITING_VALIDATION", actions: "completeLast" },
            { guard: "isCurrent", actions: "complete" }
          ],
          PAUSE: { target: "PAUSED", actions: "bump" },
          FAIL: { target: "FAILED", actions: "bump" }
        }
      },
      PAUSED: {
        on: {
          RESUME: { target: "IN_PROGRESS", actions: "bump" },
          ROLLBACK: { target: "ROLLED_BACK", actions: "bump" },
          FAIL: { target: "FAILED", actions: "bump" }
        }
      },
      ROLLED_BACK: { on: { RESUME: { target: "IN_PROGRESS", actions: "bump" } } },
      AWAITING_VALIDATION: { on: { SUBMIT: { target: "SUBMITTED", actions: "bump" } } },
      SUBMITTED: {
        on: {
          APPROVE: { target: "COMPLETED", actions: "approve" },
          REJECT: { target: "IN_PROGRESS", actions: "bump" }
        }
      },
      COMPLETED: { type: "final" },
      FAILED: { type: "final" }
    }
  })

/** The machine of the benchmark's one instance. */
export const machine = workflowMachine(() => ({
  instanceId: "wf-1",
  tenantId: "engie-be",
  templateId: template.id,
  templateVersion: 1,
  stepIds,
  currentStepId: null,
  stepStates: {},
  metadata: {},
  version: 1,
  createdAt: at(0),
  updatedAt: at(0)
}))

/** The 9 events after the initial transition (which stands for create). */
export const xstateEvents = [
  { type: "START", at: at(1) },
  ...stepIds.map((stepId, i) => ({
    type: "EXECUTE",
    stepId,
    input: inputOf(stepId),
    output: inputOf(stepId),
    at: at(2 + i)
  })),
  { type: "SUBMIT", at: at(8) },
  { type: "APPROVE", at: at(9) }
]

// ---------------------------------------------------------------------------------------------
// Replay: an event log as JSON rows, and a plain immutable switch fold as the baseline reducer.

/** The events of `instances` full runs (with a failed attempt, a pause and a rollback each), one JSON string per event. */
export const eventRows = (instances) => {
  const rows = []
  for (let n = 0; n < instances; n++) {
    let state
    const events = []
    const send = (command) => {
      const decision = decide(state, { ...command, expectedVersion: state?.version ?? 0 }, template)
      if (decision._tag !== "Success") throw new Error(`rejected: ${decision.failure.message}`)
      for (const event of decision.success) {
        state = evolve(state, event)
        events.push(event)
      }
    }
    const [create, start, ...rest] = commands
    send({ ...create, instanceId: `wf-${n}` })
    send(start)
    const executes = rest.slice(0, 6)
    send({ ...executes[0] })
    send({ ...executes[1], outcome: { _tag: "Failed", error: { message: "mailbox unreachable", retryable: true } } })
    send(executes[1])
    send(executes[2])
    send({ _tag: "PauseWorkflow", actor, at: at(20), reason: "waiting for documents" })
    send({ _tag: "ResumeWorkflow", actor, at: at(21) })
    send(executes[3])
    send({
      _tag: "BeginRollback",
      actor,
      at: at(22),
      toStepId: "contacts",
      compensate: ["metering", "portfolio"],
      reset: []
    })
    send({ _tag: "CompensateStep", actor, at: at(23), stepId: "metering", skipped: false, result: { undone: true } })
    send({ _tag: "CompensateStep", actor, at: at(24), stepId: "portfolio", skipped: false, result: { undone: true } })
    send({ _tag: "CompleteRollback", actor, at: at(25) })
    send(executes[1])
    for (const command of executes.slice(2)) send(command)
    send(rest[6])
    send(rest[7])
    for (const event of events) rows.push(JSON.stringify(event))
  }
  return rows
}

/** The baseline: a plain immutable switch fold over the same events. */
export const plainEvolve = (s, e) => {
  switch (e.type) {
    case "WORKFLOW_CREATED":
      return {
        instanceId: e.instanceId,
        tenantId: e.tenantId,
        templateId: e.data.templateId,
        status: "DRAFT",
        currentStepId: null,
        stepStates: {},
        version: e.sequence,
        updatedAt: e.occurredAt
      }
    case "WORKFLOW_STARTED":
      return { ...s, status: "IN_PROGRESS", currentStepId: e.stepId, version: e.sequence, updatedAt: e.occurredAt }
    case "STEP_STARTED":
      return {
        ...s,
        stepStates: {
          ...s.stepStates,
          [e.stepId]: { status: "running", attempts: e.data.attempt, input: e.data.input }
        },
        version: e.sequence,
        updatedAt: e.occurredAt
      }
    case "STEP_COMPLETED":
      return {
        ...s,
        currentStepId: e.data.nextStepId ?? e.stepId,
        stepStates: {
          ...s.stepStates,
          [e.stepId]: { ...s.stepStates[e.stepId], status: "completed", data: e.data.output }
        },
        version: e.sequence,
        updatedAt: e.occurredAt
      }
    case "STEP_FAILED":
      return {
        ...s,
        stepStates: {
          ...s.stepStates,
          [e.stepId]: { ...s.stepStates[e.stepId], status: "failed", error: e.data.error }
        },
        version: e.sequence,
        updatedAt: e.occurredAt
      }
    case "STEP_COMPENSATED":
      return {
        ...s,
        stepStates: {
          ...s.stepStates,
          [e.stepId]: { ...s.stepStates[e.stepId], status: "compensated", data: undefined }
        },
        version: e.sequence,
        updatedAt: e.occurredAt
      }
    case "WORKFLOW_PAUSED":
      return { ...s, status: "PAUSED", version: e.sequence, updatedAt: e.occurredAt }
    case "WORKFLOW_RESUMED":
      return { ...s, status: "IN_PROGRESS", version: e.sequence, updatedAt: e.occurredAt }
    case "WORKFLOW_AWAITING_VALIDATION":
      return { ...s, status: "AWAITING_VALIDATION", version: e.sequence, updatedAt: e.occurredAt }
    case "WORKFLOW_SUBMITTED":
      return { ...s, status: "SUBMITTED", version: e.sequence, updatedAt: e.occurredAt }
    case "WORKFLOW_COMPLETED":
      return { ...s, status: "COMPLETED", currentStepId: null, version: e.sequence, updatedAt: e.occurredAt }
    case "WORKFLOW_ROLLED_BACK":
      return { ...s, status: e.data.status, currentStepId: e.stepId, version: e.sequence, updatedAt: e.occurredAt }
    case "WORKFLOW_FAILED":
      return { ...s, status: "FAILED", version: e.sequence, updatedAt: e.occurredAt }
    default:
      return { ...s, version: e.sequence, updatedAt: e.occurredAt }
  }
}
