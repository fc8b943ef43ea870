/**
 * The template's Mermaid flowchart (`Template.mermaid`, core's `toMermaid`: one node `s_<step id>`
 * per step) with the workflow drawn on it: the current step highlighted, completed steps marked,
 * compensated ones dashed. The text alternative lists the same.
 */
import type { StepState } from "./types.ts"

/** The node id core's `toMermaid` gives a step. */
export const nodeIdOf = (stepId: string): string => `s_${stepId.replace(/[^A-Za-z0-9_]/g, "_")}`

const CLASSES = [
  "  classDef current fill:#fde68a,stroke:#92400e,stroke-width:4px,color:#111827",
  "  classDef done fill:#dcfce7,stroke:#166534,stroke-width:2px,color:#111827",
  "  classDef compensated fill:#f1f5f9,stroke:#475569,stroke-width:2px,stroke-dasharray:5 3,color:#111827"
]

/** The diagram source with the workflow's steps classed. */
export const highlight = (
  mermaid: string,
  currentStepId: string | null,
  steps: ReadonlyArray<Pick<StepState, "stepId" | "status">>
): string => {
  const lines = [mermaid.trimEnd(), ...CLASSES]
  for (const step of steps) {
    if (step.stepId === currentStepId) continue
    if (step.status === "completed") lines.push(`  class ${nodeIdOf(step.stepId)} done`)
    else if (step.status === "compensated") lines.push(`  class ${nodeIdOf(step.stepId)} compensated`)
  }
  if (currentStepId !== null) lines.push(`  class ${nodeIdOf(currentStepId)} current`)
  return `${lines.join("\n")}\n`
}
