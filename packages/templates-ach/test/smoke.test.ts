/**
 * Smoke test of the BUILT package (the base's `packSmoke`): a separate Node process resolves
 * `@workflow-manager/templates-ach` by name through node_modules and its `exports` map, publishes the
 * pack through the base's harness and refuses a wrong VAT check with its path; `internal/*` is closed.
 */
import { packSmoke } from "@workflow-manager/templates-base/testing"
import { describe, expect, it } from "vitest"

describe("built package (dist/)", () => {
  it("publishes the ACH pack, refuses a wrong VAT check with its path, and closes internal/*", () => {
    const smoke = packSmoke({
      packageDir: `${import.meta.dirname}/..`,
      pack: "achPack",
      templateId: "ach-onboarding",
      stepId: "company",
      input: { vat: "BE0471811662" }
    })
    expect(smoke.published).toEqual(["ach-onboarding@1", "ach-portfolio@1"])
    expect(smoke.refused.tag).toBe("ValidationFailed")
    expect(smoke.refused.paths).toEqual(expect.arrayContaining(["company.vat"]))
    expect(smoke.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
