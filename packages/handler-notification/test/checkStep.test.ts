/**
 * The notification step checked against its template at publication (`checkStep`): every
 * `{{steps.<id>…}}` variable — in the subject, text, html, an address or the JSON body — names a
 * step the template has, and one whose completion can lead to this step (else the variable could
 * never have a value when it runs). Issues at the field (`steps[1].config.text`,
 * `steps[1].config.body.company`), and at the change that brought it in a composed template.
 */
import { compose, type Step, type Template, type TemplateInvalid, validateTemplate } from "@workflow-manager/core"
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { notificationHandler } from "../src/index.js"
import { memoryEngine, registry } from "./support/engine.js"

const email = (fields: Record<string, unknown>) => ({
  channel: "email",
  to: [{ role: "market_ops" }],
  subject: "New BRP application",
  text: "A BRP applied.",
  ...fields
})

/** company → notify → review → activation; the notification's config given. */
const template = (config: Record<string, unknown>, steps: ReadonlyArray<Step> = []): Template => ({
  schemaVersion: 1,
  id: "brp-onboarding",
  version: 1,
  name: "BRP onboarding",
  marketRole: "BRP",
  steps: [
    { id: "company", type: "data", config: {} },
    { id: "notify", type: "notification", config: config as Step["config"] },
    { id: "review", type: "data", config: {} },
    { id: "activation", type: "data", config: {} },
    ...steps
  ]
})

const issuesOf = (value: unknown): ReadonlyArray<string> => {
  const result = validateTemplate(value, registry)
  return Result.isFailure(result) ? result.failure.issues.map((i) => `${i.path}: ${i.message}`) : []
}

const unknownStep = (source: string, id: string) => `{{${source}}}: the template has no step "${id}"`
const never = (source: string, id: string) =>
  `{{${source}}}: step "${id}" never completes before this step (no path of the template leads from it here), so the variable could never have a value`

describe("variables naming steps", () => {
  it("a step the template does not have is refused at publication, in every field that can hold a variable", async () => {
    const config = email({
      to: [{ role: "market_ops" }, { address: "{{steps.contacts.data.email}}" }],
      subject: "{{steps.company.data.legalName}} applied",
      text: "{{steps.compnay.data.legalName}} ({{steps.company.data.vat}}) — {{steps.compnay.data.vat}}",
      html: "<p>{{steps.kyc.completedAt}}</p>"
    })
    expect(issuesOf(template(config))).toEqual([
      `steps[1].config.to[1].address: ${unknownStep("steps.contacts.data.email", "contacts")}`,
      `steps[1].config.text: ${unknownStep("steps.compnay.data.legalName", "compnay")}`,
      `steps[1].config.text: ${unknownStep("steps.compnay.data.vat", "compnay")}`,
      `steps[1].config.html: ${unknownStep("steps.kyc.completedAt", "kyc")}`
    ])
    const webhook = {
      channel: "webhook",
      endpoint: "crm-events",
      body: {
        event: "brp.applied",
        company: "{{steps.company.data}}",
        contract: "{{steps.contract.data}}",
        items: [{ at: "at {{steps.signing.completedAt}}" }],
        "1": "{{steps.eleven.data}}"
      }
    }
    // (in the order of the body's keys: JavaScript lists an index-like key first)
    expect(issuesOf(template(webhook))).toEqual([
      `steps[1].config.body[1]: ${unknownStep("steps.eleven.data", "eleven")}`,
      `steps[1].config.body.contract: ${unknownStep("steps.contract.data", "contract")}`,
      `steps[1].config.body.items[0].at: ${unknownStep("steps.signing.completedAt", "signing")}`
    ])
    // the engine refuses to publish it
    const { live, publish } = memoryEngine([template(config)])
    const error = await Effect.runPromise(Effect.flip(publish.pipe(Effect.provide(live))))
    expect(error).toMatchObject({ _tag: "TemplateInvalid", templateId: "brp-onboarding" })
    expect((error as TemplateInvalid).issues.map((i) => i.path)).toEqual([
      "steps[1].config.to[1].address",
      "steps[1].config.text",
      "steps[1].config.text",
      "steps[1].config.html"
    ])
  })

  it("a step after this one, with no way back, and the step itself, are refused; metadata and instance are not checked", () => {
    const config = email({
      subject: "{{steps.review.data.verdict}}: {{metadata.source}} {{instance.id}}",
      text: "{{steps.activation.completedAt}} {{steps.notify.completedAt}}"
    })
    expect(issuesOf(template(config))).toEqual([
      `steps[1].config.subject: ${never("steps.review.data.verdict", "review")}`,
      `steps[1].config.text: ${never("steps.activation.completedAt", "activation")}`,
      "steps[1].config.text: {{steps.notify.completedAt}} names this step itself, which has no data when it runs: no path of the template leads from it back to it"
    ])
  })

  it("a routed-back template may name a later step and the step itself: their data is there when it runs again", () => {
    // review routes back to company when the verdict is "incomplete": on the second pass, the
    // notification has the review's verdict and its own first run
    const config = email({
      subject: "{{steps.company.data.legalName}}",
      text: "Verdict {{steps.review.data.verdict}}; last sent {{steps.notify.completedAt}}"
    })
    const routedBack = template(config).steps.map((s) =>
      s.id === "review"
        ? { ...s, routes: [{ when: { op: "eq" as const, field: "verdict", value: "incomplete" }, to: "company" }] }
        : s
    )
    expect(issuesOf({ ...template(config), steps: routedBack })).toEqual([])
    // a deadline that routes back counts too: review waits, and its deadline reopens company
    const reopened = template(config).steps.map((s) =>
      s.id === "activation"
        ? { ...s, deadlines: [{ id: "reopen", offset: "P5D", escalation: { kind: "route" as const, to: "company" } }] }
        : s
    )
    expect(issuesOf({ ...template(config), steps: reopened })).toEqual([])
  })

  it("a variable naming a step on only some paths passes publication; its absence is the run-time MissingVariable", () => {
    // company → (eu ? kyc : notify); kyc → notify: kyc's data is there on one path only
    const steps: ReadonlyArray<Step> = [
      {
        id: "company",
        type: "data",
        config: {},
        routes: [{ when: { op: "eq", field: "eu", value: false }, to: "notify" }]
      },
      { id: "kyc", type: "data", config: {} },
      { id: "notify", type: "notification", config: email({ text: "KYC {{steps.kyc.data.ref}}" }) }
    ]
    expect(issuesOf({ ...template({}), steps })).toEqual([])
  })
})

describe("a composed template", () => {
  const base = template(email({ text: "{{steps.company.data.legalName}} applied" }))
  const extension = (changes: ReadonlyArray<unknown>) => ({
    schemaVersion: 1,
    id: "brp-onboarding-ext",
    version: 1,
    name: "BRP onboarding, extended",
    extends: { id: base.id, version: base.version },
    changes
  })
  const paths = (changes: ReadonlyArray<unknown>) => {
    const result = compose(base, extension(changes), registry)
    return Result.isFailure(result) ? result.failure.issues.map((i) => i.path) : []
  }

  it("reports the variable at the change that brought it, or at the base step a change broke", () => {
    expect(paths([{ op: "configure", stepId: "notify", config: { text: "{{steps.review.data.verdict}}" } }])).toEqual([
      "changes[0].config.text"
    ])
    expect(
      paths([
        {
          op: "insertAfter",
          after: "company",
          steps: [{ id: "ack", type: "notification", config: email({ subject: "{{steps.kyc.data.ref}}" }) }]
        }
      ])
    ).toEqual(["changes[0].steps[0].config.subject"])
    // removing the step a base notification names: the base step's text is where it is written
    expect(paths([{ op: "replace", stepId: "company", step: { id: "applicant", type: "data", config: {} } }])).toEqual([
      "base.steps[1].config.text"
    ])
    // inserting the missing step before the notification fixes it
    expect(
      paths([
        { op: "insertBefore", before: "notify", steps: [{ id: "kyc", type: "data", config: {} }] },
        { op: "configure", stepId: "notify", config: { subject: "{{steps.kyc.data.ref}}" } }
      ])
    ).toEqual([])
  })
})

describe("checkStep called directly", () => {
  it("answers garbage with an issue, never a TypeError", () => {
    const check = notificationHandler.checkStep
    if (check === undefined) throw new Error("the notification handler has no checkStep")
    const good = template(email({ text: "{{steps.company.data.x}}" }))
    const step = good.steps[1] as Step
    const config = step.config
    const garbage: ReadonlyArray<unknown> = [undefined, null, 0, "x", [], {}, JSON.parse('{"__proto__":{"steps":[]}}')]
    for (const bad of garbage) {
      for (const args of [
        { config: bad, step, template: good },
        { config, step: bad, template: good },
        { config, step, template: bad },
        bad
      ]) {
        const issues = check(args as never)
        expect(issues.length, JSON.stringify(args)).toBeGreaterThan(0)
        expect(issues.every((i) => typeof i.path === "string" && typeof i.message === "string")).toBe(true)
      }
    }
    expect(check({ config: config as never, step, index: good.steps.indexOf(step), template: good })).toEqual([])
    expect(check({ config: config as never, step: { ...step, id: "elsewhere" }, index: -1, template: good })).toEqual([
      { path: "", message: 'step "elsewhere" is not in the template it is checked against' }
    ])
  })
})
