/**
 * The approval step checked against its template at publication (`checkStep`): `approves` names
 * steps of the template that come before the step, and both the `rejected` and the
 * `changes_requested` outcomes are routed — what `validate` would otherwise catch only at
 * submission. Each problem is reported at its path (`steps[2].config.approves[1]`,
 * `steps[2].routes`), and at the change that brought it in a composed template.
 */
import {
  compose,
  makeRegistry,
  type Route,
  type Step,
  type Template,
  type TemplateInvalid,
  validateTemplate
} from "@workflow-manager/core"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { approvalHandler, approvalRoutes } from "../src/index.js"
import { approvalConfig, makeEngine, onboarding, recordHandler, rejection } from "./fixtures.js"

const registry = makeRegistry([recordHandler, approvalHandler])

/**
 * The onboarding template with its approval step changed — and activation leading to the closing
 * step, so that the closing step stays reachable whatever the approval's routes.
 */
const withApproval = (change: Partial<Step>): Template => ({
  ...onboarding,
  id: "changed-approval",
  steps: onboarding.steps.map((s) =>
    s.id === "approval" ? { ...s, ...change } : s.id === "activation" ? { ...s, next: "closing" } : s
  )
})

/** The issues of a template, as `path: message`; `[]` when it is valid. */
const issuesOf = (template: unknown): ReadonlyArray<string> => {
  const result = validateTemplate(template, registry)
  return Result.isFailure(result) ? result.failure.issues.map((i) => `${i.path}: ${i.message}`) : []
}

const on = (value: unknown, to: string): Route => ({ when: { op: "eq", field: "outcome", value } as never, to })

describe("approves", () => {
  it("names only steps of the template that come before the approval step", async () => {
    const template = withApproval({
      config: { ...approvalConfig, approves: ["company-info", "activation", "approval", "nowhere"] }
    })
    expect(issuesOf(template)).toEqual([
      'steps[2].config.approves[1]: step "activation" never completes before this step: no path of the template leads from it here, so it has no data to approve',
      "steps[2].config.approves[2]: an approval step cannot approve its own decisions",
      'steps[2].config.approves[3]: the template has no step "nowhere"'
    ])
    // the engine refuses to publish it, with the same paths
    const { engine } = await makeEngine()
    expect(await rejection(engine.publishTemplate(template))).toMatchObject({
      _tag: "TemplateInvalid",
      issues: [
        { path: "steps[2].config.approves[1]" },
        { path: "steps[2].config.approves[2]" },
        { path: "steps[2].config.approves[3]" }
      ]
    })
  })

  it('"before" follows the template\'s paths, not the order of the list: a step listed later that leads here comes before', () => {
    // company-info → approval; changes → fix → approval; the fix step is listed after the approval
    const template: Template = {
      ...onboarding,
      id: "fix-after",
      steps: [
        { id: "company-info", type: "record", config: {} },
        {
          id: "approval",
          type: "approval",
          config: { approverRoles: ["approver"], approves: ["company-info", "fix"] },
          routes: approvalRoutes({ changesRequested: "fix", rejected: "$end" }),
          next: "$end"
        },
        { id: "fix", type: "record", config: {}, next: "approval" }
      ]
    }
    expect(issuesOf(template)).toEqual([])
    // a path back may pass through a deadline: review → wait, whose deadline routes to company-info
    const waiting: Template = {
      ...onboarding,
      id: "deadline-back",
      steps: [
        { id: "company-info", type: "record", config: {} },
        {
          id: "approval",
          type: "approval",
          config: { approverRoles: ["approver"], approves: ["review"] },
          routes: approvalRoutes({ changesRequested: "company-info", rejected: "$end" })
        },
        { id: "review", type: "record", config: {} },
        {
          id: "wait",
          type: "record",
          config: {},
          next: "$end",
          deadlines: [{ id: "reopen", offset: "P5D", escalation: { kind: "route", to: "company-info" } }]
        }
      ]
    }
    expect(issuesOf(waiting)).toEqual([])
    const { deadlines: _, ...final } = waiting.steps[3] as Step
    expect(issuesOf({ ...waiting, steps: [...waiting.steps.slice(0, 3), final] })).toEqual([
      'steps[1].config.approves[0]: step "review" never completes before this step: no path of the template leads from it here, so it has no data to approve'
    ])
  })
})

describe("routes", () => {
  it("the fixture's approvalRoutes pass, to a step or to $end", async () => {
    expect(issuesOf(onboarding)).toEqual([])
    expect(
      issuesOf(withApproval({ routes: approvalRoutes({ changesRequested: "portfolio", rejected: "$end" }) }))
    ).toEqual([])
    const { engine } = await makeEngine()
    expect((await engine.publishTemplate({ ...onboarding, id: "published" })).id).toBe("published")
  })

  it("refuses an approval step that does not route its rejections or its requests for changes", async () => {
    expect(issuesOf(withApproval({ routes: [on("changes_requested", "portfolio")] }))).toEqual([
      'steps[2].routes: no route for the outcome "rejected": a rejection would carry on to "activation" as if approved (route it to a closing step or to "$end")'
    ])
    expect(issuesOf(withApproval({ routes: [on("rejected", "closing")] }))).toEqual([
      'steps[2].routes: no route for the outcome "changes_requested": a request for changes would carry on to "activation" as if approved (route it back to the step to correct)'
    ])
    const { routes: _, ...unrouted } = onboarding.steps[2] as Step
    const template = { ...onboarding, steps: withApproval({}).steps.map((s) => (s.id === "approval" ? unrouted : s)) }
    expect(issuesOf(template)).toEqual([
      expect.stringMatching(/^steps\[2\]\.routes: no route for the outcome "rejected": a rejection would carry on/),
      expect.stringMatching(/^steps\[2\]\.routes: no route for the outcome "changes_requested": a request for changes/)
    ])
    const { engine } = await makeEngine()
    const error = (await rejection(engine.publishTemplate(template))) as TemplateInvalid
    expect(error).toMatchObject({ _tag: "TemplateInvalid", templateId: "brp-onboarding" })
    expect(error.issues.map((i) => i.path)).toEqual(["steps[2].routes", "steps[2].routes"])
    // the last step of the list, with no route, would end the workflow as if approved
    const last: Template = {
      ...onboarding,
      id: "last",
      steps: [
        { id: "company-info", type: "record", config: {} },
        { id: "approval", type: "approval", config: { approverRoles: ["approver"] } }
      ]
    }
    expect(issuesOf(last)).toEqual([
      'steps[1].routes: no route for the outcome "rejected": a rejection would carry on to "$end" as if approved (route it to a closing step or to "$end")',
      'steps[1].routes: no route for the outcome "changes_requested": a request for changes would carry on to "$end" as if approved (route it back to the step to correct)'
    ])
  })

  it("any route whose condition holds for every rejection counts, however it is written", () => {
    const fine: ReadonlyArray<ReadonlyArray<Route>> = [
      [{ when: { op: "in", field: "outcome", value: ["rejected", "changes_requested"] }, to: "portfolio" }],
      [
        { when: { any: [{ op: "eq", field: "outcome", value: "rejected" }] }, to: "closing" },
        { when: { not: { op: "eq", field: "outcome", value: "rejected" } }, to: "portfolio" }
      ],
      [
        // an earlier route that may or may not catch a rejection; a later one always does
        { when: { op: "eq", field: "vat", step: "company-info", value: "BE0" }, to: "closing" },
        { when: { op: "ne", field: "outcome", value: "approved" }, to: "portfolio" }
      ],
      [
        { when: { op: "eq", step: "approval", field: "outcome", value: "rejected" }, to: "closing" },
        on("changes_requested", "portfolio")
      ],
      [{ when: { op: "exists", field: "outcome" }, to: "portfolio" }]
    ]
    for (const routes of fine) expect(issuesOf(withApproval({ routes })), JSON.stringify(routes)).toEqual([])

    const partial: ReadonlyArray<ReadonlyArray<Route>> = [
      // only some rejections: those of a company whose vat is BE0
      [
        {
          when: {
            all: [
              { op: "eq", field: "outcome", value: "rejected" },
              { op: "eq", field: "vat", step: "company-info", value: "BE0" }
            ]
          },
          to: "closing"
        },
        on("changes_requested", "portfolio")
      ],
      // a field of the output that a rule cannot know in advance
      [
        { when: { op: "eq", field: "decidedBy.0", value: "mo-alice" }, to: "closing" },
        on("changes_requested", "portfolio")
      ],
      // a typo in the outcome, another step's outcome
      [on("reject", "closing"), on("changes_requested", "portfolio")],
      [
        { when: { op: "eq", step: "portfolio", field: "outcome", value: "rejected" }, to: "closing" },
        on("changes_requested", "portfolio")
      ]
    ]
    for (const routes of partial) {
      expect(issuesOf(withApproval({ routes })), JSON.stringify(routes)).toEqual([
        expect.stringMatching(/^steps\[2\]\.routes: no route for the outcome "rejected"/)
      ])
    }
  })
})

describe("a composed template", () => {
  it("reports the problem at the change that brought it", () => {
    const extension = (changes: ReadonlyArray<unknown>) => ({
      schemaVersion: 1,
      id: "brp-onboarding-ext",
      version: 1,
      name: "BRP onboarding, extended",
      extends: { id: onboarding.id, version: onboarding.version },
      changes
    })
    const paths = (changes: ReadonlyArray<unknown>) => {
      const result = compose(onboarding, extension(changes), registry)
      return Result.isFailure(result) ? result.failure.issues.map((i) => i.path) : []
    }
    expect(paths([{ op: "configure", stepId: "approval", config: { approves: ["portfolio", "activation"] } }])).toEqual(
      ["changes[0].config.approves[1]"]
    )
    // a typo in the outcome of the rejection's route
    const typo = [on("changes_requested", "portfolio"), on("reject", "closing")]
    expect(paths([{ op: "patch", stepId: "approval", routes: typo }])).toEqual(["changes[0].routes"])
    // an approval step appended without routes, and one inserted that approves a step after it
    expect(
      paths([
        { op: "append", steps: [{ id: "final", type: "approval", config: { approverRoles: ["approver"] } }] },
        {
          op: "insertBefore",
          before: "portfolio",
          steps: [
            {
              id: "early",
              type: "approval",
              config: { approverRoles: ["approver"], approves: ["portfolio"] },
              routes: approvalRoutes({ changesRequested: "company-info", rejected: "$end" })
            }
          ]
        }
      ])
    ).toEqual(["changes[1].steps[0].config.approves[0]", "changes[0].steps[0].routes", "changes[0].steps[0].routes"])
    // the same changes, done right, compose
    expect(
      paths([
        {
          op: "append",
          steps: [
            {
              id: "final",
              type: "approval",
              config: { approverRoles: ["approver"], approves: ["portfolio"] },
              routes: approvalRoutes({ changesRequested: "portfolio", rejected: "$end" })
            }
          ]
        }
      ])
    ).toEqual([])
  })
})

describe("checkStep called directly", () => {
  it("answers garbage with an issue, never a TypeError", () => {
    const check = approvalHandler.checkStep
    if (check === undefined) throw new Error("the approval handler has no checkStep")
    const step = onboarding.steps[2] as Step
    const garbage: ReadonlyArray<unknown> = [undefined, null, 0, "x", [], {}, JSON.parse('{"__proto__":{"steps":[]}}')]
    for (const bad of garbage) {
      for (const args of [
        { config: bad, step, template: onboarding },
        { config: approvalConfig, step: bad, template: onboarding },
        { config: approvalConfig, step, template: bad },
        bad
      ]) {
        const issues = check(args as never)
        expect(issues.length, JSON.stringify(args)).toBeGreaterThan(0)
        expect(issues.every((i) => typeof i.path === "string" && typeof i.message === "string")).toBe(true)
      }
    }
    // a step that is not in the template
    expect(
      check({ config: approvalConfig, step: { ...step, id: "elsewhere" }, index: -1, template: onboarding })
    ).toEqual([{ path: "", message: 'step "elsewhere" is not in the template it is checked against' }])
  })
})
