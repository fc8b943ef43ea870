/**
 * The reducer: folding equals the incrementally kept state, `rebuildState` up to n equals the fold
 * of the first n events (by sequence and by instant), and every decided event and state is a valid
 * stored shape.
 */
import { fc, test } from "@fast-check/vitest"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { evolve, fold, rebuildState, transitions, WorkflowEvent, WorkflowState } from "../../src/index.js"
import { inputs, pureWorkflow, routedTemplate, sequence4Template } from "../fixtures/index.js"
import { play, sessionArb } from "./arbitraries.js"

const isEvent = Schema.is(WorkflowEvent)
const isState = Schema.is(WorkflowState)

describe("evolve / fold (properties, 1,000 runs each)", () => {
  test.prop([sessionArb], { numRuns: 1000 })("folding all events equals the incrementally kept state", (session) => {
    const run = play(session, routedTemplate)
    expect(fold(run.events)).toStrictEqual(run.state)
    // The log is contiguous and every event and the state are valid stored shapes.
    expect(run.events.map((e) => e.sequence)).toEqual(run.events.map((_, i) => i + 1))
    expect(run.state?.version ?? 0).toBe(run.events.length)
    for (const event of run.events) expect(isEvent(event)).toBe(true)
    if (run.state !== undefined) {
      expect(isState(run.state)).toBe(true)
      expect(JSON.parse(JSON.stringify(run.state))).toStrictEqual(run.state)
    }
  })

  test.prop([sessionArb], { numRuns: 1000 })(
    "every accepted command moves along an edge of the status machine; a rejected one changes nothing",
    (session) => {
      const run = play(session, routedTemplate)
      for (const step of run.steps) {
        const from = step.before?.status ?? "NONE"
        if (!step.accepted) {
          expect(step.after).toBe(step.before)
          continue
        }
        const to = transitions.filter((t) => t.from === from && t.command === step.command._tag).flatMap((t) => t.to)
        expect(to).toContain(step.after?.status)
        expect(step.events.length).toBeGreaterThan(0)
        expect(
          step.events.every((e) => e.occurredAt === step.command.at && e.performedBy === step.command.actor.userId)
        ).toBe(true)
      }
    }
  )

  test.prop([sessionArb, fc.nat()], { numRuns: 1000 })(
    "rebuildState until sequence n equals the fold of the first n events",
    (session, pick) => {
      const { events } = play(session, routedTemplate)
      const n = pick % (events.length + 2)
      expect(rebuildState(events, { untilSequence: n })).toStrictEqual(fold(events.slice(0, n)))
    }
  )

  test.prop([sessionArb, fc.nat(), fc.constantFrom(-1, 0, 1, 999)], { numRuns: 1000 })(
    "rebuildState until an instant equals the fold of the events that occurred by then",
    (session, pick, offsetMs) => {
      const { events } = play(session, routedTemplate)
      const event = events[pick % events.length]
      if (event === undefined) return
      const limit = Date.parse(event.occurredAt) + offsetMs
      const n = events.filter((e) => Date.parse(e.occurredAt) <= limit).length
      // Instants never go backwards in a log, so the events by then are a prefix.
      expect(events.slice(0, n).every((e) => Date.parse(e.occurredAt) <= limit)).toBe(true)
      const expected = fold(events.slice(0, n))
      expect(rebuildState(events, { untilTime: new Date(limit).toISOString() })).toStrictEqual(expected)
      expect(rebuildState(events, { untilTime: new Date(limit) })).toStrictEqual(expected)
    }
  )
})

describe("evolve", () => {
  const seq4 = () => {
    const wf = pureWorkflow(sequence4Template)
    wf.create()
    wf.run("StartWorkflow", {})
    wf.complete("company-info", inputs.companyInfo)
    return wf
  }

  it("is total: an event before WORKFLOW_CREATED leaves no state", () => {
    const wf = seq4()
    expect(fold(wf.events.slice(1))).toBeUndefined()
  })

  it("never mutates the state it is given", () => {
    const wf = seq4()
    const before = wf.state
    const frozen = JSON.parse(JSON.stringify(before))
    wf.complete("portfolio", inputs.portfolio)
    expect(before).toStrictEqual(frozen)
    expect(wf.state).not.toBe(before)
  })

  it("records a failed attempt, and clears its error when a later attempt completes", () => {
    const wf = seq4()
    const error = { message: "EAN unknown", code: "ean", retryable: true }
    wf.run("ExecuteStep", { stepId: "portfolio", input: inputs.portfolio, outcome: { _tag: "Failed", error } })
    expect(wf.state?.stepStates.portfolio).toMatchObject({ status: "failed", attempts: 1, error })
    expect(wf.state?.status).toBe("IN_PROGRESS")
    wf.complete("portfolio", inputs.portfolio)
    const portfolio = wf.state?.stepStates.portfolio
    expect(portfolio?.status).toBe("completed")
    expect(portfolio?.attempts).toBe(2)
    expect(portfolio).not.toHaveProperty("error")
    expect(portfolio).not.toHaveProperty("failedAt")
  })

  it("fails the workflow when a failed attempt exhausts the retry policy", () => {
    const wf = seq4()
    wf.complete("portfolio", inputs.portfolio)
    wf.complete("approval", inputs.approval)
    const error = { message: "settlement down", retryable: true }
    const attempt = () => wf.run("ExecuteStep", { stepId: "activation", input: {}, outcome: { _tag: "Failed", error } })
    expect(attempt().map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_FAILED"])
    expect(attempt().map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_FAILED"])
    expect(attempt().map((e) => e.type)).toEqual(["STEP_STARTED", "STEP_FAILED", "WORKFLOW_FAILED"])
    expect(wf.state?.status).toBe("FAILED")
    expect(wf.state?.failure).toEqual({
      reason: "step activation failed 3 times: settlement down",
      stepId: "activation"
    })
  })

  it("an event of another instance or a replayed event only bumps the version (total, never throws)", () => {
    const wf = seq4()
    const state = wf.state
    const stray = { ...(wf.events[1] as WorkflowEvent), sequence: 99 }
    expect(evolve(state, stray)?.version).toBe(99)
  })
})

describe("rebuildState", () => {
  it("without a limit folds everything; with a limit before the first event yields nothing", () => {
    const wf = pureWorkflow(sequence4Template)
    wf.create()
    wf.run("StartWorkflow", {})
    expect(rebuildState(wf.events)).toStrictEqual(wf.state)
    expect(rebuildState(wf.events, { untilSequence: 0 })).toBeUndefined()
    expect(rebuildState(wf.events, { untilTime: "2000-01-01T00:00:00.000Z" })).toBeUndefined()
  })
})
