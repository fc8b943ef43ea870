/**
 * The base pack as data: it decodes its configuration with defaults, every template validates
 * against the real handlers with every step reachable (core's publish checks both), and
 * configuring it publishes new template versions without touching a published one.
 */

import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  BaseConfig,
  basePack,
  CONTRACT_ONBOARDING,
  contractOnboarding,
  PORTFOLIO_MANAGEMENT,
  portfolioManagement
} from "../src/index.js"
import { issuePaths, makePackHarness, type PackHarness, rejectionOf } from "../src/testing.js"

let harness: PackHarness
beforeAll(async () => {
  harness = await makePackHarness()
})
afterAll(() => harness?.close())

describe("base pack", () => {
  it("decodes its configuration with the documented defaults", () => {
    expect(Schema.decodeUnknownSync(BaseConfig)({ register: { url: "https://register.tso.example/api" } })).toEqual({
      register: { url: "https://register.tso.example/api" },
      operatorRoles: ["market_ops"],
      approvalQuorum: 2,
      changeQuorum: 1,
      maxContacts: 10,
      languages: ["nl", "fr", "de", "en"],
      guaranteeRenewalLead: "P3M"
    })
  })

  it("publishes both templates, validated against the real handlers", async () => {
    const published = await harness.publish(basePack, { register: { url: harness.register.url } })
    const config = Schema.decodeUnknownSync(BaseConfig)({ register: { url: harness.register.url } })
    expect(published[0]).toMatchObject({ ...contractOnboarding(config), metadata: expect.anything() })
    expect(published.map((t) => [t.id, t.version])).toEqual([
      [CONTRACT_ONBOARDING, 1],
      [PORTFOLIO_MANAGEMENT, 1]
    ])
    expect(published[0]?.metadata?.pack).toEqual({
      name: "@workflow-manager/templates-base",
      version: "0.1.0",
      config: { register: { url: harness.register.url } }
    })
    expect(published[0]?.steps.map((s) => s.id)).toEqual([
      "company",
      "contacts",
      "role-data",
      "financial-security",
      "technical",
      "contract",
      "application-received",
      "review",
      "activation",
      "welcome",
      "rejection-notice"
    ])
    expect(published[1]?.steps.map((s) => s.id)).toEqual(portfolioManagement(config).steps.map((s) => s.id))
  })

  it("publishes a new version when configured, and never changes a published one", async () => {
    const url = harness.register.url
    const v1 = await harness.storage.inspect.template(CONTRACT_ONBOARDING, 1)
    const [again] = await harness.publish(basePack, { register: { url } })
    expect(again?.version).toBe(1)
    const [v2, portfolio] = await harness.publish(basePack, { register: { url }, approvalQuorum: 3 })
    expect([v2?.version, portfolio?.version]).toEqual([2, 2])
    expect(v2?.steps.find((s) => s.id === "review")?.config.quorum).toBe(3)
    expect(await harness.storage.inspect.template(CONTRACT_ONBOARDING, 1)).toEqual(v1)
    expect(v1?.steps.find((s) => s.id === "review")?.config.quorum).toBe(2)
  })

  it("refuses a bad configuration with its path, publishing nothing", async () => {
    const error = await rejectionOf(
      harness.publish(basePack, { register: { url: "ftp://register.example" }, approvalQuorum: 0, languages: [] })
    )
    expect(error).toMatchObject({ _tag: "TemplateInvalid" })
    const paths = issuePaths(error)
    expect(paths).toEqual(expect.arrayContaining(["config.register.url", "config.approvalQuorum", "config.languages"]))
    expect(await rejectionOf(harness.publish(basePack))).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [expect.objectContaining({ path: "config.register" })]
    })
    expect(await harness.storage.inspect.template(CONTRACT_ONBOARDING, 3)).toBeUndefined()
  })
})
