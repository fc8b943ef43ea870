/**
 * The handler on core's plugin harness: config checked at publication (syntax, paths, channel
 * rules, unknown keys, CR/LF, addresses), rendering against the instance (variables from step data,
 * metadata and the instance, HTML-escaped in html, JSON bodies), one message with a stable key, and
 * the rule for a missing variable.
 */
import type { Json, WorkflowState } from "@workflow-manager/core"
import { runStep } from "@workflow-manager/core/testing"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { NotificationConfig, notificationHandler } from "../src/index.js"

const state = (data: Record<string, Json>, metadata: Record<string, Json> = {}): WorkflowState => ({
  schemaVersion: 1,
  instanceId: "wf-7",
  tenantId: "engie-be",
  templateId: "brp-onboarding",
  templateVersion: 3,
  marketRole: "BRP",
  status: "IN_PROGRESS",
  currentStepId: "notify",
  entered: { sequence: 9, at: "2026-12-01T10:00:00.000Z" },
  stepStates: Object.fromEntries(
    Object.entries(data).map(([id, d]) => [
      id,
      { status: "completed", attempts: 1, data: d, completedAt: "2026-12-01T09:59:00.000Z", completedBy: "u-bob" }
    ])
  ),
  metadata,
  version: 9,
  createdAt: "2026-12-01T09:00:00.000Z",
  createdBy: "u-bob",
  updatedAt: "2026-12-01T10:00:00.000Z"
})

const company = { company: { legalName: "Engie <Belgium> & Co", vat: "BE0403170701", contact: "ops@engie.example" } }

const run = (config: unknown, data: Record<string, Json> = company, metadata: Record<string, Json> = {}) =>
  Effect.runPromiseExit(
    runStep(notificationHandler, { config, input: null, stepId: "notify", state: state(data, metadata) })
  )

const failureOf = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined || error._tag !== "Fail")
    throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  return error.error as { _tag: string; issues?: ReadonlyArray<{ path: string; message: string }>; code?: string }
}

const email = {
  channel: "email",
  to: [{ role: "market_ops" }, { address: "{{steps.company.data.contact}}" }],
  subject: "New BRP application: {{steps.company.data.legalName}}",
  text: "{{steps.company.data.legalName}} ({{ steps.company.data.vat }}) applied on {{instance.templateId}} v{{instance.templateVersion}}.",
  html: "<p><b>{{steps.company.data.legalName}}</b> applied.</p>"
}

describe("rendering", () => {
  it("renders subject, text and html from step data and the instance, escapes html values, and queues one message", async () => {
    const exit = await run(email)
    expect(Exit.isSuccess(exit)).toBe(true)
    const result = Exit.isSuccess(exit) ? (exit.value as { output: Json; messages: ReadonlyArray<unknown> }) : undefined
    expect(result?.output).toEqual({ notification: { id: "wf-7:notify:9:1:notification", channel: "email" } })
    expect(result?.messages).toEqual([
      {
        key: "notification",
        kind: "notification",
        payload: {
          schemaVersion: 1,
          channel: "email",
          stepId: "notify",
          to: [{ role: "market_ops" }, { address: "ops@engie.example" }],
          subject: "New BRP application: Engie <Belgium> & Co",
          text: "Engie <Belgium> & Co (BE0403170701) applied on brp-onboarding v3.",
          html: "<p><b>Engie &lt;Belgium&gt; &amp; Co</b> applied.</p>"
        }
      }
    ])
  })

  it("a webhook body: a whole-placeholder string takes the value itself, others are text; metadata too", async () => {
    const exit = await run(
      {
        channel: "webhook",
        endpoint: "crm-events",
        key: "crm",
        body: {
          event: "brp.applied",
          company: "{{steps.company.data}}",
          label: "{{steps.company.data.legalName}} / {{metadata.source}}",
          at: "{{steps.company.completedAt}}",
          list: [1, "{{instance.id}}"]
        }
      },
      company,
      { source: "portal" }
    )
    const result = Exit.isSuccess(exit)
      ? (exit.value as { messages: ReadonlyArray<{ key: string; payload: Json }> })
      : undefined
    expect(result?.messages[0]?.key).toBe("crm")
    expect(result?.messages[0]?.payload).toMatchObject({
      channel: "webhook",
      endpoint: "crm-events",
      body: {
        event: "brp.applied",
        company: company.company,
        label: "Engie <Belgium> & Co / portal",
        at: "2026-12-01T09:59:00.000Z",
        list: [1, "wf-7"]
      }
    })
  })

  it("a missing variable fails the step, not retryable, naming every missing path; nothing is queued", async () => {
    const exit = await run({
      ...email,
      text: "{{steps.company.data.legalName}} {{steps.company.data.eic}} {{metadata.x.y}}"
    })
    expect(failureOf(exit)).toMatchObject({
      _tag: "StepHandlerError",
      code: "MissingVariable",
      retryable: false,
      message: "no value for {{steps.company.data.eic}}, {{metadata.x.y}}"
    })
    const absentStep = await run({ ...email, subject: "{{steps.contract.data.id}}" })
    expect(failureOf(absentStep)).toMatchObject({
      code: "MissingVariable",
      message: "no value for {{steps.contract.data.id}}"
    })
  })

  it("an object where text is expected, a CR/LF from step data in the subject, a bad address from data: typed failures", async () => {
    expect(failureOf(await run({ ...email, text: "{{steps.company.data}}" }))).toMatchObject({ code: "NotText" })
    const injected = { company: { ...company.company, legalName: "Engie\r\nBcc: victim@evil.example" } }
    expect(failureOf(await run(email, injected))).toMatchObject({ code: "HeaderInjection", retryable: false })
    const badAddress = { company: { ...company.company, contact: "ops@engie.example\r\nBcc: x@evil.example" } }
    expect(failureOf(await run(email, badAddress))).toMatchObject({ code: "InvalidAddress", retryable: false })
    const list = { company: { ...company.company, contact: "a@engie.example, b@evil.example" } }
    expect(failureOf(await run(email, list))).toMatchObject({ code: "InvalidAddress" })
  })

  it("a value that is __proto__-shaped data is just data; lookups read own properties only", async () => {
    const hostile = JSON.parse(
      '{"company":{"legalName":"X","vat":"BE0403170701","contact":"a@b.example","__proto__":{"polluted":"yes"}}}'
    )
    const exit = await run(
      { ...email, text: "{{steps.company.data.legalName}} {{steps.company.data.toString}}" },
      hostile
    )
    expect(failureOf(exit)).toMatchObject({
      code: "MissingVariable",
      message: "no value for {{steps.company.data.toString}}"
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe("config checked at publication", () => {
  const issues = async (config: unknown) => {
    const failure = failureOf(await run(config))
    expect(failure._tag).toBe("TemplateInvalid")
    return (failure.issues ?? []).map((i) => `${i.path}: ${i.message}`)
  }

  it("template syntax and paths", async () => {
    expect(await issues({ ...email, subject: "Hello {{steps.company.data.legalName" })).toEqual([
      expect.stringMatching(/^config\.subject: .*not closed/)
    ])
    expect(await issues({ ...email, text: "{{process.env.SECRET}}" })).toEqual([
      expect.stringMatching(/^config\.text: .*starts with steps, metadata, instance/)
    ])
    expect(await issues({ ...email, text: "{{steps.company.legalName}}" })).toEqual([
      expect.stringMatching(/^config\.text: .*steps\.<stepId>\.data/)
    ])
    expect(await issues({ ...email, text: "{{instance.secret}}" })).toEqual([
      expect.stringMatching(/^config\.text: .*instance has the fields/)
    ])
    expect(await issues({ ...email, text: "{{steps.a.data.__proto__}}" })).toEqual([
      expect.stringMatching(/^config\.text: .*"__proto__" may not be used/)
    ])
    expect(await issues({ ...email, text: "{{ a + b }}" })).toEqual([
      expect.stringMatching(/^config\.text: .*is not a key/)
    ])
    expect(await issues({ ...email, text: "{{}}" })).toEqual([
      expect.stringMatching(/^config\.text: .*empty placeholder/)
    ])
  })

  it("channel rules and unknown keys, each at its path", async () => {
    expect(await issues({ channel: "email", subject: "x", text: "y" })).toEqual([
      "config.to: an e-mail needs recipients"
    ])
    expect(await issues({ channel: "email", to: [{ role: "market_ops" }], subject: "x" })).toEqual([
      "config.text: an e-mail needs a text or an html body"
    ])
    expect(await issues({ channel: "webhook", body: {}, subject: "x" })).toEqual([
      "config.endpoint: a webhook names one of the deployer's endpoints",
      "config.subject: is not used by the webhook channel"
    ])
    expect(await issues({ ...email, subjet: "typo" })).toEqual([expect.stringMatching(/^config\.subjet: unknown key/)])
    expect(await issues({ channel: "slack" })).toEqual(["config.text: the slack channel needs a text, html or body"])
    expect(await issues({ ...email, channel: "E-Mail!" })).toEqual([expect.stringMatching(/^config\.channel: /)])
  })

  it("CR/LF in a subject and addresses that are not plain addresses are refused", async () => {
    expect(await issues({ ...email, subject: "Hello\r\nBcc: victim@evil.example" })).toEqual([
      expect.stringMatching(/^config\.subject: .*CR or LF/)
    ])
    for (const address of [
      "ops@tso.example\nBcc: x@evil.example",
      "Ops <ops@tso.example>",
      "a@b.example,c@d.example",
      "ops@localhost",
      '"quoted"@tso.example',
      "ops@[127.0.0.1]"
    ]) {
      expect(await issues({ ...email, to: [{ address }] })).toEqual([
        expect.stringMatching(/^config\.to\[0\]\.address: /)
      ])
    }
    expect(await issues({ ...email, to: [] })).toEqual([expect.stringMatching(/^config\.to: /)])
    expect(await issues({ ...email, to: Array.from({ length: 51 }, () => ({ role: "market_ops" })) })).toEqual([
      expect.stringMatching(/^config\.to: /)
    ])
  })

  it("hostile configs are typed issues, never a crash", async () => {
    let deep: Json = "x"
    for (let i = 0; i < 40; i++) deep = { d: deep }
    const cases: ReadonlyArray<unknown> = [
      null,
      "email",
      42,
      [],
      { channel: null },
      { ...email, to: "ops@tso.example" },
      { ...email, to: [null] },
      { ...email, subject: 12 },
      { channel: "webhook", endpoint: "x", body: deep },
      { channel: "webhook", endpoint: "x", body: JSON.parse('{"__proto__":{"a":1}}') },
      { channel: "webhook", endpoint: "../../etc", body: {} },
      { ...email, text: "{{".repeat(10_000) },
      { ...email, text: "x".repeat(100_001) },
      JSON.parse('{"__proto__":{"channel":"email"},"channel":"email"}')
    ]
    for (const config of cases) {
      const exit = await run(config)
      expect(failureOf(exit)._tag).toBe("TemplateInvalid")
    }
    expect(() => NotificationConfig.pipe((s) => s)).not.toThrow()
  })
})
