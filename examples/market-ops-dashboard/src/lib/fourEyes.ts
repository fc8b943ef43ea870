/**
 * Four eyes on an approval step, as the approval handler applies it: who may decide (the roles the
 * step's `approverRoles` names, a quorum of distinct approvers), and who may not — the workflow's
 * creator, its submitter and the authors of the approved steps' data (unless `fourEyes: false`).
 */
import type { StepState, WorkflowState } from "./types.ts"

export interface FourEyes {
  readonly roles: ReadonlyArray<string>
  readonly quorum: number
  readonly fourEyes: boolean
  /** The steps whose data is approved. */
  readonly approves: ReadonlyArray<string>
  /** The people excluded, each with why. */
  readonly excluded: ReadonlyArray<{ readonly userId: string; readonly why: string }>
}

const strings = (value: unknown): ReadonlyArray<string> => (Array.isArray(value) ? value.map(String) : [])

/** The four-eyes rule of an approval step over a workflow's state. */
export const fourEyesOf = (
  stepId: string,
  config: Record<string, unknown>,
  state: Pick<WorkflowState, "createdBy" | "submittedBy" | "steps">
): FourEyes => {
  const fourEyes = config.fourEyes !== false
  const approves =
    config.approves === undefined
      ? state.steps.filter((s) => s.stepId !== stepId && s.data !== null && s.data !== undefined).map((s) => s.stepId)
      : strings(config.approves)
  const excluded: Array<{ userId: string; why: string }> = []
  const add = (userId: string | null | undefined, why: string) => {
    if (userId === null || userId === undefined) return
    const known = excluded.find((e) => e.userId === userId)
    if (known === undefined) excluded.push({ userId, why })
    else if (!known.why.includes(why)) excluded[excluded.indexOf(known)] = { userId, why: `${known.why}, ${why}` }
  }
  if (fourEyes) {
    add(state.createdBy, "created the workflow")
    add(state.submittedBy, "submitted it")
    for (const id of approves) {
      const step: StepState | undefined = state.steps.find((s) => s.stepId === id)
      add(step?.completedBy, `filled in “${id}”`)
    }
  }
  return {
    roles: strings(config.approverRoles),
    quorum: typeof config.quorum === "number" ? config.quorum : 1,
    fourEyes,
    approves,
    excluded
  }
}
