/**
 * Acceptance of the BRP pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full BRP onboarding
 * from DRAFT to COMPLETED with realistic data and distinct eligible approvers (four-eyes), invalid
 * identifiers refused with their paths, the portal-invitation deadline escalating under the test
 * clock, and a portfolio change after it, linked by metadata, whose guarantee renewal escalates 3
 * months before expiry.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BRP_ONBOARDING, BRP_PORTFOLIO, brpPack } from "../src/index.js"
import {
  applicant,
  company,
  contacts,
  contract,
  guarantee,
  opsAnn,
  opsAva,
  opsMax,
  portalInvitation,
  solvency,
  support,
  technical,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(brpPack, { register: { url: harness.register.url }, solvencyCheckers: [support.userId] })
})
afterAll(() => harness?.close())

describe("BRP onboarding", () => {
  let onboarding: WorkflowState

  it("refuses invalid identifiers with their field paths", async () => {
    const instance = await harness.begin({ templateId: BRP_ONBOARDING, actor: applicant })
    const bad = await rejectionOf(
      instance.step(
        "company",
        // a wrong VAT check, an area (Y) EIC where a party (X) code is required, a wrong IBAN check
        { ...company, vat: "BE0476388377", eic: "10YBE----------2", bankAccount: "BE31435411161156" },
        applicant
      )
    )
    expect(bad).toMatchObject({ _tag: "ValidationFailed" })
    expect(issuePaths(bad)).toEqual(["company.bankAccount", "company.eic", "company.vat"])
    const { eic: _, ...withoutEic } = company
    expect(issuePaths(await rejectionOf(instance.step("company", withoutEic, applicant)))).toEqual(["company.eic"])
    await instance.step("company", company, applicant)
    await instance.step("portal-invitation", portalInvitation, support)
    const six = Array.from({ length: 6 }, (_, i) => ({ service: `desk ${i}`, email: `desk${i}@engie.example` }))
    expect(
      issuePaths(await rejectionOf(instance.step("contacts", { ...contacts, nominationRecipients: six }, applicant)))
    ).toEqual(["contacts.nominationRecipients"])
  })

  it("runs from DRAFT to COMPLETED: solvency check, contract, then the guarantee, then the BRP register", async () => {
    const instance = await harness.begin({ templateId: BRP_ONBOARDING, actor: applicant })
    expect((await instance.state()).marketRole).toBe("BRP")
    await instance.step("company", company, applicant)
    await instance.step("portal-invitation", portalInvitation, support)
    await instance.step("contacts", contacts, applicant)
    let state = await instance.step("role-data", solvency, applicant)
    expect(state.currentStepId).toBe("solvency-check")

    // the solvency check is customer support's: not the applicant's, not market ops'
    expect(await rejectionOf(instance.step("solvency-check", { decision: "approve" }, applicant))).toMatchObject({
      _tag: "Forbidden"
    })
    expect(await rejectionOf(instance.step("solvency-check", { decision: "approve" }, opsAnn))).toMatchObject({
      _tag: "Forbidden"
    })
    state = await instance.step("solvency-check", { decision: "approve", comment: "annual accounts 2025 OK" }, support)
    expect(state.currentStepId).toBe("technical")
    await instance.step("technical", technical, applicant)
    state = await instance.step("contract", contract, applicant)
    // the contract only takes effect after the guarantee: nothing registered yet
    expect(state.currentStepId).toBe("financial-security")
    expect(harness.register.requests).toEqual([])
    expect(
      issuePaths(
        await rejectionOf(instance.step("financial-security", { ...guarantee, issuerRating: "BB+" }, applicant))
      )
    ).toEqual(["financial-security.issuerRating"])
    state = await instance.step("financial-security", guarantee, applicant)
    expect(state.currentStepId).toBe("review")

    // four-eyes: customer support did the solvency check, so two other operators approve
    expect(await rejectionOf(instance.step("review", { decision: "approve" }, support))).toMatchObject({
      _tag: "Forbidden"
    })
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve", comment: "guarantee received" }, opsAva)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(state.stepStates.activation?.data).toEqual({ registrationId: "REG-0001", status: "active" })
    expect(harness.register.requests.map((r) => [r.method, r.path])).toEqual([["POST", "/registrations"]])
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "BRP",
      company: { vat: "BE0476388378", eic: "10X1001A1001A094" },
      roleData: solvency
    })

    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "portal-invitation",
      "contacts",
      "role-data",
      "solvency-check",
      "technical",
      "contract",
      "financial-security",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("escalates a portal invitation not sent within 2 (calendar) days of the form", async () => {
    const instance = await harness.begin({ templateId: BRP_ONBOARDING, actor: applicant })
    const state = await instance.step("company", company, applicant)
    expect(state.timers?.map((t) => t.id)).toEqual(["portal-invitation"])
    await harness.advance("P1D")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P1D")
    const events = await instance.fireDueTimers()
    expect(events.map((e) => [e.type, (e.data as { timerId?: string }).timerId])).toEqual([
      ["TIMER_FIRED", "portal-invitation"]
    ])
    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    expect(outbox.map((m) => m.message.kind)).toEqual(["portal-invitation-overdue"])
    // fired once: nothing more later
    await harness.advance("P1D")
    expect(await instance.fireDueTimers()).toEqual([])
  })

  it("then changes the portfolio: a guarantee renewal linked to the onboarding, escalated 3 months before expiry", async () => {
    const renewal = await harness.begin({
      templateId: BRP_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    await renewal.step(
      "change-request",
      { change: "renew-guarantee", effectiveFrom: "2027-03-31", guaranteeExpiresOn: "2027-03-31" },
      applicant
    )
    const due = (await renewal.state()).timers?.find((t) => t.id === "renewal-due")?.dueAt
    expect(due).toBe("2026-12-31T00:00:00.000Z")
    expect(await renewal.fireDueTimers()).toEqual([])
    await harness.advance("P330D") // past 31 December 2026, before the expiry
    const fired = await renewal.fireDueTimers()
    expect(fired.map((e) => (e.data as { timerId?: string }).timerId)).toEqual(["renewal-due"])

    await renewal.step("guarantee", { ...guarantee, reference: "BG-2027-00102", expiresOn: "2028-03-31" }, applicant)
    let state = await renewal.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-guarantee"]?.data).toEqual({ changeId: "CHG-0001", status: "applied" })
    await renewal.submit(applicant)
    state = await renewal.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: BRP_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([BRP_ONBOARDING, BRP_PORTFOLIO])
  })

  it("refuses a designation change: a BRP's portfolio has none", async () => {
    const change = await harness.begin({ templateId: BRP_PORTFOLIO, actor: applicant })
    const error = await rejectionOf(
      change.step("change-request", { change: "change-designations", effectiveFrom: "2027-01-01" }, applicant)
    )
    expect(issuePaths(error)).toEqual(["change-request.change"])
  })
})
