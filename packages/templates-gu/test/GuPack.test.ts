/**
 * The GU pack as data: its configuration decodes with the documented defaults; both templates
 * compose onto the base and publish (validated against the real handlers, every step reachable);
 * configuring publishes new versions and never changes a published one; bad configurations and
 * hostile calls are typed errors.
 */
import { CONTRACT_ONBOARDING, PORTFOLIO_MANAGEMENT } from "@workflow-manager/templates-base"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "@workflow-manager/templates-base/testing"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  checkGuConfig,
  connectionAssessmentFields,
  connectionRequestFields,
  GU_ONBOARDING,
  GU_PORTFOLIO,
  GuConfig,
  guOnboarding,
  guOnboardingExtension,
  guPack,
  guPortfolio,
  guPortfolioExtension
} from "../src/index.js"
import { docsConfig } from "./fixtures.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("GU pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    expect(Schema.decodeUnknownSync(GuConfig)(docsConfig)).toMatchObject({
      accessNotice: "P1M",
      voltageLevels: ["380", "220", "150", "110", "70", "36", "30"],
      approvalQuorum: 2
    })
  })

  it("publishes both templates composed onto the base, validated and reachable", async () => {
    const published = await harness.publish(guPack, { register: { url: harness.register.url } })
    expect(published.map((t) => [t.id, t.version, t.marketRole, t.extends?.id])).toEqual([
      [GU_ONBOARDING, 1, "GU", CONTRACT_ONBOARDING],
      [GU_PORTFOLIO, 1, "GU", PORTFOLIO_MANAGEMENT]
    ])
    const ids = published[0]?.steps.map((s) => s.id) ?? []
    // no financial security for a grid user; the access comes after the Connection Contract
    expect(ids).not.toContain("financial-security")
    expect(ids.indexOf("contract")).toBeLessThan(ids.indexOf("access"))
    expect(published[1]?.steps.map((s) => s.id)).not.toContain("guarantee")
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(GU_ONBOARDING, 1)
    const [v2] = await harness.publish(guPack, { register: { url }, voltageLevels: ["150", "70", "36"] })
    expect(v2?.version).toBe(2)
    const levels = (t: typeof v1) => {
      const config = t?.steps.find((s) => s.id === "role-data")?.config as
        | { fields?: { requestedVoltageKv?: { values?: unknown } } }
        | undefined
      return config?.fields?.requestedVoltageKv?.values
    }
    expect(levels(v2)).toEqual(["150", "70", "36"])
    expect(levels(v1)).toContain("380")
    expect(await harness.storage.inspect.template(GU_ONBOARDING, 1)).toEqual(v1)
    const [same] = await harness.publish(guPack, { register: { url }, voltageLevels: ["150", "70", "36"] })
    expect(same?.version).toBe(2)
  })

  it("refuses a bad configuration with its paths", async () => {
    const error = await rejectionOf(
      harness.publish(guPack, {
        register: { url: harness.register.url },
        accessNotice: "P",
        voltageLevels: ["150", "150"]
      })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    expect(issuePaths(error)).toEqual(expect.arrayContaining(["config.accessNotice", "config.voltageLevels"]))
  })

  it("its field builders refuse what is not a list of voltage levels with TemplateInvalid", () => {
    const many = Array.from({ length: 31 }, (_, i) => String(i + 1))
    for (const levels of [undefined, null, "150", 42, [], [150], ["0"], ["150", "<b>"], many, new Set(["150"])]) {
      for (const f of [connectionRequestFields, connectionAssessmentFields]) {
        let thrown: unknown
        try {
          f(levels as never)
        } catch (error) {
          thrown = error
        }
        expect(thrown).toMatchObject({ _tag: "TemplateInvalid", issues: [{ path: "voltageLevels" }] })
      }
    }
    expect(connectionAssessmentFields(["150", "36"]).voltageKv).toMatchObject({ values: ["150", "36"] })
  })

  it("its template functions refuse what is not a configuration with TemplateInvalid", () => {
    for (const value of [
      undefined,
      null,
      42,
      "x",
      [],
      { register: { url: "ftp://x" } },
      { ...docsConfig, voltageLevels: [] },
      { ...docsConfig, voltageLevels: ["<script>"] },
      { ...docsConfig, accessNotice: { toString: "P1M" } }
    ]) {
      for (const f of [guOnboarding, guPortfolio, guOnboardingExtension, guPortfolioExtension, checkGuConfig]) {
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
