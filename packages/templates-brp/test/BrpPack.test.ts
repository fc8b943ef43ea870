/**
 * The BRP pack as data: its configuration decodes with the documented defaults; both templates
 * compose onto the base and publish (validated against the real handlers, every step reachable);
 * the guarantee follows the contract; configuring publishes new versions and never changes a
 * published one; bad configurations and hostile calls are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  BRP_ONBOARDING,
  BRP_PORTFOLIO,
  BrpConfig,
  brpOnboarding,
  brpOnboardingExtension,
  brpPack,
  brpPortfolio,
  brpPortfolioExtension,
  checkBrpConfig
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("BRP pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    expect(Schema.decodeUnknownSync(BrpConfig)(docsConfig)).toMatchObject({
      invitationWithin: "P2D",
      solvencyDecisionWithin: "P21D",
      topUpWithin: "P15D",
      replacementWithin: "P20D",
      guaranteeRenewalLead: "P3M",
      solvencyCheckRoles: ["market_ops"],
      acceptedRatings: expect.arrayContaining(["BBB", "Baa2"])
    })
    expect(Schema.decodeUnknownSync(BrpConfig)(docsConfig).acceptedRatings).not.toContain("BBB-")
  })

  it("publishes both templates composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(brpPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [BRP_ONBOARDING, 1, "BRP", CONTRACT_ONBOARDING],
      [BRP_PORTFOLIO, 1, "BRP", PORTFOLIO_MANAGEMENT]
    ])
    const ids = published[0]?.steps.map((s) => s.id) ?? []
    // the contract only takes effect after the guarantee, and the register entry comes after both
    expect(ids.indexOf("contract")).toBeLessThan(ids.indexOf("financial-security"))
    expect(ids.indexOf("financial-security")).toBeLessThan(ids.indexOf("activation"))
    expect(ids.indexOf("solvency-check")).toBeLessThan(ids.indexOf("contract"))
    expect(published[1]?.steps.map((s) => s.id)).not.toContain("designations")
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(BRP_ONBOARDING, 1)
    const [v2] = await harness.publish(brpPack, { register: { url }, invitationWithin: "P4D" })
    expect(v2?.version).toBe(2)
    const invite = (t: typeof v1) => t?.steps.find((s) => s.id === "portal-invitation")?.deadlines?.[0]?.offset
    expect([invite(v1), invite(v2)]).toEqual(["P2D", "P4D"])
    expect(await harness.storage.inspect.template(BRP_ONBOARDING, 1)).toEqual(v1)
    const [same] = await harness.publish(brpPack, { register: { url }, invitationWithin: "P4D" })
    expect(same?.version).toBe(2)
  })

  it("refuses a bad configuration with its path", async () => {
    const error = await rejectionOf(
      harness.publish(brpPack, {
        register: { url: harness.register.url },
        invitationWithin: "-P2D",
        acceptedRatings: []
      })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(expect.arrayContaining(["config.invitationWithin", "config.acceptedRatings"]))
  })

  it("its template functions refuse what is not a configuration with TemplateInvalid", () => {
    for (const value of [
      undefined,
      null,
      42,
      "x",
      { register: { url: "ftp://x" } },
      { ...docsConfig, topUpWithin: 3 }
    ]) {
      for (const f of [brpOnboarding, brpPortfolio, brpOnboardingExtension, brpPortfolioExtension, checkBrpConfig]) {
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
