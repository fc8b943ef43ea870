/**
 * Smoke test of the BUILT package: a separate Node process resolves `@workflow-manager/templates-ach`
 * by name through node_modules and its `exports` map (with the built base, core and handlers),
 * publishes the pack through the base's harness and refuses a wrong VAT check; `internal/*` is closed.
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
  it("publishes the ACH pack and refuses a wrong VAT check with its path", () => {
    consumer.assertBuilt(["dist/index.js", "dist/index.d.ts"])
    const printed = consumer.run(
      "smoke.mjs",
      `import { achPack } from "@workflow-manager/templates-ach"
import { issuePaths, makePackHarness, participant } from "@workflow-manager/templates-base/testing"
const harness = await makePackHarness()
try {
  const published = await harness.publish(achPack, { register: { url: harness.register.url } })
  const actor = participant("u", "t")
  const instance = await harness.begin({ templateId: "ach-onboarding", actor })
  const refused = await instance.step("company", { vat: "BE0471811662" }, actor).catch((e) => e)
  console.log(JSON.stringify({
    published: published.map((t) => t.id + "@" + t.version),
    refused: [refused._tag, issuePaths(refused).includes("company.vat")]
  }))
} finally {
  await harness.close()
}
`
    )
    expect(printed).toEqual({ published: ["ach-onboarding@1", "ach-portfolio@1"], refused: ["ValidationFailed", true] })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    consumer.assertBuilt(["dist/index.js"])
    const printed = consumer.run(
      "internal.mjs",
      `try { await import("@workflow-manager/templates-ach/internal/x"); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(printed).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
