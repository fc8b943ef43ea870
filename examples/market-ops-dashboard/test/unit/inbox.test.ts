/** The inbox: what waits for which role, following the permission matrix and the approval step's roles. */
import { describe, expect, it } from "vitest"
import { inboxOf, waitsFor } from "../../src/lib/inbox.ts"
import type { WorkflowRow, WorkflowStatus } from "../../src/lib/types.ts"

const approval = {
  id: "approval",
  type: "approval",
  name: "Approval",
  config: { approverRoles: ["approver", "market_ops"] }
}
const form = { id: "portfolio", type: "form", name: "Portfolio", config: {} }

const row = (
  status: WorkflowStatus,
  currentStep: WorkflowRow["currentStep"] = null,
  id: string = status
): WorkflowRow => ({
  id,
  tenantId: "t",
  tenant: null,
  templateId: "demo",
  templateVersion: 1,
  template: null,
  marketRole: "BRP",
  status,
  currentStepId: currentStep?.id ?? null,
  currentStep,
  version: 1,
  createdAt: "2026-12-01T10:00:00.000Z",
  updatedAt: "2026-12-01T10:00:00.000Z"
})

describe("waitsFor", () => {
  it.each([
    ["tenant_user", row("DRAFT"), "start it"],
    ["tenant_user", row("IN_PROGRESS", form), "fill in “Portfolio”"],
    ["tenant_user", row("IN_PROGRESS", approval), undefined],
    ["approver", row("IN_PROGRESS", approval), "decide “Approval”"],
    ["market_ops", row("IN_PROGRESS", approval), "decide “Approval”"],
    ["market_ops", row("IN_PROGRESS", form), undefined],
    ["tenant_admin", row("AWAITING_VALIDATION"), "submit it"],
    ["market_ops", row("SUBMITTED"), "review it: approve or send back"],
    ["tenant_admin", row("SUBMITTED"), undefined],
    ["tenant_admin", row("PAUSED"), "resume it"],
    ["tenant_user", row("PAUSED"), undefined],
    ["market_ops", row("COMPLETED"), undefined],
    ["approver", row("DRAFT"), undefined]
  ] as const)("%s, %o → %s", (role, workflow, task) => {
    expect(waitsFor(role, workflow)).toBe(task)
  })
})

describe("inboxOf", () => {
  it("keeps the API's order (oldest first) and drops what waits for someone else", () => {
    const rows = [row("SUBMITTED", null, "a"), row("IN_PROGRESS", form, "b"), row("IN_PROGRESS", approval, "c")]
    expect(inboxOf("market_ops", rows).map((entry) => entry.workflow.id)).toEqual(["a", "c"])
    expect(inboxOf("tenant_user", rows).map((entry) => [entry.workflow.id, entry.task])).toEqual([
      ["b", "fill in “Portfolio”"]
    ])
  })
})
