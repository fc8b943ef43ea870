/**
 * A participant's life on the base templates, through a real engine (memory storage, the real
 * handlers, a loopback register, a test clock): a full contract onboarding from DRAFT to
 * COMPLETED, identifiers refused with their paths, four-eyes, then a portfolio change linked to
 * the onboarding by metadata, and the participant's history read back.
 */
import type { WorkflowState } from "@workflow-manager/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { basePack, CONTRACT_ONBOARDING, followsMetadata, followsOf, PORTFOLIO_MANAGEMENT } from "../src/index.js"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "../src/testing.js"
import {
  applicant,
  company,
  contact,
  contract,
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
  await harness.publish(basePack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

describe("contract onboarding", () => {
  let onboarding: WorkflowState

  it("refuses invalid identifiers with their field paths, recording nothing", async () => {
    const instance = await harness.begin({ templateId: CONTRACT_ONBOARDING, actor: applicant, marketRole: "GU" })
    const before = (await instance.events()).length
    const error = await rejectionOf(
      instance.step(
        "company",
        { ...company, vat: "BE0476388377", eic: "10X1001A1001A095", bankAccount: "BE31435411161156" },
        applicant
      )
    )
    expect(error).toMatchObject({ _tag: "ValidationFailed" })
    expect(issuePaths(error)).toEqual(["company.bankAccount", "company.eic", "company.vat"])
    expect((await instance.events()).length).toBe(before)
  })

  it("runs from DRAFT to COMPLETED: forms, notification, two operator approvals, register entry", async () => {
    const instance = await harness.begin({ templateId: CONTRACT_ONBOARDING, actor: applicant, marketRole: "GU" })
    expect((await instance.state()).currentStepId).toBe("company")
    await instance.step("company", company, applicant)
    await instance.step("contacts", { contacts: [contact] }, applicant)
    await instance.step("role-data", { requestedStart: "2026-05-01" }, applicant)
    await instance.step("financial-security", guarantee, applicant)
    await instance.step("technical", technical, applicant)
    let state = await instance.step("contract", contract, applicant)
    // the notification ran by itself: the operator's review is current
    expect(state.currentStepId).toBe("review")
    expect(state.stepStates.company?.data).toMatchObject({ vat: "BE0476388378", bankAccount: "BE31435411161155" })

    // four-eyes: the applicant cannot approve their own application; one approval is not a quorum
    expect(await rejectionOf(instance.step("review", { decision: "approve" }, applicant))).toMatchObject({
      _tag: "Forbidden"
    })
    state = await instance.step("review", { decision: "approve", comment: "documents complete" }, opsAnn)
    expect(state.currentStepId).toBe("review")
    expect(await rejectionOf(instance.step("review", { decision: "approve" }, opsAnn))).toMatchObject({
      _tag: "ValidationFailed"
    })
    state = await instance.step("review", { decision: "approve" }, opsAva)
    // approval → activation (the register call) → welcome notice → end of the steps
    expect(state.status).toBe("AWAITING_VALIDATION")
    expect(state.stepStates.activation?.data).toEqual({ registrationId: "REG-0001", status: "active" })
    const call = harness.register.requests.find((r) => r.path === "/registrations")
    expect(call).toMatchObject({
      method: "POST",
      body: {
        onboarding: instance.instanceId,
        tenant: tenantId,
        company: expect.objectContaining({ vat: "BE0476388378", eic: "10X1001A1001A094" }),
        roleData: { requestedStart: "2026-05-01" }
      }
    })
    expect(call?.idempotencyKey).toEqual(expect.any(String))

    state = await instance.submit(applicant)
    onboarding = await instance.approve(opsMax)
    expect([state.status, onboarding.status]).toEqual(["SUBMITTED", "COMPLETED"])

    const outbox = await harness.storage.inspect.outbox(instance.instanceId)
    const sent = outbox.map((m) => m.message.payload as { stepId: string; to: unknown; subject: string })
    expect(sent.map((p) => [p.stepId, p.to, p.subject])).toEqual([
      ["application-received", [{ role: "market_ops" }], "Application to review: Engie Electrabel (GU)"],
      ["welcome", [{ address: "claire.dubois@engie.example" }], "Your GU contract is active"]
    ])
  })

  it("links a portfolio change to the onboarding it follows, and lists the participant's history", async () => {
    const change = await harness.begin({
      templateId: PORTFOLIO_MANAGEMENT,
      actor: applicant,
      marketRole: "GU",
      metadata: followsMetadata(onboarding)
    })
    await change.step("change-request", { change: "update-contacts", effectiveFrom: "2026-07-01" }, applicant)
    await change.step(
      "contacts",
      { contacts: [contact, { ...contact, service: "invoicing", email: "ap@engie.example" }] },
      applicant
    )
    let state = await change.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.stepStates["apply-contacts"]?.data).toEqual({ changeId: "CHG-0001", status: "applied" })
    await change.submit(applicant)
    state = await change.approve(opsAva)
    expect(state.status).toBe("COMPLETED")
    expect(followsOf(state.metadata)).toEqual({
      instanceId: onboarding.instanceId,
      templateId: CONTRACT_ONBOARDING,
      templateVersion: onboarding.templateVersion
    })

    // the history a server lists: the tenant's instances, each change pointing at its onboarding
    const page = await harness.run((engine) =>
      engine.list({ actor: applicant, filter: { tenantId }, page: { limit: 50 } })
    )
    const states = await Promise.all(
      page.items.map((e) => harness.run((engine) => engine.get({ actor: applicant, instanceId: e.instanceId })))
    )
    const history = states
      .filter((s) => s.status === "COMPLETED")
      .map((s) => [s.templateId, followsOf(s.metadata)?.instanceId ?? null])
    expect(history).toEqual([
      [CONTRACT_ONBOARDING, null],
      [PORTFOLIO_MANAGEMENT, onboarding.instanceId]
    ])
  })
})
