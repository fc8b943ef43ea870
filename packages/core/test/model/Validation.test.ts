/**
 * Template validation: every rule, each problem at its exact path.
 */
import { Effect, Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  compose,
  defineStepHandler,
  graphIssues,
  type Issue,
  makeRegistry,
  stepsBefore,
  type Template,
  TemplateInvalid,
  validateTemplate
} from "../../src/index.js"
import { formHandler, registry, routedTemplate, sequence1Template, sequence4Template } from "../fixtures/index.js"

const form = (id: string, extra: object = {}) => ({ id, type: "form", config: { fields: {} }, ...extra })
const template = (steps: ReadonlyArray<object>, extra: object = {}): unknown => ({
  schemaVersion: 1,
  id: "t",
  version: 1,
  name: "T",
  steps,
  ...extra
})

const issuesOf = (input: unknown): ReadonlyArray<Issue> => {
  const result = validateTemplate(input, registry)
  if (Result.isSuccess(result)) throw new Error("expected the template to be invalid")
  expect(result.failure).toBeInstanceOf(TemplateInvalid)
  return result.failure.issues
}
const paths = (input: unknown): ReadonlyArray<string> => issuesOf(input).map((i) => i.path)

describe("validateTemplate", () => {
  it("accepts the fixture templates unchanged", () => {
    for (const t of [sequence1Template, sequence4Template, routedTemplate]) {
      expect(validateTemplate(t, registry)).toEqual(Result.succeed(t))
    }
  })

  it("duplicate step ids", () => {
    expect(issuesOf(template([form("a"), form("b"), form("a")]))).toEqual([
      { path: "steps[2].id", message: 'duplicate step id "a" (also steps[0])' }
    ])
  })

  it("unknown next and route targets, and unknown steps named in conditions", () => {
    const issues = issuesOf(
      template([
        form("a", { next: "nowhere" }),
        form("b", {
          routes: [
            { when: { op: "eq", field: "x", value: 1 }, to: "ghost" },
            {
              when: {
                all: [{ op: "exists", field: "x" }, { not: { op: "eq", step: "phantom", field: "y", value: 2 } }]
              },
              to: "$end"
            }
          ]
        })
      ])
    )
    expect(issues).toEqual([
      { path: "steps[0].next", message: 'unknown step "nowhere"' },
      { path: "steps[1].routes[0].to", message: 'unknown step "ghost"' },
      { path: "steps[1].routes[1].when.all[1].not.step", message: 'unknown step "phantom"' }
    ])
  })

  it("an unreachable step", () => {
    expect(issuesOf(template([form("a", { next: "c" }), form("b"), form("c")]))).toEqual([
      { path: "steps[1]", message: 'step "b" is unreachable from the first step' }
    ])
  })

  it("a dead end: a closed loop no path leaves", () => {
    const loop = template([
      form("a", { routes: [{ when: { op: "eq", field: "done", value: true }, to: "$end" }], next: "b" }),
      form("b", { next: "c" }),
      form("c", { next: "b" })
    ])
    expect(issuesOf(loop)).toEqual([
      { path: "steps[1]", message: 'step "b" is a dead end: no path from it reaches the end' },
      { path: "steps[2]", message: 'step "c" is a dead end: no path from it reaches the end' }
    ])
    // A loop with an exit is fine.
    const exit = template([
      form("a"),
      form("b", { routes: [{ when: { op: "eq", field: "again", value: true }, to: "a" }] })
    ])
    expect(Result.isSuccess(validateTemplate(exit, registry))).toBe(true)
  })

  it("an unknown handler type", () => {
    expect(issuesOf(template([form("a"), { id: "b", type: "telepathy", config: {} }]))).toEqual([
      { path: "steps[1].type", message: 'unknown step handler type "telepathy" (known: form, approval, activation)' }
    ])
  })

  it("invalid handler config, at the exact path inside the config", () => {
    const input = template([
      form("company-info"),
      { id: "vat", type: "form", config: { fields: { name: { required: true }, vat: { pattern: "^BE(\\d{10}$" } } } },
      { id: "approval", type: "approval", config: { approverRole: "", quorum: 0 } },
      { id: "activation", type: "activation", config: {} }
    ])
    const issues = issuesOf(input)
    expect(issues.map((i) => i.path)).toEqual([
      "steps[1].config.fields.vat.pattern",
      "steps[2].config.approverRole",
      "steps[2].config.quorum",
      "steps[3].config.system"
    ])
    expect(issues[0]?.message).toBe("must be a valid regular expression")
  })

  it("a step reached only through a deadline that routes to it is reachable", () => {
    const escalated = template([
      form("data", {
        next: "$end",
        deadlines: [{ id: "late", offset: "P2D", escalation: { kind: "route", to: "chase" } }]
      }),
      form("chase", { next: "data" })
    ])
    expect(Result.isSuccess(validateTemplate(escalated, registry))).toBe(true)
  })

  it("stepsBefore: the steps whose completion can lead to a step — cycles and routing deadlines included", () => {
    const t = template([
      form("company"),
      form("contacts", { deadlines: [{ id: "late", offset: "P2D", escalation: { kind: "route", to: "reminder" } }] }),
      form("review", { routes: [{ when: { op: "eq", field: "ok", value: false }, to: "contacts" }] }),
      form("activation", { next: "$end" }),
      form("reminder", { next: "contacts" })
    ]) as Template
    expect([...stepsBefore(t, "review")].sort()).toEqual(["company", "contacts", "reminder", "review"])
    expect([...stepsBefore(t, "company")]).toEqual([])
    expect([...stepsBefore(t, "activation")].sort()).toEqual(["company", "contacts", "reminder", "review"])
    // the reminder is entered by the deadline of contacts: company has completed by then, and contacts
    // may have (a review sends it back, it completes again, then its next round's deadline passes)
    expect([...stepsBefore(t, "reminder")].sort()).toEqual(["company", "contacts", "reminder", "review"])
    const linear = template([form("a"), form("b", { deadlines: [] }), form("c")]) as Template
    expect([...stepsBefore(linear, "b")]).toEqual(["a"])
    expect([...stepsBefore(linear, "c")].sort()).toEqual(["a", "b"])
    expect([...stepsBefore(t, "nowhere")]).toEqual([])
  })

  it("a config key the handler does not declare (a typo) is refused, not dropped", () => {
    expect(
      issuesOf(template([{ id: "activate", type: "activation", config: { system: "metering", sytem: "x" } }]))
    ).toEqual([
      { path: "steps[0].config.sytem", message: expect.stringMatching(/unexpected|excess|not allowed|unknown/i) }
    ])
  })

  it("a handler's checkStep sees the whole template; its issues are at the step's paths", () => {
    // a decision step must route its rejections and name only steps before it
    const decision = defineStepHandler({
      type: "decision",
      configSchema: Schema.Struct({ reviews: Schema.Array(Schema.String) }),
      inputSchema: Schema.Null,
      checkStep: ({ config, step, template }) => {
        const before = template.steps.slice(0, template.steps.indexOf(step)).map((s) => s.id)
        return [
          ...config.reviews.flatMap((id, j) =>
            before.includes(id)
              ? []
              : [{ path: `config.reviews[${j}]`, message: `"${id}" is not a step before this one` }]
          ),
          ...((step.routes ?? []).length === 0 ? [{ path: "routes", message: "rejections need a route" }] : [])
        ]
      },
      execute: () => Effect.succeed(null)
    })
    const throwing = defineStepHandler({
      type: "throwing",
      configSchema: Schema.Struct({}),
      inputSchema: Schema.Null,
      checkStep: () => {
        throw new Error("boom")
      },
      execute: () => Effect.succeed(null)
    })
    const withChecks = makeRegistry([formHandler, decision, throwing])
    const result = validateTemplate(
      template([
        form("data"),
        { id: "review", type: "decision", config: { reviews: ["data", "later"] } },
        { id: "later", type: "throwing", config: {} }
      ]),
      withChecks
    )
    expect(Result.isFailure(result) && result.failure.issues).toEqual([
      { path: "steps[1].config.reviews[1]", message: '"later" is not a step before this one' },
      { path: "steps[1].routes", message: "rejections need a route" },
      { path: "steps[2]", message: "the throwing handler failed checking the step: boom" }
    ])
    const fine = template([
      form("data"),
      {
        id: "review",
        type: "decision",
        config: { reviews: ["data"] },
        routes: [{ when: { op: "eq", field: "rejected", value: true }, to: "data" }]
      }
    ])
    expect(Result.isSuccess(validateTemplate(fine, withChecks))).toBe(true)
    // composing: the issue points into the change that brought the step
    const composed = compose(
      fine as Template,
      {
        schemaVersion: 1,
        id: "t-ext",
        version: 1,
        name: "T ext",
        extends: { id: "t", version: 1 },
        changes: [{ op: "configure", stepId: "review", config: { reviews: ["data", "nowhere"] } }]
      },
      withChecks
    )
    expect(Result.isFailure(composed) && composed.failure.issues.map((i) => i.path)).toEqual([
      "changes[0].config.reviews[1]"
    ])
  })

  it("shape errors, all of them, with their paths", () => {
    const input = {
      schemaVersion: 2,
      id: "bad id!",
      version: 0,
      steps: [
        { id: "a", type: "form", config: { fields: {} }, timeoutMs: -5, retry: { maxAttempts: 0 } },
        { id: "", type: "form" }
      ]
    }
    expect(paths(input)).toEqual([
      "schemaVersion",
      "id",
      "version",
      "name",
      "steps[0].timeoutMs",
      "steps[0].retry.maxAttempts",
      "steps[1].id",
      "steps[1].config"
    ])
  })

  it("an empty step list, and input that is not an object", () => {
    expect(paths(template([]))).toEqual(["steps"])
    const result = validateTemplate("nope", registry)
    expect(Result.isFailure(result) && result.failure.templateId).toBe("(unknown)")
  })

  it("reports graph and handler problems together", () => {
    expect(paths(template([form("a", { next: "zz" }), { id: "a", type: "nope", config: {} }]))).toEqual([
      "steps[1].id",
      "steps[0].next",
      "steps[1].type"
    ])
  })
})

describe("graphIssues", () => {
  it("checks the graph only (no handler registry)", () => {
    const t = { ...(sequence1Template as Template), steps: [{ id: "a", type: "unknown-type", config: {} }] } as Template
    expect(graphIssues(t)).toEqual([])
  })
})
