/**
 * One decision on an approval step, in the order the rules are checked: the decider's standing
 * (eligible approver or delegate, else `forbidden`), four-eyes (`forbidden`), one decision per
 * person per round (`invalid`), then the decision itself — a delegation (bounded: one level, one
 * delegation per delegate, four-eyes on the delegate), an approval that may reach the quorum, or a
 * rejection / request for changes that decides at once.
 */
import { completeStep, contributeStep, type Json, type StepContext, StepRefused } from "@workflow-manager/core"
import { Effect } from "effect"
import type { ApprovalInput } from "../ApprovalInput.js"
import type { ApprovalContribution, ApprovalOutcome, ApprovalOutput, DecisionRecord } from "../ApprovalRecord.js"
import { currentRound, entryOf } from "./round.js"
import type { Settings } from "./settings.js"
import { approvedSteps, fourEyesProblem, standingOf } from "./standing.js"

const refuse = (reason: "forbidden" | "invalid", message: string, path?: string) =>
  Effect.fail(new StepRefused({ reason, message, ...(path === undefined ? {} : { issues: [{ path, message }] }) }))

const outcomes = { approve: "approved", reject: "rejected", request_changes: "changes_requested" } as const

export const decide = (settings: Settings, input: ApprovalInput, context: StepContext) =>
  Effect.suspend(() => {
    const { state, stepId, actor } = context
    const me = actor.userId
    const round = currentRound(state, stepId)
    const standing = standingOf(settings, actor, round)
    if (standing._tag === "None") return refuse("forbidden", standing.reason)
    const approves = approvedSteps(settings, state, stepId)
    const conflict = settings.fourEyes ? fourEyesProblem(state, approves, me) : undefined
    if (conflict !== undefined) return refuse("forbidden", `four-eyes: ${conflict} and may not decide on it`)
    if (round.some((d) => d.by === me)) {
      return refuse("invalid", `${me} has already decided in this round (one decision per person)`)
    }
    const entry = entryOf(state)
    const onBehalfOf = standing._tag === "Delegate" ? { onBehalfOf: standing.onBehalfOf } : {}
    const comment = input.comment === undefined ? {} : { comment: input.comment }
    if (input.decision === "delegate") {
      const to = input.to as string
      if (standing._tag === "Delegate") {
        return refuse("forbidden", `${me} decides for ${standing.onBehalfOf} and cannot delegate again`)
      }
      if (to === me) return refuse("invalid", "an approver cannot delegate to themselves", "to")
      if (round.some((d) => d.by === to)) return refuse("invalid", `${to} has already decided in this round`, "to")
      if (round.some((d) => d.decision === "delegate" && d.to === to)) {
        return refuse("invalid", `${to} is already a delegate in this round`, "to")
      }
      const delegateConflict = settings.fourEyes ? fourEyesProblem(state, approves, to) : undefined
      if (delegateConflict !== undefined) {
        return refuse("forbidden", `four-eyes: ${delegateConflict} and may not be delegated the decision`)
      }
      const delegation: ApprovalContribution = { decision: "delegate", entry, to, ...comment }
      return Effect.succeed(contributeStep(delegation as Json))
    }
    const contribution: ApprovalContribution = { decision: input.decision, entry, ...comment, ...onBehalfOf }
    const mine: DecisionRecord = { by: me, at: context.at, decision: input.decision, ...comment, ...onBehalfOf }
    const decisions = [...round, mine]
    const approvers = decisions.filter((d) => d.decision === "approve").map((d) => d.by)
    if (input.decision === "approve" && approvers.length < settings.quorum) {
      return Effect.succeed(contributeStep(contribution as Json))
    }
    const outcome: ApprovalOutcome = outcomes[input.decision]
    const output: ApprovalOutput = {
      outcome,
      decidedBy: outcome === "approved" ? approvers : [me],
      decisions,
      approves,
      entry
    }
    return Effect.succeed(completeStep(output as unknown as Json, { contribution: contribution as Json }))
  })
