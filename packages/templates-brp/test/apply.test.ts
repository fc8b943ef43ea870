/**
 * A BRP's portfolio changes reach the BRP register (a real HTTP server on loopback) with the data
 * their step collected: points, contacts with the nomination recipients, the renewed guarantee, a
 * top-up, a replacement guarantee — each kind through its own register call, routed from the
 * operator's approval, and never another kind's data.
 */
import { makePackHarness, type PackHarness } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BRP_PORTFOLIO, brpPack } from "../src/index.js"
import { applicant, contacts, guarantee, opsAnn, opsAva } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(brpPack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const points = {
  points: [{ ean: "541449300000123451", action: "add", name: "Gent — Ham", firstMonth: "2026-07-01" }]
}
const topUp = { callReference: "CALL-2026-031", amount: 150000, reference: "BG-2026-00417-A1", paidOn: "2026-06-12" }
const replacement = { ...guarantee, issuer: "KBC Bank", issuerRating: "A", reference: "BG-2026-00733" }
const renewed = { ...guarantee, reference: "BG-2027-00102", expiresOn: "2028-03-31" }

describe("BRP portfolio changes reach the register with their data", () => {
  it.each([
    ["add-points", "points", points, "points", "apply-points"],
    ["update-contacts", "contacts", contacts, "contacts", "apply-contacts"],
    ["renew-guarantee", "guarantee", renewed, "guarantee", "apply-guarantee"],
    ["top-up-guarantee", "guarantee-top-up", topUp, "topUp", "apply-guarantee-top-up"],
    ["replace-guarantee", "guarantee-replacement", replacement, "guarantee", "apply-guarantee-replacement"]
  ] as const)("%s: the %s step's data is sent as %s", async (kind, stepId, data, key, call) => {
    const change = await harness.begin({ templateId: BRP_PORTFOLIO, actor: applicant })
    await change.step("change-request", { change: kind, effectiveFrom: "2026-07-01" }, applicant)
    await change.step(stepId, data, applicant)
    const before = harness.register.requests.length
    const state = await change.step("change-review", { decision: "approve" }, opsAnn)
    const sent = harness.register.requests.slice(before)
    expect(sent.map((r) => [r.method, r.path])).toEqual([["POST", "/changes"]])
    const body = sent[0]?.body as Record<string, unknown>
    expect(body).toMatchObject({ change: change.instanceId, marketRole: "BRP", request: { change: kind } })
    expect(body[key]).toEqual(data)
    expect(Object.keys(body).sort()).toEqual(["change", key, "marketRole", "request", "tenant"].sort())
    expect(state.stepStates[call]?.data).toMatchObject({ status: "applied" })
    await change.submit(applicant)
    expect((await change.approve(opsAva)).status).toBe("COMPLETED")
  })
})
