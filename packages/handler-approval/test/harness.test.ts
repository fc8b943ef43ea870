/**
 * The handler on core's plugin harness (`runStep`, `checkStepInput`, `validateStep`,
 * `compensateStep`): rules that need a particular state or config, without a whole workflow.
 */
import { isStepResult, type Json, type WorkflowState } from "@workflow-manager/core"
import { checkStepInput, compensateStep, runStep, validateStep } from "@workflow-manager/core/testing"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { approvalHandler } from "../src/index.js"
import { alice, ann, carol } from "./fixtures.js"

const at = "2026-11-26T09:00:00.000Z"

/** An instance at its approval step (entered at sequence 7), portfolio entered by u-bob. */
const stateWith = (patch: Partial<WorkflowState> = {}): WorkflowState => ({
  schemaVersion: 1,
  instanceId: "wf-1",
  tenantId: "engie-be",
  templateId: "brp-onboarding",
  templateVersion: 1,
  marketRole: "BRP",
  status: "IN_PROGRESS",
  currentStepId: "approval",
  entered: { sequence: 7, at },
  stepStates: {
    portfolio: { status: "completed", attempts: 1, data: { ean: "541449000000000001" }, completedBy: "u-bob" }
  },
  metadata: {},
  version: 7,
  createdAt: at,
  createdBy: "u-bob",
  updatedAt: at,
  ...patch
})

const run = (config: unknown, input: unknown, actor = alice, state = stateWith()) =>
  Effect.runPromise(
    Effect.flip(runStep(approvalHandler, { config, input, actor, state, stepId: "approval", at })).pipe(
      Effect.map((error) => ({ failed: error as unknown })),
      Effect.orElseSucceed(() => ({ failed: undefined }))
    )
  )

const result = (config: unknown, input: unknown, actor = alice, state = stateWith()) =>
  Effect.runPromise(runStep(approvalHandler, { config, input, actor, state, stepId: "approval", at }))

describe("on the harness", () => {
  it("a quorum of 1 completes on the first approval; defaults approve every other step holding data", async () => {
    const value = await result({ approverRoles: ["market_ops"] }, { decision: "approve" })
    expect(isStepResult(value) && value.output).toEqual({
      outcome: "approved",
      decidedBy: ["mo-alice"],
      decisions: [{ by: "mo-alice", at, decision: "approve" }],
      approves: ["portfolio"],
      entry: 7
    })
    expect(isStepResult(value) && value.contribution).toEqual({ decision: "approve", entry: 7 })
  })

  it("an approvers list closes the set of deciders (M) to the users named", async () => {
    const config = { approverRoles: ["market_ops"], approvers: ["mo-carol"] }
    expect((await run(config, { decision: "approve" })).failed).toMatchObject({
      _tag: "StepRefused",
      reason: "forbidden",
      message: "mo-alice is not one of the approvers of this step"
    })
    expect(isStepResult(await result(config, { decision: "approve" }, carol))).toBe(true)
  })

  it("contributions of an earlier entry, or that are not approval decisions, do not count", async () => {
    const state = stateWith({
      stepStates: {
        ...stateWith().stepStates,
        approval: {
          status: "collecting",
          attempts: 3,
          contributions: [
            { attempt: 1, by: "mo-alice", at, contribution: { decision: "approve", entry: 3 } },
            { attempt: 2, by: "mo-carol", at, contribution: { something: "else" } as Json },
            { attempt: 3, by: "u-ann", at, contribution: { decision: "approve", entry: 7 } }
          ]
        }
      }
    })
    const config = { approverRoles: ["market_ops", "approver"], quorum: 3 }
    const value = await result(config, { decision: "approve" }, alice, state)
    expect(isStepResult(value) && value.output).toBeUndefined()
    expect((await run(config, { decision: "approve" }, ann, state)).failed).toMatchObject({ reason: "invalid" })
  })

  it("four-eyes covers contributors to the approved steps, and only the configured ones when `approves` is set", async () => {
    const state = stateWith({
      stepStates: {
        ...stateWith().stepStates,
        "company-info": {
          status: "completed",
          attempts: 2,
          data: {},
          completedBy: "u-bob",
          contributions: [{ attempt: 1, by: "mo-alice", at, contribution: {} }]
        }
      }
    })
    expect((await run({ approverRoles: ["market_ops"] }, { decision: "approve" }, alice, state)).failed).toMatchObject({
      reason: "forbidden",
      message:
        "four-eyes: mo-alice contributed to step company-info, whose data is approved here and may not decide on it"
    })
    const onlyPortfolio = { approverRoles: ["market_ops"], approves: ["portfolio"] }
    expect(isStepResult(await result(onlyPortfolio, { decision: "approve" }, alice, state))).toBe(true)
  })

  it("checkInput: delegation must be allowed; the comment rule follows requireComment", async () => {
    const check = (config: unknown, input: unknown) =>
      Effect.runPromise(checkStepInput(approvalHandler, { config, input, actor: alice, state: stateWith() }))
    expect(await check({ approverRoles: ["market_ops"] }, { decision: "delegate", to: "u-dan" })).toEqual([
      { path: "decision", message: "this step does not allow delegation" }
    ])
    expect(await check({ approverRoles: ["market_ops"] }, { decision: "reject" })).toEqual([
      { path: "comment", message: "a comment is required to reject" }
    ])
    expect(await check({ approverRoles: ["market_ops"], requireComment: false }, { decision: "reject" })).toEqual([])
  })

  it("validate accepts only an approved outcome; compensate reads a foreign output as nothing to revoke", async () => {
    const config = { approverRoles: ["market_ops"] }
    const approved = { outcome: "approved", decidedBy: ["mo-alice"], decisions: [], approves: [], entry: 7 }
    expect(await Effect.runPromise(validateStep(approvalHandler, { config, input: null, output: approved }))).toEqual(
      []
    )
    expect(
      await Effect.runPromise(validateStep(approvalHandler, { config, input: null, output: { outcome: "maybe" } }))
    ).toEqual([{ path: "outcome", message: "the approval has no decision" }])
    expect(
      await Effect.runPromise(
        compensateStep(approvalHandler, { config, input: null, output: "garbage", actor: carol, at })
      )
    ).toEqual({ revoked: [], outcome: null, revokedAt: at, revokedBy: "mo-carol" })
  })
})
