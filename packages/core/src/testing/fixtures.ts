/**
 * Data the conformance suite and the plugin harness share: UUIDs from Effect's `Random`, instants,
 * events built through the real decider.
 *
 * @since 0.1.0
 */
import { Effect, Result } from "effect"
import type { Actor } from "../Actor.js"
import type { Command } from "../Command.js"
import { decide } from "../Decide.js"
import type { WorkflowEvent } from "../Event.js"
import { fold } from "../Evolve.js"
import { IdGenerator, uuidIdsLayer } from "../IdGenerator.js"
import type { WorkflowState } from "../State.js"
import type { Escalation, Template } from "../Template.js"

/** A fresh UUID v4 (from Effect's Random, so no clock or global randomness in core). */
export const uuid = (): string =>
  Effect.runSync(
    Effect.gen(function* () {
      const ids = yield* IdGenerator
      return yield* ids.next
    }).pipe(Effect.provide(uuidIdsLayer))
  )

/** A template with three steps of type `record` (see the suite's handler). */
export const conformanceTemplate = (id: string, version = 1): Template => ({
  schemaVersion: 1,
  id,
  version,
  name: "Conformance template",
  marketRole: "BRP",
  steps: [
    { id: "one", type: "record", config: {} },
    { id: "two", type: "record", config: {} },
    { id: "three", type: "record", config: {} }
  ]
})

/** The conformance template whose first step has one deadline that is due as soon as it is entered. */
export const dueDeadlineTemplate = (id: string, escalation: Escalation): Template => {
  const base = conformanceTemplate(id)
  return {
    ...base,
    steps: base.steps.map((s, i) =>
      i === 0 ? { ...s, deadlines: [{ id: "overdue", offset: "-PT1S", escalation }] } : s
    )
  }
}

/** An actor of a tenant. */
export const actorOf = (tenantId: string, role = "tenant_admin"): Actor => ({
  userId: `user-${tenantId.slice(0, 8)}`,
  tenantId,
  role,
  permissions: []
})

/** An ISO instant `seconds` after a fixed origin. */
export const instant = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString()

/** Runs commands through the decider and returns the events (and state) they produce. */
export const history = (
  template: Template,
  commands: ReadonlyArray<(state: WorkflowState | undefined) => Command>
): { readonly events: ReadonlyArray<WorkflowEvent>; readonly state: WorkflowState } => {
  let state: WorkflowState | undefined
  const events: Array<WorkflowEvent> = []
  for (const make of commands) {
    const decided = decide(state, make(state), template)
    if (Result.isFailure(decided)) throw decided.failure
    events.push(...decided.success)
    state = fold(decided.success, state)
  }
  return { events, state: state as WorkflowState }
}

/** The commands that create an instance, start it and complete `steps` of its steps. */
export const progress = (
  template: Template,
  input: { readonly instanceId: string; readonly tenantId: string; readonly steps: number; readonly at?: number }
): ReadonlyArray<(state: WorkflowState | undefined) => Command> => {
  const actor = actorOf(input.tenantId)
  const t = input.at ?? 0
  const env = (state: WorkflowState | undefined, i: number) => ({
    actor,
    expectedVersion: state?.version ?? 0,
    at: instant(t + i)
  })
  return [
    (s) => ({
      _tag: "CreateWorkflow",
      ...env(s, 0),
      instanceId: input.instanceId,
      tenantId: input.tenantId,
      templateId: template.id,
      templateVersion: template.version,
      marketRole: template.marketRole ?? "BRP"
    }),
    (s) => ({ _tag: "StartWorkflow", ...env(s, 1) }),
    ...template.steps.slice(0, input.steps).map(
      (step, i) =>
        (s: WorkflowState | undefined): Command => ({
          _tag: "ExecuteStep",
          ...env(s, 2 + i),
          stepId: step.id,
          input: { n: i },
          outcome: { _tag: "Completed", output: { step: step.id, n: i } }
        })
    )
  ]
}
