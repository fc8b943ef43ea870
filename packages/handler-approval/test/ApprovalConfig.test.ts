/**
 * The step config: defaults, and every bad config refused when the template is published — with
 * the path of each problem — so that a broken approval step never reaches an instance.
 */
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ApprovalConfig, approvalRoutes } from "../src/index.js"
import { makeEngine, onboarding, rejection } from "./fixtures.js"

const withConfig = (config: unknown) => ({
  ...onboarding,
  id: "bad-approval",
  steps: onboarding.steps.map((s) => (s.id === "approval" ? { ...s, config } : s))
})

describe("approvalRoutes", () => {
  it("builds the routes of the brief, as data", () => {
    expect(approvalRoutes({ changesRequested: "portfolio", rejected: "$end" })).toEqual([
      { when: { op: "eq", field: "outcome", value: "changes_requested" }, to: "portfolio" },
      { when: { op: "eq", field: "outcome", value: "rejected" }, to: "$end" }
    ])
  })
})

describe("ApprovalConfig", () => {
  it("decodes a minimal config; defaults are applied by the handler, not stored", () => {
    expect(Schema.decodeUnknownSync(ApprovalConfig)({ approverRoles: ["market_ops"] })).toEqual({
      approverRoles: ["market_ops"]
    })
  })

  it("refuses bad configs at publication, naming each problem", async () => {
    const { engine } = await makeEngine()
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{}, "steps[2].config.approverRoles"],
      [{ approverRoles: [] }, "steps[2].config.approverRoles"],
      [{ approverRoles: "market_ops" }, "steps[2].config.approverRoles"],
      [{ approverRoles: [""] }, "steps[2].config.approverRoles[0]"],
      [{ approverRoles: ["approver"], quorum: 0 }, "steps[2].config.quorum"],
      [{ approverRoles: ["approver"], quorum: 1.5 }, "steps[2].config.quorum"],
      [{ approverRoles: ["approver"], quorum: "2" }, "steps[2].config.quorum"],
      [{ approverRoles: ["approver"], quorum: 3, approvers: ["u-ann", "u-ava"] }, "steps[2].config.quorum"],
      [{ approverRoles: ["approver"], approvers: ["u-ann", "u-ann"] }, "steps[2].config.approvers"],
      [{ approverRoles: ["approver"], approvers: ["not an id"] }, "steps[2].config.approvers[0]"],
      [{ approverRoles: ["approver"], approves: ["portfolio", "portfolio"] }, "steps[2].config.approves"],
      [{ approverRoles: ["approver"], delegation: { roles: ["deputy"] } }, "steps[2].config.delegation.allowed"],
      [{ approverRoles: ["approver"], fourEyes: "no" }, "steps[2].config.fourEyes"],
      [{ approverRoles: Array.from({ length: 21 }, (_, i) => `role-${i}`) }, "steps[2].config.approverRoles"],
      [{ approverRoles: ["x".repeat(201)] }, "steps[2].config.approverRoles[0]"]
    ]
    for (const [config, path] of cases) {
      const error = await rejection(engine.publishTemplate(withConfig(config)))
      expect(error, JSON.stringify(config).slice(0, 80)).toMatchObject({
        _tag: "TemplateInvalid",
        issues: expect.arrayContaining([expect.objectContaining({ path })])
      })
    }
  })

  it("a __proto__ key in the config is refused at publication, never merged into a prototype", async () => {
    const { engine } = await makeEngine()
    const config = JSON.parse('{"approverRoles":["approver"],"__proto__":{"quorum":0,"polluted":true}}')
    const refused = await engine.publishTemplate(withConfig(config)).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(refused).toMatchObject({ _tag: "TemplateInvalid", issues: [{ path: "steps[2].config.__proto__" }] })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // the schema alone (no publication) drops it
    expect(Schema.decodeUnknownSync(ApprovalConfig)(config)).toEqual({ approverRoles: ["approver"] })
  })
})
