/**
 * Composition as role packs use it: changes are data, the result validates against the real
 * handlers, a change that leaves a step unreachable or names a missing step is refused with the
 * path of the change, and a broken configure is reported where it was written.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { checkBaseConfig, contractOnboarding, extendTemplate, onboardingSteps as s } from "../src/index.js"
import { docsConfig } from "./fixtures.js"

const base = contractOnboarding(checkBaseConfig(docsConfig))

describe("extendTemplate", () => {
  it("composes data changes onto the base", () => {
    const result = extendTemplate(base, {
      id: "gu-onboarding",
      name: "GU onboarding",
      marketRole: "GU",
      changes: [
        { op: "configure", stepId: s.company, config: { fields: { eic: { required: true } } } },
        {
          op: "insertAfter",
          after: s.roleData,
          steps: [{ id: "study", type: "form", config: { fields: { inDepth: { type: "boolean", required: true } } } }]
        }
      ]
    })
    expect(Result.isSuccess(result)).toBe(true)
    const template = Result.getOrThrow(result)
    expect(template.extends).toEqual({ id: base.id, version: base.version })
    expect(template.steps.map((step) => step.id).slice(0, 5)).toEqual([
      "company",
      "contacts",
      "role-data",
      "study",
      "financial-security"
    ])
    expect(template.steps[0]?.config).toMatchObject({ fields: { eic: { required: true, validator: "eic:X" } } })
  })

  it("refuses an unreachable step, a missing step and a bad validator with the change's path", () => {
    const unreachable = extendTemplate(base, {
      id: "x",
      name: "X",
      changes: [{ op: "patch", stepId: s.contract, next: s.review }]
    })
    expect(unreachable).toMatchObject({ _tag: "Failure", failure: { _tag: "TemplateInvalid" } })
    expect(JSON.stringify(Result.isFailure(unreachable) ? unreachable.failure.issues : [])).toContain("reach")

    expect(
      extendTemplate(base, { id: "x", name: "X", changes: [{ op: "remove", stepId: "no-such-step" }] })
    ).toMatchObject({ failure: { issues: [{ path: "changes[0].stepId" }] } })

    const badValidator = extendTemplate(base, {
      id: "x",
      name: "X",
      changes: [{ op: "configure", stepId: s.company, config: { fields: { vat: { validator: "no-such" } } } }]
    })
    expect(badValidator).toMatchObject({
      failure: {
        issues: [expect.objectContaining({ path: expect.stringMatching(/^changes\[0\]\.config\.fields\.vat/) })]
      }
    })
  })
})
