/**
 * Smoke test of the BUILT package: a separate Node process resolves `@workflow-manager/templates-brp`
 * by name through node_modules and its `exports` map (with the built base, core and handlers),
 * publishes the pack through the base's harness and refuses a bad EIC; `internal/*` is closed.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }
const peers = ["core", "templates-base", "handler-form", "handler-approval", "handler-notification", "handler-api-call"]

const runNode = (cwd: string, file: string): unknown =>
  JSON.parse(
    execFileSync(process.execPath, [file], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000
    })
  )

const assertBuilt = (): void => {
  const missing = ["dist/index.js", "dist/index.d.ts"].filter((f) => !existsSync(join(packageDir, f)))
  if (missing.length > 0) throw new Error(`${manifest.name}: ${missing.join(", ")} missing — run pnpm build first`)
}

describe("built package (dist/)", () => {
  let consumer: string

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), "wm-templates-brp-smoke-"))
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({ name: "smoke-consumer", private: true, type: "module" })
    )
    mkdirSync(join(consumer, "node_modules", "@workflow-manager"), { recursive: true })
    symlinkSync(packageDir, join(consumer, "node_modules", "@workflow-manager", "templates-brp"), "dir")
    for (const dependency of [...peers.map((p) => join("@workflow-manager", p)), "effect"]) {
      symlinkSync(join(packageDir, "node_modules", dependency), join(consumer, "node_modules", dependency), "dir")
    }
  })

  afterAll(() => {
    if (consumer !== undefined) rmSync(consumer, { recursive: true, force: true })
  })

  it("publishes the BRP pack and refuses an area EIC where a party code is required", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "smoke.mjs"),
      `import { brpPack } from "@workflow-manager/templates-brp"
import { makePackHarness } from "@workflow-manager/templates-base/testing"
const harness = await makePackHarness()
try {
  const published = await harness.publish(brpPack, { register: { url: harness.register.url } })
  const actor = { userId: "u", tenantId: "t", role: "participant_admin", permissions: [] }
  const instance = await harness.begin({ templateId: "brp-onboarding", actor })
  const refused = await instance.step("company", { eic: "10YBE----------2" }, actor).catch((e) => e)
  console.log(JSON.stringify({
    published: published.map((t) => t.id + "@" + t.version),
    refused: [refused._tag, refused.issues.some((i) => i.path === "company.eic")]
  }))
} finally {
  await harness.close()
}
`
    )
    expect(runNode(consumer, "smoke.mjs")).toEqual({
      published: ["brp-onboarding@1", "brp-portfolio@1"],
      refused: ["ValidationFailed", true]
    })
  })

  it("closes internal modules to users (exports: ./internal/* is null)", () => {
    assertBuilt()
    writeFileSync(
      join(consumer, "internal.mjs"),
      `try { await import(${JSON.stringify(`${manifest.name}/internal/x`)}); console.log(JSON.stringify("loaded")) }
catch (e) { console.log(JSON.stringify(e.code)) }
`
    )
    expect(runNode(consumer, "internal.mjs")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
