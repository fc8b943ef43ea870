/**
 * Smoke test of the BUILT package (the base's `packSmoke`): a separate Node process resolves
 * `@workflow-manager/templates-esp` by name through node_modules and its `exports` map, publishes the
 * pack through the base's harness and refuses an area EIC where a party code is required; `internal/*` is closed.
 */
import { packSmoke } from "@workflow-manager/templates-base/testing"
import { describe, expect, it } from "vitest"

describe("built package (dist/)", () => {
  it("publishes the ESP pack, refuses an area EIC where a party code is required, and closes internal/*", () => {
    const smoke = packSmoke({
      packageDir: `${import.meta.dirname}/..`,
      pack: "espPack",
      templateId: "esp-onboarding",
      stepId: "company",
      input: { eic: "10YBE----------2" }
    })
    expect(smoke.published).toEqual(["esp-onboarding@1", "esp-portfolio@1"])
    expect(smoke.refused.tag).toBe("ValidationFailed")
    expect(smoke.refused.paths).toEqual(expect.arrayContaining(["company.eic"]))
    expect(smoke.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
