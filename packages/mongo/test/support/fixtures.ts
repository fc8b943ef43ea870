/**
 * Histories built through core's real decider: a three-step template, an actor, and the events and
 * state of an instance created, started and advanced by some steps.
 */
import { randomUUID } from "node:crypto"
import {
  type Actor,
  type Command,
  decide,
  fold,
  type Template,
  type WorkflowEvent,
  type WorkflowState
} from "@workflow-manager/core"
import { Result } from "effect"

export const uuid = (): string => randomUUID()

export const template = (id: string, stepIds: ReadonlyArray<string> = ["one", "two", "three"]): Template => ({
  schemaVersion: 1,
  id,
  version: 1,
  name: "Mongo test template",
  marketRole: "BRP",
  steps: stepIds.map((step) => ({ id: step, type: "record", config: {} }))
})

export const actorOf = (tenantId: string): Actor => ({
  userId: `user-${tenantId.slice(0, 8)}`,
  tenantId,
  role: "tenant_admin",
  permissions: []
})

export const instant = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString()

export type Step = (state: WorkflowState | undefined) => Command

/** The commands that create an instance, start it and complete `steps` steps (outputs given). */
export const progress = (
  t: Template,
  input: { readonly instanceId: string; readonly tenantId: string; readonly steps: number; readonly output?: unknown }
): ReadonlyArray<Step> => {
  const actor = actorOf(input.tenantId)
  const env = (state: WorkflowState | undefined, i: number) => ({
    actor,
    expectedVersion: state?.version ?? 0,
    at: instant(i)
  })
  return [
    (s) => ({
      _tag: "CreateWorkflow",
      ...env(s, 0),
      instanceId: input.instanceId,
      tenantId: input.tenantId,
      templateId: t.id,
      templateVersion: t.version,
      marketRole: "BRP"
    }),
    (s) => ({ _tag: "StartWorkflow", ...env(s, 1) }),
    ...t.steps.slice(0, input.steps).map(
      (step, i): Step =>
        (s) =>
          ({
            _tag: "ExecuteStep",
            ...env(s, 2 + i),
            stepId: step.id,
            input: { n: i },
            outcome: { _tag: "Completed", output: (input.output ?? { step: step.id, n: i }) as never }
          }) as Command
    )
  ]
}

/** One commit per command: its events, the expected version and the state after it. */
export interface Commit {
  readonly events: ReadonlyArray<WorkflowEvent>
  readonly expectedVersion: number
  readonly state: WorkflowState
}

export const commits = (t: Template, steps: ReadonlyArray<Step>): ReadonlyArray<Commit> => {
  let state: WorkflowState | undefined
  const out: Array<Commit> = []
  for (const make of steps) {
    const decided = decide(state, make(state), t)
    if (Result.isFailure(decided)) throw decided.failure
    const expectedVersion = state?.version ?? 0
    state = fold(decided.success, state) as WorkflowState
    out.push({ events: decided.success, expectedVersion, state })
  }
  return out
}
