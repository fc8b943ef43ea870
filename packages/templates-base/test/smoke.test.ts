/**
 * Smoke test of the BUILT package, loaded the way a user loads it: a separate Node process in a
 * directory outside the package, resolving `@workflow-manager/templates-base` (and `/docs`,
 * `/testing`) by name through node_modules and the `exports` map, with the built core and handler
 * packages; `internal/*` closed.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }
const peers = ["core", "handler-form", "handler-approval", "handler-notification", "handler-api-call"]

const runNode = (cwd: string, file: string): unknown =>
  JSON.parse(
    execFileSync(process.execPath, [file], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000
    })
  )

/** Fails the calling test (never skips it) when the build output is missing. */
const assertBuilt = (): void => {
  const missing = ["dist/index.js", "dist/docs.js", "dist/testing.js", "dist/index.d.ts"].filter(
    (f) => !existsSync(join(packageDir, f))
  )
  if (missing.length > 0) throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
}

describe("built package (dist/)", () => {
  let consumer: string

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "wm-templates-base-smoke-"))
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "smoke-consumer", private: true, type: "module" })
    )
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", "@workflow-manager", "templates-base"), "dir")
    for (const dependency of [...peers.map((p) => join("@workflow-manager", p)), "effect"]) {
      symlinkSync(join(packageDir, "node_modules", dependency), join(consumer, "node_modules", dependency), "dir")
    }
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("publishes the pack, documents it and drives a step through the harness", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "smoke.mjs"),
      `import { basePack, followsOf } from "@workflow-manager/templates-base"
import { packDocs } from "@workflow-manager/templates-base/docs"
import { makePackHarness } from "@workflow-manager/templates-base/testing"
const harness = await makePackHarness()
try {
  const config = { register: { url: harness.register.url } }
  const published = await harness.publish(basePack, config)
  const docs = packDocs(basePack, { config })
  const actor = { userId: "u", tenantId: "t", role: "participant_admin", permissions: [] }
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
    expect(runNode(consumer, "smoke.mjs")).toEqual({
      published: ["contract-onboarding@1", "portfolio-management@1"],
      docs: true,
      refused: ["ValidationFailed", ["company.bankAccount", "company.headOffice", "company.legalName", "company.vat"]],
      follows: { instanceId: "wf-1", templateId: "contract-onboarding", templateVersion: 1 }
    })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/register`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
