/**
 * The ESP pack as data: its configuration decodes with the documented defaults; both templates
 * compose onto the base and publish (validated against the real handlers, every step reachable);
 * the DSO steps come after the FSP contract; configuring publishes new versions and never changes
 * a published one; bad configurations and hostile calls are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  checkEspConfig,
  ESP_ONBOARDING,
  ESP_PORTFOLIO,
  EspConfig,
  espOnboarding,
  espOnboardingExtension,
  espPack,
  espPortfolio,
  espPortfolioExtension
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("ESP pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    const config = Schema.decodeUnknownSync(EspConfig)(docsConfig)
    expect(config).toMatchObject({
      services: ["day-ahead", "intraday"],
      guaranteeKinds: ["bank-guarantee"],
      guaranteeRenewalLead: "P3M",
      dsoDeskRoles: ["market_ops"],
      dsoEndpoint: "dso-flexibility-requests"
    })
    expect(config.dsoDecisionWithin).toBeUndefined()
  })

  it("publishes both templates composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(espPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [ESP_ONBOARDING, 1, "ESP", CONTRACT_ONBOARDING],
      [ESP_PORTFOLIO, 1, "ESP", PORTFOLIO_MANAGEMENT]
    ])
    const ids = published[0]?.steps.map((s) => s.id) ?? []
    const before = (a: string, b: string) => expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b))
    before("financial-security", "contract")
    before("contract", "dso-agreements")
    before("dso-approval", "review")
    expect(published[1]?.steps.map((s) => s.id)).not.toContain("designations")
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(ESP_ONBOARDING, 1)
    const [v2] = await harness.publish(espPack, { register: { url }, guaranteeKinds: ["bank-guarantee", "deposit"] })
    expect(v2?.version).toBe(2)
    const kinds = (t: typeof v1) => {
      const fields = t?.steps.find((s) => s.id === "financial-security")?.config.fields
      return (fields as { kind?: { values?: unknown } } | undefined)?.kind?.values
    }
    expect([kinds(v1), kinds(v2)]).toEqual([["bank-guarantee"], ["bank-guarantee", "deposit"]])
    expect(await harness.storage.inspect.template(ESP_ONBOARDING, 1)).toEqual(v1)
  })

  it("refuses a bad configuration with its path", async () => {
    const error = await rejectionOf(
      harness.publish(espPack, { register: { url: harness.register.url }, guaranteeKinds: ["cash"], services: [] })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(expect.arrayContaining(["config.guaranteeKinds[0]", "config.services"]))
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
      { ...docsConfig, dsoEndpoint: "https://dso.example/hook" },
      { ...docsConfig, dsoDesk: [] }
    ]
    for (const value of hostile) {
      for (const f of [espOnboarding, espPortfolio, espOnboardingExtension, espPortfolioExtension, checkEspConfig]) {
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
