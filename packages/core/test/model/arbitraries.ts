/**
 * Random command sequences against the decider, for the property tests: each intent is turned
 * into a command for the current state (sometimes a valid one, sometimes not), decided, and — when
 * accepted — folded into an incrementally kept state.
 */
import { fc } from "@fast-check/vitest"
import { Result } from "effect"
import type { Command } from "../../src/Command.js"
import type { WorkflowEvent } from "../../src/Event.js"
import { decide, evolve, planRollback, type Template, type WorkflowState } from "../../src/index.js"
import { brpUser, command, type Envelope, reviewer, T0 } from "../fixtures/index.js"

/** What the random caller tries next. */
export type Intent =
  | { readonly k: "create" }
  | { readonly k: "start" }
  | {
      readonly k: "execute"
      readonly current: boolean
      readonly step: number
      readonly ok: boolean
      readonly country: string
      readonly kind: string
      readonly retryable: boolean
    }
  | { readonly k: "pause" }
  | { readonly k: "resume" }
  | { readonly k: "submit" }
  | { readonly k: "approve" }
  | { readonly k: "reject"; readonly step: number | null }
  | { readonly k: "rollback"; readonly step: number; readonly planned: boolean }
  | { readonly k: "compensate"; readonly correct: boolean; readonly step: number; readonly skipped: boolean }
  | { readonly k: "completeRollback" }
  | { readonly k: "fail"; readonly step: number | null }

const step = fc.nat({ max: 7 })

/** One intent; executing steps is the most frequent. */
export const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  { arbitrary: fc.constant({ k: "create" } as const), weight: 4 },
  { arbitrary: fc.constant({ k: "start" } as const), weight: 4 },
  {
    arbitrary: fc.record({
      k: fc.constant("execute" as const),
      current: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
      step,
      ok: fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, { arbitrary: fc.constant(false), weight: 1 }),
      country: fc.constantFrom("BE", "NL"),
      kind: fc.constantFrom("grid-user", "bsp"),
      retryable: fc.boolean()
    }),
    weight: 40
  },
  { arbitrary: fc.constant({ k: "pause" } as const), weight: 4 },
  { arbitrary: fc.constant({ k: "resume" } as const), weight: 4 },
  { arbitrary: fc.constant({ k: "submit" } as const), weight: 12 },
  { arbitrary: fc.constant({ k: "approve" } as const), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant("reject" as const), step: fc.option(step) }), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant("rollback" as const), step, planned: fc.boolean() }), weight: 12 },
  {
    arbitrary: fc.record({ k: fc.constant("compensate" as const), correct: fc.boolean(), step, skipped: fc.boolean() }),
    weight: 12
  },
  { arbitrary: fc.constant({ k: "completeRollback" } as const), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant("fail" as const), step: fc.option(step) }), weight: 1 }
)

/** A random session: intents and the milliseconds between commands (0 = same instant). */
export const sessionArb = fc.record({
  started: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
  intents: fc.array(intentArb, { minLength: 1, maxLength: 60, size: "max" }),
  gaps: fc.array(fc.constantFrom(0, 1, 250, 1000, 60_000), { minLength: 16, maxLength: 16 })
})

/** A random session. */
export type Session = typeof sessionArb extends fc.Arbitrary<infer A> ? A : never

/** One decided command of a run. */
export interface Step {
  readonly before: WorkflowState | undefined
  readonly command: Command
  readonly accepted: boolean
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly after: WorkflowState | undefined
}

/** The result of playing a session: every decision, the event log and the incrementally kept state. */
export interface Run {
  readonly steps: ReadonlyArray<Step>
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly state: WorkflowState | undefined
}

const toCommand = (
  intent: Intent,
  state: WorkflowState | undefined,
  events: ReadonlyArray<WorkflowEvent>,
  template: Template,
  envelope: Envelope
): Command => {
  const stepId = (i: number): string => template.steps[i % template.steps.length]?.id ?? "nowhere"
  const anyStep = (i: number): string => (i === 7 ? "not-a-step" : stepId(i))
  switch (intent.k) {
    case "create":
      return command(
        "CreateWorkflow",
        {
          instanceId: "wf-prop",
          tenantId: brpUser.tenantId,
          templateId: template.id,
          templateVersion: template.version,
          marketRole: template.marketRole ?? "BRP",
          metadata: { source: "property" }
        },
        envelope
      )
    case "start":
      return command("StartWorkflow", {}, envelope)
    case "execute": {
      const id = intent.current && state?.currentStepId != null ? state.currentStepId : anyStep(intent.step)
      const input = { country: intent.country, kind: intent.kind, accessPoints: "541449000000000001" }
      return command(
        "ExecuteStep",
        {
          stepId: id,
          input,
          outcome: intent.ok
            ? { _tag: "Completed", output: { ...input, by: envelope.actor.userId } }
            : {
                _tag: "Failed",
                error: { message: "downstream unavailable", code: "E503", retryable: intent.retryable }
              }
        },
        envelope
      )
    }
    case "pause":
      return command("PauseWorkflow", { reason: "waiting for documents" }, envelope)
    case "resume":
      return command("ResumeWorkflow", {}, envelope)
    case "submit":
      return command("SubmitWorkflow", {}, envelope)
    case "approve":
      return command("ApproveWorkflow", { comment: "ok" }, { ...envelope, actor: reviewer })
    case "reject":
      return command(
        "RejectWorkflow",
        intent.step === null ? { reason: "incomplete" } : { reason: "fix it", toStepId: anyStep(intent.step) },
        { ...envelope, actor: reviewer }
      )
    case "rollback": {
      const to = anyStep(intent.step)
      const plan = state === undefined ? undefined : planRollback(state, events, to)
      if (intent.planned && plan !== undefined && Result.isSuccess(plan)) {
        return command(
          "BeginRollback",
          { toStepId: to, compensate: plan.success.compensations.map((c) => c.stepId), reset: plan.success.reset },
          envelope
        )
      }
      return command("BeginRollback", { toStepId: to, compensate: [anyStep(intent.step + 1)], reset: [] }, envelope)
    }
    case "compensate": {
      const next = state?.rollback?.pending[0]
      const id = intent.correct && next !== undefined ? next : anyStep(intent.step)
      return command("CompensateStep", { stepId: id, skipped: intent.skipped, result: { undone: id } }, envelope)
    }
    case "completeRollback":
      return command("CompleteRollback", {}, envelope)
    case "fail":
      return command(
        "FailWorkflow",
        intent.step === null ? { reason: "timeout" } : { reason: "error", stepId: anyStep(intent.step) },
        envelope
      )
  }
}

/** Plays a session against the decider on `template`, keeping the state incrementally. */
export const play = (session: Session, template: Template): Run => {
  let state: WorkflowState | undefined
  let ms = Date.parse(T0)
  const events: Array<WorkflowEvent> = []
  const steps: Array<Step> = []
  // Every session begins with a create, and most with a start, so that most of them get somewhere.
  const intents: ReadonlyArray<Intent> = [
    { k: "create" },
    ...(session.started ? [{ k: "start" } as const] : []),
    ...session.intents
  ]
  intents.forEach((intent, i) => {
    ms += session.gaps[i % session.gaps.length] ?? 0
    const envelope: Envelope = { actor: brpUser, expectedVersion: state?.version ?? 0, at: new Date(ms).toISOString() }
    const cmd = toCommand(intent, state, events, template, envelope)
    const decision = decide(state, cmd, template)
    const before = state
    if (Result.isSuccess(decision)) {
      for (const event of decision.success) {
        state = evolve(state, event)
        events.push(event)
      }
    }
    steps.push({
      before,
      command: cmd,
      accepted: Result.isSuccess(decision),
      events: Result.isSuccess(decision) ? decision.success : [],
      after: state
    })
  })
  return { steps, events, state }
}
