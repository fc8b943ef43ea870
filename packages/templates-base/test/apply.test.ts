/**
 * Portfolio Management applies each kind of change in the register WITH its data: the approval
 * routes an approved change to the register call of its kind, which sends the change request and
 * what the kind's step collected (points, designations, contacts, guarantee) to the loopback
 * register — never another kind's data, even after a request for changes switched the kind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { basePack, PORTFOLIO_MANAGEMENT } from "../src/index.js"
import { makePackHarness, type PackHarness } from "../src/testing.js"
import { applicant, contact, guarantee, opsAnn, opsAva } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(basePack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const points = [
  { ean: "541449300000123451", action: "add", name: "Site Gent", firstMonth: "2026-07-01" },
  { ean: "541449300000123468", action: "remove", firstMonth: "2026-07-01" }
]
const designations = [{ ean: "541449300000123451", brpEic: "10X1001A1001A094", firstMonth: "2026-07-01" }]

/** Drives one change of `kind` through its step and the approval; returns the register's body for it. */
const applyChange = async (kind: string, stepId: string, data: Record<string, unknown>) => {
  const change = await harness.begin({ templateId: PORTFOLIO_MANAGEMENT, actor: applicant, marketRole: "BRP" })
  await change.step("change-request", { change: kind, effectiveFrom: "2026-07-01" }, applicant)
  await change.step(stepId, data, applicant)
  const before = harness.register.requests.length
  const state = await change.step("change-review", { decision: "approve" }, opsAnn)
  const sent = harness.register.requests.slice(before)
  return { state, sent, change }
}

describe("portfolio changes reach the register with their data", () => {
  it.each([
    ["add-points", "points", { points }, "apply-points"],
    ["remove-points", "points", { points: [points[1]] }, "apply-points"],
    ["change-designations", "designations", { designations }, "apply-designations"],
    ["update-contacts", "contacts", { contacts: [contact] }, "apply-contacts"],
    ["renew-guarantee", "guarantee", { guarantee: { ...guarantee, reference: "BG-2027-00102" } }, "apply-guarantee"]
  ] as const)("%s: the register receives the %s step's data", async (kind, stepId, input, call) => {
    const data = stepId === "guarantee" ? input.guarantee : input
    const { state, sent, change } = await applyChange(kind, stepId, data as Record<string, unknown>)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ method: "POST", path: "/changes" })
    const body = sent[0]?.body as Record<string, unknown>
    expect(body).toMatchObject({
      change: change.instanceId,
      marketRole: "BRP",
      request: { change: kind, effectiveFrom: "2026-07-01" }
    })
    expect(body[stepId]).toEqual(data)
    // nothing of another kind
    for (const other of ["points", "designations", "contacts", "guarantee"]) {
      if (other !== stepId) expect(body).not.toHaveProperty(other)
    }
    expect(state.stepStates[call]?.data).toMatchObject({ status: "applied" })
    expect(state.stepStates.apply).toBeUndefined()
    // the confirmation notice goes out whichever call applied the change
    await change.submit(applicant)
    expect((await change.approve(opsAva)).status).toBe("COMPLETED")
  })

  it("sends only the kind finally approved after a request for changes switched it", async () => {
    const change = await harness.begin({ templateId: PORTFOLIO_MANAGEMENT, actor: applicant, marketRole: "BRP" })
    await change.step("change-request", { change: "add-points", effectiveFrom: "2026-07-01" }, applicant)
    await change.step("points", { points }, applicant)
    await change.step("change-review", { decision: "request_changes", comment: "contacts first" }, opsAnn)
    await change.step("change-request", { change: "update-contacts", effectiveFrom: "2026-07-01" }, applicant)
    await change.step("contacts", { contacts: [contact] }, applicant)
    const before = harness.register.requests.length
    await change.step("change-review", { decision: "approve" }, opsAnn)
    const sent = harness.register.requests.slice(before)
    expect(sent.map((r) => Object.keys(r.body as object).sort())).toEqual([
      ["change", "contacts", "marketRole", "request", "tenant"]
    ])
  })
})
