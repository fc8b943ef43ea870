/**
 * Acceptance of the CRM pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full CRM onboarding
 * from DRAFT to COMPLETED with realistic data — a battery seeking a 15-year contract, so its
 * investment file goes to the regulator, and a demand-response pool — invalid identifiers and an
 * ineligible unit refused with their paths, the prequalification window and the 3-month decision
 * escalating under the test clock, and portfolio changes after it, linked by metadata.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CRM_ONBOARDING, CRM_PORTFOLIO, crmPack } from "../src/index.js"
import {
  applicant,
  battery,
  bids,
  capacityContract,
  company,
  contacts,
  guarantee,
  investmentFile,
  itApplication,
  opsAnn,
  opsAva,
  opsMax,
  prequalificationFiles,
  prequalifier,
  regulatorDesk,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(crmPack, {
    register: { url: harness.register.url },
    prequalifiers: [prequalifier.userId],
    regulatorDesk: [regulatorDesk.userId]
  })
})
afterAll(() => harness?.close())

const timerIds = (events: ReadonlyArray<{ readonly type: string; readonly data?: unknown }>) =>
  events.map((e) => [e.type, (e.data as { timerId?: string } | undefined)?.timerId])

/** Company → contacts → the IT interface application: the instance at the prequalification files. */
const throughApplication = async () => {
  const instance = await harness.begin({ templateId: CRM_ONBOARDING, actor: applicant })
  await instance.step("company", company, applicant)
  await instance.step("contacts", contacts, applicant)
  await instance.step("technical", itApplication, applicant)
  return instance
}

let onboarding: WorkflowState

describe("CRM onboarding", () => {
  it("refuses invalid identifiers and an ineligible unit with their field paths", async () => {
    const instance = await harness.begin({ templateId: CRM_ONBOARDING, actor: applicant })
    const bad = await rejectionOf(
      instance.step(
        "company",
        { ...company, vat: "BE0654321023", eic: "10XNORDCAP----AV", bankAccount: "BE73735012345661" },
        applicant
      )
    )
    expect(bad).toMatchObject({ _tag: "ValidationFailed" })
    expect(issuePaths(bad)).toEqual(["company.bankAccount", "company.eic", "company.vat"])
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    await instance.step("technical", itApplication, applicant)
    // below 1 MW after derating, with variable operating aid, a delivery point with a wrong check digit
    const ineligible = {
      ...prequalificationFiles,
      units: [{ ...battery, deratedMw: 0.8, operatingAid: "variable", deliveryPoints: ["541453000001000028"] }]
    }
    expect(issuePaths(await rejectionOf(instance.step("role-data", ineligible, applicant)))).toEqual([
      "role-data.units[0].deliveryPoints[0]",
      "role-data.units[0].deratedMw",
      "role-data.units[0].operatingAid"
    ])
  })

  it("runs from DRAFT to COMPLETED: files, decision, investment file and regulator, bid, security, contract", async () => {
    const instance = await throughApplication()
    expect((await instance.state()).marketRole).toBe("CRM")
    let state = await instance.step("role-data", prequalificationFiles, applicant)
    expect(state.currentStepId).toBe("prequalification-decision")
    expect(
      await rejectionOf(instance.step("prequalification-decision", { decision: "approve" }, opsAnn))
    ).toMatchObject({ _tag: "Forbidden" })
    state = await instance.step(
      "prequalification-decision",
      { decision: "approve", comment: "2 CMUs prequalified" },
      prequalifier
    )
    // a multi-year contract: the investment file goes to the regulator
    expect(state.currentStepId).toBe("investment-file")
    await instance.step("investment-file", investmentFile, applicant)
    state = await instance.step(
      "regulator-approval",
      { decision: "approve", comment: "CREG decision (B)2026-0917" },
      regulatorDesk
    )
    expect(state.currentStepId).toBe("bid")
    expect(
      issuePaths(await rejectionOf(instance.step("bid", { bids: [{ ...bids.bids[0], durationYears: 20 }] }, applicant)))
    ).toEqual(["bid.bids[0].durationYears"])
    await instance.step("bid", bids, applicant)
    await instance.step("financial-security", guarantee, applicant)
    state = await instance.step("contract", capacityContract, applicant)
    expect(state.currentStepId).toBe("review")
    for (const decided of [prequalifier, regulatorDesk]) {
      expect(await rejectionOf(instance.step("review", { decision: "approve" }, decided))).toMatchObject({
        _tag: "Forbidden"
      })
    }
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve" }, opsAva)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "CRM",
      company: { vat: "BE0654321022", eic: "10XNORDCAP----AU" },
      units: { multiYear: true },
      bids,
      contract: { contractedMw: 26.7 }
    })
    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "contacts",
      "technical",
      "role-data",
      "prequalification-decision",
      "investment-file",
      "regulator-approval",
      "bid",
      "financial-security",
      "contract",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("goes straight to the bid when no multi-year contract is sought", async () => {
    const instance = await throughApplication()
    await instance.step("role-data", { ...prequalificationFiles, multiYear: false }, applicant)
    const state = await instance.step("prequalification-decision", { decision: "approve" }, prequalifier)
    expect(state.currentStepId).toBe("bid")
  })

  it("escalates prequalification files still missing when the window closes on 15 June", async () => {
    const instance = await throughApplication()
    const due = (await instance.state()).timers?.find((t) => t.id === "prequalification-window")?.dueAt
    expect(due).toBe("2026-06-15T00:00:00.000Z")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P106D") // 2 March + 106 days: past 15 June
    expect(timerIds(await instance.fireDueTimers())).toEqual([["TIMER_FIRED", "prequalification-window"]])
    const kinds = (await harness.storage.inspect.outbox(instance.instanceId)).map((m) => m.message.kind)
    expect(kinds).toContain("prequalification-window-closed")
  })

  it("escalates a prequalification decision not taken within 3 months", async () => {
    const instance = await throughApplication()
    const state = await instance.step("role-data", { ...prequalificationFiles, multiYear: false }, applicant)
    expect(state.timers?.map((t) => t.id)).toEqual(["prequalification-decision"])
    await harness.advance("P2M")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P1M")
    expect(timerIds(await instance.fireDueTimers())).toEqual([["TIMER_FIRED", "prequalification-decision"]])
    const kinds = (await harness.storage.inspect.outbox(instance.instanceId)).map((m) => m.message.kind)
    expect(kinds).toContain("prequalification-decision-overdue")
  })
})

describe("CRM portfolio", () => {
  it("trades on the secondary market, linked to the onboarding", async () => {
    const trade = await harness.begin({
      templateId: CRM_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    let state = await trade.step(
      "change-request",
      { change: "secondary-market", effectiveFrom: "2030-11-01" },
      applicant
    )
    expect(state.currentStepId).toBe("secondary-market")
    const sale = {
      side: "seller",
      unit: "Nordcap DR pool",
      counterpartyEic: "10XFLEXPOWER--AC",
      volumeMw: 2,
      from: "2030-12-01",
      to: "2031-02-28"
    }
    expect(
      issuePaths(
        await rejectionOf(trade.step("secondary-market", { ...sale, counterpartyEic: "10YBE----------2" }, applicant))
      )
    ).toEqual(["secondary-market.counterpartyEic"])
    await trade.step("secondary-market", sale, applicant)
    state = await trade.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-secondary-market"]?.data).toMatchObject({ status: "applied" })
    await trade.submit(applicant)
    state = await trade.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: CRM_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([CRM_ONBOARDING, CRM_PORTFOLIO])
  })

  it("files an opt-out, and refuses a change a capacity provider does not have", async () => {
    const optOut = await harness.begin({ templateId: CRM_PORTFOLIO, actor: applicant })
    expect(
      issuePaths(
        await rejectionOf(
          optOut.step("change-request", { change: "add-points", effectiveFrom: "2027-01-01" }, applicant)
        )
      )
    ).toEqual(["change-request.change"])
    await optOut.step("change-request", { change: "opt-out", effectiveFrom: "2027-01-01" }, applicant)
    const state = await optOut.step(
      "opt-out",
      { unit: "Ghent battery 1", deratedMw: 22.5, auction: "Y-1", reason: "not-available" },
      applicant
    )
    expect(state.currentStepId).toBe("change-review")
  })
})
