/**
 * The approval step through a real engine on the memory storage: four-eyes, the quorum of distinct
 * eligible approvers, one decision per person, request for changes routed back with a fresh round,
 * rejection, revocation on rollback, delegation and its bounds. Every refusal records nothing.
 */
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ApprovalRevocation } from "../src/index.js"
import {
  alice,
  ann,
  ava,
  bob,
  carol,
  dan,
  instance,
  makeEngine,
  onboarding,
  outputOf,
  rejection,
  types,
  vic
} from "./fixtures.js"

describe("four-eyes", () => {
  it("refuses the creator, the author of the approved data and the submitter, recording nothing", async () => {
    const { engine, storage } = await makeEngine()
    // ann (an approver) created the instance; ava (an approver) entered the portfolio
    const wf = await instance(engine, ann)
    await wf.run(bob, "company-info", { companyName: "Engie Belgium" })
    await wf.run(ava, "portfolio", { accessPoints: "541449000000000001" })
    const before = await storage.inspect.events(wf.id)
    expect(await rejection(wf.decide(ann, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      reason: "NotPermitted",
      detail: "four-eyes: u-ann created this workflow and may not decide on it"
    })
    expect(await rejection(wf.decide(ava, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      reason: "NotPermitted",
      detail: "four-eyes: u-ava completed step portfolio, whose data is approved here and may not decide on it"
    })
    expect(await storage.inspect.events(wf.id)).toEqual(before)
    expect(wf.state.stepStates.approval).toBeUndefined()

    // approved by the operator, activated, submitted by carol's colleague... here: submitted by a third approver
    await wf.decide(alice, { decision: "approve" })
    await wf.decide(carol, { decision: "approve" })
    await wf.run(bob, "activation", {})
    const submitter = { ...ava, userId: "u-sam" }
    wf.state = (await engine.submit({ actor: submitter, instanceId: wf.id, expectedVersion: wf.state.version })).state
    // the final review sends it back to the approval step: a new round, the submitter may not decide
    wf.state = (
      await engine.reject({
        actor: alice,
        instanceId: wf.id,
        expectedVersion: wf.state.version,
        reason: "second look",
        toStepId: "approval"
      })
    ).state
    expect([wf.state.status, wf.state.currentStepId, wf.state.submittedBy]).toEqual([
      "IN_PROGRESS",
      "approval",
      "u-sam"
    ])
    const rejected = await storage.inspect.events(wf.id)
    expect(await rejection(wf.decide(submitter, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      reason: "NotPermitted",
      detail: "four-eyes: u-sam submitted this workflow and may not decide on it"
    })
    expect(await storage.inspect.events(wf.id)).toEqual(rejected)
    // alice's approval of the earlier round does not count, and she may decide again
    const again = await wf.decide(alice, { decision: "approve" })
    expect(types(again.events)).toEqual(["STEP_STARTED", "STEP_CONTRIBUTED"])
    expect(wf.state.stepStates.approval?.status).toBe("collecting")
  })

  it("can be turned off by the step's config (one decision per person still holds)", async () => {
    const template = {
      ...onboarding,
      id: "no-four-eyes",
      steps: onboarding.steps.map((s) =>
        s.id === "approval" ? { ...s, config: { approverRoles: ["approver"], fourEyes: false } } : s
      )
    }
    const { engine } = await makeEngine({ templates: [template] })
    const wf = await instance(engine, ann, "no-four-eyes")
    await wf.fill(ann)
    const done = await wf.decide(ann, { decision: "approve" })
    expect(outputOf(done.state).decidedBy).toEqual(["u-ann"])
  })
})

describe("quorum of 2", () => {
  it("is reached only by 2 distinct eligible approvers; the step stays collecting until then", async () => {
    const { engine, storage } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    const first = await wf.decide(alice, { decision: "approve", comment: "documents complete" })
    expect(types(first.events)).toEqual(["STEP_STARTED", "STEP_CONTRIBUTED"])
    expect(first.events[1]).toMatchObject({
      performedBy: "mo-alice",
      data: { contribution: { decision: "approve", comment: "documents complete" } }
    })
    const collecting = await storage.inspect.events(wf.id)
    // the same approver twice
    expect(await rejection(wf.decide(alice, { decision: "approve" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval", message: "mo-alice has already decided in this round (one decision per person)" }]
    })
    // an ineligible role; a deputy nobody delegated to
    expect(await rejection(wf.decide(vic, { decision: "approve" }))).toMatchObject({
      _tag: "Forbidden",
      detail: "only market_ops, approver may decide on this step (u-vic is brp_viewer)"
    })
    expect(await rejection(wf.decide(dan, { decision: "approve" }))).toMatchObject({ _tag: "Forbidden" })
    expect(await storage.inspect.events(wf.id)).toEqual(collecting)
    expect(wf.state.stepStates.approval).toMatchObject({ status: "collecting", contributions: [{ by: "mo-alice" }] })
    expect(wf.state.currentStepId).toBe("approval")

    const second = await wf.decide(ann, { decision: "approve" })
    expect(types(second.events)).toEqual(["STEP_STARTED", "STEP_CONTRIBUTED", "STEP_COMPLETED"])
    expect(wf.state.currentStepId).toBe("activation")
    expect(wf.state.stepStates.approval).toMatchObject({
      status: "completed",
      completedBy: "u-ann",
      data: {
        outcome: "approved",
        decidedBy: ["mo-alice", "u-ann"],
        approves: ["company-info", "portfolio"],
        decisions: [
          { by: "mo-alice", decision: "approve", comment: "documents complete" },
          { by: "u-ann", decision: "approve" }
        ]
      }
    })
    const log = await storage.inspect.events(wf.id)
    expect(log.filter((e) => e.type === "STEP_CONTRIBUTED").map((e) => e.performedBy)).toEqual(["mo-alice", "u-ann"])
    // the approved instance submits: validate accepts an approved step
    await wf.run(bob, "activation", {})
    const submitted = await engine.submit({ actor: bob, instanceId: wf.id, expectedVersion: wf.state.version })
    expect(submitted.state.status).toBe("SUBMITTED")
  })
})

describe("concurrent decisions", () => {
  it("two approvals at the same version: one is recorded, the other is a conflict and counts nothing", async () => {
    const { engine, storage } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    const at = wf.state.version
    const decide = (actor: typeof alice) =>
      engine.executeStep({
        actor,
        instanceId: wf.id,
        expectedVersion: at,
        stepId: "approval",
        input: { decision: "approve" }
      })
    const results = await Promise.allSettled([decide(alice), decide(carol)])
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"])
    const lost = results.find((r) => r.status === "rejected")
    expect(lost?.status === "rejected" && lost.reason).toMatchObject({
      _tag: "StorageError",
      reason: { _tag: "Conflict" }
    })
    const log = await storage.inspect.events(wf.id)
    expect(log.filter((e) => e.type === "STEP_CONTRIBUTED")).toHaveLength(1)
    const state = await engine.get({ actor: alice, instanceId: wf.id })
    expect(state.stepStates.approval?.status).toBe("collecting")
  })
})

describe("request changes", () => {
  it("routes back to the data step; when it is corrected, round 2 needs fresh decisions", async () => {
    const { engine, storage } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    await wf.decide(alice, { decision: "approve" })
    expect(await rejection(wf.decide(carol, { decision: "request_changes" }))).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval.comment", message: "a comment is required to request changes" }]
    })
    expect(await rejection(wf.decide(carol, { decision: "request_changes", comment: "   " }))).toMatchObject({
      _tag: "ValidationFailed"
    })
    const asked = await wf.decide(carol, { decision: "request_changes", comment: "the Ghent site is missing" })
    expect(types(asked.events)).toEqual(["STEP_STARTED", "STEP_CONTRIBUTED", "STEP_COMPLETED"])
    expect(asked.events[2]).toMatchObject({ data: { nextStepId: "portfolio" } })
    const round1 = outputOf(wf.state)
    expect(round1).toMatchObject({
      outcome: "changes_requested",
      decidedBy: ["mo-carol"],
      decisions: [
        { by: "mo-alice", decision: "approve" },
        { by: "mo-carol", decision: "request_changes", comment: "the Ghent site is missing" }
      ]
    })
    expect(wf.state.currentStepId).toBe("portfolio")

    await wf.run(bob, "portfolio", { accessPoints: "541449000000000001,541449000000000002" })
    expect(wf.state.currentStepId).toBe("approval")
    // whatever core keeps of round 1's contributions, they belong to the earlier entry and do not count
    const kept = wf.state.stepStates.approval?.contributions ?? []
    expect(kept.every((c) => (c.contribution as { entry?: unknown }).entry === round1.entry)).toBe(true)
    expect(wf.state.entered?.sequence).toBeGreaterThan(round1.entry)
    const fresh = await wf.decide(alice, { decision: "approve" })
    expect(types(fresh.events)).toEqual(["STEP_STARTED", "STEP_CONTRIBUTED"])
    expect(wf.state.stepStates.approval?.status).toBe("collecting")
    expect(await rejection(wf.decide(alice, { decision: "approve" }))).toMatchObject({ _tag: "ValidationFailed" })
    await wf.decide(carol, { decision: "approve", comment: "now complete" })
    const round2 = outputOf(wf.state)
    expect(round2).toMatchObject({ outcome: "approved", decidedBy: ["mo-alice", "mo-carol"] })
    expect(round2.decisions.map((d) => d.decision)).toEqual(["approve", "approve"])
    expect(round2.entry).toBeGreaterThan(round1.entry)
    expect(wf.state.currentStepId).toBe("activation")
    const log = await storage.inspect.events(wf.id)
    expect(log.filter((e) => e.type === "STEP_CONTRIBUTED")).toHaveLength(4)
  })
})

describe("reject", () => {
  it("decides at once, routes to the closing step, and an instance whose approval was rejected cannot be submitted", async () => {
    const { engine } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    await wf.decide(alice, { decision: "approve" })
    const rejected = await wf.decide(carol, { decision: "reject", comment: "solvency not proven" })
    expect(rejected.events[2]).toMatchObject({ type: "STEP_COMPLETED", data: { nextStepId: "closing" } })
    expect(wf.state.stepStates.approval?.data).toMatchObject({
      outcome: "rejected",
      decidedBy: ["mo-carol"],
      decisions: [{ by: "mo-alice" }, { by: "mo-carol", decision: "reject", comment: "solvency not proven" }]
    })
    await wf.run(bob, "closing", { note: "applicant informed" })
    expect(wf.state.status).toBe("AWAITING_VALIDATION")
    expect(
      await rejection(engine.submit({ actor: bob, instanceId: wf.id, expectedVersion: wf.state.version }))
    ).toMatchObject({
      _tag: "ValidationFailed",
      issues: [{ path: "approval.outcome", message: "the approval ended rejected, not approved" }]
    })
  })
})

describe("rollback", () => {
  it("compensates the approval step: the recorded approvals are revoked (who, when) and a new round starts", async () => {
    const { engine, storage } = await makeEngine()
    const wf = await instance(engine)
    await wf.fill()
    const first = await wf.decide(alice, { decision: "approve" })
    const second = await wf.decide(carol, { decision: "approve" })
    expect(wf.state.currentStepId).toBe("activation")
    const rolled = await engine.rollback({
      actor: alice,
      instanceId: wf.id,
      expectedVersion: wf.state.version,
      toStepId: "portfolio"
    })
    wf.state = rolled.state
    const compensated = rolled.events.find((e) => e.type === "STEP_COMPENSATED")
    const at = (r: typeof first) => r.events.find((e) => e.type === "STEP_CONTRIBUTED")?.occurredAt
    expect(compensated).toMatchObject({ stepId: "approval", data: { skipped: false } })
    if (compensated?.type !== "STEP_COMPENSATED") throw new Error("no STEP_COMPENSATED")
    const revocation = Schema.decodeUnknownSync(ApprovalRevocation)(compensated.data.result)
    expect(revocation).toEqual({
      revoked: [
        { by: "mo-alice", at: at(first), decision: "approve" },
        { by: "mo-carol", at: at(second), decision: "approve" }
      ],
      outcome: "approved",
      revokedAt: expect.any(String),
      revokedBy: "mo-alice"
    })
    // the compensation's own instant: after the last approval, not after its STEP_COMPENSATED
    const revokedAt = Date.parse(revocation.revokedAt)
    expect(revokedAt).toBeGreaterThanOrEqual(Date.parse(at(second) ?? ""))
    expect(revokedAt).toBeLessThanOrEqual(Date.parse(compensated.occurredAt))
    expect(wf.state.stepStates.approval).toMatchObject({ status: "compensated" })
    expect(wf.state.stepStates.approval?.contributions).toBeUndefined()
    expect(wf.state.stepStates.approval?.data).toBeUndefined()
    // the portfolio is current again; once corrected, the approval needs two new decisions
    await wf.run(bob, "portfolio", { accessPoints: "541449000000000003" })
    await wf.decide(alice, { decision: "approve" })
    expect(wf.state.stepStates.approval?.status).toBe("collecting")
    expect((await storage.inspect.events(wf.id)).filter((e) => e.type === "STEP_COMPENSATED")).toHaveLength(1)
  })
})
