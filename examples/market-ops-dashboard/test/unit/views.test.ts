/**
 * What the workflow page draws: the diagram's highlighting (on core's own `toMermaid` output), the
 * timeline's words, the four-eyes rule, names of people, and the API's errors.
 */
import { type Template, toMermaid } from "@workflow-manager/core"
import { describe, expect, it } from "vitest"
import { highlight, nodeIdOf } from "../../src/lib/diagram.ts"
import { ApiError, apiErrorOf, explain, issuesOfStep } from "../../src/lib/errors.ts"
import { fourEyesOf } from "../../src/lib/fourEyes.ts"
import { directoryOf, personName } from "../../src/lib/people.ts"
import { detailOf, isCompensation, isQuotation, titleOf } from "../../src/lib/timeline.ts"
import type { StepState } from "../../src/lib/types.ts"

const template: Template = {
  schemaVersion: 1,
  id: "t",
  version: 1,
  name: "Onboarding",
  steps: [
    { id: "company-info", type: "form", name: "Company information", config: {} },
    { id: "portfolio", type: "form", name: "Portfolio", config: {} },
    { id: "approval", type: "approval", name: "Approval", config: {} }
  ]
}

const step = (stepId: string, status: string, completedBy: string | null = null, data: unknown = null): StepState => ({
  stepId,
  status,
  attempts: 1,
  data,
  startedAt: null,
  completedAt: null,
  completedBy,
  error: null
})

describe("the diagram", () => {
  it("names the nodes as core's toMermaid does, and classes the current, completed and compensated steps", () => {
    const source = toMermaid(template)
    for (const s of template.steps) expect(source).toContain(`  ${nodeIdOf(s.id)}[`)
    const drawn = highlight(source, "approval", [step("company-info", "completed"), step("portfolio", "compensated")])
    expect(drawn.startsWith(source.trimEnd())).toBe(true)
    expect(drawn).toContain("  class s_company_info done\n")
    expect(drawn).toContain("  class s_portfolio compensated\n")
    expect(drawn).toContain("  class s_approval current\n")
    expect(drawn).toContain("classDef current ")
  })
})

describe("the timeline", () => {
  const name = (id: string) => ({ "company-info": "Company information", approval: "Approval" })[id] ?? id
  it.each([
    [{ type: "WORKFLOW_CREATED", stepId: null, data: {} }, "Workflow created", undefined],
    [
      {
        type: "STEP_CONTRIBUTED",
        stepId: "approval",
        data: { contribution: { decision: "request_changes", comment: "Ghent is missing" } }
      },
      "“Approval”: asked for changes",
      "Ghent is missing"
    ],
    [
      {
        type: "STEP_COMPENSATED",
        stepId: "company-info",
        data: { skipped: false, result: { cleared: ["vatNumber", "eic"] } }
      },
      "“Company information” compensated",
      "cleared: vatNumber, eic"
    ],
    [
      { type: "STEP_COMPENSATED", stepId: "approval", data: { skipped: false, result: { revoked: [{}, {}] } } },
      "“Approval” compensated",
      "decisions revoked: 2"
    ],
    [
      { type: "WORKFLOW_REJECTED", stepId: "company-info", data: { reason: "wrong VAT" } },
      "Sent back to “Company information” for changes",
      "wrong VAT"
    ],
    [
      { type: "WORKFLOW_ROLLBACK_STARTED", stepId: "company-info", data: { compensate: ["approval"], reset: [] } },
      "Rollback to “Company information” started",
      "compensating: approval"
    ],
    [
      { type: "STEP_FAILED", stepId: "approval", data: { error: { message: "timeout" } } },
      "“Approval” failed",
      "timeout"
    ],
    [{ type: "TIMER_FIRED", stepId: "approval", data: {} }, "timer fired “Approval”", undefined]
  ])("%o", (event, title, detail) => {
    expect(titleOf(event, name)).toBe(title)
    expect(detailOf(event)).toBe(detail)
  })
  it("quotes people's words only", () => {
    expect(
      ["STEP_CONTRIBUTED", "WORKFLOW_REJECTED", "STEP_COMPENSATED", "WORKFLOW_ROLLBACK_STARTED"].map(isQuotation)
    ).toEqual([true, true, false, false])
  })
  it("marks the compensation events", () => {
    expect(
      ["STEP_COMPENSATED", "WORKFLOW_ROLLBACK_STARTED", "WORKFLOW_ROLLED_BACK", "STEP_COMPLETED"].map(isCompensation)
    ).toEqual([true, true, true, false])
  })
})

describe("four eyes", () => {
  const state = {
    createdBy: "u-creator",
    submittedBy: null,
    steps: [
      step("company-info", "completed", "u-creator", { a: 1 }),
      step("portfolio", "completed", "u-filler", { b: 2 })
    ]
  }
  it("names the roles, and excludes the creator, the submitter and the authors of the approved data", () => {
    const rule = fourEyesOf(
      "approval",
      { approverRoles: ["approver", "market_ops"], approves: ["company-info", "portfolio"] },
      state
    )
    expect(rule).toEqual({
      roles: ["approver", "market_ops"],
      quorum: 1,
      fourEyes: true,
      approves: ["company-info", "portfolio"],
      excluded: [
        { userId: "u-creator", why: "created the workflow, filled in “company-info”" },
        { userId: "u-filler", why: "filled in “portfolio”" }
      ]
    })
  })
  it("approves every other step holding data by default; fourEyes: false excludes nobody", () => {
    expect(fourEyesOf("approval", { approverRoles: ["approver"] }, state).approves).toEqual([
      "company-info",
      "portfolio"
    ])
    expect(fourEyesOf("approval", { approverRoles: ["approver"], fourEyes: false, quorum: 2 }, state)).toMatchObject({
      excluded: [],
      quorum: 2
    })
  })
})

describe("people", () => {
  it("says you, a known name, or a short id", () => {
    const directory = directoryOf([
      { id: "u-1", tenantId: "t", email: "luc@x.example", role: "approver", displayName: "Luc Claes", status: "ACTIVE" }
    ])
    expect(personName("u-me", "u-me", directory)).toBe("you")
    expect(personName("u-1", "u-me", directory)).toBe("Luc Claes (approver)")
    expect(personName("3f2a9c1e-0000-4000-8000-000000000000", "u-me", directory)).toBe("user 3f2a9c1e")
    expect(personName(null, "u-me", directory)).toBe("nobody")
  })
})

describe("errors", () => {
  it("reads the code and the issues, and tells a conflict from a reused idempotency key", () => {
    const conflict = apiErrorOf(
      [{ message: "stale", extensions: { code: "CONFLICT", expectedVersion: 3, actualVersion: 4 } }],
      200,
      undefined
    )
    expect(conflict.isConflict).toBe(true)
    expect(explain(conflict)).toContain("Someone else changed this workflow meanwhile")
    const reused = apiErrorOf(
      [{ message: "reused", extensions: { code: "CONFLICT", idempotencyKeyReused: true } }],
      200,
      undefined
    )
    expect(reused.isConflict).toBe(false)
    const invalid = apiErrorOf(
      [
        {
          message: "invalid",
          extensions: { code: "VALIDATION_FAILED", issues: [{ path: "company-info.vatNumber", message: "x" }, 3] }
        }
      ],
      200,
      undefined
    )
    expect(invalid.issues).toEqual([{ path: "company-info.vatNumber", message: "x" }])
    expect(apiErrorOf([], 401, undefined).code).toBe("UNAUTHENTICATED")
    expect(apiErrorOf([], undefined, "connection refused").code).toBe("NETWORK")
    expect(explain(new ApiError("THROTTLED", "t", { retryAfterSeconds: 30 }))).toBe(
      "Too many attempts. Try again in 30 seconds."
    )
  })
  it("gives a step's issues relative to its form, other steps' issues in full", () => {
    expect(
      issuesOfStep(
        [
          { path: "company-info.vatNumber", message: "a" },
          { path: "company-info", message: "b" },
          { path: "portfolio.accessPoints[0]", message: "c" }
        ],
        "company-info"
      )
    ).toEqual([
      { path: "vatNumber", message: "a" },
      { path: "", message: "b" },
      { path: "portfolio.accessPoints[0]", message: "c" }
    ])
  })
})
