/**
 * Acceptance of the DSO pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full DSO onboarding from
 * DRAFT to COMPLETED with realistic data (EIC, EAN-GLN, interconnection points, BRP) and distinct
 * eligible approvers, invalid identifiers refused with their paths, the start-date deadline
 * escalating under the test clock, an access-register change after it linked by metadata, and the
 * DSO's approval of a BSP's delivery points on its grid (its own approvers, four-eyes, the decision
 * sent to the operator, the 30-day (?) deadline).
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DSO_DELIVERY_POINT_APPROVAL, DSO_ONBOARDING, DSO_PORTFOLIO, dsoPack } from "../src/index.js"
import {
  accessRequest,
  applicant,
  company,
  contacts,
  contract,
  declaration,
  dsoApprover,
  engie,
  flexibilityRequest,
  gridEngineer,
  guarantee,
  opsAnn,
  opsAva,
  opsMax,
  study,
  technical,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(dsoPack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const timerIds = (events: ReadonlyArray<{ readonly data: unknown }>) =>
  events.map((e) => (e.data as { timerId?: string }).timerId)

/** Company, contacts and the access request, as the DSO fills them in. */
const upToDeclaration = async (requestedStart = accessRequest.requestedStart) => {
  const instance = await harness.begin({ templateId: DSO_ONBOARDING, actor: applicant })
  await instance.step("company", company, applicant)
  await instance.step("contacts", contacts, applicant)
  await instance.step("role-data", { ...accessRequest, requestedStart }, applicant)
  return instance
}

describe("DSO onboarding", () => {
  let onboarding: WorkflowState

  it("refuses invalid identifiers with their field paths", async () => {
    const instance = await harness.begin({ templateId: DSO_ONBOARDING, actor: applicant })
    const bad = { ...company, eic: "10YBE----------2", gln: "541449200000", vat: "BE0477445085" }
    expect(issuePaths(await rejectionOf(instance.step("company", bad, applicant)))).toEqual([
      "company.eic",
      "company.gln",
      "company.vat"
    ])
    const { gln: _, ...withoutGln } = company
    expect(issuePaths(await rejectionOf(instance.step("company", withoutGln, applicant)))).toEqual(["company.gln"])
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    const wrong = {
      ...accessRequest,
      brp: { ...engie, eic: "10X1001A1001A095" },
      interconnectionPoints: [{ ...accessRequest.interconnectionPoints[0], ean: "541449300000990016" }]
    }
    expect(issuePaths(await rejectionOf(instance.step("role-data", wrong, applicant)))).toEqual([
      "role-data.brp.eic",
      "role-data.interconnectionPoints[0].ean"
    ])
  })

  it("runs from DRAFT to COMPLETED: access request, declaration, guarantee, data exchanges, DSO register", async () => {
    const instance = await upToDeclaration()
    expect((await instance.state()).marketRole).toBe("DSO")
    await instance.step("cooperation-declaration", declaration, applicant)
    await instance.step("financial-security", guarantee, applicant)
    expect(
      issuePaths(await rejectionOf(instance.step("technical", { ...technical, allocationChannel: "fax" }, applicant)))
    ).toEqual(["technical.allocationChannel"])
    await instance.step("technical", technical, applicant)
    let state = await instance.step("contract", contract, applicant)
    expect(state.currentStepId).toBe("review")
    expect(await rejectionOf(instance.step("review", { decision: "approve" }, applicant))).toMatchObject({
      _tag: "Forbidden"
    })
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve" }, opsAva)
    expect(state.stepStates.activation?.data).toEqual({ registrationId: "REG-0001", status: "active" })
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "DSO",
      company: { eic: "22XFLUVIUS-----V", gln: "5414492000007" },
      roleData: { brp: { eic: "10X1001A1001A094" }, interconnectionPoints: [{ ean: "541449300000990015" }, {}] },
      declaration: { declaration: "declared" },
      dataExchanges: { accessRegisterChannel: "b2b-xml" }
    })
    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "contacts",
      "role-data",
      "cooperation-declaration",
      "financial-security",
      "technical",
      "contract",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("escalates when the start date is 1 month (?) away and the operator has not approved", async () => {
    const instance = await upToDeclaration(addDays(await harness.now(), 35))
    await instance.step("cooperation-declaration", declaration, applicant)
    await instance.step("financial-security", guarantee, applicant)
    await instance.step("technical", technical, applicant)
    const state = await instance.step("contract", contract, applicant)
    expect(state.currentStepId).toBe("review")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P7D")
    expect(timerIds(await instance.fireDueTimers())).toEqual(["start-notice"])
    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    expect(outbox.map((m) => m.message.kind)).toContain("dso-start-at-risk")
  })

  it("then updates its access register: ACH and BRP per EAN-GSRN, sent to the register, linked to the onboarding", async () => {
    const change = await harness.begin({
      templateId: DSO_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    await change.step("change-request", { change: "change-designations", effectiveFrom: "2026-08-01" }, applicant)
    const entry = {
      ean: "541448965001060702",
      brpEic: "10X1001A1001A094",
      supplierEic: "22XENECO-------6",
      firstMonth: "2026-08-01"
    }
    const { supplierEic: _, ...withoutAch } = entry
    expect(
      issuePaths(await rejectionOf(change.step("designations", { designations: [withoutAch] }, applicant)))
    ).toEqual(["designations.designations[0].supplierEic"])
    await change.step("designations", { designations: [entry] }, applicant)
    let state = await change.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-access-register"]?.data).toMatchObject({ status: "applied" })
    expect(harness.register.requests.at(-1)?.body).toMatchObject({
      request: { change: "change-designations" },
      accessRegister: [entry]
    })
    await change.submit(applicant)
    state = await change.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toMatchObject({ instanceId: onboarding.instanceId, templateId: DSO_ONBOARDING })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([DSO_ONBOARDING, DSO_PORTFOLIO])
  })
})

describe("DSO approval of delivery points", () => {
  it("studies and approves a BSP's delivery points: the DSO's approver decides, the operator is told", async () => {
    const approval = await harness.begin({ templateId: DSO_DELIVERY_POINT_APPROVAL, actor: applicant })
    const wrong = {
      ...flexibilityRequest,
      provider: { ...flexibilityRequest.provider, eic: "22XENECO-------7" },
      deliveryPoints: [{ ...flexibilityRequest.deliveryPoints[0], ean: "541448965001060703", meterId: "meter 1" }]
    }
    expect(issuePaths(await rejectionOf(approval.step("flexibility-request", wrong, applicant)))).toEqual([
      "flexibility-request.deliveryPoints[0].ean",
      "flexibility-request.deliveryPoints[0].meterId",
      "flexibility-request.provider.eic"
    ])
    await approval.step("flexibility-request", flexibilityRequest, applicant)
    await approval.step("network-flexibility-study", study, gridEngineer)
    // only the DSO's approver: not the operator's market ops, not the engineer who did the study
    for (const actor of [opsAnn, gridEngineer, applicant]) {
      expect(await rejectionOf(approval.step("dso-decision", { decision: "approve" }, actor))).toMatchObject({
        _tag: "Forbidden"
      })
    }
    const state = await approval.step("dso-decision", { decision: "approve", comment: "2 MW max" }, dsoApprover)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(state.stepStates["register-decision"]?.data).toMatchObject({ status: "applied" })
    expect(harness.register.requests.at(-1)?.body).toMatchObject({
      kind: "dso-delivery-point-approval",
      tenant: tenantId,
      request: { operatorReference: "wf-bsp-0042", provider: { role: "BSP" } },
      study: { result: "with-limits" },
      decision: "approved"
    })
    const outbox = await harness.storage.inspect.outbox(approval.instanceId)
    expect(outbox.map((m) => m.message.kind)).toContain("notification")
    await approval.submit(applicant)
    expect((await approval.approve(opsMax)).status).toBe("COMPLETED")
  })

  it("escalates a decision not taken within 30 days (?) of the request, and tells the operator of a refusal", async () => {
    const approval = await harness.begin({ templateId: DSO_DELIVERY_POINT_APPROVAL, actor: applicant })
    const receivedOn = (await harness.now()).slice(0, 10)
    await approval.step("flexibility-request", { ...flexibilityRequest, receivedOn }, applicant)
    await harness.advance("P20D")
    await approval.step("network-flexibility-study", { ...study, result: "not-possible", limits: [] }, gridEngineer)
    expect(await approval.fireDueTimers()).toEqual([])
    await harness.advance("P10D")
    expect(timerIds(await approval.fireDueTimers())).toEqual(["dso-decision"])
    const outbox = await harness.storage.inspect.outbox(approval.instanceId)
    expect(outbox.map((m) => m.message.kind)).toEqual(["dso-decision-overdue"])
    const requests = harness.register.requests.length
    const state = await approval.step(
      "dso-decision",
      { decision: "reject", comment: "congestion at Ghent Noord" },
      dsoApprover
    )
    expect(state.stepStates["refusal-notice"]?.status).toBe("completed")
    expect(state.stepStates["register-decision"]).toBeUndefined()
    expect(harness.register.requests.length).toBe(requests)
  })
})

/** The calendar date `days` after an instant. */
function addDays(instant: string, days: number): string {
  return new Date(Date.parse(instant) + days * 86_400_000).toISOString().slice(0, 10)
}
