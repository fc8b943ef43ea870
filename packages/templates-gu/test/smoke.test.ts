/**
 * Smoke test of the BUILT package (the base's `packSmoke`): a separate Node process resolves
 * `@workflow-manager/templates-gu` by name through node_modules and its `exports` map, publishes the
 * pack through the base's harness and refuses a wrong IBAN check with its path; `internal/*` is closed.
 */
import { packSmoke } from "@workflow-manager/templates-base/testing"
import { describe, expect, it } from "vitest"

describe("built package (dist/)", () => {
  it("publishes the GU pack, refuses a wrong IBAN check with its path, and closes internal/*", () => {
    const smoke = packSmoke({
      packageDir: `${import.meta.dirname}/..`,
      pack: "guPack",
      templateId: "gu-onboarding",
      stepId: "company",
      input: { bankAccount: "BE31435411161156" }
    })
    expect(smoke.published).toEqual(["gu-onboarding@1", "gu-portfolio@1"])
    expect(smoke.refused.tag).toBe("ValidationFailed")
    expect(smoke.refused.paths).toEqual(expect.arrayContaining(["company.bankAccount"]))
    expect(smoke.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
