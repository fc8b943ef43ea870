/**
 * The DSO pack as data: its configuration decodes with the documented defaults; the onboarding and
 * portfolio compose onto the base and the delivery-point approval publishes beside them (validated
 * against the real handlers, every step reachable); configuring publishes new versions and never
 * changes a published one; bad configurations and hostile calls are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  checkDsoConfig,
  DSO_DELIVERY_POINT_APPROVAL,
  DSO_ONBOARDING,
  DSO_PORTFOLIO,
  DsoConfig,
  dsoDeliveryPointApproval,
  dsoOnboarding,
  dsoOnboardingExtension,
  dsoPack,
  dsoPortfolio,
  dsoPortfolioExtension
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("DSO pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    expect(Schema.decodeUnknownSync(DsoConfig)(docsConfig)).toMatchObject({
      startNotice: "P1M",
      dsoApproverRoles: ["dso_approver"],
      dsoDecisionWithin: "P30D",
      guaranteeRenewalLead: "P3M"
    })
  })

  it("publishes its three templates, the first two composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(dsoPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [DSO_ONBOARDING, 1, "DSO", CONTRACT_ONBOARDING],
      [DSO_PORTFOLIO, 1, "DSO", PORTFOLIO_MANAGEMENT],
      [DSO_DELIVERY_POINT_APPROVAL, 1, "DSO", undefined]
    ])
    const decision = published[2]?.steps.find((s) => s.id === "dso-decision")
    expect(decision?.config).toMatchObject({ approverRoles: ["dso_approver"], fourEyes: true })
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(DSO_DELIVERY_POINT_APPROVAL, 1)
    const config = { register: { url }, dsoApproverRoles: ["grid_planner"], dsoDecisionWithin: "P20D" }
    const [, , v2] = await harness.publish(dsoPack, config)
    expect(v2?.version).toBe(2)
    const decision = (t: typeof v1) => t?.steps.find((s) => s.id === "dso-decision")
    expect(decision(v2)?.config).toMatchObject({ approverRoles: ["grid_planner"] })
    expect(decision(v2)?.deadlines?.[0]?.offset).toBe("P20D")
    expect(decision(v1)?.deadlines?.[0]?.offset).toBe("P30D")
    expect(await harness.storage.inspect.template(DSO_DELIVERY_POINT_APPROVAL, 1)).toEqual(v1)
    const [, , same] = await harness.publish(dsoPack, config)
    expect(same?.version).toBe(2)
  })

  it("refuses a bad configuration with its paths", async () => {
    const error = await rejectionOf(
      harness.publish(dsoPack, { register: { url: harness.register.url }, dsoApproverRoles: [], startNotice: "1M" })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(expect.arrayContaining(["config.dsoApproverRoles", "config.startNotice"]))
  })

  it("its template functions refuse what is not a configuration with TemplateInvalid", () => {
    for (const value of [
      undefined,
      null,
      42,
      "x",
      [],
      { register: { url: "ftp://x" } },
      { ...docsConfig, dsoApproverRoles: ["Market Ops"] },
      { ...docsConfig, dsoApproverRoles: Array.from({ length: 21 }, (_, i) => `role${i}`) },
      { ...docsConfig, dsoDecisionWithin: null }
    ]) {
      for (const f of [
        dsoOnboarding,
        dsoPortfolio,
        dsoDeliveryPointApproval,
        dsoOnboardingExtension,
        dsoPortfolioExtension,
        checkDsoConfig
      ]) {
        let thrown: unknown
        try {
          f(value as never)
        } catch (error) {
          thrown = error
        }
        expect(thrown).toMatchObject({ _tag: "TemplateInvalid" })
      }
    }
  })
})
