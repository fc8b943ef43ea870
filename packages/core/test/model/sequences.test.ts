/**
 * The seed's sequence 1 (contract onboarding, full flow) and sequence 4 (rollback) as pure tests:
 * decide + evolve only, with the exact event types, order, step ids and final state.
 */
import { describe, expect, it } from "vitest"
import { fold, rebuildState, type WorkflowState } from "../../src/index.js"
import {
  brpUser,
  inputs,
  instantAt,
  pureWorkflow,
  reviewer,
  sequence1Template,
  sequence4Template,
  T0
} from "../fixtures/index.js"

const summary = (events: ReadonlyArray<{ type: string; sequence: number; stepId?: string }>) =>
  events.map((e) => [e.sequence, e.type, e.stepId ?? null])

describe("seed sequence 1 — contract onboarding, full flow", () => {
  const run = () => {
    const wf = pureWorkflow(sequence1Template)
    wf.create({ contract: "C-2026-001" })
    wf.run("StartWorkflow", {})
    wf.complete("company-info", inputs.companyInfo)
    wf.complete("portfolio", inputs.portfolio)
    wf.run("SubmitWorkflow", { comment: "all data entered" })
    wf.run("ApproveWorkflow", { comment: "ok" }, reviewer)
    return wf
  }

  it("records the exact events, in order", () => {
    const wf = run()
    expect(summary(wf.events)).toEqual([
      [1, "WORKFLOW_CREATED", null],
      [2, "WORKFLOW_STARTED", "company-info"],
      [3, "STEP_STARTED", "company-info"],
      [4, "STEP_COMPLETED", "company-info"],
      [5, "STEP_STARTED", "portfolio"],
      [6, "STEP_COMPLETED", "portfolio"],
      [7, "WORKFLOW_AWAITING_VALIDATION", null],
      [8, "WORKFLOW_SUBMITTED", null],
      [9, "WORKFLOW_APPROVED", null],
      [10, "WORKFLOW_COMPLETED", null]
    ])
    expect(wf.events.map((e) => e.occurredAt)).toEqual([
      instantAt(0),
      instantAt(1),
      instantAt(2),
      instantAt(2),
      instantAt(3),
      instantAt(3),
      instantAt(3),
      instantAt(4),
      instantAt(5),
      instantAt(5)
    ])
    expect(wf.events.map((e) => e.performedBy)).toEqual([
      ...Array(8).fill(brpUser.userId),
      reviewer.userId,
      reviewer.userId
    ])
    const completed = wf.events.filter((e) => e.type === "STEP_COMPLETED")
    expect(completed.map((e) => e.data)).toEqual([
      { attempt: 1, output: inputs.companyInfo, nextStepId: "portfolio" },
      { attempt: 1, output: inputs.portfolio, nextStepId: null }
    ])
    expect(wf.events[0]).toEqual({
      schemaVersion: 1,
      instanceId: "wf-1",
      tenantId: "engie-be",
      sequence: 1,
      performedBy: brpUser.userId,
      occurredAt: T0,
      type: "WORKFLOW_CREATED",
      data: {
        templateId: "brp-contract-onboarding",
        templateVersion: 1,
        marketRole: "BRP",
        firstStepId: "company-info",
        metadata: { contract: "C-2026-001" }
      }
    })
  })

  it("ends COMPLETED with every step's data", () => {
    const wf = run()
    const expected: WorkflowState = {
      schemaVersion: 1,
      instanceId: "wf-1",
      tenantId: "engie-be",
      templateId: "brp-contract-onboarding",
      templateVersion: 1,
      marketRole: "BRP",
      status: "COMPLETED",
      currentStepId: null,
      stepStates: {
        "company-info": {
          status: "completed",
          attempts: 1,
          input: inputs.companyInfo,
          data: inputs.companyInfo,
          startedAt: instantAt(2),
          completedAt: instantAt(2),
          completedBy: brpUser.userId
        },
        portfolio: {
          status: "completed",
          attempts: 1,
          input: inputs.portfolio,
          data: inputs.portfolio,
          startedAt: instantAt(3),
          completedAt: instantAt(3),
          completedBy: brpUser.userId
        }
      },
      metadata: { contract: "C-2026-001" },
      version: 10,
      createdAt: T0,
      createdBy: brpUser.userId,
      updatedAt: instantAt(5),
      submittedBy: brpUser.userId,
      submittedAt: instantAt(4)
    }
    expect(wf.state).toStrictEqual(expected)
    expect(fold(wf.events)).toStrictEqual(expected)
  })

  it("passes through the seed's statuses", () => {
    const wf = run()
    const statuses = wf.events.map((_, i) => rebuildState(wf.events, { untilSequence: i + 1 })?.status)
    expect(statuses).toEqual([
      "DRAFT",
      "IN_PROGRESS",
      "IN_PROGRESS",
      "IN_PROGRESS",
      "IN_PROGRESS",
      "IN_PROGRESS",
      "AWAITING_VALIDATION",
      "SUBMITTED",
      "SUBMITTED",
      "COMPLETED"
    ])
  })
})

describe("seed sequence 4 — rollback from the approval step to company-info", () => {
  const run = () => {
    const wf = pureWorkflow(sequence4Template)
    wf.create()
    wf.run("StartWorkflow", {})
    wf.complete("company-info", inputs.companyInfo)
    wf.complete("portfolio", inputs.portfolio)
    wf.complete("approval", inputs.approval, { ...inputs.approval, approvedBy: "mo-carol" })
    const before = wf.events.length
    wf.rollback("company-info", reviewer)
    return { wf, rollbackEvents: wf.events.slice(before) }
  }

  it("compensates approval then portfolio, in reverse completion order", () => {
    const { wf, rollbackEvents } = run()
    expect(summary(wf.events)).toEqual([
      [1, "WORKFLOW_CREATED", null],
      [2, "WORKFLOW_STARTED", "company-info"],
      [3, "STEP_STARTED", "company-info"],
      [4, "STEP_COMPLETED", "company-info"],
      [5, "STEP_STARTED", "portfolio"],
      [6, "STEP_COMPLETED", "portfolio"],
      [7, "STEP_STARTED", "approval"],
      [8, "STEP_COMPLETED", "approval"],
      [9, "WORKFLOW_ROLLBACK_STARTED", "company-info"],
      [10, "STEP_COMPENSATED", "approval"],
      [11, "STEP_COMPENSATED", "portfolio"],
      [12, "WORKFLOW_ROLLED_BACK", "company-info"]
    ])
    expect(rollbackEvents.map((e) => e.data)).toEqual([
      { compensate: ["approval", "portfolio"], reset: [] },
      { rollbackTo: "company-info", skipped: false, result: { compensated: "approval" } },
      { rollbackTo: "company-info", skipped: false, result: { compensated: "portfolio" } },
      { compensated: ["approval", "portfolio"], reset: [], status: "IN_PROGRESS" }
    ])
    expect(new Set(rollbackEvents.map((e) => e.performedBy))).toEqual(new Set([reviewer.userId]))
  })

  it("ends IN_PROGRESS at company-info, which keeps its data; the others are compensated", () => {
    const { wf } = run()
    const expected: WorkflowState = {
      schemaVersion: 1,
      instanceId: "wf-1",
      tenantId: "engie-be",
      templateId: "brp-onboarding-approval",
      templateVersion: 1,
      marketRole: "BRP",
      status: "IN_PROGRESS",
      currentStepId: "company-info",
      entered: { sequence: 12, at: instantAt(8) },
      stepStates: {
        "company-info": {
          status: "completed",
          attempts: 1,
          input: inputs.companyInfo,
          data: inputs.companyInfo,
          startedAt: instantAt(2),
          completedAt: instantAt(2),
          completedBy: brpUser.userId
        },
        portfolio: {
          status: "compensated",
          attempts: 1,
          input: inputs.portfolio,
          startedAt: instantAt(3),
          completedAt: instantAt(3),
          completedBy: brpUser.userId,
          compensatedAt: instantAt(7)
        },
        approval: {
          status: "compensated",
          attempts: 1,
          input: inputs.approval,
          startedAt: instantAt(4),
          completedAt: instantAt(4),
          completedBy: brpUser.userId,
          compensatedAt: instantAt(6)
        }
      },
      metadata: {},
      version: 12,
      createdAt: T0,
      createdBy: brpUser.userId,
      updatedAt: instantAt(8)
    }
    expect(wf.state).toStrictEqual(expected)
    expect(fold(wf.events)).toStrictEqual(expected)
  })

  it("continues from company-info after the rollback", () => {
    const { wf } = run()
    const events = wf.complete("company-info", { ...inputs.companyInfo, companyName: "Engie Belgium SA" })
    expect(summary(events)).toEqual([
      [13, "STEP_STARTED", "company-info"],
      [14, "STEP_COMPLETED", "company-info"]
    ])
    expect(wf.state?.currentStepId).toBe("portfolio")
    expect(wf.state?.stepStates["company-info"]?.attempts).toBe(2)
  })
})
