/**
 * Delegation through a real engine: a delegate acts in place of the delegator, whose vote is used
 * up; one level deep, one delegator per delegate, four-eyes on the delegate, a delegate role
 * required, and a delegation ends with its round. Every refusal records nothing.
 */
import { describe, expect, it } from "vitest"
import { alice, ava, bob, carol, dan, deb, instance, makeEngine, rejection, vic } from "./fixtures.js"

describe("delegation", () => {
  it("a delegate acts in place of the delegator, whose vote is used up; it is one level deep and four-eyes binds the delegate", async () => {
    const { engine, storage } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    const before = await storage.inspect.events(wf.id)
    // four-eyes on the delegate: bob created the instance and entered the data
    expect(await rejection(wf.decide(alice, { decision: "delegate", to: "u-bob" }))).toMatchObject({
      _tag: "Forbidden",
      detail: "four-eyes: u-bob created this workflow and may not be delegated the decision"
    })
    expect(await rejection(wf.decide(alice, { decision: "delegate", to: "mo-alice" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval.to", message: "an approver cannot delegate to themselves" }]
    })
    expect(await rejection(wf.decide(alice, { decision: "delegate" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval.to" }]
    })
    expect(await rejection(wf.decide(alice, { decision: "approve", to: "u-dan" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval.to", message: "only a delegation names a delegate" }]
    })
    // a deputy nobody delegated to
    expect(await rejection(wf.decide(dan, { decision: "approve" }))).toMatchObject({ _tag: "Forbidden" })
    expect(await storage.inspect.events(wf.id)).toEqual(before)

    const delegated = await wf.decide(alice, { decision: "delegate", to: "u-dan", comment: "on leave" })
    expect(delegated.events[1]).toMatchObject({
      type: "STEP_CONTRIBUTED",
      performedBy: "mo-alice",
      data: { contribution: { decision: "delegate", to: "u-dan", comment: "on leave" } }
    })
    const after = await storage.inspect.events(wf.id)
    expect(await rejection(wf.decide(alice, { decision: "approve" }))).toMatchObject({ _tag: "ValidationFailed" })
    expect(await rejection(wf.decide(carol, { decision: "delegate", to: "u-dan" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ message: "u-dan is already a delegate in this round" }]
    })
    expect(await rejection(wf.decide(dan, { decision: "delegate", to: "u-deb" }))).toMatchObject({
      _tag: "Forbidden",
      detail: "u-dan decides for mo-alice and cannot delegate again"
    })
    expect(await rejection(wf.decide(deb, { decision: "approve" }))).toMatchObject({ _tag: "Forbidden" })
    expect(await storage.inspect.events(wf.id)).toEqual(after)

    const byDelegate = await wf.decide(dan, { decision: "approve", comment: "checked for mo-alice" })
    expect(byDelegate.events[1]).toMatchObject({
      performedBy: "u-dan",
      data: { contribution: { decision: "approve", onBehalfOf: "mo-alice" } }
    })
    expect(wf.state.stepStates.approval?.status).toBe("collecting")
    expect(await rejection(wf.decide(dan, { decision: "approve" }))).toMatchObject({ _tag: "ValidationFailed" })
    await wf.decide(ava, { decision: "approve" })
    expect(wf.state.stepStates.approval?.data).toMatchObject({
      outcome: "approved",
      decidedBy: ["u-dan", "u-ava"],
      decisions: [
        { by: "mo-alice", decision: "delegate", to: "u-dan" },
        { by: "u-dan", decision: "approve", onBehalfOf: "mo-alice" },
        { by: "u-ava", decision: "approve" }
      ]
    })
  })

  it("a delegate must hold a delegate role, and a delegation does not survive into the next round", async () => {
    const { engine } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    await wf.decide(alice, { decision: "delegate", to: "u-vic" })
    expect(await rejection(wf.decide(vic, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      detail: expect.stringContaining("u-vic was delegated the decision of mo-alice but does not hold a delegate role")
    })
    await wf.decide(dan, { decision: "approve" }).then(
      () => expect.unreachable("dan was not delegated to"),
      (e: unknown) => expect(e).toMatchObject({ _tag: "Forbidden" })
    )
    await wf.decide(carol, { decision: "request_changes", comment: "fix the portfolio" })
    await wf.run(bob, "portfolio", { accessPoints: "541449000000000009" })
    // round 2: alice decides again herself; the old delegation names nobody
    await wf.decide(alice, { decision: "approve" })
    expect(await rejection(wf.decide(vic, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      detail: "only market_ops, approver may decide on this step (u-vic is brp_viewer)"
    })
  })
})
