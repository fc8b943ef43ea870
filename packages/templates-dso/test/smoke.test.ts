/**
 * Smoke test of the BUILT package (the base's `packSmoke`): a separate Node process resolves
 * `@workflow-manager/templates-dso` by name through node_modules and its `exports` map, publishes the
 * pack through the base's harness and refuses an area EIC and a malformed EAN-GLN; `internal/*` is closed.
 */
import { packSmoke } from "@workflow-manager/templates-base/testing"
import { describe, expect, it } from "vitest"

describe("built package (dist/)", () => {
  it("publishes the DSO pack, refuses an area EIC and a malformed EAN-GLN, and closes internal/*", () => {
    const smoke = packSmoke({
      packageDir: `${import.meta.dirname}/..`,
      pack: "dsoPack",
      templateId: "dso-onboarding",
      stepId: "company",
      input: { eic: "10YBE----------2", gln: "12345" }
    })
    expect(smoke.published).toEqual(["dso-onboarding@1", "dso-portfolio@1", "dso-delivery-point-approval@1"])
    expect(smoke.refused.tag).toBe("ValidationFailed")
    expect(smoke.refused.paths).toEqual(expect.arrayContaining(["company.eic", "company.gln"]))
    expect(smoke.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })
})
