/**
 * Acceptance of the GU pack through a real engine (memory storage, the real form, approval,
 * notification and api-call handlers, a loopback register, a test clock): a full GU onboarding from
 * DRAFT to COMPLETED with realistic data (in-depth study, substantial modernisation, an appointed
 * ACH) and distinct eligible approvers, the study skipped when not requested, invalid identifiers
 * refused with their paths, the access deadline escalating under the test clock, and portfolio
 * changes after it, linked by metadata.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { followsMetadata, followsOf } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { GU_ONBOARDING, GU_PORTFOLIO, guPack } from "../src/index.js"
import {
  applicant,
  appointment,
  assessment,
  company,
  connectionRequest,
  contacts,
  contract,
  engineer,
  installation,
  opsAnn,
  opsAva,
  opsMax,
  study,
  tenantId
} from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
  await harness.publish(guPack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const timerIds = (events: ReadonlyArray<{ readonly data: unknown }>) =>
  events.map((e) => (e.data as { timerId?: string }).timerId)

describe("GU onboarding", () => {
  let onboarding: WorkflowState

  it("refuses invalid identifiers and unknown voltage levels with their field paths", async () => {
    const instance = await harness.begin({ templateId: GU_ONBOARDING, actor: applicant })
    expect(
      issuePaths(
        await rejectionOf(instance.step("company", { ...company, bankAccount: "BE31435411161156" }, applicant))
      )
    ).toEqual(["company.bankAccount"])
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    const bad = { ...connectionRequest, existingAccessPoint: "541449500000012347", requestedVoltageKv: "400" }
    expect(issuePaths(await rejectionOf(instance.step("role-data", bad, applicant)))).toEqual([
      "role-data.existingAccessPoint",
      "role-data.requestedVoltageKv"
    ])
    await instance.step("role-data", { ...connectionRequest, inDepthStudy: false }, applicant)
    expect(
      issuePaths(
        await rejectionOf(
          instance.step("connection-assessment", { ...assessment, accessPoint: "5414495000000" }, engineer)
        )
      )
    ).toEqual(["connection-assessment.accessPoint"])
    await instance.step("connection-assessment", assessment, engineer)
    await instance.step("installation", installation, applicant)
    await instance.step("contract", contract, applicant)
    await instance.step("access", { access: "appoint-ach" }, applicant)
    const wrongAch = { ...appointment, ach: { ...appointment.ach, vat: "BE0471811662", eic: "10YBE----------2" } }
    expect(issuePaths(await rejectionOf(instance.step("ach-appointment", wrongAch, applicant)))).toEqual([
      "ach-appointment.ach.eic",
      "ach-appointment.ach.vat"
    ])
  })

  it("runs from DRAFT to COMPLETED: request, study, assessment, installation, contract, appointed ACH", async () => {
    const instance = await harness.begin({ templateId: GU_ONBOARDING, actor: applicant })
    expect((await instance.state()).marketRole).toBe("GU")
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    let state = await instance.step("role-data", connectionRequest, applicant)
    expect(state.currentStepId).toBe("in-depth-study")
    await instance.step("in-depth-study", study, engineer)
    await instance.step("connection-assessment", assessment, engineer)
    await instance.step("installation", installation, applicant)
    await instance.step("contract", contract, applicant)
    state = await instance.step("access", { access: "appoint-ach" }, applicant)
    expect(state.currentStepId).toBe("ach-appointment")
    state = await instance.step("ach-appointment", appointment, applicant)
    expect(state.currentStepId).toBe("review")
    expect(harness.register.requests).toEqual([])

    // four-eyes: the engineer who assessed the request and the applicant cannot approve
    for (const actor of [engineer, applicant]) {
      expect(await rejectionOf(instance.step("review", { decision: "approve" }, actor))).toMatchObject({
        _tag: "Forbidden"
      })
    }
    await instance.step("review", { decision: "approve" }, opsAnn)
    state = await instance.step("review", { decision: "approve" }, opsAva)
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(state.stepStates.activation?.data).toEqual({ registrationId: "REG-0001", status: "active" })
    expect(harness.register.requests[0]?.body).toMatchObject({
      marketRole: "GU",
      company: { vat: "BE0403027278" },
      roleData: { requestedVoltageKv: "150", inDepthStudy: true },
      assessment: { substantialModernisation: "yes", accessPoint: "541449500000012346" },
      access: { access: "appoint-ach" }
    })

    await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect(onboarding.status).toBe("COMPLETED")
    const order = (await instance.events()).filter((e) => e.type === "STEP_COMPLETED").map((e) => e.stepId)
    expect(order).toEqual([
      "company",
      "contacts",
      "role-data",
      "in-depth-study",
      "connection-assessment",
      "installation",
      "contract",
      "access",
      "ach-appointment",
      "application-received",
      "review",
      "activation",
      "welcome"
    ])
  })

  it("skips the study when not requested, and escalates an access not arranged 1 month before the connection", async () => {
    const instance = await harness.begin({ templateId: GU_ONBOARDING, actor: applicant })
    await instance.step("company", company, applicant)
    await instance.step("contacts", contacts, applicant)
    const requestedStart = addDays(await harness.now(), 40)
    let state = await instance.step(
      "role-data",
      { ...connectionRequest, requestedStart, inDepthStudy: false },
      applicant
    )
    expect(state.currentStepId).toBe("connection-assessment")
    await instance.step("connection-assessment", assessment, engineer)
    await instance.step("installation", installation, applicant)
    await instance.step("contract", contract, applicant)
    state = await instance.step("access", { access: "own-access-contract" }, applicant)
    expect(state.currentStepId).toBe("access-contract")
    expect(state.timers?.map((t) => [t.id, t.dueAt])).toEqual([
      ["access-notice", `${monthBefore(requestedStart)}T00:00:00.000Z`]
    ])
    await harness.advance("P5D")
    expect(await instance.fireDueTimers()).toEqual([])
    await harness.advance("P5D")
    expect(timerIds(await instance.fireDueTimers())).toEqual(["access-notice"])
    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    expect(outbox.map((m) => m.message.kind)).toEqual(["access-not-arranged"])
  })

  it("then modifies the installation: checked for a substantial modernisation, applied, linked to the onboarding", async () => {
    const change = await harness.begin({
      templateId: GU_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    let state = await change.step(
      "change-request",
      { change: "modify-installation", effectiveFrom: "2027-01-01", reason: "second furnace" },
      applicant
    )
    expect(state.currentStepId).toBe("installation-change")
    const units = [...installation.units, { name: "Second furnace", technology: "load", capacityMw: 40 }]
    await change.step("installation-change", { description: "a second arc furnace", ...installation, units }, applicant)
    await change.step(
      "modernisation-check",
      { substantialModernisation: "no", rationale: "within the contracted capacity" },
      engineer
    )
    expect(await rejectionOf(change.step("change-review", { decision: "approve" }, engineer))).toMatchObject({
      _tag: "Forbidden"
    })
    state = await change.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-installation"]?.data).toMatchObject({ status: "applied" })
    expect(harness.register.requests.at(-1)).toMatchObject({
      path: "/changes",
      body: {
        request: { change: "modify-installation" },
        installation: { units: [{}, {}, { name: "Second furnace" }] },
        modernisation: { substantialModernisation: "no" }
      }
    })
    await change.submit(applicant)
    state = await change.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: GU_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })
    const listed = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId, status: ["COMPLETED"] }, page: { limit: 50 } })
    )
    expect(listed.items.map((e) => e.templateId)).toEqual([GU_ONBOARDING, GU_PORTFOLIO])
  })

  it("appoints another ACH (its EIC checked) and refuses a guarantee renewal: a grid user has none", async () => {
    const change = await harness.begin({
      templateId: GU_PORTFOLIO,
      actor: applicant,
      metadata: followsMetadata(onboarding)
    })
    expect(
      issuePaths(
        await rejectionOf(
          change.step("change-request", { change: "renew-guarantee", effectiveFrom: "2027-01-01" }, applicant)
        )
      )
    ).toEqual(["change-request.change"])
    await change.step("change-request", { change: "change-ach", effectiveFrom: "2027-01-01" }, applicant)
    const engie = { legalName: "Engie Electrabel", vat: "BE0476388378", eic: "10X1001A1001A094" }
    expect(
      issuePaths(
        await rejectionOf(
          change.step("ach-change", { ...appointment, ach: { ...engie, eic: "10X1001A1001A095" } }, applicant)
        )
      )
    ).toEqual(["ach-change.ach.eic"])
    await change.step("ach-change", { ...appointment, ach: engie, from: "2027-01-01" }, applicant)
    const state = await change.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-ach"]?.data).toMatchObject({ status: "applied" })
    expect(harness.register.requests.at(-1)?.body).toMatchObject({
      request: { change: "change-ach" },
      appointment: { ach: { eic: "10X1001A1001A094" } }
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
