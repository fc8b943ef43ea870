/**
 * The status machine: every (status, command) pair outside `transitions` is an IllegalTransition
 * naming the status and the command; every pair inside is accepted when its preconditions hold,
 * and leads to one of the edge's target statuses. States are built by driving the decider.
 */
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { Command, CommandTag } from "../../src/Command.js"
import {
  allStatuses,
  decide,
  evolve,
  IllegalTransition,
  InvalidCommand,
  isAllowed,
  type NoInstance,
  planRollback,
  type Template,
  transitions,
  type WorkflowStatus
} from "../../src/index.js"
import {
  type CommandFields,
  inputs,
  type PureWorkflow,
  pureWorkflow,
  reviewer,
  sequence4Template
} from "../fixtures/index.js"

const commandTags: ReadonlyArray<CommandTag> = [
  "CreateWorkflow",
  "StartWorkflow",
  "ExecuteStep",
  "PauseWorkflow",
  "ResumeWorkflow",
  "SubmitWorkflow",
  "ApproveWorkflow",
  "RejectWorkflow",
  "BeginRollback",
  "CompensateStep",
  "CompleteRollback",
  "FailWorkflow",
  "ClaimStep",
  "RecordOutcome",
  "FireDueTimers"
]
const statuses: ReadonlyArray<WorkflowStatus | NoInstance> = ["NONE", ...allStatuses]
const pairs = statuses.flatMap((status) => commandTags.map((tag) => [status, tag] as const))
/** Sequence 4 with a deadline on every step that is due at once (a notification), so FireDueTimers has work. */
const machineTemplate: Template = {
  ...sequence4Template,
  id: "machine",
  steps: sequence4Template.steps.map((s) => ({
    ...s,
    deadlines: [{ id: "remind", offset: "-PT1S", escalation: { kind: "notify" } }]
  }))
}
const steps = sequence4Template.steps.map((s) => s.id)
const stepInput = [inputs.companyInfo, inputs.portfolio, inputs.approval, inputs.activation]

/** How a state is reached: which of the ways into a status, and how far the steps went. */
interface Variant {
  readonly way: number
  readonly completed: number
  readonly extra: number
  readonly fail: boolean
}

const completedCount = (wf: PureWorkflow): number =>
  Object.values(wf.state?.stepStates ?? {}).filter((s) => s.status === "completed").length

/** Completes current steps (never the last one) until `n` steps are completed. */
const ensureCompleted = (wf: PureWorkflow, n: number): void => {
  while (completedCount(wf) < n) {
    const current = wf.state?.currentStepId as string
    const index = steps.indexOf(current)
    if (index === steps.length - 1) break
    wf.complete(current, stepInput[index] as object)
  }
}

/** Begins a rollback with at least one compensation (to the earliest completed step). */
const beginRollback = (wf: PureWorkflow): number => {
  const state = wf.state
  if (state === undefined) throw new Error("no state")
  const target = steps.find((id) => state.stepStates[id]?.status === "completed") as string
  const plan = Result.getOrThrow(planRollback(state, wf.events, target))
  wf.run("BeginRollback", { toStepId: target, compensate: plan.compensations.map((c) => c.stepId), reset: plan.reset })
  return plan.compensations.length
}

const compensateNext = (wf: PureWorkflow): void => {
  const next = wf.state?.rollback?.pending[0] as string
  wf.run("CompensateStep", { stepId: next, skipped: false, result: null })
}

/** An instance in `status` on which `tag`'s preconditions hold (when the machine allows it). */
const arrange = (status: WorkflowStatus | NoInstance, tag: CommandTag, v: Variant): PureWorkflow => {
  const wf = pureWorkflow(machineTemplate)
  if (status === "NONE") return wf
  wf.create()
  if (status === "DRAFT") return wf
  wf.run("StartWorkflow", {})
  const completeAll = () => {
    while (wf.state?.status === "IN_PROGRESS") {
      const current = wf.state.currentStepId as string
      wf.complete(current, stepInput[steps.indexOf(current)] as object)
    }
  }
  const inProgress = () => {
    switch (v.way % 4) {
      case 1: // pause and resume
        ensureCompleted(wf, v.completed % 3)
        wf.run("PauseWorkflow", {})
        wf.run("ResumeWorkflow", {})
        break
      case 2: // a reviewer sends it back for changes
        completeAll()
        wf.run("SubmitWorkflow", {})
        wf.run("RejectWorkflow", { reason: "fix the VAT number", toStepId: steps[v.completed % 4] as string }, reviewer)
        break
      case 3: // a completed rollback
        ensureCompleted(wf, 2 + (v.completed % 2))
        wf.rollback(steps[0] as string)
        break
      default:
        ensureCompleted(wf, v.completed % 4)
    }
  }
  const rollbackSetup = () => {
    if (tag === "BeginRollback") ensureCompleted(wf, 1 + (v.completed % 3))
    if (tag === "CompensateStep" || tag === "CompleteRollback") ensureCompleted(wf, 2 + (v.completed % 2))
  }
  const rollbackProgress = () => {
    if (tag === "CompensateStep") {
      const n = beginRollback(wf)
      for (let i = 0; i < v.extra % n; i++) compensateNext(wf)
    }
    if (tag === "CompleteRollback") {
      const n = beginRollback(wf)
      for (let i = 0; i < n; i++) compensateNext(wf)
    }
  }
  const claimed = () => {
    if (tag !== "RecordOutcome") return
    const current = wf.state?.currentStepId as string
    wf.run("ClaimStep", {
      stepId: current,
      input: stepInput[steps.indexOf(current)] as object as never,
      lease: { owner: "worker-1", until: v.fail ? wf.clock.now() : "2030-01-01T00:00:00.000Z" }
    })
  }
  switch (status) {
    case "IN_PROGRESS":
      inProgress()
      rollbackSetup()
      rollbackProgress()
      claimed()
      return wf
    case "PAUSED":
      inProgress()
      rollbackSetup()
      wf.run("PauseWorkflow", { reason: "waiting" })
      rollbackProgress()
      return wf
    case "ROLLED_BACK":
      ensureCompleted(wf, 1 + (v.completed % 3))
      wf.run("PauseWorkflow", {})
      wf.rollback(steps[0] as string)
      return wf
    case "AWAITING_VALIDATION":
      if (v.way % 2 === 1) inProgress()
      completeAll()
      return wf
    case "SUBMITTED":
    case "COMPLETED":
      completeAll()
      wf.run("SubmitWorkflow", {})
      if (status === "COMPLETED") wf.run("ApproveWorkflow", {}, reviewer)
      return wf
    case "FAILED":
      switch (v.way % 3) {
        case 0:
          wf.run("FailWorkflow", { reason: "error" })
          break
        case 1:
          wf.run("PauseWorkflow", {})
          wf.run("FailWorkflow", { reason: "timeout" })
          break
        default:
          ensureCompleted(wf, 3)
          for (let i = 0; i < 3; i++) {
            wf.run("ExecuteStep", {
              stepId: "activation",
              input: {},
              outcome: { _tag: "Failed", error: { message: "down", retryable: true } }
            })
          }
      }
      return wf
  }
}

/** A command of `tag` whose preconditions hold on `wf` (when the machine allows the pair). */
const validCommand = (wf: PureWorkflow, tag: CommandTag, v: Variant): Command => {
  const state = wf.state
  const build = <T extends CommandTag>(t: T, fields: CommandFields<T>) => wf.command(t, fields)
  switch (tag) {
    case "CreateWorkflow":
      return build("CreateWorkflow", {
        instanceId: "wf-1",
        tenantId: "engie-be",
        templateId: machineTemplate.id,
        templateVersion: machineTemplate.version,
        marketRole: "BRP"
      })
    case "StartWorkflow":
      return build("StartWorkflow", {})
    case "ExecuteStep": {
      const stepId = state?.currentStepId ?? "company-info"
      const index = Math.max(0, steps.indexOf(stepId))
      return build("ExecuteStep", {
        stepId,
        input: stepInput[index] as object as never,
        outcome: v.fail
          ? { _tag: "Failed", error: { message: "boom", retryable: false } }
          : { _tag: "Completed", output: stepInput[index] as object as never }
      })
    }
    case "PauseWorkflow":
      return build("PauseWorkflow", {})
    case "ResumeWorkflow":
      return build("ResumeWorkflow", {})
    case "SubmitWorkflow":
      return build("SubmitWorkflow", {})
    case "ApproveWorkflow":
      return build("ApproveWorkflow", {})
    case "RejectWorkflow":
      return build(
        "RejectWorkflow",
        v.extra % 2 === 0 ? { reason: "incomplete" } : { reason: "VAT", toStepId: "company-info" }
      )
    case "BeginRollback": {
      const target = steps.find((id) => state?.stepStates[id]?.status === "completed") ?? "company-info"
      const plan = state === undefined ? undefined : planRollback(state, wf.events, target)
      return plan !== undefined && Result.isSuccess(plan)
        ? build("BeginRollback", {
            toStepId: target,
            compensate: plan.success.compensations.map((c) => c.stepId),
            reset: plan.success.reset
          })
        : build("BeginRollback", { toStepId: target, compensate: [], reset: [] })
    }
    case "CompensateStep":
      return build("CompensateStep", {
        stepId: state?.rollback?.pending[0] ?? "portfolio",
        skipped: v.fail,
        result: null
      })
    case "CompleteRollback":
      return build("CompleteRollback", {})
    case "FailWorkflow":
      return build("FailWorkflow", { reason: "operator", stepId: "portfolio" })
    case "ClaimStep": {
      const stepId = state?.currentStepId ?? "company-info"
      return build("ClaimStep", {
        stepId,
        input: stepInput[Math.max(0, steps.indexOf(stepId))] as object as never,
        lease: { owner: "worker-2", until: "2030-01-01T00:00:00.000Z" }
      })
    }
    case "RecordOutcome": {
      const stepId = state?.currentStepId ?? "company-info"
      return build("RecordOutcome", {
        stepId,
        attempt: state?.stepStates[stepId]?.attempts ?? 1,
        outcome: v.fail
          ? { _tag: "Failed", error: { message: "boom", retryable: true } }
          : { _tag: "Completed", output: { done: true } }
      })
    }
    case "FireDueTimers":
      return build("FireDueTimers", {})
  }
}

const check = (status: WorkflowStatus | NoInstance, tag: CommandTag, v: Variant): void => {
  const wf = arrange(status, tag, v)
  expect(wf.state?.status ?? "NONE").toBe(status)
  const cmd = validCommand(wf, tag, v)
  const decision = decide(wf.state, cmd, machineTemplate)
  if (!isAllowed(status, tag)) {
    expect(Result.isFailure(decision)).toBe(true)
    const error = (decision as Result.Failure<unknown, unknown>).failure
    expect(error).toBeInstanceOf(IllegalTransition)
    expect(error).toMatchObject({ _tag: "IllegalTransition", status, command: tag })
    expect((error as IllegalTransition).message).toBe(`${tag} is not allowed when the workflow is ${status}`)
    return
  }
  if (Result.isFailure(decision)) throw new Error(`${status} × ${tag} rejected: ${decision.failure.message}`)
  const after = decision.success.reduce(evolve, wf.state)
  const targets = transitions.filter((t) => t.from === status && t.command === tag).flatMap((t) => t.to)
  expect(targets).toContain(after?.status)
}

const variantArb = fc.record({ way: fc.nat(11), completed: fc.nat(11), extra: fc.nat(11), fail: fc.boolean() })

describe("status machine", () => {
  it.each(pairs)("%s × %s: rejected outside the diagram, accepted inside", (status, tag) => {
    check(status, tag, { way: 0, completed: 1, extra: 0, fail: false })
  })

  test.prop([fc.constantFrom(...pairs), variantArb], { numRuns: 1000 })(
    "every (status, command) pair, reached in random ways: IllegalTransition outside, accepted inside",
    ([status, tag], variant) => check(status, tag, variant)
  )

  it("the table is the seed's diagram plus reject (SUBMITTED → IN_PROGRESS)", () => {
    const edges = new Set(transitions.flatMap((t) => t.to.map((to) => `${t.from} -${t.command}-> ${to}`)))
    expect([...edges].sort()).toEqual(
      [
        "NONE -CreateWorkflow-> DRAFT",
        "DRAFT -StartWorkflow-> IN_PROGRESS",
        "IN_PROGRESS -PauseWorkflow-> PAUSED",
        "PAUSED -ResumeWorkflow-> IN_PROGRESS",
        "IN_PROGRESS -ExecuteStep-> IN_PROGRESS",
        "IN_PROGRESS -ExecuteStep-> AWAITING_VALIDATION",
        "IN_PROGRESS -ExecuteStep-> FAILED",
        "AWAITING_VALIDATION -SubmitWorkflow-> SUBMITTED",
        "SUBMITTED -ApproveWorkflow-> COMPLETED",
        "SUBMITTED -RejectWorkflow-> IN_PROGRESS",
        "IN_PROGRESS -BeginRollback-> IN_PROGRESS",
        "IN_PROGRESS -CompensateStep-> IN_PROGRESS",
        "IN_PROGRESS -CompleteRollback-> IN_PROGRESS",
        "PAUSED -BeginRollback-> PAUSED",
        "PAUSED -CompensateStep-> PAUSED",
        "PAUSED -CompleteRollback-> ROLLED_BACK",
        "ROLLED_BACK -ResumeWorkflow-> IN_PROGRESS",
        "IN_PROGRESS -FailWorkflow-> FAILED",
        "PAUSED -FailWorkflow-> FAILED",
        "IN_PROGRESS -ClaimStep-> IN_PROGRESS",
        "IN_PROGRESS -RecordOutcome-> IN_PROGRESS",
        "IN_PROGRESS -RecordOutcome-> AWAITING_VALIDATION",
        "IN_PROGRESS -RecordOutcome-> FAILED",
        "IN_PROGRESS -FireDueTimers-> IN_PROGRESS",
        "IN_PROGRESS -FireDueTimers-> PAUSED",
        "IN_PROGRESS -FireDueTimers-> FAILED",
        "PAUSED -FireDueTimers-> PAUSED",
        "PAUSED -FireDueTimers-> FAILED"
      ].sort()
    )
    // Terminal statuses have no way out.
    expect(transitions.filter((t) => t.from === "COMPLETED" || t.from === "FAILED")).toEqual([])
  })
})

describe("decide — preconditions (InvalidCommand)", () => {
  const started = () => {
    const wf = pureWorkflow(sequence4Template)
    wf.create()
    wf.run("StartWorkflow", {})
    return wf
  }
  const reason = (wf: PureWorkflow, cmd: Command): string => {
    const decision = wf.decide(cmd)
    if (Result.isSuccess(decision)) throw new Error("accepted")
    expect(decision.failure).toBeInstanceOf(InvalidCommand)
    return (decision.failure as InvalidCommand).reason
  }

  it("executes only the current step", () => {
    const wf = started()
    expect(
      reason(
        wf,
        wf.command("ExecuteStep", { stepId: "portfolio", input: {}, outcome: { _tag: "Completed", output: {} } })
      )
    ).toBe("step portfolio is not the current step (company-info)")
  })

  it("creates only from the template it is given", () => {
    const wf = pureWorkflow(sequence4Template)
    const cmd = wf.command("CreateWorkflow", {
      instanceId: "wf-1",
      tenantId: "engie-be",
      templateId: "other",
      templateVersion: 1,
      marketRole: "BRP"
    })
    expect(reason(wf, cmd)).toBe("template brp-onboarding-approval@1 was given for other@1")
  })

  it("decides only with the instance's own template version", () => {
    const wf = started()
    const cmd = wf.command("PauseWorkflow", {})
    const decision = decide(wf.state, cmd, { ...sequence4Template, version: 2 })
    expect(Result.isFailure(decision) && decision.failure).toMatchObject({
      _tag: "InvalidCommand",
      reason: "template brp-onboarding-approval@2 was given for an instance of brp-onboarding-approval@1"
    })
  })

  it("rolls back only to a completed step, compensating only completed steps", () => {
    const wf = started()
    wf.complete("company-info", inputs.companyInfo)
    expect(reason(wf, wf.command("BeginRollback", { toStepId: "portfolio", compensate: [], reset: [] }))).toBe(
      "step portfolio has not been completed, so there is nothing to roll back to"
    )
    expect(
      reason(wf, wf.command("BeginRollback", { toStepId: "company-info", compensate: ["approval"], reset: [] }))
    ).toBe("step approval is not completed and cannot be compensated")
  })

  it("during a rollback accepts only the rollback's commands, in its order", () => {
    const wf = started()
    wf.complete("company-info", inputs.companyInfo)
    wf.complete("portfolio", inputs.portfolio)
    wf.complete("approval", inputs.approval)
    wf.run("BeginRollback", { toStepId: "company-info", compensate: ["approval", "portfolio"], reset: [] })
    expect(reason(wf, wf.command("PauseWorkflow", {}))).toBe(
      "a rollback to company-info is in progress; retry the rollback first"
    )
    expect(reason(wf, wf.command("BeginRollback", { toStepId: "company-info", compensate: [], reset: [] }))).toBe(
      "a rollback to company-info is already in progress"
    )
    expect(reason(wf, wf.command("CompensateStep", { stepId: "portfolio", skipped: false, result: null }))).toBe(
      "the next compensation is approval"
    )
    expect(reason(wf, wf.command("CompleteRollback", {}))).toBe("compensations still pending: approval, portfolio")
    wf.run("CompensateStep", { stepId: "approval", skipped: false, result: null })
    wf.run("CompensateStep", { stepId: "portfolio", skipped: true, result: null })
    expect(reason(wf, wf.command("CompensateStep", { stepId: "portfolio", skipped: false, result: null }))).toBe(
      "no compensation is pending"
    )
    wf.run("CompleteRollback", {})
    expect(reason(wf, wf.command("CompleteRollback", {}))).toBe("no rollback is in progress")
  })

  it("requests changes only on a completed step", () => {
    const wf = started()
    wf.complete("company-info", inputs.companyInfo)
    wf.complete("portfolio", inputs.portfolio)
    wf.complete("approval", inputs.approval)
    wf.complete("activation", {})
    wf.run("SubmitWorkflow", {})
    const events = wf.run("RejectWorkflow", { reason: "wrong VAT", toStepId: "company-info" }, reviewer)
    expect(events.map((e) => [e.type, "stepId" in e ? e.stepId : undefined])).toEqual([
      ["WORKFLOW_REJECTED", "company-info"]
    ])
    expect(wf.state).toMatchObject({ status: "IN_PROGRESS", currentStepId: "company-info" })
  })

  it("stamps events with sequence, instant, actor and the idempotency key", () => {
    const wf = started()
    const cmd = { ...wf.command("PauseWorkflow", { reason: "holiday" }), idempotencyKey: "req-42" }
    const [event] = Result.getOrThrow(wf.decide(cmd))
    expect(event).toEqual({
      schemaVersion: 1,
      instanceId: "wf-1",
      tenantId: "engie-be",
      sequence: 3,
      performedBy: "u-engie-bob",
      occurredAt: cmd.at,
      commandId: "req-42",
      type: "WORKFLOW_PAUSED",
      data: { reason: "holiday" }
    })
  })

  it("a command before the instance exists is an IllegalTransition from NONE", () => {
    const wf = pureWorkflow(sequence4Template)
    const decision = wf.decide(wf.command("StartWorkflow", {}))
    expect(Result.isFailure(decision) && decision.failure).toMatchObject({
      _tag: "IllegalTransition",
      status: "NONE",
      command: "StartWorkflow"
    })
  })
})
