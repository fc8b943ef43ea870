/**
 * Acceptance of the ESP pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full ESP onboarding
 * from DRAFT to COMPLETED with realistic data — delivery points on Fluvius's and ORES's grids, so
 * the agreements with both DSOs and the DSO's approval — invalid identifiers refused with their
 * paths, the DSO's answer escalating under the test clock when a window is configured, and a
 * guarantee renewal after it, linked by metadata, escalating 3 months before expiry.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ESP_ONBOARDING, ESP_PORTFOLIO, espPack } from "../src/index.js"
import {
  applicant,
  company,
  contacts,
  deliveryPoints,
  dsoAgreements,
  dsoDesk,
  flexibilityService,
  fspContract,
  guarantee,
  opsAnn,
  opsAva,
  opsMax,
  technical,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(espPack, {
    register: { url: harness.register.url },
    dsoDesk: [dsoDesk.userId],
    dsoDecisionWithin: "P30D"
  })
})
afterAll(() => harness?.close())

/** Company → contacts → service → guarantee → IT → FSP contract: the instance at the delivery points. */
const throughContract = async () => {
  const instance = await harness.begin({ templateId: ESP_ONBOARDING, actor: applicant })
  await instance.step("company", company, applicant)
  await instance.step("contacts", contacts, applicant)
  await instance.step("role-data", flexibilityService, applicant)
  await instance.step("financial-security", guarantee, applicant)
  await instance.step("technical", technical, applicant)
  await instance.step("contract", fspContract, applicant)
  return instance
}

let onboarding: WorkflowState

describe("ESP onboarding", () => {
  it("refuses invalid identifiers with their field paths", async () => {
    const instance = await harness.begin({ templateId: ESP_ONBOARDING, actor: applicant })
    const bad = await rejectionOf(
      instance.step(
        "company",
        { ...company, vat: "0876543271", eic: "10XVOLTFLEX---AZ", bankAccount: "BE75 0682 3456 7852" },
        applicant
      )
    )
    expect(bad).toMatchObject({ _tag: "ValidationFailed" })
    expect(issuePaths(bad)).toEqual(["company.bankAccount", "company.eic", "company.vat"])
  })

  it("runs from DRAFT to COMPLETED: FSP contract and guarantee, the DSOs' agreements and approval", async () => {
    const instance = await harness.begin({ templateId: ESP_ONBOARDING, actor: applicant })
    expect((await instance.state()).marketRole).toBe("ESP")
    // a guarantee is a bank guarantee (the regulator's mechanism): a deposit is refused
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    await instance.step("role-data", flexibilityService, applicant)
    expect(
      issuePaths(await rejectionOf(instance.step("financial-security", { ...guarantee, kind: "deposit" }, applicant)))
    ).toEqual(["financial-security.kind"])
    await instance.step("financial-security", guarantee, applicant)
    await instance.step("technical", technical, applicant)
    await instance.step("contract", fspContract, applicant)

    const wrongEan = { ...deliveryPoints, points: [{ ...deliveryPoints.points[0], ean: "541448965001060703" }] }
    expect(issuePaths(await rejectionOf(instance.step("delivery-points", wrongEan, applicant)))).toEqual([
      "delivery-points.points[0].ean"
    ])
    let state = await instance.step("delivery-points", deliveryPoints, applicant)
    expect(state.currentStepId).toBe("dso-agreements")
    state = await instance.step("dso-agreements", dsoAgreements, applicant)
    expect(state.currentStepId).toBe("dso-approval")
    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    expect(JSON.stringify(outbox.map((m) => m.message))).toContain("541449500000012346")
    state = await instance.step("dso-approval", { decision: "approve", comment: "Fluvius and ORES: OK" }, dsoDesk)
    expect(state.currentStepId).toBe("review")
    expect(await rejectionOf(instance.step("review", { decision: "approve" }, dsoDesk))).toMatchObject({
      _tag: "Forbidden"
    })
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve", comment: "guarantee received" }, opsAva)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "ESP",
      company: { vat: "BE0876543270", eic: "10XVOLTFLEX---AY" },
      deliveryPoints: { connection: "distribution" }
    })
    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "contacts",
      "role-data",
      "financial-security",
      "technical",
      "contract",
      "delivery-points",
      "dso-agreements",
      "dso-consultation",
      "dso-approval",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("needs no DSO when every point is on the transmission grid", async () => {
    const instance = await throughContract()
    const { dso: _, ...battery } = deliveryPoints.points[1] ?? {}
    const transmission = { connection: "transmission", points: [{ ...battery, grid: "transmission" }] }
    const state = await instance.step("delivery-points", transmission, applicant)
    expect(state.currentStepId).toBe("review")
  })

  it("escalates the DSO's answer when the configured window passes", async () => {
    const instance = await throughContract()
    await instance.step("delivery-points", deliveryPoints, applicant)
    const state = await instance.step("dso-agreements", dsoAgreements, applicant)
    expect(state.timers?.map((t) => t.id)).toEqual(["dso-decision"])
    await harness.advance("P29D")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P1D")
    const fired = await instance.fireDueTimers()
    expect(fired.map((e) => [e.type, (e.data as { timerId?: string }).timerId])).toEqual([
      ["TIMER_FIRED", "dso-decision"]
    ])
    const kinds = (await harness.storage.inspect.outbox(instance.instanceId)).map((m) => m.message.kind)
    expect(kinds).toContain("dso-decision-overdue")
  })
})

describe("ESP portfolio", () => {
  it("renews the bank guarantee, linked to the onboarding, escalated 3 months before expiry", async () => {
    const renewal = await harness.begin({
      templateId: ESP_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    await renewal.step(
      "change-request",
      { change: "renew-guarantee", effectiveFrom: "2027-06-30", guaranteeExpiresOn: "2027-06-30" },
      applicant
    )
    const due = (await renewal.state()).timers?.find((t) => t.id === "renewal-due")?.dueAt
    expect(due).toBe("2027-03-30T00:00:00.000Z")
    expect(await renewal.fireDueTimers()).toEqual([])
    await harness.advance("P370D") // from about 1 April 2026: past 30 March 2027, before the expiry
    const fired = await renewal.fireDueTimers()
    expect(fired.map((e) => (e.data as { timerId?: string }).timerId)).toEqual(["renewal-due"])

    await renewal.step("guarantee", { ...guarantee, reference: "BG-ESP-2027-0012", expiresOn: "2028-06-30" }, applicant)
    let state = await renewal.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-guarantee"]?.data).toMatchObject({ status: "applied" })
    await renewal.submit(applicant)
    state = await renewal.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: ESP_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([ESP_ONBOARDING, ESP_PORTFOLIO])
  })

  it("adds a point on a distribution grid through the DSO's approval", async () => {
    const change = await harness.begin({
      templateId: ESP_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    await change.step("change-request", { change: "add-points", effectiveFrom: "2027-09-01" }, applicant)
    const added = {
      connection: "distribution",
      points: [{ ...deliveryPoints.points[0], action: "add", firstMonth: "2027-09-01" }]
    }
    const state = await change.step("points", added, applicant)
    expect(state.currentStepId).toBe("dso-approval")
  })
})
