/**
 * The BSP pack as data: its configuration decodes with the documented defaults; both templates
 * compose onto the base and publish (validated against the real handlers, every step reachable);
 * the T&C come before the IT interfaces and the DSO before the prequalification; configuring
 * publishes new versions and never changes a published one; bad configurations and hostile calls
 * to the public functions are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  BSP_ONBOARDING,
  BSP_PORTFOLIO,
  BspConfig,
  bspOnboarding,
  bspOnboardingExtension,
  bspPack,
  bspPortfolio,
  bspPortfolioExtension,
  checkBspConfig,
  prequalificationTestField
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

const thrown = (f: () => unknown): unknown => {
  try {
    f()
    return undefined
  } catch (error) {
    return error
  }
}

const hostile: ReadonlyArray<unknown> = [
  undefined,
  null,
  42,
  "x",
  [],
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { register: { url: "ftp://x" } },
  { ...docsConfig, screeningDecisionWithin: 14 },
  { ...docsConfig, products: [] },
  { ...docsConfig, dsoEndpoint: "https://dso.example/hook" }
]

describe("BSP pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    const config = Schema.decodeUnknownSync(BspConfig)(docsConfig)
    expect(config).toMatchObject({
      products: ["FCR", "aFRR", "mFRR"],
      screeningDecisionWithin: "P14D",
      signatureBeforeBidding: "P1D",
      completenessWithin: "P56D",
      missingInformationWithin: "P28D",
      prequalificationDecisionWithin: "P3M",
      reassessmentEvery: "P5Y",
      screeningRoles: ["market_ops"],
      dsoDeskRoles: ["market_ops"],
      prequalificationRoles: ["market_ops"],
      dsoEndpoint: "dso-flexibility-requests"
    })
    expect(config.dsoDecisionWithin).toBeUndefined()
  })

  it("publishes both templates composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(bspPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [BSP_ONBOARDING, 1, "BSP", CONTRACT_ONBOARDING],
      [BSP_PORTFOLIO, 1, "BSP", PORTFOLIO_MANAGEMENT]
    ])
    const ids = published[0]?.steps.map((s) => s.id) ?? []
    const before = (a: string, b: string) => expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b))
    before("financial-screening", "contract")
    before("contract", "technical")
    before("technical", "delivery-points")
    before("dso-approval", "prequalification")
    before("prequalification", "activation")
    expect(ids).not.toContain("financial-security")
    expect(published[1]?.steps.map((s) => s.id)).not.toEqual(expect.arrayContaining(["designations"]))
    expect(published[1]?.steps.map((s) => s.id)).not.toContain("guarantee")
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(BSP_ONBOARDING, 1)
    const [v2] = await harness.publish(bspPack, { register: { url }, screeningDecisionWithin: "P21D" })
    expect(v2?.version).toBe(2)
    const screening = (t: typeof v1) => t?.steps.find((s) => s.id === "financial-screening")?.deadlines?.[0]?.offset
    expect([screening(v1), screening(v2)]).toEqual(["P14D", "P21D"])
    expect(await harness.storage.inspect.template(BSP_ONBOARDING, 1)).toEqual(v1)
    const [same] = await harness.publish(bspPack, { register: { url }, screeningDecisionWithin: "P21D" })
    expect(same?.version).toBe(2)
  })

  it("puts a deadline on the DSO's answer only when one is configured", async () => {
    const [v3] = await harness.publish(bspPack, { register: { url: harness.register.url }, dsoDecisionWithin: "P30D" })
    expect(v3?.steps.find((s) => s.id === "dso-approval")?.deadlines).toEqual([
      expect.objectContaining({ id: "dso-decision", offset: "P30D" })
    ])
    expect(bspOnboarding(docsConfig as never).steps.find((s) => s.id === "dso-approval")?.deadlines).toBeUndefined()
  })

  it("refuses a bad configuration with its path", async () => {
    const error = await rejectionOf(
      harness.publish(bspPack, {
        register: { url: harness.register.url },
        screeningDecisionWithin: "-P2W",
        products: []
      })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(expect.arrayContaining(["config.screeningDecisionWithin", "config.products"]))
  })

  it("its template functions refuse what is not a configuration with TemplateInvalid", () => {
    for (const value of hostile) {
      for (const f of [bspOnboarding, bspPortfolio, bspOnboardingExtension, bspPortfolioExtension, checkBspConfig]) {
        expect(thrown(() => f(value as never))).toMatchObject({ _tag: "TemplateInvalid" })
      }
    }
  })

  it("its field builder refuses bad arguments with TemplateInvalid, never a TypeError", () => {
    const calls: ReadonlyArray<() => unknown> = [
      () => prequalificationTestField([] as never),
      () => prequalificationTestField(null as never)
    ]
    for (const call of calls) expect(thrown(call)).toMatchObject({ _tag: "TemplateInvalid" })
  })
})
