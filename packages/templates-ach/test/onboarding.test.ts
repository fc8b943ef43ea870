/**
 * Acceptance of the ACH pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full ACH onboarding from
 * DRAFT to COMPLETED with realistic data and distinct eligible approvers, invalid identifiers refused
 * with their paths, the start-of-access deadline escalating under the test clock, and portfolio
 * changes after it, linked by metadata: added access points confirmed by the operator (15 days (?)),
 * and a change of BRP refused with its paths, then escalated for short notice.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ACH_ONBOARDING, ACH_PORTFOLIO, achPack } from "../src/index.js"
import {
  accessRequest,
  applicant,
  company,
  contacts,
  contract,
  designation,
  designations,
  engie,
  gridUserAgreement,
  guarantee,
  guaranteeAmount,
  opsAnn,
  opsAva,
  opsCara,
  opsMax,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(achPack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const timerIds = (events: ReadonlyArray<{ readonly data: unknown }>) =>
  events.map((e) => (e.data as { timerId?: string }).timerId)

describe("ACH onboarding", () => {
  let onboarding: WorkflowState

  it("refuses invalid identifiers with their field paths", async () => {
    const instance = await harness.begin({ templateId: ACH_ONBOARDING, actor: applicant })
    const bad = await rejectionOf(
      instance.step("company", { ...company, vat: "BE0471811662", bankAccount: "BE48320070184928" }, applicant)
    )
    expect(bad).toMatchObject({ _tag: "ValidationFailed" })
    expect(issuePaths(bad)).toEqual(["company.bankAccount", "company.vat"])
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    expect(
      issuePaths(
        await rejectionOf(
          instance.step(
            "role-data",
            { ...accessRequest, gridUser: { ...accessRequest.gridUser, vat: "BE0403027279" } },
            applicant
          )
        )
      )
    ).toEqual(["role-data.gridUser.vat"])
    await instance.step("role-data", accessRequest, applicant)
    await instance.step("guarantee-amount", guaranteeAmount, opsCara)
    await instance.step("financial-security", guarantee, applicant)
    await instance.step("grid-user-agreement", gridUserAgreement, applicant)
    // a wrong EAN check digit, a Belgian EAN not starting 5414, an area EIC for the BRP, a bad month
    const wrong = {
      accessPoints: [
        { ...designation("541449300000123452", "A"), brp: { ...engie, eic: "10YBE----------2" } },
        { ...designation("871449300000123457", "B"), lastMonth: "2026-13" }
      ]
    }
    expect(issuePaths(await rejectionOf(instance.step("designations", wrong, applicant)))).toEqual([
      "designations.accessPoints[0].brp.eic",
      "designations.accessPoints[0].ean",
      "designations.accessPoints[1].ean",
      "designations.accessPoints[1].lastMonth"
    ])
  })

  it("runs from DRAFT to COMPLETED: access request, guarantee, annexes, signature, access register", async () => {
    const instance = await harness.begin({ templateId: ACH_ONBOARDING, actor: applicant })
    expect((await instance.state()).marketRole).toBe("ACH")
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    let state = await instance.step("role-data", accessRequest, applicant)
    expect(state.currentStepId).toBe("guarantee-amount")
    await instance.step("guarantee-amount", guaranteeAmount, opsCara)
    await instance.step("financial-security", guarantee, applicant)
    await instance.step("grid-user-agreement", gridUserAgreement, applicant)
    await instance.step("designations", designations, applicant)
    state = await instance.step("contract", contract, applicant)
    expect(state.currentStepId).toBe("review")
    expect(harness.register.requests).toEqual([])

    // four-eyes: the operator who computed the guarantee and the applicant cannot approve
    for (const actor of [opsCara, applicant]) {
      expect(await rejectionOf(instance.step("review", { decision: "approve" }, actor))).toMatchObject({
        _tag: "Forbidden"
      })
    }
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve", comment: "guarantee received" }, opsAva)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(state.stepStates.activation?.data).toEqual({ registrationId: "REG-0001", status: "active" })
    expect(harness.register.requests.map((r) => [r.method, r.path])).toEqual([["POST", "/registrations"]])
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "ACH",
      company: { vat: "BE0471811661" },
      roleData: { customerId: "CUST-204118", gridUser: { vat: "BE0403027278" } },
      designations: { accessPoints: [{ ean: "541449300000123451", brp: { eic: "10X1001A1001A094" } }, {}] }
    })

    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "contacts",
      "role-data",
      "guarantee-amount",
      "financial-security",
      "grid-user-agreement",
      "designations",
      "contract",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("escalates when the start of access is 1 month away and the guarantee is not computed", async () => {
    const instance = await harness.begin({ templateId: ACH_ONBOARDING, actor: applicant })
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    const requestedStart = addDays(await harness.now(), 45)
    const state = await instance.step("role-data", { ...accessRequest, requestedStart }, applicant)
    const due = state.timers?.find((t) => t.id === "start-notice")?.dueAt
    expect(due).toBe(`${monthBefore(requestedStart)}T00:00:00.000Z`)
    await harness.advance("P7D")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P15D")
    expect(timerIds(await instance.fireDueTimers())).toEqual(["start-notice"])
    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    expect(outbox.map((m) => m.message.kind)).toEqual(["access-start-at-risk"])
  })

  it("then adds access points: confirmed by the operator, escalated after 15 days (?)", async () => {
    const change = await harness.begin({
      templateId: ACH_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    let state = await change.step("change-request", { change: "add-points", effectiveFrom: "2026-09-01" }, applicant)
    expect(state.currentStepId).toBe("new-access-points")
    state = await change.step(
      "new-access-points",
      { accessPoints: [{ ...designation("541449300000123475", "Aperam Genk — annealing"), firstMonth: "2026-09" }] },
      applicant
    )
    expect(state.currentStepId).toBe("access-point-confirmation")
    await harness.advance("P14D")
    expect(await change.fireDueTimers()).toEqual([])
    await harness.advance("P1D")
    expect(timerIds(await change.fireDueTimers())).toEqual(["confirmation"])
    state = await change.step("access-point-confirmation", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-access-points"]?.data).toMatchObject({ status: "applied" })
    expect(harness.register.requests.at(-1)).toMatchObject({
      path: "/changes",
      body: { request: { change: "add-points" }, accessPoints: [{ ean: "541449300000123475", firstMonth: "2026-09" }] }
    })
    await change.submit(applicant)
    state = await change.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: ACH_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([ACH_ONBOARDING, ACH_PORTFOLIO])
  })

  it("changes a BRP: refuses a bad EIC with its path, escalates a change with less than 5 days' notice", async () => {
    const change = await harness.begin({
      templateId: ACH_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    const effectiveFrom = addDays(await harness.now(), 3)
    await change.step("change-request", { change: "change-designations", effectiveFrom }, applicant)
    // the notice period is already short: the deadline is due as soon as the step is current
    expect(timerIds(await change.fireDueTimers())).toEqual(["designation-notice"])
    const outbox = await harness.storage.inspect.outbox(change.instanceId)
    expect(outbox.map((m) => m.message.kind)).toEqual(["designation-change-short-notice"])
    const newBrp = {
      ...designation("541449300000123451", "Aperam Genk — melt shop"),
      brp: { ...engie, eic: "10X1001A1001A095" }
    }
    expect(issuePaths(await rejectionOf(change.step("designations", { accessPoints: [newBrp] }, applicant)))).toEqual([
      "designations.accessPoints[0].brp.eic"
    ])
    const state = await change.step(
      "designations",
      { accessPoints: [{ ...newBrp, brp: { ...engie, legalName: "Engie Electrabel (trading)" } }] },
      applicant
    )
    expect(state.currentStepId).toBe("change-review")
    await change.step("change-review", { decision: "approve" }, opsAnn)
    expect(harness.register.requests.at(-1)).toMatchObject({
      path: "/changes",
      body: {
        request: { change: "change-designations" },
        accessPoints: [{ brp: { legalName: "Engie Electrabel (trading)" } }]
      }
    })
  })
})

/** The calendar date `days` after an instant. */
function addDays(instant: string, days: number): string {
  return new Date(Date.parse(instant) + days * 86_400_000).toISOString().slice(0, 10)
}

/** The same day one month earlier (`2026-05-15` → `2026-04-15`). */
function monthBefore(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`)
  d.setUTCMonth(d.getUTCMonth() - 1)
  return d.toISOString().slice(0, 10)
}
