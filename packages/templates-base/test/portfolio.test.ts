/**
 * Portfolio Management's guarantee renewal under the test clock: its deadlines count from the
 * expiry date the change request gives; the renewal notice fires `guaranteeRenewalLead` before it
 * (not a minute earlier), the expiry notice at expiry; without a date, the deadlines are skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { basePack, PORTFOLIO_MANAGEMENT } from "../src/index.js"
import { makePackHarness, type PackHarness } from "../src/testing.js"
import { applicant, guarantee, opsAnn } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness({ now: "2026-09-01T08:00:00.000Z" })
  await harness.publish(basePack, { register: { url: harness.register.url } })
})
afterAll(() => harness?.close())

const fired = (events: ReadonlyArray<{ type: string; data: unknown }>) =>
  events.filter((e) => e.type === "TIMER_FIRED").map((e) => e.data as { timerId?: string; id?: string })

describe("guarantee renewal", () => {
  it("escalates when the renewal is not proven 3 months before expiry, and again at expiry", async () => {
    const renewal = await harness.begin({ templateId: PORTFOLIO_MANAGEMENT, actor: applicant, marketRole: "BRP" })
    let state = await renewal.step(
      "change-request",
      { change: "renew-guarantee", effectiveFrom: "2027-03-01", guaranteeExpiresOn: "2027-02-28" },
      applicant
    )
    expect(state.currentStepId).toBe("guarantee")
    expect(state.timers?.map((t) => [t.id, t.dueAt])).toEqual([
      ["renewal-due", "2026-11-28T00:00:00.000Z"],
      ["guarantee-expired", "2027-02-28T00:00:00.000Z"]
    ])
    await harness.advance("P87D") // 2026-11-27T08:02: not yet due
    expect(await renewal.fireDueTimers()).toEqual([])
    await harness.advance("P1D")
    const events = await renewal.fireDueTimers()
    expect(events.map((e) => e.type)).toEqual(["TIMER_FIRED"])
    expect(events[0]?.data).toMatchObject({
      timerId: "renewal-due",
      escalation: { kind: "notify", topic: "guarantee-renewal-due", payload: { lead: "P3M" } }
    })
    const outbox = await harness.storage.inspect.outbox(renewal.instanceId)
    expect(outbox.map((m) => m.message.kind)).toContain("guarantee-renewal-due")
    await harness.advance("P3M")
    expect(fired(await renewal.fireDueTimers())).toEqual([expect.objectContaining({ timerId: "guarantee-expired" })])

    // the renewed guarantee arrives late, but is still processed
    await renewal.step(
      "guarantee",
      { ...guarantee, reference: "BG-2027-00102", issuedOn: "2027-03-01", expiresOn: "2028-02-29" },
      applicant
    )
    state = await renewal.step("change-review", { decision: "approve" }, opsAnn)
    expect(state.status).toBe("AWAITING_VALIDATION")
  })

  it("skips the deadlines when the change request gives no expiry date", async () => {
    const renewal = await harness.begin({ templateId: PORTFOLIO_MANAGEMENT, actor: applicant, marketRole: "BRP" })
    const state = await renewal.step(
      "change-request",
      { change: "renew-guarantee", effectiveFrom: "2027-03-01" },
      applicant
    )
    expect(state.currentStepId).toBe("guarantee")
    expect(state.timers ?? []).toEqual([])
  })
})
