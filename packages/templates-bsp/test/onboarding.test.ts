/**
 * Acceptance of the BSP pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full BSP onboarding
 * from DRAFT to COMPLETED with realistic data — delivery points on the transmission grid and on a
 * DSO's grid, so the DSO approves — invalid identifiers refused with their paths, the screening and
 * missing-information deadlines escalating under the test clock, and portfolio changes after it,
 * linked by metadata.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BSP_ONBOARDING, BSP_PORTFOLIO, bspPack } from "../src/index.js"
import {
  applicant,
  application,
  company,
  contacts,
  deliveryPoints,
  dsoContracts,
  dsoDesk,
  itInterfaces,
  opsAnn,
  opsAva,
  opsMax,
  prequalificationTest,
  prequalifier,
  screener,
  tcSignature,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(bspPack, {
    register: { url: harness.register.url },
    screeners: [screener.userId],
    dsoDesk: [dsoDesk.userId],
    prequalifiers: [prequalifier.userId]
  })
})
afterAll(() => harness?.close())

const timerIds = (events: ReadonlyArray<{ readonly type: string; readonly data?: unknown }>) =>
  events.map((e) => [e.type, (e.data as { timerId?: string } | undefined)?.timerId])

/** Company → contacts → application → screening by `screener`: the instance at the T&C signature. */
const throughScreening = async () => {
  const instance = await harness.begin({ templateId: BSP_ONBOARDING, actor: applicant })
  await instance.step("company", company, applicant)
  await instance.step("contacts", contacts, applicant)
  await instance.step("role-data", application, applicant)
  await instance.step("financial-screening", { decision: "approve", comment: "no exclusion ground" }, screener)
  return instance
}

let onboarding: WorkflowState

describe("BSP onboarding", () => {
  it("refuses invalid identifiers with their field paths", async () => {
    const instance = await harness.begin({ templateId: BSP_ONBOARDING, actor: applicant })
    const bad = await rejectionOf(
      instance.step(
        "company",
        // a wrong VAT check, an area (Y) EIC where a party (X) code is required, a wrong IBAN check
        { ...company, vat: "BE0712345631", eic: "10YBE----------2", bankAccount: "BE48320070184928" },
        applicant
      )
    )
    expect(bad).toMatchObject({ _tag: "ValidationFailed" })
    expect(issuePaths(bad)).toEqual(["company.bankAccount", "company.eic", "company.vat"])
    const { eic: _, ...withoutEic } = company
    expect(issuePaths(await rejectionOf(instance.step("company", withoutEic, applicant)))).toEqual(["company.eic"])
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    // a sworn statement is declared, not denied; only the T&C BSP's products exist
    const denied = {
      ...application,
      products: ["aFRR", "RR"],
      swornStatement: { ...application.swornStatement, noCriminalRecord: "no" }
    }
    expect(issuePaths(await rejectionOf(instance.step("role-data", denied, applicant)))).toEqual([
      "role-data.products[1]",
      "role-data.swornStatement.noCriminalRecord"
    ])
  })

  it("runs from DRAFT to COMPLETED: screening, T&C, IT, delivery points, the DSO's approval, prequalification", async () => {
    const instance = await throughScreening()
    expect((await instance.state()).marketRole).toBe("BSP")
    let state = await instance.step("contract", tcSignature, applicant)
    expect(state.currentStepId).toBe("technical")
    await instance.step("technical", itInterfaces, applicant)

    // a delivery point is identified by its meter's EAN-GSRN
    const wrongEan = {
      ...deliveryPoints,
      points: [deliveryPoints.points[0], { ...deliveryPoints.points[1], ean: "541453000002000036" }]
    }
    expect(issuePaths(await rejectionOf(instance.step("delivery-points", wrongEan, applicant)))).toEqual([
      "delivery-points.points[1].ean"
    ])
    // a point on Fluvius's grid: the FSP–DSO contract, the points to the DSO, the DSO's approval
    state = await instance.step("delivery-points", deliveryPoints, applicant)
    expect(state.currentStepId).toBe("fsp-dso-contracts")
    state = await instance.step("fsp-dso-contracts", dsoContracts, applicant)
    expect(state.currentStepId).toBe("dso-approval")
    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    const consultation = outbox.find((m) => JSON.stringify(m.message).includes("dso-flexibility-requests"))
    expect(JSON.stringify(consultation?.message)).toContain("541453000002000035")
    // the webhook body carries the field names of the DSO's flexibility-request form (templates-dso)
    const sent = consultation?.message.payload as { body?: unknown } | undefined
    expect(sent?.body).toEqual({
      operatorReference: instance.instanceId,
      provider: { role: "BSP", tenant: tenantId },
      connection: deliveryPoints.connection,
      deliveryPoints: deliveryPoints.points
    })

    // the DSO's answer is recorded by the DSO desk only
    expect(await rejectionOf(instance.step("dso-approval", { decision: "approve" }, opsAnn))).toMatchObject({
      _tag: "Forbidden"
    })
    state = await instance.step("dso-approval", { decision: "approve", comment: "Fluvius NFS-2026-0412: OK" }, dsoDesk)
    expect(state.currentStepId).toBe("prequalification-test")
    await instance.step("prequalification-test", prequalificationTest, applicant)
    state = await instance.step(
      "prequalification",
      { decision: "approve", comment: "25 MW prequalified" },
      prequalifier
    )
    expect(state.currentStepId).toBe("review")
    expect(harness.register.requests).toEqual([])

    // four-eyes: the screener, the DSO desk and the prequalifier decided already
    for (const decided of [screener, dsoDesk, prequalifier]) {
      expect(await rejectionOf(instance.step("review", { decision: "approve" }, decided))).toMatchObject({
        _tag: "Forbidden"
      })
    }
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve" }, opsAva)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(state.stepStates.activation?.data).toEqual({ registrationId: "REG-0001", status: "active" })
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "BSP",
      company: { vat: "BE0712345630", eic: "10XFLEXPOWER--AC" },
      deliveryPoints: { connection: "both" },
      prequalification: prequalificationTest
    })

    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "contacts",
      "role-data",
      "financial-screening",
      "contract",
      "technical",
      "delivery-points",
      "fsp-dso-contracts",
      "dso-consultation",
      "dso-approval",
      "prequalification-test",
      "prequalification",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("skips the DSO when every delivery point is on the transmission grid", async () => {
    const instance = await throughScreening()
    await instance.step("contract", tcSignature, applicant)
    await instance.step("technical", itInterfaces, applicant)
    const transmission = { connection: "transmission", points: [deliveryPoints.points[0]] }
    const state = await instance.step("delivery-points", transmission, applicant)
    expect(state.currentStepId).toBe("prequalification-test")
  })

  it("escalates a financial screening not decided within 2 weeks", async () => {
    const instance = await harness.begin({ templateId: BSP_ONBOARDING, actor: applicant })
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    const state = await instance.step("role-data", application, applicant)
    expect(state.timers?.map((t) => t.id)).toEqual(["screening-decision"])
    await harness.advance("P13D")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P1D")
    expect(timerIds(await instance.fireDueTimers())).toEqual([["TIMER_FIRED", "screening-decision"]])
    const kinds = (await harness.storage.inspect.outbox(instance.instanceId)).map((m) => m.message.kind)
    expect(kinds).toContain("screening-decision-overdue")
    await harness.advance("P1D")
    expect(await instance.fireDueTimers()).toEqual([])
  })

  it("withdraws an application whose missing information is not supplied within 4 weeks", async () => {
    const instance = await throughScreening()
    await instance.step("contract", tcSignature, applicant)
    await instance.step("technical", itInterfaces, applicant)
    await instance.step(
      "delivery-points",
      { connection: "transmission", points: [deliveryPoints.points[0]] },
      applicant
    )
    await instance.step("prequalification-test", prequalificationTest, applicant)
    let state = await instance.step(
      "prequalification",
      { decision: "request_changes", comment: "the aFRR test's metering data are missing" },
      prequalifier
    )
    expect(state.currentStepId).toBe("missing-information")
    await harness.advance("P28D")
    expect(timerIds(await instance.fireDueTimers())).toContainEqual(["TIMER_FIRED", "missing-information"])
    state = await instance.state()
    expect(state.currentStepId).toBe("withdrawal-notice")
  })
})

describe("BSP portfolio", () => {
  it("adds a delivery point on a distribution grid: the DSO approves, then the operator; linked to the onboarding", async () => {
    const change = await harness.begin({
      templateId: BSP_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    await change.step("change-request", { change: "add-points", effectiveFrom: "2026-09-01" }, applicant)
    const added = {
      connection: "distribution",
      points: [
        {
          ...deliveryPoints.points[1],
          ean: "541453000002000042",
          siteName: "Greenhouses Meer",
          action: "add",
          firstMonth: "2026-09-01"
        }
      ]
    }
    let state = await change.step("points", added, applicant)
    expect(state.currentStepId).toBe("dso-approval")
    state = await change.step("dso-approval", { decision: "approve" }, dsoDesk)
    expect(state.currentStepId).toBe("change-review")
    state = await change.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-points"]?.data).toMatchObject({ status: "applied" })
    await change.submit(applicant)
    state = await change.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: BSP_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([BSP_ONBOARDING, BSP_PORTFOLIO])
  })
})
