/**
 * Every stored shape survives `JSON.stringify` → `JSON.parse` → decode unchanged and carries its
 * `schemaVersion`: templates, extensions, events of every type, instance states, index entries.
 * Commands (not stored, but sent over the wire) round-trip too.
 */
import { fc, test } from "@fast-check/vitest"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { Command } from "../../src/Command.js"
import {
  decodeEvent,
  eventTypes,
  evolve,
  IndexEntry,
  Template,
  TemplateExtension,
  type WorkflowEvent,
  WorkflowEvent as WorkflowEventSchema,
  WorkflowState
} from "../../src/index.js"
import { entryOf } from "../../src/WorkflowIndex.js"
import {
  inputs,
  pureWorkflow,
  reviewer,
  routedTemplate,
  sequence1Template,
  sequence4Template
} from "../fixtures/index.js"
import { play, sessionArb } from "./arbitraries.js"

const roundTrip = <S extends Schema.Decoder<unknown>>(schema: S, value: S["Type"]) => {
  const text = JSON.stringify(value)
  const decoded = Schema.decodeUnknownSync(schema)(JSON.parse(text))
  expect(decoded).toStrictEqual(value)
  // Decoding again gives the same value (key order may follow the schema, values never change).
  expect(Schema.decodeUnknownSync(schema)(JSON.parse(JSON.stringify(decoded)))).toStrictEqual(value)
  return decoded
}

/** Events of every type, from a few pure runs. */
const eventsOfEveryType = (): ReadonlyArray<WorkflowEvent> => {
  const out: Array<WorkflowEvent> = []
  // sequence 4 with a failed attempt, a pause, a rollback, a review round and approval
  const a = pureWorkflow(sequence4Template, { instanceId: "wf-a" })
  a.create({ contract: "C-1" })
  a.run("StartWorkflow", {})
  a.complete("company-info", inputs.companyInfo)
  a.run("ExecuteStep", {
    stepId: "portfolio",
    input: inputs.portfolio,
    outcome: { _tag: "Failed", error: { message: "EAN unknown", code: "ean", retryable: true } }
  })
  a.complete("portfolio", inputs.portfolio)
  a.run("PauseWorkflow", { reason: "waiting for contract" })
  a.run("ResumeWorkflow", {})
  a.complete("approval", inputs.approval)
  a.rollback("portfolio")
  a.complete("portfolio", inputs.portfolio)
  a.complete("approval", inputs.approval)
  a.complete("activation", {})
  a.run("SubmitWorkflow", { comment: "done" })
  a.run("RejectWorkflow", { reason: "VAT", toStepId: "company-info" }, reviewer)
  for (const id of ["company-info", "portfolio", "approval", "activation"]) a.complete(id, {})
  a.run("SubmitWorkflow", {})
  a.run("ApproveWorkflow", { comment: "ok" }, reviewer)
  out.push(...a.events)
  // a failure
  const b = pureWorkflow(sequence1Template, { instanceId: "wf-b" })
  b.create()
  b.run("StartWorkflow", {})
  b.run("FailWorkflow", { reason: "duplicate registration", stepId: "company-info" })
  out.push(...b.events)
  // deadlines, a route, contributions and a deferred attempt with a lease
  const timed: Template = {
    ...sequence4Template,
    id: "timed",
    steps: sequence4Template.steps.map((step, i) =>
      i === 0
        ? {
            ...step,
            deadlines: [
              {
                id: "remind",
                offset: "-PT1S",
                escalation: { kind: "notify", topic: "reminder", payload: { to: "ops" } }
              },
              {
                id: "skip",
                offset: "PT0S",
                from: { metadata: "dueOn" },
                escalation: { kind: "route", to: "portfolio" }
              }
            ]
          }
        : step
    )
  }
  const c = pureWorkflow(timed, { instanceId: "wf-c" })
  c.create({ dueOn: "2026-01-01" })
  c.run("StartWorkflow", {})
  c.run("FireDueTimers", {})
  c.run("ExecuteStep", {
    stepId: "portfolio",
    input: { decision: "approve" },
    outcome: { _tag: "Contributed", contribution: { by: "alice", decision: "approve" } }
  })
  c.run("ClaimStep", {
    stepId: "portfolio",
    input: inputs.portfolio,
    lease: { owner: "worker-1", until: "2030-01-01T00:00:00.000Z" }
  })
  c.run("RecordOutcome", {
    stepId: "portfolio",
    attempt: 2,
    owner: "worker-1",
    outcome: { _tag: "Failed", error: { message: "503", retryable: true }, retryAt: "2030-01-01T00:00:00.000Z" }
  })
  c.run("ExecuteStep", {
    stepId: "portfolio",
    input: inputs.portfolio,
    outcome: { _tag: "Completed", output: inputs.portfolio, contribution: { by: "bob", decision: "approve" } }
  })
  out.push(...c.events)
  return out
}

describe("JSON round trip of stored shapes", () => {
  it("templates (schemaVersion 1)", () => {
    for (const t of [sequence1Template, sequence4Template, routedTemplate]) {
      expect(roundTrip(Template, t).schemaVersion).toBe(1)
    }
  })

  it("template extensions (schemaVersion 1)", () => {
    const ext: TemplateExtension = {
      schemaVersion: 1,
      id: "gu-onboarding",
      version: 3,
      name: "GU onboarding",
      description: "grid users",
      marketRole: "GU",
      extends: { id: sequence4Template.id, version: 1 },
      changes: [
        { op: "insertBefore", before: "portfolio", steps: [{ id: "kyc", type: "form", config: { fields: {} } }] },
        { op: "insertAfter", after: "kyc", steps: [] },
        { op: "append", steps: [{ id: "welcome", type: "form", config: { fields: {} }, next: "$end" }] },
        {
          op: "replace",
          stepId: "activation",
          step: { id: "activation", type: "activation", config: { system: "metering" } }
        },
        { op: "remove", stepId: "welcome" },
        { op: "configure", stepId: "company-info", config: { fields: { eic: null, vat: { pattern: "^NL" } } } },
        {
          op: "patch",
          stepId: "approval",
          name: "GU approval",
          routes: [{ when: { any: [{ op: "in", field: "r", value: ["GU"] }] }, to: "$end" }],
          timeoutMs: 1000,
          retry: { maxAttempts: 2, initialDelayMs: 10, backoffFactor: 1.5, maxDelayMs: 100 },
          compensation: { strategy: "none", config: { note: "manual" } }
        }
      ],
      metadata: { pack: "templates-gu", tags: ["gu", 1, null, true] }
    }
    expect(roundTrip(TemplateExtension, ext).schemaVersion).toBe(1)
  })

  it("events of every type (schemaVersion 1)", () => {
    const events = eventsOfEveryType()
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(eventTypes))
    for (const event of events) {
      expect(roundTrip(WorkflowEventSchema, event).schemaVersion).toBe(1)
      expect(decodeEvent(JSON.parse(JSON.stringify(event)))).toStrictEqual(event)
    }
  })

  it("instance states at every version, including a pending rollback and a failure (schemaVersion 1)", () => {
    const all: Array<WorkflowState> = []
    let state: WorkflowState | undefined
    for (const event of eventsOfEveryType()) {
      state = evolve(event.type === "WORKFLOW_CREATED" ? undefined : state, event)
      if (state !== undefined) all.push(state)
    }
    expect(all.some((s) => s.rollback !== undefined)).toBe(true)
    expect(all.some((s) => s.failure !== undefined)).toBe(true)
    expect(new Set(all.map((s) => s.status)).size).toBe(7)
    for (const s of all) expect(roundTrip(WorkflowState, s).schemaVersion).toBe(1)
  })

  it("index entries (schemaVersion 1)", () => {
    const wf = pureWorkflow(sequence4Template)
    wf.create()
    wf.run("StartWorkflow", {})
    const entry = entryOf(wf.state as WorkflowState)
    expect(entry).toEqual({
      schemaVersion: 1,
      instanceId: "wf-1",
      tenantId: "engie-be",
      templateId: sequence4Template.id,
      templateVersion: 1,
      marketRole: "BRP",
      status: "IN_PROGRESS",
      currentStepId: "company-info",
      version: 2,
      createdAt: wf.events[0]?.occurredAt,
      updatedAt: wf.events[1]?.occurredAt
    })
    roundTrip(IndexEntry, entry)
  })

  it("commands of every kind", () => {
    const session = fc.sample(sessionArb, { numRuns: 200, seed: 7 })
    const tags = new Set<string>()
    for (const s of session) {
      for (const step of play(s, routedTemplate).steps) {
        tags.add(step.command._tag)
        roundTrip(Command, step.command)
      }
    }
    expect(tags.size).toBe(12)
  })

  it("rejects another schemaVersion", () => {
    const [created] = eventsOfEveryType()
    expect(() => decodeEvent({ ...created, schemaVersion: 2 })).toThrow()
    expect(Schema.is(Template)({ ...sequence1Template, schemaVersion: 2 })).toBe(false)
    const wf = pureWorkflow(sequence1Template)
    wf.create()
    expect(Schema.is(WorkflowState)(wf.state)).toBe(true)
    expect(Schema.is(WorkflowState)({ ...wf.state, schemaVersion: 2 })).toBe(false)
  })

  test.prop([sessionArb], { numRuns: 1000 })("random runs: every event and the final state round-trip", (session) => {
    const run = play(session, routedTemplate)
    for (const event of run.events) roundTrip(WorkflowEventSchema, event)
    if (run.state !== undefined) {
      roundTrip(WorkflowState, run.state)
      roundTrip(IndexEntry, entryOf(run.state))
    }
  })
})
