/**
 * Smoke test of the BUILT package: a separate Node process resolves `@workflow-manager/templates-crm`
 * by name through node_modules and its `exports` map (with the built base, core and handlers),
 * publishes the pack through the base's harness and refuses an area EIC; `internal/*` is closed.
 */

import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { smokeConsumer } from "@workflow-manager/templates-base/testing"
import { afterAll, describe, expect, it } from "vitest"

const consumer = smokeConsumer(resolve(dirname(fileURLToPath(import.meta.url)), ".."), [
  "@workflow-manager/core",
  "@workflow-manager/templates-base",
  "@workflow-manager/handler-form",
  "@workflow-manager/handler-approval",
  "@workflow-manager/handler-notification",
  "@workflow-manager/handler-api-call",
  "effect"
])
afterAll(() => consumer.remove())

describe("built package (dist/)", () => {
  it("publishes the CRM pack and refuses an area EIC where a party code is required", () => {
    consumer.assertBuilt(["dist/index.js", "dist/index.d.ts"])
    const printed = consumer.run(
      "smoke.mjs",
      `import { crmPack } from "@workflow-manager/templates-crm"
import { issuePaths, makePackHarness, participant } from "@workflow-manager/templates-base/testing"
const harness = await makePackHarness()
try {
  const published = await harness.publish(crmPack, { register: { url: harness.register.url } })
  const actor = participant("u", "t")
  const instance = await harness.begin({ templateId: "crm-onboarding", actor })
  const refused = await instance.step("company", { eic: "10YBE----------2" }, actor).catch((e) => e)
  console.log(JSON.stringify({
    published: published.map((t) => t.id + "@" + t.version),
    refused: [refused._tag, issuePaths(refused).includes("company.eic")]
  }))
} finally {
  await harness.close()
}
`
    )
    expect(printed).toEqual({ published: ["crm-onboarding@1", "crm-portfolio@1"], refused: ["ValidationFailed", true] })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    consumer.assertBuilt(["dist/index.js"])
    const printed = consumer.run(
      "internal.mjs",
      `try { await import("@workflow-manager/templates-crm/internal/x"); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(printed).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
