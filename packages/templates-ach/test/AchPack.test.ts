/**
 * The ACH pack as data: its configuration decodes with the documented defaults; both templates
 * compose onto the base and publish (validated against the real handlers, every step reachable);
 * configuring publishes new versions and never changes a published one; bad configurations and
 * hostile calls are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  ACH_ONBOARDING,
  ACH_PORTFOLIO,
  AchConfig,
  achOnboarding,
  achOnboardingExtension,
  achPack,
  achPortfolio,
  achPortfolioExtension,
  checkAchConfig,
  designationField,
  designationsField
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("ACH pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    expect(Schema.decodeUnknownSync(AchConfig)(docsConfig)).toMatchObject({
      requestNotice: "P1M",
      pointConfirmationWithin: "P15D",
      designationNotice: "P5D",
      multipleBrpFromKv: 150,
      guaranteeRenewalLead: "P3M",
      approvalQuorum: 2
    })
  })

  it("publishes both templates composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(achPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [ACH_ONBOARDING, 1, "ACH", CONTRACT_ONBOARDING],
      [ACH_PORTFOLIO, 1, "ACH", PORTFOLIO_MANAGEMENT]
    ])
    const ids = published[0]?.steps.map((s) => s.id) ?? []
    // the annexes come before the signature; the Access Contract has no IT step
    expect(ids.indexOf("grid-user-agreement")).toBeLessThan(ids.indexOf("contract"))
    expect(ids.indexOf("designations")).toBeLessThan(ids.indexOf("contract"))
    expect(ids).not.toContain("technical")
    const request = published[1]?.steps.find((s) => s.id === "change-request")
    expect(request?.routes?.map((r) => r.to)).toEqual([
      "new-access-points",
      "points",
      "designations",
      "contacts",
      "guarantee"
    ])
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(ACH_PORTFOLIO, 1)
    const [, v2] = await harness.publish(achPack, { register: { url }, pointConfirmationWithin: "P21D" })
    expect(v2?.version).toBe(2)
    const confirm = (t: typeof v1) => t?.steps.find((s) => s.id === "access-point-confirmation")?.deadlines?.[0]?.offset
    expect([confirm(v1), confirm(v2)]).toEqual(["P15D", "P21D"])
    expect(await harness.storage.inspect.template(ACH_PORTFOLIO, 1)).toEqual(v1)
    const [, same] = await harness.publish(achPack, { register: { url }, pointConfirmationWithin: "P21D" })
    expect(same?.version).toBe(2)
  })

  it("refuses a bad configuration with its paths", async () => {
    const error = await rejectionOf(
      harness.publish(achPack, { register: { url: harness.register.url }, requestNotice: "-P1M", multipleBrpFromKv: 0 })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(expect.arrayContaining(["config.requestNotice", "config.multipleBrpFromKv"]))
  })

  it("its template functions refuse what is not a configuration with TemplateInvalid", () => {
    for (const value of [
      undefined,
      null,
      42,
      "x",
      [],
      { register: { url: "ftp://x" } },
      { ...docsConfig, designationNotice: 5 },
      { ...docsConfig, pointConfirmationWithin: "P".repeat(10_000) }
    ]) {
      for (const f of [achOnboarding, achPortfolio, achOnboardingExtension, achPortfolioExtension, checkAchConfig]) {
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

  it("its field builders refuse a voltage that is not an integer in kV with TemplateInvalid", () => {
    for (const kv of [undefined, null, "150", 0, 1.5, Number.NaN, 10_000, Symbol("kv"), { valueOf: () => 150 }]) {
      for (const f of [designationField, designationsField]) {
        let thrown: unknown
        try {
          f(kv as never)
        } catch (error) {
          thrown = error
        }
        expect(thrown).toMatchObject({ _tag: "TemplateInvalid", issues: [{ path: "multipleBrpFromKv" }] })
      }
    }
    expect(JSON.stringify(designationField(220))).toContain("220 kV or more")
  })

  it("ignores a __proto__ key in the configuration (own keys only, defaults kept)", () => {
    const hostile = JSON.parse(`{"register":{"url":"https://r.example"},"__proto__":{"requestNotice":"P1D"}}`)
    const start = achOnboarding(hostile).steps.find((s) => s.id === "guarantee-amount")?.deadlines?.[0]
    expect(start?.offset).toBe("-P1M")
  })
})
