/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * folder outside the package resolves `@workflow-manager/templates-base` (and `/docs`, `/testing`)
 * by name, with the built core and handler packages; `internal/*` is closed.
 */
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { smokeConsumer } from "../src/testing.js"

const consumer = smokeConsumer(resolve(dirname(fileURLToPath(import.meta.url)), ".."), [
  "@workflow-manager/core",
  "@workflow-manager/handler-form",
  "@workflow-manager/handler-approval",
  "@workflow-manager/handler-notification",
  "@workflow-manager/handler-api-call",
  "effect"
])
afterAll(() => consumer.remove())

describe("built package (dist/)", () => {
  it("publishes the pack, documents it and drives a step through the harness", () => {
    consumer.assertBuilt(["dist/index.js", "dist/docs.js", "dist/testing.js", "dist/index.d.ts"])
    const printed = consumer.run(
      "smoke.mjs",
      `import { basePack, followsOf } from "@workflow-manager/templates-base"
import { packDocs } from "@workflow-manager/templates-base/docs"
import { makePackHarness, participant } from "@workflow-manager/templates-base/testing"
const harness = await makePackHarness()
try {
  const config = { register: { url: harness.register.url } }
  const published = await harness.publish(basePack, config)
  const docs = packDocs(basePack, { config })
  const actor = participant("u", "t")
  const instance = await harness.begin({ templateId: "contract-onboarding", actor, marketRole: "GU" })
  const refused = await instance.step("company", { legalName: "X", vat: "BE0476388377" }, actor).catch((e) => e)
  console.log(JSON.stringify({
    published: published.map((t) => t.id + "@" + t.version),
    docs: docs._tag === "Success" && docs.success.includes("flowchart TD"),
    refused: [refused._tag, refused.issues.map((i) => i.path).sort()],
    follows: followsOf({ follows: { instanceId: "wf-1", templateId: "contract-onboarding", templateVersion: 1 } })
  }))
} finally {
  await harness.close()
}
`
    )
    expect(printed).toEqual({
      published: ["contract-onboarding@1", "portfolio-management@1"],
      docs: true,
      refused: ["ValidationFailed", ["company.bankAccount", "company.headOffice", "company.legalName", "company.vat"]],
      follows: { instanceId: "wf-1", templateId: "contract-onboarding", templateVersion: 1 }
    })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    consumer.assertBuilt(["dist/index.js"])
    const printed = consumer.run(
      "internal.mjs",
      `try { await import("@workflow-manager/templates-base/internal/buildTemplates"); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(printed).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
