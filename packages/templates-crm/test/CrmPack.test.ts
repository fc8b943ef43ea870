/**
 * The CRM pack as data: its configuration decodes with the documented defaults; both templates
 * compose onto the base and publish (validated against the real handlers, every step reachable);
 * the IT interface comes first and the contract after the bid; the financial security is
 * configurable; configuring publishes new versions and never changes a published one; bad
 * configurations and hostile calls are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  CRM_ONBOARDING,
  CRM_PORTFOLIO,
  CrmConfig,
  checkCrmConfig,
  crmChanges,
  crmOnboarding,
  crmOnboardingExtension,
  crmPack,
  crmPortfolio,
  crmPortfolioExtension
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("CRM pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    expect(Schema.decodeUnknownSync(CrmConfig)(docsConfig)).toMatchObject({
      prequalificationDecisionWithin: "P3M",
      minimumDeratedMw: 1,
      financialSecurity: true,
      maxContractYears: 15,
      prequalificationRoles: ["market_ops"],
      regulatorDeskRoles: ["market_ops"]
    })
  })

  it("publishes both templates composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(crmPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [CRM_ONBOARDING, 1, "CRM", CONTRACT_ONBOARDING],
      [CRM_PORTFOLIO, 1, "CRM", PORTFOLIO_MANAGEMENT]
    ])
    const ids = published[0]?.steps.map((s) => s.id) ?? []
    const before = (a: string, b: string) => expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b))
    before("technical", "role-data")
    before("prequalification-decision", "regulator-approval")
    before("bid", "financial-security")
    before("financial-security", "contract")
    const portfolio = published[1]?.steps.map((s) => s.id) ?? []
    expect(portfolio).toEqual(
      expect.arrayContaining(["opt-out", "secondary-market", "unit-status", "report", "guarantee"])
    )
    expect(portfolio).not.toContain("points")
    expect(portfolio).not.toContain("designations")
  })

  it("leaves the financial security out when configured so, as new versions", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(CRM_ONBOARDING, 1)
    const [onboarding, portfolio] = await harness.publish(crmPack, { register: { url }, financialSecurity: false })
    expect([onboarding?.version, portfolio?.version]).toEqual([2, 2])
    expect(onboarding?.steps.map((s) => s.id)).not.toContain("financial-security")
    expect(portfolio?.steps.map((s) => s.id)).not.toContain("guarantee")
    expect(Object.keys(crmChanges(false))).not.toContain("renew-guarantee")
    expect(await harness.storage.inspect.template(CRM_ONBOARDING, 1)).toEqual(v1)
    const [same] = await harness.publish(crmPack, { register: { url }, financialSecurity: false })
    expect(same?.version).toBe(2)
  })

  it("refuses a bad configuration with its path", async () => {
    const error = await rejectionOf(
      harness.publish(crmPack, {
        register: { url: harness.register.url },
        prequalificationDecisionWithin: "-P3M",
        maxContractYears: 0
      })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(
      expect.arrayContaining(["config.prequalificationDecisionWithin", "config.maxContractYears"])
    )
  })

  it("its template functions refuse what is not a configuration with TemplateInvalid", () => {
    const hostile: ReadonlyArray<unknown> = [
      undefined,
      null,
      42,
      "x",
      [],
      JSON.parse('{"__proto__": {"polluted": true}}'),
      { register: { url: "ftp://x" } },
      { ...docsConfig, financialSecurity: "no" },
      { ...docsConfig, minimumDeratedMw: Number.NaN }
    ]
    for (const value of hostile) {
      for (const f of [crmOnboarding, crmPortfolio, crmOnboardingExtension, crmPortfolioExtension, checkCrmConfig]) {
        let thrown: unknown
        try {
          f(value as never)
        } catch (error) {
          thrown = error
        }
        expect(thrown).toMatchObject({ _tag: "TemplateInvalid" })
      }
    }
    expect(Object.keys(crmChanges(null as never))).not.toContain("renew-guarantee")
  })
})
